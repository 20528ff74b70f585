/**
 * Playbook 1 — Database Connection Failures. Detection: the manual's query (errors whose message
 * mentions "connection" in the last 5 minutes). Checks: a live connection test with its round
 * trip, connection usage against max_connections (manual threshold 90 %), sessions idle in a
 * transaction, whether the errors are still arriving, and the SQLSTATE codes seen. Actions: cancel
 * the longest-running active query (non-destructive: the transaction rolls back, the session stays),
 * terminate sessions idle in a transaction for more than 5 minutes (destructive: their work is lost).
 */
import type { PlaybookDetection } from '../../../../shared/triage';
import { countOf, plural, relationExists, runCheck } from './common';
import type { Playbook, ProposedAction } from './types';

const DETECTION_SQL = `SELECT count(*)
FROM system_logs
WHERE severity = 'error'
  AND message LIKE '%connection%'
  AND timestamp > NOW() - INTERVAL '5 minutes';`;

export const dbConnectionFailures: Playbook = {
  name: 'db_connection_failures',
  title: 'Database connection failures',
  description: 'Errors about database connections: pool exhaustion, refused or dropped connections, timeouts.',
  claimedRate: 0.85,
  manualSteps: [
    'Check Supabase status (https://status.supabase.com)',
    'Verify environment variables (VITE_SUPABASE_URL, keys)',
    'Test connection with curl',
    'Restart application if local issue',
    'Notify admin if Supabase outage',
  ],

  async detect(ctx): Promise<PlaybookDetection> {
    if (!(await relationExists(ctx.db, 'public.system_logs'))) {
      return { sql: DETECTION_SQL, window: '5 minutes', count: 0, triggered: false, detail: 'public.system_logs does not exist: nothing can be detected' };
    }
    const n = await countOf(
      ctx.db,
      `SELECT count(*) AS n FROM public.system_logs
        WHERE severity = 'error' AND message LIKE '%connection%'
          AND "timestamp" > $1::timestamptz - interval '5 minutes' AND "timestamp" <= $1::timestamptz`,
      [ctx.now.toISOString()],
    );
    return { sql: DETECTION_SQL, window: '5 minutes', count: n, triggered: n > 0, detail: `${plural(n, 'connection error')} in the last 5 minutes` };
  },

  async check(ctx) {
    return Promise.all([
      runCheck('connection_test', 'Test the connection', async () => {
        const t = performance.now();
        await ctx.db.query('SELECT 1');
        const ms = Math.round(performance.now() - t);
        return { status: ms > 1000 ? 'warning' : 'ok', detail: `the database answered SELECT 1 in ${ms} ms`, value: ms };
      }),
      runCheck('pool_usage', 'Connection usage vs max_connections', async () => {
        const r = await ctx.db.query<{ used: string; max: string; reserved: string }>(
          `SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS used,
                  current_setting('max_connections') AS max,
                  current_setting('superuser_reserved_connections') AS reserved`,
        );
        const used = Number(r.rows[0]!.used);
        const max = Number(r.rows[0]!.max) - Number(r.rows[0]!.reserved);
        const pct = max > 0 ? Math.round((used / max) * 1000) / 10 : 100;
        return {
          status: pct >= 90 ? 'failed' : pct >= 80 ? 'warning' : 'ok',
          detail: `${used} of ${max} usable connections in use (${pct} %; the manual alerts above 90 %)`,
          value: pct,
        };
      }),
      runCheck('idle_in_transaction', 'Sessions idle in a transaction', async () => {
        const n = await countOf(
          ctx.db,
          `SELECT count(*) AS n FROM pg_stat_activity
            WHERE state = 'idle in transaction' AND state_change < now() - interval '5 minutes' AND pid <> pg_backend_pid()`,
          [],
        );
        return { status: n > 0 ? 'warning' : 'ok', detail: n > 0 ? `${plural(n, 'session')} idle in a transaction for more than 5 minutes (they hold connections and locks)` : 'no session idle in a transaction for more than 5 minutes', value: n };
      }),
      runCheck('still_failing', 'Are connection errors still arriving?', async () => {
        if (!(await relationExists(ctx.db, 'public.system_logs'))) return { status: 'unknown', detail: 'public.system_logs does not exist', value: null };
        const n = await countOf(
          ctx.db,
          `SELECT count(*) AS n FROM public.system_logs
            WHERE severity IN ('error', 'critical') AND message ILIKE '%connection%'
              AND "timestamp" > $1::timestamptz - interval '1 minute' AND "timestamp" <= $1::timestamptz`,
          [ctx.now.toISOString()],
        );
        return { status: n > 0 ? 'failed' : 'ok', detail: n > 0 ? `${plural(n, 'connection error')} in the last minute` : 'no connection error in the last minute', value: n };
      }),
      runCheck('error_codes', 'SQLSTATE codes of the errors (last hour)', async () => {
        if (!(await relationExists(ctx.db, 'public.system_logs'))) return { status: 'unknown', detail: 'public.system_logs does not exist', value: null };
        const r = await ctx.db.query<{ code: string; n: string }>(
          `SELECT metadata->>'error_code' AS code, count(*) AS n FROM public.system_logs
            WHERE severity IN ('error', 'critical') AND message ILIKE '%connection%'
              AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1::timestamptz
              AND metadata->>'error_code' ~ '^[0-9A-Z]{5}$'
            GROUP BY 1 ORDER BY 2 DESC LIMIT 5`,
          [ctx.now.toISOString()],
        );
        if (r.rows.length === 0) return { status: 'unknown', detail: 'no error_code in the errors of the last hour', value: null };
        const text = r.rows.map((x) => `${x.code} ×${x.n}`).join(', ');
        const serverSide = r.rows.some((x) => x.code === '53300' || x.code === '57P01' || x.code === '57P03');
        return { status: serverSide ? 'failed' : 'warning', detail: `${text}${serverSide ? ' (the server refused or shut down connections)' : ''}`, value: text };
      }),
    ]);
  },

  async actions(ctx, checks) {
    const out: ProposedAction[] = [];
    const longest = await ctx.db
      .query<{ pid: number; secs: string; query: string }>(
        `SELECT pid, extract(epoch FROM now() - query_start)::int AS secs, left(query, 120) AS query FROM pg_stat_activity
          WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
            AND query_start < now() - interval '1 minute'
          ORDER BY query_start LIMIT 1`,
      )
      .catch(() => ({ rows: [] as { pid: number; secs: string; query: string }[] }));
    const q = longest.rows[0];
    out.push({
      id: 'cancel_longest_query',
      title: q ? `Cancel the longest-running query (pid ${q.pid}, ${q.secs} s)` : 'Cancel the longest-running query',
      kind: 'cancel_query',
      destructive: false,
      available: Boolean(q),
      reason: q ? `running for ${q.secs} s: ${q.query}` : 'no query has been running for more than a minute',
      params: q ? { pid: q.pid } : {},
    });
    const idle = checks.find((c) => c.id === 'idle_in_transaction');
    out.push({
      id: 'terminate_idle_in_transaction',
      title: 'Terminate sessions idle in a transaction for more than 5 minutes',
      kind: 'terminate_sessions',
      destructive: true,
      available: idle?.status === 'warning',
      reason: idle?.detail ?? 'not checked',
      params: { role: null, application_name: null },
    });
    return out;
  },
};
