/** 0017 foreign_table_in_api: foreign tables have no RLS; exposed ones are readable by the API roles. */
import { audited, exposed, exposedTo, type Lint } from '../lint';

export const foreignTableInApi: Lint = {
  name: 'foreign_table_in_api',
  title: 'Foreign table in API',
  level: 'WARN',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'Foreign tables cannot have row level security: one the API roles or PUBLIC can reach exposes the remote data.',
  sql: `
SELECT format('Foreign table %I.%I is reachable by %s.', n.nspname, c.relname, ${exposedTo()}) AS detail,
       format('REVOKE ALL ON %I.%I FROM %s;', n.nspname, c.relname, ${exposedTo()}) AS remediation,
       jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'foreign table') AS metadata,
       format('foreign_table_in_api_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'f' AND ${audited('n.nspname')} AND ${exposed()} AND ${exposedTo()} IS NOT NULL`,
};
