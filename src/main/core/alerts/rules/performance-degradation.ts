/**
 * Rule `performance_degradation` (manual, Warning): p95 latency (metadata->>'latency_ms') > 2 s for
 * 5 minutes. Judged from stored data: the p95 of every one of the last 5 one-minute buckets must
 * exceed 2 s; a minute without latency data breaks the run.
 */
import { thresholdOf } from '../rule';
import { MINUTE, type AlertRule } from '../rule';
import { LATENCY_MS, MINUTE_BUCKET, breachStreak, formatMs, streakSince } from './sql';

export const P95_THRESHOLD_MS = 2000;
const MINUTES = 5;

/** p95 latency per minute bucket over the last `minutes` minutes before $1. */
export const P95_PER_MINUTE_SQL = `
  SELECT ${MINUTE_BUCKET} AS bucket,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY lat) AS value
    FROM (SELECT timestamp, ${LATENCY_MS} AS lat FROM public.system_logs
           WHERE timestamp > $1::timestamptz - make_interval(mins => $2::int)
             AND timestamp <= $1::timestamptz) r
   WHERE lat IS NOT NULL
   GROUP BY 1 ORDER BY 1`;

export const performanceDegradation: AlertRule = {
  name: 'performance_degradation',
  title: 'Performance Degradation',
  severity: 'warning',
  trigger: 'P95 latency > 2s for 5 minutes',
  action: 'Check slow queries, consider scaling',
  forMs: MINUTES * MINUTE,
  keepFiringForMs: 2 * MINUTE,
  cadence: 'normal',
  historyJudged: true,
  async evaluate(db, { at, config }) {
    // The limit from Settings (defaults < global < per-connection), the manual's value by default.
    const P95_THRESHOLD_MS = thresholdOf(config, 'responseTimeCriticalMs');
    const { rows } = await db.query<{ bucket: number; value: number | null }>(P95_PER_MINUTE_SQL, [at.toISOString(), MINUTES]);
    const streak = breachStreak(rows, MINUTES, (v) => v > P95_THRESHOLD_MS);
    const latest = rows.find((r) => r.bucket === 0)?.value ?? null;
    const now = latest === null ? 'no latency data in the last minute' : `p95 latency ${formatMs(latest)} in the last minute`;
    return [
      {
        labels: {},
        active: streak > 0,
        value: latest,
        summary:
          streak > 0
            ? `${now}; above ${formatMs(P95_THRESHOLD_MS)} for ${streak} of ${MINUTES} minutes`
            : `${now} (threshold ${formatMs(P95_THRESHOLD_MS)} for ${MINUTES} minutes)`,
        ...(streak > 0 ? { activeSince: streakSince(at, streak) } : {}),
      },
    ];
  },
};
