/** Manual health query: critical R.O.M.A.N. events in the last hour (ops.roman_events). */
import { relationExists, toRows, unavailable, type HealthCheck } from '../../check';

export const criticalEventsLastHour: HealthCheck = {
  key: 'system.critical_events_last_hour',
  area: 'system',
  name: 'critical_events_last_hour',
  title: 'Critical R.O.M.A.N. events in the last hour',
  unit: 'count',
  remediation: `SELECT * FROM ops.roman_events WHERE severity IN ('error', 'critical') ORDER BY "timestamp" DESC LIMIT 50;`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client, now }) {
    if (!(await relationExists(client, 'ops.roman_events'))) return unavailable('table ops.roman_events does not exist (run `roman db init`)');
    const r = await client.query(
      `SELECT id, "timestamp", event_type, message FROM ops.roman_events
        WHERE severity = 'critical' AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1
        ORDER BY "timestamp" DESC`,
      [now],
    );
    const value = r.rowCount ?? 0;
    return {
      status: value > 0 ? 'warning' : 'ok',
      value,
      detail: `${value} critical event${value === 1 ? '' : 's'} in the last hour.`,
      rows: toRows(r.rows, ['id']),
    };
  },
};
