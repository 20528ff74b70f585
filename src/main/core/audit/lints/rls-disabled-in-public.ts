/** 0013 rls_disabled_in_public: a table the API roles (anon/authenticated, or PUBLIC) can reach without RLS. */
import { audited, exposed, type Lint } from '../lint';

export const rlsDisabledInPublic: Lint = {
  name: 'rls_disabled_in_public',
  title: 'Table exposed without RLS',
  level: 'ERROR',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'A table that the API roles (anon, authenticated) or PUBLIC can read or write has row level security disabled: every row is reachable by anyone holding those roles.',
  sql: `
SELECT format('Table %I.%I is exposed (schema usage and table privileges for the API roles or PUBLIC) and row level security is disabled.', n.nspname, c.relname) AS detail,
       format(E'ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY;\\n-- then write its policies (CREATE POLICY ...), or if it must not be reachable: REVOKE ALL ON %I.%I FROM PUBLIC;',
              n.nspname, c.relname, n.nspname, c.relname) AS remediation,
       jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table') AS metadata,
       format('rls_disabled_in_public_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND NOT c.relrowsecurity AND ${audited('n.nspname')} AND ${exposed()}`,
};
