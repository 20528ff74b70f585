/**
 * 0005 unused_index: indexes never scanned since statistics were reset (not unique, not backing a
 * constraint). Of identical unused copies the oldest is not listed, so applying every fix never drops
 * every copy. R.O.M.A.N.'s own roman_* indexes are not listed.
 */
import { audited, type Lint } from '../lint';

export const unusedIndex: Lint = {
  name: 'unused_index',
  title: 'Unused index',
  level: 'INFO',
  facing: 'INTERNAL',
  categories: ['PERFORMANCE'],
  description: 'An index that has never been used since statistics were reset costs space and write time. Confirm on every replica and after a full business cycle before dropping.',
  sql: `
WITH u AS (
  SELECT s.indexrelid, s.schemaname AS schema, s.relname AS tbl, s.indexrelname AS idx,
         min(s.indexrelid::bigint) OVER (PARTITION BY i.indrelid, i.indkey::text, i.indclass::text, i.indoption::text,
           COALESCE(pg_get_expr(i.indexprs, i.indrelid), ''), COALESCE(pg_get_expr(i.indpred, i.indrelid), '')) AS first_copy,
         count(*) OVER (PARTITION BY i.indrelid, i.indkey::text, i.indclass::text, i.indoption::text,
           COALESCE(pg_get_expr(i.indexprs, i.indrelid), ''), COALESCE(pg_get_expr(i.indpred, i.indrelid), '')) AS copies
    FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
   WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary AND i.indisvalid
     AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = s.indexrelid)
     AND ${audited('s.schemaname')} AND s.indexrelname NOT LIKE 'roman\\_%'
)
SELECT format('Index %I on %I.%I has never been used (%s).', idx, schema, tbl, pg_size_pretty(pg_relation_size(indexrelid))) AS detail,
       format('DROP INDEX CONCURRENTLY %I.%I;', schema, idx) AS remediation,
       jsonb_build_object('schema', schema, 'name', tbl, 'type', 'table', 'index', idx, 'bytes', pg_relation_size(indexrelid)) AS metadata,
       format('unused_index_%s_%s_%s', schema, tbl, idx) AS cache_key
  FROM u
 WHERE NOT (copies > 1 AND indexrelid::bigint = first_copy)`,
};
