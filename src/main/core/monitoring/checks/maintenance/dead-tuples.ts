/** Tables with many dead rows (≥ deadTuplesMin and ≥ deadTuplesRatioWarning of all rows). */
import { toRows, type HealthCheck } from '../../check';

export const deadTuples: HealthCheck = {
  key: 'maintenance.dead_tuples',
  area: 'maintenance',
  name: 'dead_tuples',
  title: 'Tables with many dead tuples',
  unit: 'count',
  remediation: `VACUUM (ANALYZE) <schema>.<table>;
-- If it keeps coming back, make autovacuum more eager on that table:
ALTER TABLE <schema>.<table> SET (autovacuum_vacuum_scale_factor = 0.05);`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client, thresholds }) {
    const r = await client.query(
      `SELECT schemaname AS schema, relname AS table, n_live_tup AS live_rows, n_dead_tup AS dead_rows,
              round(n_dead_tup::numeric / NULLIF(n_live_tup + n_dead_tup, 0), 4) AS dead_ratio,
              GREATEST(last_vacuum, last_autovacuum) AS last_vacuum,
              'VACUUM (ANALYZE) ' || quote_ident(schemaname) || '.' || quote_ident(relname) || ';' AS fix
         FROM pg_stat_user_tables
        WHERE schemaname <> 'ops' AND n_dead_tup >= $1
          AND n_dead_tup::numeric / NULLIF(n_live_tup + n_dead_tup, 0) >= $2
        ORDER BY n_dead_tup DESC
        LIMIT 20`,
      [thresholds.deadTuplesMin, thresholds.deadTuplesRatioWarning],
    );
    const value = r.rowCount ?? 0;
    return {
      status: value > 0 ? 'warning' : 'ok',
      value,
      detail:
        value > 0
          ? `${value} table${value === 1 ? '' : 's'} with ≥ ${thresholds.deadTuplesMin} dead rows making up ≥ ${Math.round(thresholds.deadTuplesRatioWarning * 100)}% of the table.`
          : 'No table carries many dead rows.',
      rows: toRows(r.rows, ['live_rows', 'dead_rows', 'dead_ratio']),
      remediation: value > 0 ? r.rows.map((row: { fix: string }) => row.fix).join('\n') : undefined,
    };
  },
};
