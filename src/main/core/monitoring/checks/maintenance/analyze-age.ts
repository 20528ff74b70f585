/** Tables modified since their last analyze, which is older than maintenanceAgeDays (or never). */
import { toRows, type HealthCheck } from '../../check';

export const analyzeAge: HealthCheck = {
  key: 'maintenance.analyze_age',
  area: 'maintenance',
  name: 'analyze_age',
  title: 'Tables not analyzed recently',
  unit: 'count',
  remediation: `ANALYZE <schema>.<table>;`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client, thresholds }) {
    const r = await client.query(
      `SELECT schemaname AS schema, relname AS table, n_mod_since_analyze AS modified_rows,
              GREATEST(last_analyze, last_autoanalyze) AS last_analyze,
              'ANALYZE ' || quote_ident(schemaname) || '.' || quote_ident(relname) || ';' AS fix
         FROM pg_stat_user_tables
        WHERE schemaname <> 'ops' AND n_mod_since_analyze > 0
          AND (GREATEST(last_analyze, last_autoanalyze) IS NULL
               OR GREATEST(last_analyze, last_autoanalyze) < now() - make_interval(secs => $1 * 86400))
        ORDER BY n_mod_since_analyze DESC
        LIMIT 20`,
      [thresholds.maintenanceAgeDays],
    );
    const value = r.rowCount ?? 0;
    return {
      status: value > 0 ? 'warning' : 'ok',
      value,
      detail:
        value > 0
          ? `${value} modified table${value === 1 ? '' : 's'} not analyzed in the last ${thresholds.maintenanceAgeDays} days (or never).`
          : `Every modified table was analyzed in the last ${thresholds.maintenanceAgeDays} days.`,
      rows: toRows(r.rows, ['modified_rows']),
      remediation: value > 0 ? r.rows.map((row: { fix: string }) => row.fix).join('\n') : undefined,
    };
  },
};
