/** 0008 rls_enabled_no_policy: RLS on, no policy: every non-owner sees nothing (often unintended). */
import { audited, type Lint } from '../lint';

export const rlsEnabledNoPolicy: Lint = {
  name: 'rls_enabled_no_policy',
  title: 'RLS enabled, no policy',
  level: 'INFO',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'Row level security is enabled but the table has no policy: every role but the owner (and BYPASSRLS roles) sees and writes no rows. Write the policies, or make deny-all explicit.',
  sql: `
SELECT format('Table %I.%I has row level security enabled but no policy.', n.nspname, c.relname) AS detail,
       format(E'-- Write the real policies, e.g. CREATE POLICY ... USING (owner_id = current_user); or make deny-all explicit:\\nCREATE POLICY %I ON %I.%I AS RESTRICTIVE FOR ALL USING (false);',
              left(c.relname || '_deny_all', 63), n.nspname, c.relname) AS remediation,
       jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table') AS metadata,
       format('rls_enabled_no_policy_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity AND ${audited('n.nspname')}
   AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)`,
};
