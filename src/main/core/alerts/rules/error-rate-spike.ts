/**
 * Rule `error_rate_spike` (manual, Warning): error rate > 5 % for 10 minutes. Error rate = share of
 * system_logs rows with severity error or critical among all rows of the minute. Judged from stored
 * data: each of the last 10 one-minute buckets must be above 5 %; a minute without logs breaks the run.
 */
import { thresholdOf } from '../rule';
import { MINUTE, type AlertRule } from '../rule';
import { MINUTE_BUCKET, breachStreak, formatPercent, streakSince } from './sql';

export const ERROR_RATE_THRESHOLD = 0.05;
const MINUTES = 10;

export const ERROR_RATE_PER_MINUTE_SQL = `
  SELECT ${MINUTE_BUCKET} AS bucket,
         (count(*) FILTER (WHERE severity IN ('error', 'critical')))::float8 / count(*) AS value,
         count(*)::int AS total
    FROM public.system_logs
   WHERE timestamp > $1::timestamptz - make_interval(mins => $2::int) AND timestamp <= $1::timestamptz
   GROUP BY 1 ORDER BY 1`;

export const errorRateSpike: AlertRule = {
  name: 'error_rate_spike',
  title: 'Error Rate Spike',
  severity: 'warning',
  trigger: 'Error rate > 5% for 10 minutes',
  action: 'Check recent deployments, review logs',
  forMs: MINUTES * MINUTE,
  keepFiringForMs: 2 * MINUTE,
  cadence: 'normal',
  historyJudged: true,
  async evaluate(db, { at, config }) {
    // The limit from Settings (defaults < global < per-connection), the manual's value by default.
    const ERROR_RATE_THRESHOLD = thresholdOf(config, 'errorRateCritical');
    const { rows } = await db.query<{ bucket: number; value: number; total: number }>(ERROR_RATE_PER_MINUTE_SQL, [
      at.toISOString(),
      MINUTES,
    ]);
    const streak = breachStreak(rows, MINUTES, (v) => v > ERROR_RATE_THRESHOLD);
    const latest = rows.find((r) => r.bucket === 0)?.value ?? null;
    const now = latest === null ? 'no logs in the last minute' : `error rate ${formatPercent(latest)} in the last minute`;
    return [
      {
        labels: {},
        active: streak > 0,
        value: latest,
        summary:
          streak > 0
            ? `${now}; above ${formatPercent(ERROR_RATE_THRESHOLD)} for ${streak} of ${MINUTES} minutes`
            : `${now} (threshold ${formatPercent(ERROR_RATE_THRESHOLD)} for ${MINUTES} minutes)`,
        ...(streak > 0 ? { activeSince: streakSince(at, streak) } : {}),
      },
    ];
  },
};
