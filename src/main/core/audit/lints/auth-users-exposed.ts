/** 0002 auth_users_exposed (Supabase): a view over auth.users that the API roles can read leaks user emails and metadata. */
import { audited, exposed, exposedTo, type Lint } from '../lint';

export const authUsersExposed: Lint = {
  name: 'auth_users_exposed',
  title: 'Exposed auth users',
  level: 'ERROR',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'A view or materialized view over auth.users is reachable by the API roles: user emails, phone numbers and metadata leak to anyone holding anon or authenticated.',
  supabaseOnly: true,
  sql: `
SELECT format('%s %I.%I selects from auth.users and is reachable by %s.', CASE c.relkind WHEN 'm' THEN 'Materialized view' ELSE 'View' END,
              n.nspname, c.relname, ${exposedTo()}) AS detail,
       format('REVOKE ALL ON %I.%I FROM %s;', n.nspname, c.relname, ${exposedTo()}) AS remediation,
       jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', CASE c.relkind WHEN 'm' THEN 'materialized view' ELSE 'view' END) AS metadata,
       format('auth_users_exposed_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('v', 'm') AND ${audited('n.nspname')} AND ${exposed()} AND ${exposedTo()} IS NOT NULL
   AND EXISTS (SELECT 1 FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                WHERE r.ev_class = c.oid AND d.refobjid = to_regclass('auth.users'))`,
};
