/** 0011 function_search_path_mutable: a function without a fixed search_path resolves names by the caller's path. */
import { audited, type Lint } from '../lint';

export const functionSearchPathMutable: Lint = {
  name: 'function_search_path_mutable',
  title: 'Function search_path mutable',
  level: 'WARN',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'A function without SET search_path resolves unqualified names through the caller\'s search_path: a caller can shadow a table or function with its own (dangerous for SECURITY DEFINER).',
  sql: `
SELECT format('Function %I.%I(%s) has a role mutable search_path.', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS detail,
       format('ALTER FUNCTION %I.%I(%s) SET search_path = pg_catalog, %I;', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), n.nspname) AS remediation,
       jsonb_build_object('schema', n.nspname, 'name', p.proname, 'type', 'function', 'security_definer', p.prosecdef) AS metadata,
       format('function_search_path_mutable_%s_%s_%s', n.nspname, p.proname, md5(pg_get_function_identity_arguments(p.oid))) AS cache_key
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE ${audited('n.nspname')} AND p.prokind IN ('f', 'p')
   AND NOT EXISTS (SELECT 1 FROM unnest(COALESCE(p.proconfig, '{}')) cfg WHERE cfg LIKE 'search_path=%')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`,
};
