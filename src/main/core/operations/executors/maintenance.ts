/**
 * Maintenance executors: VACUUM (ANALYZE) of a table or the database, cancel or terminate a
 * backend (its query shown first; a reused pid is refused), CREATE INDEX CONCURRENTLY (the INVALID
 * index a failed build leaves is dropped) and DROP INDEX CONCURRENTLY of an unused or duplicate
 * index (anything else is refused). Progress comes from pg_stat_progress_vacuum and
 * pg_stat_progress_create_index, polled on a second connection.
 */
import type pg from 'pg';
import type { OperationParams } from '../../../../shared/operations';
import { DomainError } from '../../../../shared/result';
import type { Executor, RunContext } from '../types';
import { quoteIdent, resolveRelation } from './sql';

/** Polls a pg_stat_progress_* view for the executor's pid until stopped. */
export function pollProgress(
  ctx: RunContext,
  sql: string,
  map: (row: Record<string, unknown>) => Parameters<RunContext['progress']>[0],
  intervalMs = 300,
): () => void {
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try {
      const r = await ctx.side.query(sql, [ctx.pid]);
      if (!stopped && r.rows[0]) ctx.progress(map(r.rows[0] as Record<string, unknown>));
    } catch {
      // progress is best effort
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  let timer: NodeJS.Timeout = setTimeout(() => void tick(), 50);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function num(v: unknown): number | undefined {
  return v === null || v === undefined ? undefined : Number(v);
}

function vacuumSql(params: OperationParams, rel: string | null): string {
  void params;
  return rel ? `VACUUM (ANALYZE) ${rel}` : 'VACUUM (ANALYZE)';
}

export const vacuumExecutor: Executor = {
  kind: 'vacuum',
  destructive: false,
  lockTarget: (p) => (typeof p.table === 'string' ? p.table : 'database'),
  async plan(c, params) {
    const rel = typeof params.table === 'string' ? await resolveRelation(c, params.table, ['r', 'm', 'p', 't'], 'table') : null;
    return {
      steps: [
        {
          kind: 'vacuum',
          title: rel ? `VACUUM (ANALYZE) ${rel.schema}.${rel.name}` : 'VACUUM (ANALYZE) of the whole database',
          sql: vacuumSql(params, rel?.sql ?? null),
          destructive: false,
        },
      ],
      notes: ['VACUUM does not block reads or writes; it reclaims dead tuples and refreshes planner statistics.'],
      params: rel ? { table: `${rel.schema}.${rel.name}` } : { table: null },
    };
  },
  async run(ctx) {
    const step = ctx.plan.steps.find((s) => s.kind === 'vacuum')!;
    const stop = pollProgress(
      ctx,
      `select p.phase, p.heap_blks_total, p.heap_blks_scanned, p.relid::regclass::text as rel from pg_stat_progress_vacuum p where p.pid = $1`,
      (r) => ({ phase: `${String(r.phase)} ${String(r.rel)}`, done: num(r.heap_blks_scanned), total: num(r.heap_blks_total), unit: 'blocks' }),
    );
    try {
      await ctx.step('vacuum', step.title, () => ctx.client.query(step.sql));
    } finally {
      stop();
    }
  },
};

interface Backend {
  pid: number;
  usename: string | null;
  datname: string | null;
  application_name: string | null;
  client_addr: string | null;
  state: string | null;
  backend_start: string;
  query_start: string | null;
  query: string | null;
}

async function backendOf(c: pg.ClientBase | pg.Pool, pid: number): Promise<Backend | null> {
  const r = await c.query<Backend>(
    `select pid, usename::text, datname::text, application_name, host(client_addr) as client_addr, state,
            to_char(backend_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as backend_start,
            to_char(query_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as query_start, left(query, 4000) as query
       from pg_stat_activity where pid = $1`,
    [pid],
  );
  return r.rows[0] ?? null;
}

export const cancelExecutor: Executor = {
  kind: 'cancel_query',
  destructive: false,
  lockTarget: (p) => `pid:${String(p.pid)}`,
  async plan(c, params) {
    const pid = Number(params.pid);
    const own = await c.query<{ pid: number }>('select pg_backend_pid() as pid');
    if (own.rows[0].pid === pid) throw new DomainError('invalid_input', 'that is R.O.M.A.N.\'s own session');
    const b = await backendOf(c, pid);
    if (!b) throw new DomainError('invalid_input', `no backend with pid ${pid} (it may have finished); check pg_stat_activity`);
    if (typeof params.backend_start === 'string' && params.backend_start !== b.backend_start) {
      throw new DomainError('invalid_input', `pid ${pid} now belongs to another session (started ${b.backend_start}); the planned backend has ended`);
    }
    const terminate = params.terminate === true;
    const fn = terminate ? 'pg_terminate_backend' : 'pg_cancel_backend';
    return {
      steps: [
        {
          kind: terminate ? 'terminate_backend' : 'cancel_backend',
          title: `${terminate ? 'Terminate the session of' : 'Cancel the query of'} backend ${pid} (${b.usename ?? '?'}@${b.datname ?? '?'}, ${b.state ?? 'unknown state'}): ${(b.query ?? '').slice(0, 200)}`,
          sql: `select ${fn}(${pid})`,
          destructive: false,
        },
      ],
      notes: [
        `Backend ${pid}: user ${b.usename ?? '?'}, application "${b.application_name ?? ''}", client ${b.client_addr ?? 'local'}, state ${b.state ?? '?'}, query started ${b.query_start ?? '—'}.`,
        `Its query: ${b.query ?? '(none)'}`,
        terminate ? 'Terminating ends the whole session: its open transaction is rolled back.' : 'Cancelling stops the current query only; the session stays.',
      ],
      params: { pid, terminate, backend_start: b.backend_start },
    };
  },
  async run(ctx) {
    const pid = Number(ctx.params.pid);
    const step = ctx.plan.steps[ctx.plan.steps.length - 1];
    await ctx.step(step.kind, step.title, async () => {
      const b = await backendOf(ctx.client, pid);
      if (!b) throw new Error(`backend ${pid} has already ended; nothing was cancelled`);
      if (b.backend_start !== ctx.params.backend_start) throw new Error(`pid ${pid} now belongs to another session; refusing to signal it`);
      ctx.details.backend = b;
      const fn = ctx.params.terminate === true ? 'pg_terminate_backend' : 'pg_cancel_backend';
      const r = await ctx.client.query<{ ok: boolean }>(`select ${fn}($1) as ok`, [pid]);
      if (!r.rows[0].ok) throw new Error(`${fn}(${pid}) returned false (no permission, or the backend ended)`);
      return b.query;
    }, (q) => `query: ${(q ?? '').slice(0, 200)}`);
  },
};

async function columnsExist(c: pg.ClientBase | pg.Pool, oid: number, columns: string[]): Promise<void> {
  const r = await c.query<{ attname: string }>(`select attname::text from pg_attribute where attrelid = $1 and attnum > 0 and not attisdropped`, [oid]);
  const have = new Set(r.rows.map((x) => x.attname));
  const missing = columns.filter((col) => !have.has(col));
  if (missing.length) throw new DomainError('invalid_input', `column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found on that table`);
}

async function invalidIndex(c: pg.ClientBase | pg.Pool, schema: string, name: string): Promise<boolean> {
  const r = await c.query(
    `select 1 from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_namespace n on n.oid = ic.relnamespace
      where n.nspname = $1 and ic.relname = $2 and not i.indisvalid`,
    [schema, name],
  );
  return (r.rowCount ?? 0) > 0;
}

export const createIndexExecutor: Executor = {
  kind: 'create_index',
  destructive: false,
  lockTarget: (p) => String(p.table),
  async plan(c, params) {
    const rel = await resolveRelation(c, String(params.table), ['r', 'm'], 'table');
    const columns = params.columns as string[];
    await columnsExist(c, rel.oid, columns);
    const name = String(params.name);
    const taken = await c.query<{ kind: string }>(
      `select c.relkind::text as kind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2`,
      [rel.schema, name],
    );
    if (taken.rows.length) throw new DomainError('invalid_input', `${rel.schema}.${name} already exists; choose another index name`);
    const sql = `CREATE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${rel.sql} (${columns.map(quoteIdent).join(', ')})`;
    return {
      steps: [{ kind: 'create_index', title: `Create index ${name} on ${rel.schema}.${rel.name} (${columns.join(', ')}) concurrently`, sql, destructive: false }],
      notes: ['CONCURRENTLY: writes continue during the build; if it fails, the INVALID index it leaves is dropped.'],
      params: { table: `${rel.schema}.${rel.name}`, columns, name },
    };
  },
  async run(ctx) {
    const step = ctx.plan.steps[ctx.plan.steps.length - 1];
    const [schema] = String(ctx.params.table).split('.');
    const name = String(ctx.params.name);
    const stop = pollProgress(
      ctx,
      `select phase, blocks_total, blocks_done, tuples_total, tuples_done from pg_stat_progress_create_index where pid = $1`,
      (r) =>
        Number(r.blocks_total) > 0
          ? { phase: String(r.phase), done: num(r.blocks_done), total: num(r.blocks_total), unit: 'blocks' }
          : { phase: String(r.phase), done: num(r.tuples_done), total: num(r.tuples_total), unit: 'tuples' },
    );
    try {
      await ctx.step('create_index', step.title, () => ctx.client.query(step.sql));
    } catch (err) {
      stop();
      // A failed or cancelled concurrent build leaves an INVALID index behind: remove it (under the
      // session's lock_timeout; retried a few times while the blocking transactions finish).
      if (await invalidIndex(ctx.client, schema, name).catch(() => false)) {
        const drop = `DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(schema)}.${quoteIdent(name)}`;
        let lastError = '';
        for (let attempt = 0; attempt < 5; attempt++) {
          try {
            await ctx.client.query(drop);
            ctx.details.invalid_index_dropped = `${schema}.${name}`;
            lastError = '';
            break;
          } catch (e) {
            lastError = (e as Error).message;
            await new Promise((r) => setTimeout(r, 1000));
          }
        }
        if (lastError) ctx.details.invalid_index_left = `${schema}.${name} is INVALID and could not be dropped (${lastError}); run: ${drop}`;
      }
      throw err;
    } finally {
      stop();
    }
  },
};

interface IndexFacts {
  valid: boolean;
  scans: number | null;
  constraint: string | null;
  duplicate_of: string | null;
  table: string;
  stats_reset: string | null;
}

async function indexFacts(c: pg.ClientBase | pg.Pool, oid: number): Promise<IndexFacts> {
  const r = await c.query<IndexFacts>(
    `select i.indisvalid as valid, s.idx_scan::float8 as scans,
            (select conname::text from pg_constraint where conindid = i.indexrelid limit 1) as constraint,
            (select o.indexrelid::regclass::text from pg_index o
              where o.indrelid = i.indrelid and o.indexrelid <> i.indexrelid and o.indisvalid
                and o.indkey::text = i.indkey::text and o.indclass::text = i.indclass::text
                and coalesce(pg_get_expr(o.indexprs, o.indrelid), '') = coalesce(pg_get_expr(i.indexprs, i.indrelid), '')
                and coalesce(pg_get_expr(o.indpred, o.indrelid), '') = coalesce(pg_get_expr(i.indpred, i.indrelid), '')
                and (o.indisunique or not i.indisunique)
              order by o.indisprimary desc, o.indisunique desc, o.indexrelid limit 1) as duplicate_of,
            i.indrelid::regclass::text as table,
            (select stats_reset::text from pg_stat_database where datname = current_database()) as stats_reset
       from pg_index i left join pg_stat_user_indexes s on s.indexrelid = i.indexrelid
      where i.indexrelid = $1`,
    [oid],
  );
  return r.rows[0];
}

export const dropIndexExecutor: Executor = {
  kind: 'drop_index',
  destructive: true,
  lockTarget: (p) => String(p.index),
  async plan(c, params) {
    const rel = await resolveRelation(c, String(params.index), ['i'], 'index');
    const f = await indexFacts(c, rel.oid);
    if (f.constraint) throw new DomainError('invalid_input', `${rel.schema}.${rel.name} backs the constraint ${f.constraint}; R.O.M.A.N. does not drop constraint indexes`);
    const why = !f.valid
      ? 'it is INVALID (a failed concurrent build): it costs writes and serves no query'
      : f.duplicate_of
        ? `it duplicates ${f.duplicate_of}`
        : f.scans === 0
          ? `it is unused: 0 scans since the statistics were reset (${f.stats_reset ?? 'never reset'})`
          : null;
    if (!why) {
      throw new DomainError(
        'invalid_input',
        `${rel.schema}.${rel.name} is used (${f.scans ?? 'unknown'} scans) and duplicates no other index; R.O.M.A.N. only drops unused, duplicate or invalid indexes`,
      );
    }
    return {
      steps: [{ kind: 'drop_index', title: `Drop index ${rel.schema}.${rel.name} on ${f.table}: ${why}`, sql: `DROP INDEX CONCURRENTLY ${rel.sql}`, destructive: true }],
      notes: [`Why: ${why}.`, 'CONCURRENTLY: reads and writes of the table continue while the index is dropped.'],
      params: { index: `${rel.schema}.${rel.name}` },
    };
  },
  async run(ctx) {
    const step = ctx.plan.steps[ctx.plan.steps.length - 1];
    await ctx.step('drop_index', step.title, async () => {
      const rel = await resolveRelation(ctx.client, String(ctx.params.index), ['i'], 'index');
      const f = await indexFacts(ctx.client, rel.oid);
      if (f.constraint) throw new Error(`${rel.schema}.${rel.name} now backs the constraint ${f.constraint}; not dropped`);
      if (f.valid && !f.duplicate_of && f.scans !== 0) throw new Error(`${rel.schema}.${rel.name} has been used since the plan (${f.scans} scans); not dropped`);
      return ctx.client.query(step.sql);
    });
  },
};
