/**
 * The assessment queries an emergency protocol runs as it opens, so the results are on screen
 * before the admin acts. All read-only (READ ONLY transaction, statement timeout); one failing
 * query is reported as such and never stops the others.
 *
 * Orphaned records generalise the manual's `employees.organization_id NOT IN (SELECT id FROM
 * organizations)` to every foreign key of the database: for each constraint, the child rows whose
 * (non-null) key has no parent row — possible when a constraint is NOT VALID, triggers were
 * disabled (session_replication_role = replica, bulk loads) or pages are corrupt.
 */
import { lookup } from 'node:dns/promises';
import type pg from 'pg';
import type { Clock } from '../clock';
import type { AssessmentResult, ProtocolName } from '../../../shared/emergency';
import { quoteIdent } from '../db/schema';
import { errorMessage, readOnly, relationExists, toRows } from '../runbooks/section';
import { CLIENT_IP } from '../alerts/rules/sql';

type Assess = (client: pg.ClientBase, ctx: AssessContext) => Promise<Omit<AssessmentResult, 'key' | 'title'>>;

export interface AssessContext {
  clock: Clock;
  /** Host of the database, for the DNS check. */
  host: string | null;
  /** Per-query statement timeout (default 10 s). */
  timeoutMs: number;
}

interface AssessmentDef {
  key: string;
  title: string;
  run: Assess;
}

export const EXTENT_SQL = `SELECT schemaname, relname AS tablename,
       pg_size_pretty(pg_total_relation_size(relid)) AS size,
       n_live_tup AS row_count
  FROM pg_stat_user_tables
 ORDER BY pg_total_relation_size(relid) DESC
 LIMIT 100`;

const EXTENT: AssessmentDef = {
  key: 'extent',
  title: 'Extent: table sizes and row counts',
  async run(client, ctx) {
    const rows = await readOnly<Record<string, unknown>>(client, EXTENT_SQL, [], ctx.timeoutMs);
    return { status: 'ok', summary: `${rows.length} user table${rows.length === 1 ? '' : 's'}, largest first.`, rows: toRows(rows), sql: [EXTENT_SQL] };
  },
};

export const FOREIGN_KEYS_SQL = `SELECT c.conname AS constraint_name,
       cn.nspname AS child_schema, cl.relname AS child_table,
       pn.nspname AS parent_schema, pl.relname AS parent_table,
       array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS child_columns,
       array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) AS parent_columns,
       c.convalidated AS validated
  FROM pg_constraint c
  JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace cn ON cn.oid = cl.relnamespace
  JOIN pg_class pl ON pl.oid = c.confrelid JOIN pg_namespace pn ON pn.oid = pl.relnamespace
 WHERE c.contype = 'f' AND c.conparentid = 0
   AND cn.nspname NOT IN ('pg_catalog', 'information_schema', 'ops', 'supabase_migrations') AND cn.nspname NOT LIKE 'pg\\_toast%'
 ORDER BY cn.nspname, cl.relname, c.conname
 LIMIT 500`;

interface ForeignKey {
  constraint_name: string;
  child_schema: string;
  child_table: string;
  parent_schema: string;
  parent_table: string;
  child_columns: string[];
  parent_columns: string[];
  validated: boolean;
}

/** The orphan count query of one foreign key (MATCH SIMPLE: rows with a NULL key column are not orphans). */
export function orphanSql(fk: ForeignKey): string {
  const child = `${quoteIdent(fk.child_schema)}.${quoteIdent(fk.child_table)}`;
  const parent = `${quoteIdent(fk.parent_schema)}.${quoteIdent(fk.parent_table)}`;
  const notNull = fk.child_columns.map((c) => `c.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  const join = fk.child_columns.map((c, i) => `p.${quoteIdent(fk.parent_columns[i]!)} = c.${quoteIdent(c)}`).join(' AND ');
  return `SELECT count(*) AS orphans FROM ${child} c WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${parent} p WHERE ${join})`;
}

const ORPHANS: AssessmentDef = {
  key: 'orphans',
  title: 'Orphaned records (every foreign key)',
  async run(client, ctx) {
    const fks = await readOnly<ForeignKey>(client, FOREIGN_KEYS_SQL, [], ctx.timeoutMs);
    const rows: Record<string, unknown>[] = [];
    const sql = [FOREIGN_KEYS_SQL];
    let orphaned = 0;
    let failed = 0;
    for (const fk of fks) {
      const q = orphanSql(fk);
      sql.push(q);
      const base = {
        constraint: fk.constraint_name,
        child: `${fk.child_schema}.${fk.child_table}(${fk.child_columns.join(', ')})`,
        parent: `${fk.parent_schema}.${fk.parent_table}(${fk.parent_columns.join(', ')})`,
        validated: fk.validated,
      };
      try {
        const r = await readOnly<{ orphans: string }>(client, q, [], ctx.timeoutMs);
        const n = Number(r[0]!.orphans);
        if (n > 0) orphaned += n;
        rows.push({ ...base, orphans: n, error: null });
      } catch (err) {
        failed++;
        rows.push({ ...base, orphans: null, error: errorMessage(err) });
      }
    }
    rows.sort((a, b) => Number(b.orphans ?? -1) - Number(a.orphans ?? -1));
    if (fks.length === 0) return { status: 'ok', summary: 'No foreign keys in this database: nothing to check.', rows: [], sql };
    return {
      status: orphaned > 0 || failed > 0 ? 'warning' : 'ok',
      summary:
        `${fks.length} foreign key${fks.length === 1 ? '' : 's'} checked: ` +
        (orphaned > 0 ? `${orphaned} orphaned row${orphaned === 1 ? '' : 's'} in ${rows.filter((r) => Number(r.orphans) > 0).length} of them` : 'no orphaned rows') +
        (failed > 0 ? `; ${failed} could not be checked` : '') +
        '.',
      rows: toRows(rows),
      sql,
    };
  },
};

export const RLS_VIOLATIONS_SQL = `SELECT timestamp, severity, message, user_id, ${CLIENT_IP} AS ip
  FROM public.system_logs
 WHERE source = 'rls_violation'
   AND timestamp > $1::timestamptz - INTERVAL '24 hours' AND timestamp <= $1::timestamptz
 ORDER BY timestamp DESC
 LIMIT 200`;
export const RLS_BY_IP_SQL = `SELECT ${CLIENT_IP} AS ip, count(*) AS violations, count(DISTINCT user_id) AS users, min(timestamp) AS first_seen, max(timestamp) AS last_seen
  FROM public.system_logs
 WHERE source = 'rls_violation'
   AND timestamp > $1::timestamptz - INTERVAL '24 hours' AND timestamp <= $1::timestamptz
 GROUP BY 1
 ORDER BY count(*) DESC
 LIMIT 50`;

const RLS_VIOLATIONS: AssessmentDef = {
  key: 'rls_violations',
  title: 'Recent RLS violations (24 h)',
  async run(client, ctx) {
    if (!(await relationExists(client, 'public.system_logs'))) return { status: 'unavailable', summary: 'unavailable: public.system_logs does not exist.', rows: [], sql: [RLS_VIOLATIONS_SQL] };
    const now = ctx.clock.now();
    const byIp = await readOnly<Record<string, unknown>>(client, RLS_BY_IP_SQL, [now], ctx.timeoutMs);
    const recent = await readOnly<Record<string, unknown>>(client, RLS_VIOLATIONS_SQL, [now], ctx.timeoutMs);
    const total = byIp.reduce((a, r) => a + Number(r.violations), 0);
    return {
      status: total > 0 ? 'warning' : 'ok',
      summary: total > 0 ? `${total} RLS violation${total === 1 ? '' : 's'} in 24 h from ${byIp.length} source${byIp.length === 1 ? '' : 's'} (by IP below, then the latest 200).` : 'No RLS violations in the last 24 hours.',
      rows: [...toRows(byIp).map((r) => ({ kind: 'by ip', ...r })), ...toRows(recent).map((r) => ({ kind: 'violation', ...r }))],
      sql: [RLS_BY_IP_SQL, RLS_VIOLATIONS_SQL],
    };
  },
};

export const UNUSUAL_ACCESS_SQL = `SELECT user_id, count(*) AS attempts
  FROM public.system_logs
 WHERE severity = 'warning'
   AND timestamp > $1::timestamptz - INTERVAL '1 hour' AND timestamp <= $1::timestamptz
 GROUP BY user_id
HAVING count(*) > 100
 ORDER BY count(*) DESC
 LIMIT 100`;

const UNUSUAL_ACCESS: AssessmentDef = {
  key: 'unusual_access',
  title: 'Unusual access patterns (> 100 warnings per user in 1 h)',
  async run(client, ctx) {
    if (!(await relationExists(client, 'public.system_logs'))) return { status: 'unavailable', summary: 'unavailable: public.system_logs does not exist.', rows: [], sql: [UNUSUAL_ACCESS_SQL] };
    const rows = await readOnly<Record<string, unknown>>(client, UNUSUAL_ACCESS_SQL, [ctx.clock.now()], ctx.timeoutMs);
    return {
      status: rows.length > 0 ? 'warning' : 'ok',
      summary: rows.length > 0 ? `${rows.length} user${rows.length === 1 ? '' : 's'} with more than 100 warnings in the last hour.` : 'No user with more than 100 warnings in the last hour.',
      rows: toRows(rows),
      sql: [UNUSUAL_ACCESS_SQL],
    };
  },
};

export const SESSIONS_SQL = `SELECT usename AS role, client_addr::text AS client, state, count(*) AS sessions,
       max(now() - state_change) AS longest_in_state
  FROM pg_stat_activity
 WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
 GROUP BY 1, 2, 3
 ORDER BY count(*) DESC
 LIMIT 50`;

const SESSIONS: AssessmentDef = {
  key: 'sessions',
  title: 'Open sessions by role, client and state',
  async run(client, ctx) {
    const rows = await readOnly<Record<string, unknown>>(client, SESSIONS_SQL, [], ctx.timeoutMs);
    const max = await readOnly<{ max: string; used: string }>(client, "SELECT current_setting('max_connections') AS max, (SELECT count(*) FROM pg_stat_activity) AS used", [], ctx.timeoutMs);
    return {
      status: Number(max[0]!.used) / Number(max[0]!.max) > 0.9 ? 'warning' : 'ok',
      summary: `${max[0]!.used} of ${max[0]!.max} connections in use.`,
      rows: toRows(rows),
      sql: [SESSIONS_SQL],
    };
  },
};

export const ERRORS_SQL = `SELECT date_trunc('minute', timestamp) AS minute, count(*) FILTER (WHERE severity IN ('error','critical')) AS errors, count(*) AS logs
  FROM public.system_logs
 WHERE timestamp > $1::timestamptz - INTERVAL '15 minutes' AND timestamp <= $1::timestamptz
 GROUP BY 1 ORDER BY 1 DESC`;
export const TOP_ERRORS_SQL = `SELECT left(message, 200) AS message, source, count(*) AS occurrences, max(timestamp) AS last_seen, max(correlation_id) AS correlation_id
  FROM public.system_logs
 WHERE severity IN ('error','critical')
   AND timestamp > $1::timestamptz - INTERVAL '15 minutes' AND timestamp <= $1::timestamptz
 GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 20`;

const ERRORS: AssessmentDef = {
  key: 'errors',
  title: 'Errors in the last 15 minutes',
  async run(client, ctx) {
    if (!(await relationExists(client, 'public.system_logs'))) return { status: 'unavailable', summary: 'unavailable: public.system_logs does not exist.', rows: [], sql: [ERRORS_SQL] };
    const now = ctx.clock.now();
    const perMinute = await readOnly<Record<string, unknown>>(client, ERRORS_SQL, [now], ctx.timeoutMs);
    const top = await readOnly<Record<string, unknown>>(client, TOP_ERRORS_SQL, [now], ctx.timeoutMs);
    const errors = perMinute.reduce((a, r) => a + Number(r.errors), 0);
    return {
      status: errors > 0 ? 'warning' : 'ok',
      summary: `${errors} error or critical log${errors === 1 ? '' : 's'} in the last 15 minutes; the most frequent below.`,
      rows: [...toRows(top).map((r) => ({ kind: 'top error', ...r })), ...toRows(perMinute).map((r) => ({ kind: 'per minute', ...r }))],
      sql: [TOP_ERRORS_SQL, ERRORS_SQL],
    };
  },
};

export const REPLICATION_SQL = `SELECT application_name, client_addr::text AS client, state,
       EXTRACT(EPOCH FROM replay_lag)::float AS replay_lag_seconds,
       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS bytes_behind
  FROM pg_stat_replication`;

const REPLICATION: AssessmentDef = {
  key: 'replication',
  title: 'Replication lag',
  async run(client, ctx) {
    const rows = await readOnly<Record<string, unknown>>(client, REPLICATION_SQL, [], ctx.timeoutMs);
    const lagging = rows.filter((r) => Number(r.replay_lag_seconds ?? 0) > 300);
    return {
      status: lagging.length > 0 ? 'warning' : 'ok',
      summary: rows.length === 0 ? 'No replicas are connected to this server.' : `${rows.length} replica${rows.length === 1 ? '' : 's'}; ${lagging.length} more than 5 minutes behind.`,
      rows: toRows(rows),
      sql: [REPLICATION_SQL],
    };
  },
};

export const BACKUPS_SQL = `SELECT timestamp, event_type, severity, left(message, 200) AS message
  FROM ops.roman_events
 WHERE event_type ILIKE '%backup%' AND timestamp > $1::timestamptz - INTERVAL '7 days'
 ORDER BY timestamp DESC LIMIT 20`;

const BACKUPS: AssessmentDef = {
  key: 'backups',
  title: 'Backups recorded in the last 7 days',
  async run(client, ctx) {
    if (!(await relationExists(client, 'ops.roman_events'))) return { status: 'unavailable', summary: 'unavailable: ops.roman_events does not exist.', rows: [], sql: [BACKUPS_SQL] };
    const rows = await readOnly<Record<string, unknown>>(client, BACKUPS_SQL, [ctx.clock.now()], ctx.timeoutMs);
    const ok = rows.filter((r) => r.severity === 'info');
    return {
      status: ok.length === 0 ? 'warning' : 'ok',
      summary: ok.length === 0 ? 'No successful backup recorded in the last 7 days: take one before repairing anything.' : `Latest successful backup event: ${String((ok[0]!.timestamp as Date).toISOString())}.`,
      rows: toRows(rows),
      sql: [BACKUPS_SQL],
    };
  },
};

const DNS: AssessmentDef = {
  key: 'dns',
  title: 'DNS resolution of the database host',
  async run(_client, ctx) {
    if (!ctx.host) return { status: 'unavailable', summary: 'unavailable: the database host is not known here.', rows: [], sql: [] };
    try {
      const addrs = await lookup(ctx.host, { all: true });
      return { status: 'ok', summary: `${ctx.host} resolves to ${addrs.map((a) => a.address).join(', ')}.`, rows: addrs.map((a) => ({ address: a.address, family: a.family })), sql: [`dns lookup ${ctx.host}`] };
    } catch (err) {
      return { status: 'failed', summary: `${ctx.host} does not resolve: ${errorMessage(err)}`, rows: [], sql: [`dns lookup ${ctx.host}`] };
    }
  },
};

export const ASSESSMENTS: Record<ProtocolName, AssessmentDef[]> = {
  'system-down': [DNS, ERRORS, SESSIONS],
  'data-loss': [EXTENT, ORPHANS, REPLICATION, BACKUPS],
  'security-breach': [RLS_VIOLATIONS, UNUSUAL_ACCESS, SESSIONS],
};

/** Runs a protocol's assessment queries, one after the other; a failure is that query's result. */
export async function runAssessment(pool: pg.Pool, protocol: ProtocolName, ctx: Partial<AssessContext> & { clock: Clock }): Promise<AssessmentResult[]> {
  const full: AssessContext = { host: null, timeoutMs: 10_000, ...ctx };
  const out: AssessmentResult[] = [];
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    return ASSESSMENTS[protocol].map((a) => ({ key: a.key, title: a.title, status: 'failed' as const, summary: `the database cannot be reached: ${errorMessage(err)}`, rows: [], sql: [] }));
  }
  try {
    for (const a of ASSESSMENTS[protocol]) {
      try {
        out.push({ key: a.key, title: a.title, ...(await a.run(client, full)) });
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        out.push({ key: a.key, title: a.title, status: 'failed', summary: `Failed: ${errorMessage(err)}`, rows: [], sql: [] });
      }
    }
  } finally {
    client.release();
  }
  return out;
}
