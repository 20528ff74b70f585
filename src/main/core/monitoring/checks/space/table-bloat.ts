/** Estimated table bloat (see bloat-sql.ts): tables with ≥ 10 MB and ≥ 50 % estimated wasted space. */
import { formatBytes, toRows, type HealthCheck } from '../../check';
import { BLOAT_MIN_BYTES, BLOAT_MIN_RATIO, TABLE_BLOAT_SQL } from './bloat-sql';

export const tableBloat: HealthCheck = {
  key: 'space.table_bloat',
  area: 'space',
  name: 'table_bloat',
  title: 'Table bloat (estimate)',
  unit: 'bytes',
  remediation: `-- Plain VACUUM makes the space reusable but does not shrink the file. To give it back:
-- VACUUM FULL <schema>.<table>;  (ACCESS EXCLUSIVE lock for the whole rewrite: plan a window)
-- or rewrite online with the pg_repack extension: pg_repack --table=<schema>.<table>`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client }) {
    const r = await client.query(
      `SELECT * FROM (${TABLE_BLOAT_SQL}) b WHERE wasted_bytes >= $1 AND wasted_ratio >= $2 ORDER BY wasted_bytes DESC LIMIT 20`,
      [BLOAT_MIN_BYTES, BLOAT_MIN_RATIO],
    );
    const value = r.rows.reduce((a: number, row: { wasted_bytes: string }) => a + Number(row.wasted_bytes), 0);
    const n = r.rowCount ?? 0;
    return {
      status: n > 0 ? 'warning' : 'ok',
      value,
      detail:
        n > 0
          ? `${n} table${n === 1 ? '' : 's'} with an estimated ${formatBytes(value)} of wasted space (estimate from statistics).`
          : `No table with ≥ ${formatBytes(BLOAT_MIN_BYTES)} and ≥ ${BLOAT_MIN_RATIO * 100}% estimated bloat (tables without statistics are not estimated).`,
      rows: toRows(r.rows, ['table_bytes', 'wasted_bytes', 'wasted_ratio', 'estimated_rows']),
      remediation:
        n > 0
          ? r.rows
              .map((row: { schema: string; table: string }) => `VACUUM FULL ${q(row.schema)}.${q(row.table)}; -- or: pg_repack --table=${row.schema}.${row.table}`)
              .join('\n')
          : undefined,
    };
  },
};

const q = (s: string) => '"' + s.replace(/"/g, '""') + '"';
