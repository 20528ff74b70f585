/** Estimated btree index bloat (see space/bloat-sql.ts): indexes with ≥ 10 MB and ≥ 50 % estimated wasted space. */
import { formatBytes, toRows, type HealthCheck } from '../../check';
import { BLOAT_MIN_BYTES, BLOAT_MIN_RATIO, INDEX_BLOAT_SQL } from '../space/bloat-sql';

export const indexBloat: HealthCheck = {
  key: 'indexes.index_bloat',
  area: 'indexes',
  name: 'index_bloat',
  title: 'Index bloat (estimate)',
  unit: 'bytes',
  remediation: `-- Rebuild without blocking writes:
REINDEX INDEX CONCURRENTLY <schema>.<index>;`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client }) {
    const r = await client.query(
      `SELECT * FROM (${INDEX_BLOAT_SQL}) b WHERE wasted_bytes >= $1 AND wasted_ratio >= $2 ORDER BY wasted_bytes DESC LIMIT 20`,
      [BLOAT_MIN_BYTES, BLOAT_MIN_RATIO],
    );
    const value = r.rows.reduce((a: number, row: { wasted_bytes: string }) => a + Number(row.wasted_bytes), 0);
    const n = r.rowCount ?? 0;
    return {
      status: n > 0 ? 'warning' : 'ok',
      value,
      detail:
        n > 0
          ? `${n} index${n === 1 ? '' : 'es'} with an estimated ${formatBytes(value)} of wasted space (estimate from statistics).`
          : `No btree index with ≥ ${formatBytes(BLOAT_MIN_BYTES)} and ≥ ${BLOAT_MIN_RATIO * 100}% estimated bloat.`,
      rows: toRows(r.rows, ['index_bytes', 'wasted_bytes', 'wasted_ratio']),
      remediation:
        n > 0
          ? r.rows.map((row: { schema: string; index: string }) => `REINDEX INDEX CONCURRENTLY ${q(row.schema)}.${q(row.index)};`).join('\n')
          : undefined,
    };
  },
};

const q = (s: string) => '"' + s.replace(/"/g, '""') + '"';
