/** 0004 no_primary_key: tables without a primary key (replication, deduplication and many tools need one). */
import { audited, type Lint } from '../lint';

export const noPrimaryKey: Lint = {
  name: 'no_primary_key',
  title: 'No primary key',
  level: 'INFO',
  facing: 'EXTERNAL',
  categories: ['PERFORMANCE'],
  description: 'Tables without a primary key cannot be replicated logically row by row and are hard to update or deduplicate safely.',
  sql: `
SELECT format('Table %I.%I has no primary key.', n.nspname, c.relname) AS detail,
       CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'id' AND NOT a.attisdropped)
            THEN format(E'-- if %I.%I.id is unique and not null:\\nALTER TABLE %I.%I ADD PRIMARY KEY (id);', n.nspname, c.relname, n.nspname, c.relname)
            ELSE format('ALTER TABLE %I.%I ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;', n.nspname, c.relname) END AS remediation,
       jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table') AS metadata,
       format('no_primary_key_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${audited('n.nspname')}
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')`,
};
