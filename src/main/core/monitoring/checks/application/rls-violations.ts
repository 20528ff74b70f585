/**
 * RLS violations (system_logs.source = 'rls_violation'), two checks each graded on the figure it shows:
 * - `application.rls_violations`: all violations over the application window, per IP
 *   (metadata->>'ip', '(unknown)' when absent) — warning when there is any;
 * - `application.rls_violations_per_ip`: the most violations from one IP within the last minute —
 *   critical at rlsViolationsPerIpPerMinute (manual: Security Breach, 5+ from the same IP in 1 minute).
 */
import type pg from 'pg';
import { num, toRows, unavailable, type HealthCheck } from '../../check';

const REMEDIATION = `-- Who and what:
SELECT metadata->>'ip' AS ip, user_id, message, "timestamp" FROM public.system_logs
 WHERE source = 'rls_violation' ORDER BY "timestamp" DESC LIMIT 50;
-- If it is an attack: block the IP at the edge (firewall / WAF), rotate exposed keys,
-- and review the policies of the tables involved (SELECT * FROM pg_policies).`;

type PerIp = {
  ip: string;
  violations: unknown;
  last_minute: unknown;
  last_seen: Date;
};

async function perIp(client: Pick<pg.ClientBase, 'query'>, now: Date, minutes: number): Promise<PerIp[] | null> {
  const exists = await client.query(`SELECT to_regclass('public.system_logs') IS NOT NULL AS ok`);
  if (!exists.rows[0].ok) return null;
  const r = await client.query<PerIp>(
    `SELECT COALESCE(NULLIF(metadata->>'ip', ''), '(unknown)') AS ip, count(*) AS violations,
            count(*) FILTER (WHERE "timestamp" > $2::timestamptz - interval '1 minute') AS last_minute,
            max("timestamp") AS last_seen
       FROM public.system_logs
      WHERE source = 'rls_violation' AND "timestamp" > $1 AND "timestamp" <= $2
      GROUP BY 1 ORDER BY violations DESC, ip
      LIMIT 20`,
    [new Date(now.getTime() - Math.max(1, minutes) * 60_000), now],
  );
  return r.rows;
}

const NO_TABLE = 'table public.system_logs does not exist (run `roman db init`)';

export const rlsViolations: HealthCheck = {
  key: 'application.rls_violations',
  area: 'application',
  name: 'rls_violations',
  title: 'RLS violations',
  unit: 'count',
  remediation: REMEDIATION,
  windowMinutes: (t) => t.applicationWindowMinutes,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client, now, thresholds }) {
    const minutes = thresholds.applicationWindowMinutes;
    const rows = await perIp(client, now, minutes);
    if (!rows) return unavailable(NO_TABLE);
    const total = rows.reduce((a, row) => a + (num(row.violations) ?? 0), 0);
    return {
      status: total > 0 ? 'warning' : 'ok',
      value: total,
      detail:
        total === 0
          ? `No RLS violations in the last ${minutes} minutes.`
          : `${total} RLS violation${total === 1 ? '' : 's'} from ${rows.length} IP${rows.length === 1 ? '' : 's'} in the last ${minutes} minutes.`,
      rows: toRows(rows, ['violations', 'last_minute']),
    };
  },
};

export const rlsViolationsPerIp: HealthCheck = {
  key: 'application.rls_violations_per_ip',
  area: 'application',
  name: 'rls_violations_per_ip',
  title: 'RLS violations from one IP in a minute',
  unit: 'count',
  remediation: REMEDIATION,
  windowMinutes: () => 1,
  threshold: (t) => ({ comparison: 'above', warning: null, critical: t.rlsViolationsPerIpPerMinute - 1 }),
  async run({ client, now, thresholds }) {
    const rows = await perIp(client, now, 1);
    if (!rows) return unavailable(NO_TABLE);
    const worst = rows.reduce((a, row) => Math.max(a, num(row.last_minute) ?? 0), 0);
    const limit = thresholds.rlsViolationsPerIpPerMinute;
    const worstIp = rows.find((row) => (num(row.last_minute) ?? 0) === worst)?.ip;
    return {
      status: worst >= limit ? 'critical' : 'ok',
      value: worst,
      detail:
        worst === 0
          ? 'No RLS violation in the last minute.'
          : `${worst} RLS violation${worst === 1 ? '' : 's'} from ${worstIp} in the last minute${worst >= limit ? ` (${limit} or more: Security Breach)` : ` (critical at ${limit})`}.`,
      rows: toRows(rows, ['violations', 'last_minute']),
    };
  },
};
