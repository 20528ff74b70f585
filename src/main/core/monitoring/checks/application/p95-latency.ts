/**
 * p95 response time over the application window, from system_logs.metadata->>'latency_ms' (only
 * plain non-negative numbers count; anything else is ignored). Manual: target < 500 ms, alert > 2 s.
 */
import { grade, unavailable, type HealthCheck } from '../../check';
import { readWindowSignals } from '../../signals';

export const p95Latency: HealthCheck = {
  key: 'application.p95_latency',
  area: 'application',
  name: 'p95_latency',
  title: 'p95 response time',
  unit: 'ms',
  remediation: `-- Slowest request sources in the window:
SELECT source, count(*), percentile_cont(0.95) WITHIN GROUP (ORDER BY (metadata->>'latency_ms')::float8) AS p95_ms
  FROM public.system_logs
 WHERE "timestamp" > now() - interval '15 minutes' AND metadata->>'latency_ms' ~ '^[0-9]{1,12}(\\.[0-9]{1,9})?$'
 GROUP BY source ORDER BY p95_ms DESC;
-- Then check slow queries (queries.slow) and consider scaling.`,
  windowMinutes: (t) => t.applicationWindowMinutes,
  threshold: (t) => ({ comparison: 'above', warning: t.responseTimeWarningMs, critical: t.responseTimeCriticalMs }),
  async run({ client, now, thresholds }) {
    const minutes = thresholds.applicationWindowMinutes;
    const s = await readWindowSignals(client, new Date(now.getTime() - minutes * 60_000), now);
    if (!s.systemLogsExists) return unavailable('table public.system_logs does not exist (run `roman db init`)');
    if (s.p95LatencyMs === null) return { status: 'no_data', value: null, detail: `No data: no timed requests in the last ${minutes} minutes.` };
    const value = Math.round(s.p95LatencyMs * 10) / 10;
    return {
      status: grade(value, this.threshold(thresholds)),
      value,
      detail: `p95 ${value} ms over ${s.timed} timed request${s.timed === 1 ? '' : 's'} in the last ${minutes} minutes (${s.slow} over 2 s).`,
    };
  },
};
