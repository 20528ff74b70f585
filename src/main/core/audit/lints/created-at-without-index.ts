/** The manual's audit warning: a created_at column no valid index leads with ("missing index on created_at"). */
import { audited, type Lint } from '../lint';

export const createdAtWithoutIndex: Lint = {
  name: 'created_at_without_index',
  title: 'created_at without index',
  level: 'WARN',
  facing: 'EXTERNAL',
  categories: ['PERFORMANCE'],
  description: 'Recent-first lists, time ranges and retention deletes filter or sort on created_at; without an index leading with it they scan the whole table.',
  sql: `
SELECT format('Table ''%s'' missing index on created_at', CASE WHEN n.nspname = 'public' THEN c.relname::text ELSE n.nspname || '.' || c.relname END) AS detail,
       format('CREATE INDEX CONCURRENTLY %I ON %I.%I (created_at DESC);', left('idx_' || c.relname || '_created', 63), n.nspname, c.relname) AS remediation,
       jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table', 'column', a.attname) AS metadata,
       format('created_at_without_index_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE a.attname = 'created_at' AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND ${audited('n.nspname')}
   AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisvalid AND i.indkey[0] = a.attnum)`,
};
