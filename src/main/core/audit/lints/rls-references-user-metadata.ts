/** 0015 rls_references_user_metadata (Supabase): a policy trusting user_metadata, which every user can edit. */
import { audited, type Lint } from '../lint';

export const rlsReferencesUserMetadata: Lint = {
  name: 'rls_references_user_metadata',
  title: 'RLS references user metadata',
  level: 'ERROR',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'user_metadata in the JWT is editable by the user it belongs to: a policy that trusts it lets users grant themselves access. Use app_metadata.',
  supabaseOnly: true,
  sql: `
WITH p AS (
  SELECT n.nspname AS schema, c.relname AS tbl, p.polname,
         pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS chk
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE ${audited('n.nspname')}
)
SELECT format('Policy %I on %I.%I references user_metadata, which users can edit themselves.', polname, schema, tbl) AS detail,
       format('ALTER POLICY %I ON %I.%I%s%s;', polname, schema, tbl,
              CASE WHEN qual ILIKE '%user_metadata%' THEN ' USING (' || replace(qual, 'user_metadata', 'app_metadata') || ')' ELSE '' END,
              CASE WHEN chk ILIKE '%user_metadata%' THEN ' WITH CHECK (' || replace(chk, 'user_metadata', 'app_metadata') || ')' ELSE '' END) AS remediation,
       jsonb_build_object('schema', schema, 'name', tbl, 'type', 'table', 'policy', polname) AS metadata,
       format('rls_references_user_metadata_%s_%s_%s', schema, tbl, polname) AS cache_key
  FROM p
 WHERE qual ILIKE '%user_metadata%' OR chk ILIKE '%user_metadata%'`,
};
