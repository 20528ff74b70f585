/** Manual health query: errors logged in the last hour (system_logs, severity = 'error'). */
import { noThreshold, num, relationExists, unavailable, type HealthCheck } from '../../check';

export const errorsLastHour: HealthCheck = {
  key: 'system.errors_last_hour',
  area: 'system',
  name: 'errors_last_hour',
  title: 'Errors in the last hour',
  unit: 'count',
  remediation: `SELECT * FROM public.system_logs WHERE severity IN ('error', 'critical') ORDER BY "timestamp" DESC LIMIT 50;`,
  threshold: noThreshold,
  async run({ client, now }) {
    if (!(await relationExists(client, 'public.system_logs'))) return unavailable('table public.system_logs does not exist (run `roman db init`)');
    const r = await client.query(
      `SELECT count(*) AS n FROM public.system_logs
        WHERE severity = 'error' AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1`,
      [now],
    );
    const value = num(r.rows[0].n) ?? 0;
    return { status: 'ok', value, detail: `${value} error${value === 1 ? '' : 's'} logged in the last hour.` };
  },
};
