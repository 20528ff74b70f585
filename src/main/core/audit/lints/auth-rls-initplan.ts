/** 0003 auth_rls_initplan (Supabase): auth.uid()/auth.jwt()/current_setting() in a policy re-evaluated for every row. */
import { audited, type Lint } from '../lint';

const CALL = `(auth\\.(uid|jwt|role|email)\\(\\)|current_setting\\([^()]*\\))`;
const BARE = `(?<!SELECT )${CALL}`;

export const authRlsInitplan: Lint = {
  name: 'auth_rls_initplan',
  title: 'Auth RLS initialization plan',
  level: 'WARN',
  facing: 'EXTERNAL',
  categories: ['PERFORMANCE'],
  description: 'A policy calls auth.<function>() or current_setting() directly, so it is evaluated once per row. Wrapped as (select auth.uid()) it is evaluated once per query.',
  supabaseOnly: true,
  sql: `
WITH p AS (
  SELECT n.nspname AS schema, c.relname AS tbl, p.polname,
         pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS chk
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE ${audited('n.nspname')}
)
SELECT format('Policy %I on %I.%I re-evaluates %s for each row.', polname, schema, tbl,
              (regexp_match(concat_ws(' ', qual, chk), '${BARE}'))[1]) AS detail,
       format('ALTER POLICY %I ON %I.%I%s%s;', polname, schema, tbl,
              CASE WHEN qual ~ '${BARE}' THEN ' USING (' || regexp_replace(qual, '${BARE}', '(select \\1)', 'g') || ')' ELSE '' END,
              CASE WHEN chk ~ '${BARE}' THEN ' WITH CHECK (' || regexp_replace(chk, '${BARE}', '(select \\1)', 'g') || ')' ELSE '' END) AS remediation,
       jsonb_build_object('schema', schema, 'name', tbl, 'type', 'table', 'policy', polname) AS metadata,
       format('auth_rls_init_plan_%s_%s_%s', schema, tbl, polname) AS cache_key
  FROM p
 WHERE qual ~ '${BARE}' OR chk ~ '${BARE}'`,
};
