/**
 * Playbook 2 — RLS Policy Violations (rows with source 'rls_violation'). Checks: who and what
 * (users, tables, operations), whether each table has RLS enabled and policies, whether the user
 * is a member of an organisation (user_organizations), and violations per IP in one minute (5+
 * from one IP is the manual's Security Breach). Action: block an IP that crossed that line
 * (non-destructive, reversible with unblock).
 */
import type { PlaybookDetection } from '../../../../shared/triage';
import { SAFE_TEXT, countOf, plural, relationExists, runCheck } from './common';
import type { Playbook, ProposedAction } from './types';

const DETECTION_SQL = `SELECT count(*) FROM system_logs
WHERE source = 'rls_violation'
  AND timestamp > NOW() - INTERVAL '1 hour';`;

interface TableRow {
  tbl: string;
  n: string;
}

async function violatedTables(ctx: { db: import('../../alerts/rule').Queryable; now: Date }): Promise<TableRow[]> {
  const r = await ctx.db.query<TableRow>(
    `SELECT metadata->>'table' AS tbl, count(*) AS n FROM public.system_logs
      WHERE source = 'rls_violation' AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1::timestamptz
        AND metadata->>'table' ~ ${SAFE_TEXT}
      GROUP BY 1 ORDER BY 2 DESC LIMIT 10`,
    [ctx.now.toISOString()],
  );
  return r.rows;
}

async function breachIps(ctx: { db: import('../../alerts/rule').Queryable; now: Date }): Promise<{ ip: string; n: string }[]> {
  const r = await ctx.db.query<{ ip: string; n: string }>(
    `SELECT metadata->>'ip' AS ip, max(per_minute) AS n FROM (
       -- a sliding minute from each violation (calendar minutes would split a burst across a boundary)
       SELECT metadata, count(*) OVER (PARTITION BY metadata->>'ip' ORDER BY "timestamp"
                                       RANGE BETWEEN CURRENT ROW AND interval '59.999 seconds' FOLLOWING) AS per_minute
         FROM public.system_logs
        WHERE source = 'rls_violation' AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1::timestamptz
          AND metadata->>'ip' ~ '^[0-9a-fA-F.:]{3,45}$') x
      GROUP BY 1 HAVING max(per_minute) >= 5 ORDER BY 2 DESC LIMIT 10`,
    [ctx.now.toISOString()],
  );
  return r.rows;
}

export const rlsViolations: Playbook = {
  name: 'rls_violations',
  title: 'RLS policy violations',
  description: "Users denied by row-level security (rows logged with source 'rls_violation').",
  claimedRate: 0.4,
  manualSteps: [
    'Identify user and requested resource',
    'Check user_organizations membership',
    'Verify RLS policy exists for table',
    'If policy missing → Alert admin',
    'If user malicious → Log to security audit',
    'If legitimate need → Prompt admin for role adjustment',
  ],

  async detect(ctx): Promise<PlaybookDetection> {
    if (!(await relationExists(ctx.db, 'public.system_logs'))) {
      return { sql: DETECTION_SQL, window: '1 hour', count: 0, triggered: false, detail: 'public.system_logs does not exist: nothing can be detected' };
    }
    const n = await countOf(
      ctx.db,
      `SELECT count(*) AS n FROM public.system_logs
        WHERE source = 'rls_violation' AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1::timestamptz`,
      [ctx.now.toISOString()],
    );
    return { sql: DETECTION_SQL, window: '1 hour', count: n, triggered: n > 0, detail: `${plural(n, 'RLS violation')} in the last hour` };
  },

  async check(ctx) {
    const exists = await relationExists(ctx.db, 'public.system_logs').catch(() => false);
    if (!exists) return [{ id: 'who_what', title: 'Users and resources', status: 'unknown', detail: 'public.system_logs does not exist', value: null }];
    return Promise.all([
      runCheck('who_what', 'Users and resources (last hour)', async () => {
        const r = await ctx.db.query<{ users: string; tables: string; ops: string | null }>(
          `SELECT count(DISTINCT coalesce(user_id::text, metadata->>'user_id')) AS users, count(DISTINCT metadata->>'table') AS tables,
                  string_agg(DISTINCT metadata->>'operation', ', ') FILTER (WHERE metadata->>'operation' ~ '^[A-Z]{3,10}$') AS ops
             FROM public.system_logs
            WHERE source = 'rls_violation' AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1::timestamptz`,
          [ctx.now.toISOString()],
        );
        const x = r.rows[0]!;
        return { status: Number(x.users) > 0 ? 'warning' : 'ok', detail: `${plural(Number(x.users), 'user')} on ${plural(Number(x.tables), 'table')}${x.ops ? ` (${x.ops})` : ''}`, value: Number(x.users) };
      }),
      runCheck('rls_policies', 'Does each table have RLS enabled and a policy?', async () => {
        const tables = await violatedTables(ctx);
        if (tables.length === 0) return { status: 'unknown', detail: 'no violation names a table', value: null };
        const problems: string[] = [];
        const fine: string[] = [];
        for (const t of tables) {
          const name = t.tbl.includes('.') ? t.tbl : `public.${t.tbl}`;
          const r = await ctx.db.query<{ rls: boolean | null; policies: string }>(
            `SELECT c.relrowsecurity AS rls, (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
               FROM pg_class c WHERE c.oid = to_regclass($1)`,
            [name],
          );
          const row = r.rows[0];
          if (!row) problems.push(`${name}: no such table`);
          else if (!row.rls) problems.push(`${name}: RLS is not enabled`);
          else if (Number(row.policies) === 0) problems.push(`${name}: RLS enabled but no policy (every access is denied)`);
          else fine.push(`${name} (${plural(Number(row.policies), 'policy', 'policies')})`);
        }
        return problems.length
          ? { status: 'failed', detail: `policy missing → alert admin: ${problems.join('; ')}`, value: problems.length }
          : { status: 'ok', detail: `RLS enabled with policies: ${fine.join(', ')}`, value: 0 };
      }),
      runCheck('membership', 'Are the users members of an organisation (user_organizations)?', async () => {
        if (!(await relationExists(ctx.db, 'public.user_organizations'))) {
          return { status: 'unknown', detail: 'public.user_organizations does not exist: membership cannot be checked', value: null };
        }
        const r = await ctx.db.query<{ users: string; members: string }>(
          `WITH u AS (
             SELECT DISTINCT coalesce(user_id::text, metadata->>'user_id') AS uid FROM public.system_logs
              WHERE source = 'rls_violation' AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1::timestamptz)
           SELECT count(*) FILTER (WHERE uid IS NOT NULL) AS users,
                  count(*) FILTER (WHERE uid IS NOT NULL AND EXISTS (SELECT 1 FROM public.user_organizations m WHERE m.user_id::text = u.uid)) AS members
             FROM u`,
          [ctx.now.toISOString()],
        );
        const users = Number(r.rows[0]!.users);
        const members = Number(r.rows[0]!.members);
        if (users === 0) return { status: 'unknown', detail: 'the violations name no user', value: null };
        const outsiders = users - members;
        return {
          status: outsiders > 0 ? 'warning' : 'ok',
          detail: outsiders > 0 ? `${plural(outsiders, 'user')} of ${users} belong to no organisation (possible misuse)` : `all ${plural(users, 'user')} belong to an organisation (legitimate need? adjust the role)`,
          value: outsiders,
        };
      }),
      runCheck('per_ip', 'Violations per IP in one minute (5+ is a security breach)', async () => {
        const ips = await breachIps(ctx);
        return ips.length
          ? { status: 'failed', detail: `security breach: ${ips.map((x) => `${x.ip} (${x.n}/min)`).join(', ')}`, value: ips.length }
          : { status: 'ok', detail: 'no IP reached 5 violations in one minute', value: 0 };
      }),
    ]);
  },

  async actions(ctx) {
    const ips = await breachIps(ctx).catch(() => []);
    const out: ProposedAction[] = ips.map((x) => ({
      id: `block_ip:${x.ip}`,
      title: `Block ${x.ip}`,
      kind: 'block_ip',
      destructive: false,
      available: true,
      reason: `${x.n} violations in one minute`,
      params: { ip: x.ip, reason: `RLS violations: ${x.n} in one minute` },
    }));
    if (out.length === 0) {
      out.push({ id: 'block_ip', title: 'Block an IP', kind: 'block_ip', destructive: false, available: false, reason: 'no IP reached 5 violations in one minute', params: {} });
    }
    return out;
  },
};
