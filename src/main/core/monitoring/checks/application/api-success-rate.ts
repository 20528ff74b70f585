/**
 * API success rate over the application window: 1 − failed requests ÷ requests, where requests are
 * system_logs request rows plus ai_usage_logs rows (manual: target > 99 %, alert < 95 %).
 */
import { grade, pct, unavailable, type HealthCheck } from '../../check';
import { readWindowSignals } from '../../signals';

export const apiSuccessRate: HealthCheck = {
  key: 'application.api_success_rate',
  area: 'application',
  name: 'api_success_rate',
  title: 'API success rate',
  unit: 'ratio',
  remediation: `-- Failed requests by source and status:
SELECT source, metadata->>'status' AS status, count(*) FROM public.system_logs
 WHERE "timestamp" > now() - interval '15 minutes'
   AND (metadata->>'status' ~ '^5[0-9][0-9]$' OR lower(metadata->>'success') = 'false')
 GROUP BY 1, 2 ORDER BY 3 DESC;
SELECT provider, model, count(*) FROM public.ai_usage_logs
 WHERE created_at > now() - interval '15 minutes' AND NOT success GROUP BY 1, 2 ORDER BY 3 DESC;`,
  windowMinutes: (t) => t.applicationWindowMinutes,
  threshold: (t) => ({ comparison: 'below', warning: t.apiSuccessWarning, critical: t.apiSuccessCritical }),
  async run({ client, now, thresholds }) {
    const minutes = thresholds.applicationWindowMinutes;
    const s = await readWindowSignals(client, new Date(now.getTime() - minutes * 60_000), now);
    if (!s.systemLogsExists && !s.aiUsageLogsExists) {
      return unavailable('tables public.system_logs and public.ai_usage_logs do not exist (run `roman db init`)');
    }
    const requests = s.logRequests + s.aiRequests;
    const failed = s.logFailed + s.aiFailed;
    if (requests === 0) return { status: 'no_data', value: null, detail: `No data: no requests in the last ${minutes} minutes.` };
    const value = 1 - failed / requests;
    return {
      status: grade(value, this.threshold(thresholds)),
      value,
      detail: `${requests - failed} of ${requests} requests succeeded in the last ${minutes} minutes (${pct(value)}).`,
      rows: [
        { source: 'system_logs', requests: s.logRequests, failed: s.logFailed },
        { source: 'ai_usage_logs', requests: s.aiRequests, failed: s.aiFailed },
      ],
    };
  },
};
