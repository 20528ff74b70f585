/**
 * RLS violations (system_logs.source = 'rls_violation') per IP (metadata->>'ip', '(unknown)' when
 * absent) over the application window. Critical when one IP reaches rlsViolationsPerIpPerMinute
 * within the last minute (manual: Security Breach, 5+ from the same IP in 1 minute).
 */
import { num, toRows, unavailable, type HealthCheck } from '../../check';

export const rlsViolations: HealthCheck = {
  key: 'application.rls_violations',
  area: 'application',
  name: 'rls_violations',
  title: 'RLS violations per IP',
  unit: 'count',
  remediation: `-- Who and what:
SELECT metadata->>'ip' AS ip, user_id, message, "timestamp" FROM public.system_logs
 WHERE source = 'rls_violation' ORDER BY "timestamp" DESC LIMIT 50;
-- If it is an attack: block the IP at the edge (firewall / WAF), rotate exposed keys,
-- and review the policies of the tables involved (SELECT * FROM pg_policies).`,
  windowMinutes: (t) => t.applicationWindowMinutes,
  threshold: (t) => ({ comparison: 'above', warning: 0, critical: t.rlsViolationsPerIpPerMinute - 1 }),
  async run({ client, now, thresholds }) {
    const exists = await client.query(`SELECT to_regclass('public.system_logs') IS NOT NULL AS ok`);
    if (!exists.rows[0].ok) return unavailable('table public.system_logs does not exist (run `roman db init`)');
    const minutes = thresholds.applicationWindowMinutes;
    const r = await client.query(
      `SELECT COALESCE(NULLIF(metadata->>'ip', ''), '(unknown)') AS ip, count(*) AS violations,
              count(*) FILTER (WHERE "timestamp" > $2::timestamptz - interval '1 minute') AS last_minute,
              max("timestamp") AS last_seen
         FROM public.system_logs
        WHERE source = 'rls_violation' AND "timestamp" > $1 AND "timestamp" <= $2
        GROUP BY 1 ORDER BY violations DESC, ip
        LIMIT 20`,
      [new Date(now.getTime() - minutes * 60_000), now],
    );
    const total = r.rows.reduce((a: number, row: { violations: unknown }) => a + (num(row.violations) ?? 0), 0);
    const worstMinute = r.rows.reduce((a: number, row: { last_minute: unknown }) => Math.max(a, num(row.last_minute) ?? 0), 0);
    const status = worstMinute >= thresholds.rlsViolationsPerIpPerMinute ? 'critical' : total > 0 ? 'warning' : 'ok';
    return {
      status,
      value: total,
      detail:
        total === 0
          ? `No RLS violations in the last ${minutes} minutes.`
          : `${total} RLS violation${total === 1 ? '' : 's'} from ${r.rowCount} IP${r.rowCount === 1 ? '' : 's'} in the last ${minutes} minutes; worst IP: ${worstMinute} in the last minute.`,
      rows: toRows(r.rows, ['violations', 'last_minute']),
    };
  },
};
