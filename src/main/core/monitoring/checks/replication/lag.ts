/**
 * Replication lag. On a standby: time since the last replayed transaction. On a primary: the worst
 * replay_lag of the connected standbys (pg_stat_replication). PgHero warns at 5 s; the manual's
 * Data Loss Risk is lag above 5 minutes (critical).
 */
import { grade, num, toRows, type HealthCheck } from '../../check';

export const replicationLag: HealthCheck = {
  key: 'replication.lag',
  area: 'replication',
  name: 'lag',
  title: 'Replication lag',
  unit: 'seconds',
  remediation: `-- On the primary:
SELECT application_name, client_addr, state, write_lag, flush_lag, replay_lag FROM pg_stat_replication;
-- Check the standby's disk and network, long queries on the standby (max_standby_streaming_delay),
-- and heavy write bursts on the primary.`,
  threshold: (t) => ({ comparison: 'above', warning: t.replicationLagWarningSeconds, critical: t.replicationLagCriticalSeconds }),
  async run({ client, thresholds, features }) {
    if (features.inRecovery) {
      const r = await client.query(
        `SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                     ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END AS lag`,
      );
      const value = num(r.rows[0].lag);
      return {
        status: grade(value, this.threshold(thresholds)),
        value,
        detail: value === null ? 'Standby has not replayed any transaction yet.' : `This standby is ${value.toFixed(1)} s behind the primary.`,
      };
    }
    const r = await client.query(
      `SELECT application_name, client_addr::text AS client_addr, state,
              extract(epoch FROM replay_lag) AS replay_lag_seconds
         FROM pg_stat_replication ORDER BY replay_lag DESC NULLS LAST`,
    );
    if (r.rowCount === 0) return { status: 'no_data', value: null, detail: 'No data: a primary with no connected standbys has no replication lag to measure.' };
    const lags = r.rows.map((row: { replay_lag_seconds: unknown }) => num(row.replay_lag_seconds)).filter((v): v is number => v !== null);
    const value = lags.length > 0 ? Math.max(...lags) : 0;
    const hidden = r.rows.some((row: { state: unknown }) => row.state === null);
    return {
      status: grade(value, this.threshold(thresholds)),
      value,
      detail: `${r.rowCount} standby connection${r.rowCount === 1 ? '' : 's'}; worst replay lag ${value.toFixed(1)} s.${hidden ? ' Degraded: without pg_read_all_stats the lag of some standbys is not visible.' : ''}`,
      rows: toRows(r.rows, ['replay_lag_seconds']),
    };
  },
};
