/** Sessions of the watched database idle in a transaction for too long: they hold locks and block vacuum. */
import { grade, toRows, type HealthCheck } from '../../check';

export const idleInTransaction: HealthCheck = {
  key: 'connections.idle_in_transaction',
  area: 'connections',
  name: 'idle_in_transaction',
  title: 'Sessions idle in transaction',
  unit: 'count',
  remediation: `-- End them (review first; their open transactions are rolled back):
SELECT pg_terminate_backend(pid) FROM pg_stat_activity
 WHERE state LIKE 'idle in transaction%' AND state_change < now() - interval '1 minute';
-- Prevent it: ALTER DATABASE <db> SET idle_in_transaction_session_timeout = '5min';`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client, thresholds, features }) {
    const r = await client.query(
      `SELECT pid, usename, application_name, datname,
              round(extract(epoch FROM now() - state_change)::numeric, 1) AS idle_seconds,
              left(query, 200) AS last_query
         FROM pg_stat_activity
        WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')
          AND state_change < now() - make_interval(secs => $1)
          AND pid <> pg_backend_pid()
          AND datid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY state_change`,
      [thresholds.idleInTransactionSeconds],
    );
    const value = r.rowCount ?? 0;
    const note = features.seesAllSessions ? '' : ' Degraded: only this role’s sessions are visible.';
    return {
      status: grade(value, this.threshold(thresholds)),
      value,
      detail: `${value} session${value === 1 ? '' : 's'} idle in transaction for more than ${thresholds.idleInTransactionSeconds} s.${note}`,
      rows: toRows(r.rows, ['pid', 'idle_seconds']),
    };
  },
};
