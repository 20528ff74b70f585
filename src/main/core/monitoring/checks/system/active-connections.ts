/** Manual health query: sessions currently running a statement (pg_stat_activity, state = 'active'). */
import { noThreshold, num, type HealthCheck } from '../../check';

export const activeConnections: HealthCheck = {
  key: 'system.active_connections',
  area: 'system',
  name: 'active_connections',
  title: 'Active connections',
  unit: 'count',
  remediation: `SELECT pid, usename, application_name, state, now() - query_start AS running_for, left(query, 200) AS query
  FROM pg_stat_activity WHERE state = 'active' ORDER BY query_start;`,
  threshold: noThreshold,
  async run({ client, features }) {
    const r = await client.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active'`);
    const value = num(r.rows[0].n) ?? 0;
    const note = features.seesAllSessions
      ? ''
      : ' Degraded: this role is not a superuser nor a member of pg_read_all_stats, so only its own sessions are visible (GRANT pg_read_all_stats TO <role>;).';
    return { status: 'ok', value, detail: `${value} active connection${value === 1 ? '' : 's'}.${note}` };
  },
};
