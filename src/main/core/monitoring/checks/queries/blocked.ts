/** Sessions of the watched database waiting on a lock held by another session (pg_blocking_pids over pg_stat_activity). */
import { grade, toRows, type HealthCheck } from '../../check';

export const blockedQueries: HealthCheck = {
  key: 'queries.blocked',
  area: 'queries',
  name: 'blocked',
  title: 'Blocked queries',
  unit: 'count',
  remediation: `-- See who blocks whom:
SELECT pid, pg_blocking_pids(pid) AS blocked_by, now() - query_start AS waiting, left(query, 200)
  FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0;
-- Then cancel the blocker if it is safe: SELECT pg_cancel_backend(<blocking pid>);`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client, thresholds, features }) {
    const r = await client.query(
      `SELECT a.pid, a.usename, pg_blocking_pids(a.pid)::text AS blocked_by,
              round(extract(epoch FROM now() - a.query_start)::numeric, 1) AS waiting_seconds,
              a.wait_event_type, a.wait_event, left(a.query, 200) AS query
         FROM pg_stat_activity a
        WHERE a.wait_event_type = 'Lock' AND cardinality(pg_blocking_pids(a.pid)) > 0
          AND a.datid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY a.query_start`,
    );
    const value = r.rowCount ?? 0;
    const note = features.seesAllSessions ? '' : ' Degraded: only this role’s sessions are visible.';
    return {
      status: grade(value, this.threshold(thresholds)),
      value,
      detail: `${value} session${value === 1 ? '' : 's'} waiting on a lock held by another session.${note}`,
      rows: toRows(r.rows, ['pid', 'waiting_seconds']),
    };
  },
};
