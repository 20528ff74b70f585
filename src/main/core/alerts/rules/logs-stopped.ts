/**
 * Rule `logs_stopped` (Critical): the monitored application stopped logging. Silence is not health —
 * an app that dies stops writing to public.system_logs, and every rate computed from an empty window
 * looks fine. Like Prometheus's `absent()` / Grafana's "No data" alerting: the rule fires when no
 * system_logs row arrived in the last N minutes (AlertConfig.logsStoppedMinutes, default 10) while
 * there used to be traffic (at least one row in the LOOKBACK before that silent window). A database
 * that never had traffic has nothing to miss: the rule stays inactive and says "no data".
 */
import type { AlertRule } from '../rule';

/** How far back "there used to be traffic" looks, before the silent window. */
export const LOGS_STOPPED_LOOKBACK_HOURS = 7 * 24;
export const DEFAULT_LOGS_STOPPED_MINUTES = 10;

const minutesText = (ms: number) => {
  const m = Math.floor(ms / 60_000);
  return m < 120 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
};

export const logsStopped: AlertRule = {
  name: 'logs_stopped',
  title: 'Logs Stopped Arriving',
  severity: 'critical',
  trigger: 'No system_logs rows for 10 minutes where there used to be traffic',
  action: 'Check that the application is running and can write to public.system_logs',
  forMs: 0,
  keepFiringForMs: 0,
  cadence: 'fast',
  historyJudged: false,
  async evaluate(db, { at, config }) {
    const minutes = config.logsStoppedMinutes;
    const { rows } = await db.query<{ recent: number; before: number; last_at: Date | null }>(
      `SELECT count(*) FILTER (WHERE timestamp > $1::timestamptz - make_interval(mins => $2::int))::int AS recent,
              count(*) FILTER (WHERE timestamp <= $1::timestamptz - make_interval(mins => $2::int))::int AS before,
              max(timestamp) AS last_at
         FROM public.system_logs
        WHERE timestamp > $1::timestamptz - make_interval(mins => $2::int) - make_interval(hours => $3::int)
          AND timestamp <= $1::timestamptz`,
      [at.toISOString(), minutes, LOGS_STOPPED_LOOKBACK_HOURS],
    );
    const r = rows[0] ?? { recent: 0, before: 0, last_at: null };
    const lastAt = r.last_at ? new Date(r.last_at) : null;
    const silentMs = lastAt ? at.getTime() - lastAt.getTime() : null;
    if (r.recent === 0 && r.before > 0 && lastAt && silentMs !== null) {
      return [
        {
          labels: {},
          active: true,
          value: Math.round(silentMs / 60_000),
          summary: `no logs for ${minutesText(silentMs)} (last at ${lastAt.toISOString()}; threshold ${minutes} min) — the application may be down or unable to log`,
          activeSince: new Date(lastAt.getTime() + minutes * 60_000),
        },
      ];
    }
    return [
      {
        labels: {},
        active: false,
        value: silentMs === null ? null : Math.round(silentMs / 60_000),
        summary:
          r.recent > 0
            ? `${r.recent} log row${r.recent === 1 ? '' : 's'} in the last ${minutes} min (threshold: none for ${minutes} min)`
            : `no data: no logs in the last ${LOGS_STOPPED_LOOKBACK_HOURS / 24} days, so there is no traffic to miss`,
      },
    ];
  },
};
