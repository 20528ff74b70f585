/** 0010 security_definer_view: an exposed view that runs with its owner's rights (bypasses the caller's RLS). */
import { audited, exposed, type Lint } from '../lint';

export const securityDefinerView: Lint = {
  name: 'security_definer_view',
  title: 'Security definer view',
  level: 'ERROR',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'Views run with the permissions of their owner unless security_invoker is set (PostgreSQL 15+): an exposed view bypasses the row level security of the caller.',
  sql: `
SELECT format('View %I.%I is exposed and runs with its owner''s permissions (security_invoker is not set).', n.nspname, c.relname) AS detail,
       format('ALTER VIEW %I.%I SET (security_invoker = true);', n.nspname, c.relname) AS remediation,
       jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'view') AS metadata,
       format('security_definer_view_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'v' AND ${audited('n.nspname')} AND ${exposed()}
   AND NOT EXISTS (SELECT 1 FROM unnest(c.reloptions) o WHERE lower(o) IN ('security_invoker=true', 'security_invoker=on', 'security_invoker=1', 'security_invoker=yes'))
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`,
};
