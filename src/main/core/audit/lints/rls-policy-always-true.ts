/** 0024 rls_policy_always_true: a permissive policy for writes (or all commands) whose condition is literally true. */
import { audited, type Lint } from '../lint';

export const rlsPolicyAlwaysTrue: Lint = {
  name: 'rls_policy_always_true',
  title: 'RLS policy always true',
  level: 'WARN',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'A permissive policy with USING (true) or WITH CHECK (true) for INSERT, UPDATE, DELETE or ALL lets every role it applies to change every row: row level security is on in name only.',
  sql: `
SELECT format('Policy %I on %I.%I (%s) is always true: %s.', p.polname, n.nspname, c.relname,
              CASE p.polcmd WHEN '*' THEN 'ALL' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'SELECT' END,
              concat_ws(' and ', CASE WHEN pg_get_expr(p.polqual, p.polrelid) = 'true' THEN 'USING (true)' END,
                                 CASE WHEN pg_get_expr(p.polwithcheck, p.polrelid) = 'true' THEN 'WITH CHECK (true)' END)) AS detail,
       format(E'-- Replace the condition with the real rule (e.g. owner_id = current_user), or drop the policy:\\nDROP POLICY %I ON %I.%I;', p.polname, n.nspname, c.relname) AS remediation,
       jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table', 'policy', p.polname) AS metadata,
       format('rls_policy_always_true_%s_%s_%s', n.nspname, c.relname, p.polname) AS cache_key
  FROM pg_policy p
  JOIN pg_class c ON c.oid = p.polrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE p.polpermissive AND p.polcmd IN ('*', 'a', 'w', 'd') AND ${audited('n.nspname')}
   AND (pg_get_expr(p.polqual, p.polrelid) = 'true' OR pg_get_expr(p.polwithcheck, p.polrelid) = 'true')`,
};
