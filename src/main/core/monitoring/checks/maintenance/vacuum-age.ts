/** Tables with dead rows that were not vacuumed (manually or by autovacuum) for maintenanceAgeDays. */
import { toRows, type HealthCheck } from '../../check';

export const vacuumAge: HealthCheck = {
  key: 'maintenance.vacuum_age',
  area: 'maintenance',
  name: 'vacuum_age',
  title: 'Tables not vacuumed recently',
  unit: 'count',
  remediation: `VACUUM (ANALYZE) <schema>.<table>;
-- and check that autovacuum runs: SHOW autovacuum; SELECT * FROM pg_stat_activity WHERE backend_type = 'autovacuum worker';`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client, thresholds }) {
    const r = await client.query(
      `SELECT schemaname AS schema, relname AS table, n_dead_tup AS dead_rows,
              GREATEST(last_vacuum, last_autovacuum) AS last_vacuum,
              'VACUUM (ANALYZE) ' || quote_ident(schemaname) || '.' || quote_ident(relname) || ';' AS fix
         FROM pg_stat_user_tables
        WHERE schemaname <> 'ops' AND n_dead_tup > 0
          AND (GREATEST(last_vacuum, last_autovacuum) IS NULL
               OR GREATEST(last_vacuum, last_autovacuum) < now() - make_interval(secs => $1 * 86400))
        ORDER BY n_dead_tup DESC
        LIMIT 20`,
      [thresholds.maintenanceAgeDays],
    );
    const value = r.rowCount ?? 0;
    return {
      status: value > 0 ? 'warning' : 'ok',
      value,
      detail:
        value > 0
          ? `${value} table${value === 1 ? '' : 's'} with dead rows not vacuumed in the last ${thresholds.maintenanceAgeDays} days (or never).`
          : `Every table with dead rows was vacuumed in the last ${thresholds.maintenanceAgeDays} days.`,
      rows: toRows(r.rows, ['dead_rows']),
      remediation: value > 0 ? r.rows.map((row: { fix: string }) => row.fix).join('\n') : undefined,
    };
  },
};
