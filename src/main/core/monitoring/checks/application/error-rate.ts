/**
 * Log error rate over the application window: rows with severity error or critical ÷ all rows of
 * public.system_logs (manual: target < 1 %, alert > 5 %). Same definition as entropy's errorRate.
 */
import { grade, pct, unavailable, type HealthCheck } from '../../check';
import { readWindowSignals } from '../../signals';

export const errorRate: HealthCheck = {
  key: 'application.error_rate',
  area: 'application',
  name: 'error_rate',
  title: 'Error rate',
  unit: 'ratio',
  remediation: `-- What is failing, most frequent first:
SELECT source, left(message, 120) AS message, count(*) FROM public.system_logs
 WHERE severity IN ('error', 'critical') AND "timestamp" > now() - interval '15 minutes'
 GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 20;
-- Check recent deployments (correlation_id) and roll back a regression.`,
  windowMinutes: (t) => t.applicationWindowMinutes,
  threshold: (t) => ({ comparison: 'above', warning: t.errorRateWarning, critical: t.errorRateCritical }),
  async run({ client, now, thresholds }) {
    const minutes = thresholds.applicationWindowMinutes;
    const s = await readWindowSignals(client, new Date(now.getTime() - minutes * 60_000), now);
    if (!s.systemLogsExists) return unavailable('table public.system_logs does not exist (run `roman db init`)');
    if (s.logs === 0) return { status: 'no_data', value: null, detail: `No data: no logs in the last ${minutes} minutes.` };
    const value = s.errorLogs / s.logs;
    return {
      status: grade(value, this.threshold(thresholds)),
      value,
      detail: `${s.errorLogs} of ${s.logs} log rows in the last ${minutes} minutes are errors or critical (${pct(value)}).`,
    };
  },
};
