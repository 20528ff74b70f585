/**
 * Manual health query: errors logged in the last hour — system_logs rows with severity error OR
 * critical (a critical log is an error too), graded against errorsLastHourWarning / Critical.
 */
import { grade, relationExists, unavailable, num, type HealthCheck } from '../../check';

export const errorsLastHour: HealthCheck = {
  key: 'system.errors_last_hour',
  area: 'system',
  name: 'errors_last_hour',
  title: 'Errors in the last hour',
  unit: 'count',
  remediation: `SELECT * FROM public.system_logs WHERE severity IN ('error', 'critical') ORDER BY "timestamp" DESC LIMIT 50;`,
  windowMinutes: () => 60,
  threshold: (t) => ({ comparison: 'above', warning: t.errorsLastHourWarning, critical: t.errorsLastHourCritical }),
  async run({ client, now, thresholds }) {
    if (!(await relationExists(client, 'public.system_logs'))) return unavailable('table public.system_logs does not exist (run `roman db init`)');
    const r = await client.query(
      `SELECT count(*) FILTER (WHERE severity = 'error') AS errors, count(*) FILTER (WHERE severity = 'critical') AS critical
         FROM public.system_logs
        WHERE severity IN ('error', 'critical') AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1`,
      [now],
    );
    const errors = num(r.rows[0].errors) ?? 0;
    const critical = num(r.rows[0].critical) ?? 0;
    const value = errors + critical;
    return {
      status: grade(value, this.threshold(thresholds)),
      value,
      detail: `${value} error${value === 1 ? '' : 's'} logged in the last hour (${errors} error, ${critical} critical).`,
    };
  },
};
