/** 0016 materialized_view_in_api: materialized views have no RLS; exposed ones are readable by the API roles. */
import { audited, exposed, exposedTo, type Lint } from '../lint';

export const materializedViewInApi: Lint = {
  name: 'materialized_view_in_api',
  title: 'Materialized view in API',
  level: 'WARN',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'Materialized views cannot have row level security: one the API roles or PUBLIC can select from exposes every row it holds.',
  sql: `
SELECT format('Materialized view %I.%I is selectable by %s.', n.nspname, c.relname, ${exposedTo()}) AS detail,
       format('REVOKE ALL ON %I.%I FROM %s;', n.nspname, c.relname, ${exposedTo()}) AS remediation,
       jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'materialized view') AS metadata,
       format('materialized_view_in_api_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'm' AND ${audited('n.nspname')} AND ${exposed()} AND ${exposedTo()} IS NOT NULL`,
};
