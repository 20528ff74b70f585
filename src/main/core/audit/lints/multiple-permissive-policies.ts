/** 0006 multiple_permissive_policies (Supabase): several permissive policies for one role and action are all evaluated. */
import { audited, type Lint } from '../lint';

export const multiplePermissivePolicies: Lint = {
  name: 'multiple_permissive_policies',
  title: 'Multiple permissive policies',
  level: 'WARN',
  facing: 'EXTERNAL',
  categories: ['PERFORMANCE'],
  description: 'Every permissive policy for a role and action is evaluated for every row; two or more should be one policy whose condition ORs theirs.',
  supabaseOnly: true,
  sql: `
WITH expanded AS (
  SELECT n.nspname AS schema, c.relname AS tbl, p.polname, p.polcmd, p.polroles,
         CASE WHEN r = 0 THEN 'public' ELSE (SELECT rolname FROM pg_roles WHERE oid = r) END AS role,
         unnest(CASE p.polcmd WHEN '*' THEN ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'] WHEN 'r' THEN ARRAY['SELECT']
                WHEN 'a' THEN ARRAY['INSERT'] WHEN 'w' THEN ARRAY['UPDATE'] ELSE ARRAY['DELETE'] END) AS action,
         pg_get_expr(p.polqual, p.polrelid) AS qual
    FROM pg_policy p
    JOIN pg_class c ON c.oid = p.polrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL unnest(p.polroles) r
   WHERE p.polpermissive AND ${audited('n.nspname')}
), grouped AS (
  SELECT schema, tbl, role, action, array_agg(polname ORDER BY polname) AS policies,
         array_agg(qual ORDER BY polname) AS quals,
         count(DISTINCT polcmd) = 1 AND count(DISTINCT polroles::text) = 1 AND bool_and(qual IS NOT NULL) AS mergeable
    FROM expanded GROUP BY 1, 2, 3, 4 HAVING count(*) > 1
)
SELECT format('Table %I.%I has %s permissive policies for role %s and %s: %s.', schema, tbl, cardinality(policies), role, action, array_to_string(policies, ', ')) AS detail,
       CASE WHEN mergeable
            THEN format(E'ALTER POLICY %I ON %I.%I USING (%s);\\n%s', policies[1], schema, tbl,
                        (SELECT string_agg('(' || q || ')', ' OR ') FROM unnest(quals) q),
                        (SELECT string_agg(format('DROP POLICY %I ON %I.%I;', x, schema, tbl), E'\\n') FROM unnest(policies[2:]) x))
            ELSE format('-- Merge %s into one policy per role and action whose condition ORs theirs, then drop the others.', array_to_string(policies, ', ')) END AS remediation,
       jsonb_build_object('schema', schema, 'name', tbl, 'type', 'table', 'role', role, 'action', action, 'policies', policies) AS metadata,
       format('multiple_permissive_policies_%s_%s_%s_%s', schema, tbl, role, action) AS cache_key
  FROM grouped`,
};
