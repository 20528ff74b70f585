/** 0007 policy_exists_rls_disabled: policies were written but row level security is off, so none applies. */
import { audited, type Lint } from '../lint';

export const policyExistsRlsDisabled: Lint = {
  name: 'policy_exists_rls_disabled',
  title: 'Policy exists, RLS disabled',
  level: 'ERROR',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'The table has RLS policies but row level security is not enabled: the policies are ignored and every row is visible to whoever has table privileges.',
  sql: `
SELECT format('Table %I.%I has RLS policies (%s) but row level security is disabled.', n.nspname, c.relname,
              (SELECT string_agg(quote_ident(p.polname), ', ' ORDER BY p.polname) FROM pg_policy p WHERE p.polrelid = c.oid)) AS detail,
       format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY;', n.nspname, c.relname) AS remediation,
       jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table') AS metadata,
       format('policy_exists_rls_disabled_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND NOT c.relrowsecurity AND ${audited('n.nspname')}
   AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)`,
};
