/** The largest tables (with indexes and TOAST), all user schemas. Informational. */
import { formatBytes, noThreshold, num, toRows, type HealthCheck } from '../../check';

export const tableSizes: HealthCheck = {
  key: 'space.table_sizes',
  area: 'space',
  name: 'table_sizes',
  title: 'Largest tables',
  unit: 'bytes',
  remediation: `-- Reclaim space from bloated tables (locks the table; prefer pg_repack on busy tables):
VACUUM (FULL, ANALYZE) <schema>.<table>;
-- Or archive and delete old rows in batches.`,
  threshold: noThreshold,
  async run({ client }) {
    const r = await client.query(
      `SELECT n.nspname AS schema, c.relname AS table,
              pg_total_relation_size(c.oid) AS total_bytes,
              pg_relation_size(c.oid) AS table_bytes,
              pg_indexes_size(c.oid) AS index_bytes,
              c.reltuples::bigint AS estimated_rows
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
        ORDER BY pg_total_relation_size(c.oid) DESC
        LIMIT 10`,
    );
    const top = r.rows[0];
    const value = top ? num(top.total_bytes) : null;
    return {
      status: 'ok',
      value,
      detail: top ? `Largest table: ${top.schema}.${top.table} (${formatBytes(value ?? 0)}).` : 'No user tables.',
      rows: toRows(r.rows, ['total_bytes', 'table_bytes', 'index_bytes', 'estimated_rows']),
    };
  },
};
