/** Statements of the watched database running longer than the threshold (PgHero: 60 s). */
import { grade, toRows, type HealthCheck } from '../../check';

export const longRunningQueries: HealthCheck = {
  key: 'queries.long_running',
  area: 'queries',
  name: 'long_running',
  title: 'Long-running queries',
  unit: 'count',
  remediation: `-- Cancel one politely (keeps the session):
SELECT pg_cancel_backend(<pid>);
-- If that does not help, end the session:
SELECT pg_terminate_backend(<pid>);
-- Guard rail: ALTER ROLE <role> SET statement_timeout = '60s';`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client, thresholds, features }) {
    const r = await client.query(
      `SELECT pid, usename, application_name, datname,
              round(extract(epoch FROM now() - query_start)::numeric, 1) AS running_seconds,
              wait_event_type, left(query, 200) AS query
         FROM pg_stat_activity
        WHERE state = 'active' AND backend_type = 'client backend'
          AND query_start < now() - make_interval(secs => $1)
          AND pid <> pg_backend_pid()
          AND datid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY query_start`,
      [thresholds.longRunningQuerySeconds],
    );
    const value = r.rowCount ?? 0;
    const note = features.seesAllSessions ? '' : ' Degraded: only this role’s sessions are visible.';
    return {
      status: grade(value, this.threshold(thresholds)),
      value,
      detail: `${value} quer${value === 1 ? 'y' : 'ies'} running longer than ${thresholds.longRunningQuerySeconds} s.${note}`,
      rows: toRows(r.rows, ['pid', 'running_seconds']),
    };
  },
};
