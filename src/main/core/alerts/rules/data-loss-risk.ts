/**
 * Rule `data_loss_risk` (manual, Critical): a failed backup — an ops.roman_events row with
 * event_type 'backup' and severity error/critical in the last 24 h — or replication lag > 5 minutes
 * (pg_stat_replication.replay_lag on a primary; time since the last replayed transaction on a
 * standby that still has WAL to replay). Label `cause` tells them apart; `replica` names a standby.
 */
import { thresholdOf } from '../rule';
import type { AlertRule, RuleSample } from '../rule';

export const REPLICATION_LAG_LIMIT_S = 300;

export const dataLossRisk: AlertRule = {
  name: 'data_loss_risk',
  title: 'Data Loss Risk',
  severity: 'critical',
  trigger: 'Failed backup, replication lag > 5 minutes',
  action: 'Freeze writes, alert admin',
  forMs: 0,
  keepFiringForMs: 0,
  cadence: 'slow',
  historyJudged: false,
  async evaluate(db, { at, config }) {
    // The limit from Settings (defaults < global < per-connection), the manual's value by default.
    const REPLICATION_LAG_LIMIT_S = thresholdOf(config, 'replicationLagCriticalSeconds');
    const samples: RuleSample[] = [];
    const backups = await db.query<{ n: number; last_message: string | null; last_at: Date | null }>(
      `SELECT count(*)::int AS n,
              (array_agg(left(message, 300) ORDER BY timestamp DESC))[1] AS last_message,
              max(timestamp) AS last_at
         FROM ops.roman_events
        WHERE event_type = 'backup' AND severity IN ('error', 'critical')
          AND timestamp > $1::timestamptz - interval '24 hours' AND timestamp <= $1::timestamptz`,
      [at.toISOString()],
    );
    const b = backups.rows[0];
    if (b && b.n > 0) {
      samples.push({
        labels: { cause: 'backup_failed' },
        active: true,
        value: b.n,
        summary: `${b.n} failed backup${b.n === 1 ? '' : 's'} in the last 24 h; latest at ${b.last_at ? new Date(b.last_at).toISOString() : '?'}: ${b.last_message ?? ''}`.trim(),
      });
    }
    const lag = await db.query<{ replica: string; lag_s: number | null }>(
      `SELECT coalesce(nullif(application_name, ''), host(client_addr), 'standby') AS replica,
              extract(epoch FROM replay_lag)::float8 AS lag_s
         FROM pg_stat_replication
       UNION ALL
       SELECT 'this standby',
              CASE WHEN pg_last_wal_receive_lsn() IS DISTINCT FROM pg_last_wal_replay_lsn()
                   THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 ELSE 0 END
        WHERE pg_is_in_recovery()`,
    );
    let worst = 0;
    let unknown = 0;
    for (const r of lag.rows) {
      if (r.lag_s === null) {
        unknown++;
        continue;
      }
      worst = Math.max(worst, r.lag_s);
      if (r.lag_s > REPLICATION_LAG_LIMIT_S) {
        samples.push({
          labels: { cause: 'replication_lag', replica: r.replica },
          active: true,
          value: r.lag_s,
          summary: `replication lag of ${r.replica} is ${Math.round(r.lag_s)} s (limit ${REPLICATION_LAG_LIMIT_S} s)`,
        });
      }
    }
    if (samples.length > 0) return samples;
    return [
      {
        labels: {},
        active: false,
        value: null,
        summary:
          `no failed backup in the last 24 h; ` +
          (lag.rows.length === 0
            ? 'no replication configured'
            : unknown === lag.rows.length
              ? `replication lag of ${unknown} standby(s) unknown (needs pg_monitor or superuser, or no WAL replayed yet)`
              : `worst replication lag ${Math.round(worst)} s${unknown ? `, ${unknown} standby(s) unknown` : ''}`),
      },
    ];
  },
};
