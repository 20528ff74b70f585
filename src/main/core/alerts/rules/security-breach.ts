/**
 * Rule `security_breach` (manual, Critical): 5+ RLS violations (source 'rls_violation') from the
 * same IP (metadata->>'ip') in 1 minute. One alert per IP (the ip is a label). Violations without a
 * usable ip are not attributed to anyone and never break the query.
 */
import { thresholdOf } from '../rule';
import type { AlertRule } from '../rule';
import { CLIENT_IP } from './sql';

export const SECURITY_BREACH_THRESHOLD = 5;

export const securityBreach: AlertRule = {
  name: 'security_breach',
  title: 'Security Breach',
  severity: 'critical',
  trigger: '5+ RLS violations from same IP in 1 minute',
  action: 'Block IP, alert security team',
  forMs: 0,
  keepFiringForMs: 60_000,
  cadence: 'signal',
  historyJudged: false,
  async evaluate(db, { at, config }) {
    // The limit from Settings (defaults < global < per-connection), the manual's value by default.
    const SECURITY_BREACH_THRESHOLD = thresholdOf(config, 'rlsViolationsPerIpPerMinute');
    const { rows } = await db.query<{ ip: string; n: number }>(
      `SELECT ip, count(*)::int AS n FROM (
          SELECT ${CLIENT_IP} AS ip FROM public.system_logs
           WHERE source = 'rls_violation'
             AND timestamp > $1::timestamptz - interval '1 minute' AND timestamp <= $1::timestamptz
        ) v
        WHERE ip IS NOT NULL
        GROUP BY ip ORDER BY n DESC, ip LIMIT 200`,
      [at.toISOString()],
    );
    const over = rows.filter((r) => r.n >= SECURITY_BREACH_THRESHOLD);
    if (over.length === 0) {
      const top = rows[0];
      return [
        {
          labels: {},
          active: false,
          value: top?.n ?? 0,
          summary: top
            ? `at most ${top.n} RLS violation${top.n === 1 ? '' : 's'} from one IP in the last minute (threshold ${SECURITY_BREACH_THRESHOLD})`
            : 'no RLS violations in the last minute',
        },
      ];
    }
    return over.map((r) => ({
      labels: { ip: r.ip },
      active: true,
      value: r.n,
      summary: `${r.n} RLS violations from ${r.ip} in the last minute (threshold ${SECURITY_BREACH_THRESHOLD})`,
    }));
  },
};
