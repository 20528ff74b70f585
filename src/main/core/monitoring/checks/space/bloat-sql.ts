/**
 * Bloat estimates from the statistics (no extension, no table scan), in the spirit of the
 * ioguix / PgHero estimates: the space rows (or btree entries) would take at their average width
 * from pg_stats, against the pages the relation really has. Only relations whose every column has
 * statistics are estimated (run ANALYZE first); the figures are estimates, not measurements.
 */
import { notOwnIndex, notOwnSchema } from '../../check';

/** A relation is reported when at least this much is estimated wasted and it is at least this share of it. */
export const BLOAT_MIN_BYTES = 10 * 1024 * 1024;
export const BLOAT_MIN_RATIO = 0.5;

export const TABLE_BLOAT_SQL = `
WITH t AS (
  SELECT c.oid, n.nspname AS schema, c.relname AS table, c.reltuples, c.relpages,
         current_setting('block_size')::numeric AS bs,
         COALESCE((SELECT split_part(o, '=', 2)::numeric FROM unnest(c.reloptions) o WHERE o LIKE 'fillfactor=%'), 100) AS ff,
         (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS ncols,
         (SELECT count(*) FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND NOT s.inherited) AS nstats,
         (SELECT COALESCE(sum((1 - s.null_frac) * s.avg_width), 0) FROM pg_stats s
           WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND NOT s.inherited) AS row_width
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'm') AND c.relpages > 0 AND c.reltuples >= 0 AND ${notOwnSchema('n.nspname')}
), e AS (
  SELECT t.*, ceil(t.reltuples * (24 + 4 + ceil(t.row_width / 8) * 8) / ((t.bs - 24) * t.ff / 100)) AS expected_pages
    FROM t WHERE t.ncols = t.nstats
)
SELECT schema, "table", relpages::numeric * bs AS table_bytes,
       GREATEST(relpages - expected_pages, 0) * bs AS wasted_bytes,
       round((GREATEST(relpages - expected_pages, 0) / relpages)::numeric, 4) AS wasted_ratio,
       reltuples::bigint AS estimated_rows
  FROM e`;

export const INDEX_BLOAT_SQL = `
WITH i AS (
  SELECT ic.oid, n.nspname AS schema, t.relname AS table, ic.relname AS index, ic.reltuples, ic.relpages,
         current_setting('block_size')::numeric AS bs,
         COALESCE((SELECT split_part(o, '=', 2)::numeric FROM unnest(ic.reloptions) o WHERE o LIKE 'fillfactor=%'), 90) AS ff,
         x.indnatts,
         (SELECT count(*) FROM pg_attribute a JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = t.relname
                 AND s.attname = a.attname AND NOT s.inherited
           WHERE a.attrelid = t.oid AND a.attnum = ANY (string_to_array(x.indkey::text, ' ')::int2[])) AS nstats,
         (SELECT COALESCE(sum((1 - s.null_frac) * s.avg_width), 0) FROM pg_attribute a
            JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = t.relname AND s.attname = a.attname AND NOT s.inherited
           WHERE a.attrelid = t.oid AND a.attnum = ANY (string_to_array(x.indkey::text, ' ')::int2[])) AS key_width,
         0 <> ALL (string_to_array(x.indkey::text, ' ')::int2[]) AS plain_columns
    FROM pg_index x
    JOIN pg_class ic ON ic.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = ic.relnamespace
    JOIN pg_am am ON am.oid = ic.relam
   WHERE am.amname = 'btree' AND x.indisvalid AND ic.relpages > 1 AND ${notOwnSchema('n.nspname')} AND ${notOwnIndex('ic.relname')}
), e AS (
  SELECT i.*, 1 + ceil(i.reltuples * (8 + 4 + ceil(i.key_width / 8) * 8) / ((i.bs - 24 - 16) * i.ff / 100)) AS expected_pages
    FROM i WHERE i.plain_columns AND i.nstats = i.indnatts
)
SELECT schema, "table", index, relpages::numeric * bs AS index_bytes,
       GREATEST(relpages - expected_pages, 0) * bs AS wasted_bytes,
       round((GREATEST(relpages - expected_pages, 0) / relpages)::numeric, 4) AS wasted_ratio
  FROM e`;
