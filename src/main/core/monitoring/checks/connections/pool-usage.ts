/** Client connections against max_connections (manual: target < 80 %, alert > 90 %). */
import { grade, num, pct, toRows, type HealthCheck } from '../../check';

export const poolUsage: HealthCheck = {
  key: 'connections.pool_usage',
  area: 'connections',
  name: 'pool_usage',
  title: 'Connection pool usage',
  unit: 'ratio',
  remediation: `-- Who holds the connections:
SELECT usename, application_name, client_addr, state, count(*)
  FROM pg_stat_activity GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC;
-- Close idle sessions older than 10 minutes (review first):
SELECT pg_terminate_backend(pid) FROM pg_stat_activity
 WHERE state = 'idle' AND state_change < now() - interval '10 minutes' AND pid <> pg_backend_pid();
-- Long term: put a pooler (PgBouncer / Supavisor) in front, or raise max_connections.`,
  threshold: (t) => ({ comparison: 'above', warning: t.connectionsWarning, critical: t.connectionsCritical }),
  async run({ client, thresholds, features }) {
    const r = await client.query(
      `SELECT current_setting('max_connections')::int AS max_connections,
              current_setting('superuser_reserved_connections')::int AS reserved,
              count(*) FILTER (WHERE backend_type = 'client backend' OR (backend_type IS NULL AND datid IS NOT NULL)) AS used
         FROM pg_stat_activity`,
    );
    const max = num(r.rows[0].max_connections) ?? 0;
    const used = num(r.rows[0].used) ?? 0;
    const byState = await client.query(
      `SELECT COALESCE(state, 'not visible') AS state, count(*) AS connections
         FROM pg_stat_activity WHERE backend_type = 'client backend' OR (backend_type IS NULL AND datid IS NOT NULL)
        GROUP BY 1 ORDER BY 2 DESC`,
    );
    const value = max > 0 ? used / max : null;
    const status = grade(value, this.threshold(thresholds));
    const note = features.seesAllSessions ? '' : ' Degraded: without pg_read_all_stats the states of other roles’ sessions are not visible.';
    return {
      status,
      value,
      detail: `${used} of ${max} connections in use (${value === null ? 'n/a' : pct(value)}; ${num(r.rows[0].reserved)} reserved for superusers).${note}`,
      rows: toRows(byState.rows, ['connections']),
    };
  },
};
