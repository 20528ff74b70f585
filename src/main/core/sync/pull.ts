/**
 * Pull: copies new rows of the remote tables (sources.ts) into the local cache, incrementally,
 * without gaps and without duplicates, with bounded memory and without freezing the caller.
 *
 * How nothing is missed. Rows are read in keyset order (timestamp, id) from a lower bound, through
 * a pg-cursor in one REPEATABLE READ snapshot, in batches. A row can commit late with an older
 * timestamp (its transaction started earlier: `default now()` is the transaction start), so the
 * lower bound of the next pass is not simply the last row seen. Each pass records a *horizon*: the
 * start of the oldest transaction that was writing when the snapshot was taken (from
 * pg_stat_activity when the role may see other sessions, else the pass's own start). Any row not yet
 * visible then has a timestamp at or after the horizon. The next pass starts from
 * least(horizon, last row's timestamp) minus an overlap window (1 min with a visible horizon, 5 min
 * without; it absorbs clients that write explicit timestamps or have skewed clocks). Rows in that
 * window are read again each pass: the price of never missing one.
 *
 * How nothing is duplicated. Re-read rows are ignored by the cache's unique (remote_table,
 * remote_id) index, so overlap, retries and resumption are free of duplicates. A decision made on
 * this desktop is cached once, as its local audit-chained record: its server copy in
 * ops.roman_events (delivered by push) is skipped (SyncSource.decisionIdOf).
 *
 * How a failure loses nothing. Each batch's rows and the cursor that covers them are written in the
 * same SQLite transaction, so after a dropped connection or a killed process the next pass resumes
 * from the last committed batch. Connection failures are retried (with backoff) within a pull.
 *
 * How the caller keeps breathing. Batches are sized to ~40 ms of SQLite work and the pull yields to
 * the event loop (setImmediate) between them; the longest synchronous batch is reported.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import type { Cache, NewRecord } from '../store/cache';
import { isConnectionError } from '../db/connection';
import { quoteIdent } from '../db/schema';
import { DEFAULT_SOURCES, SOURCE_ALIAS, SyncSourceError, selectSql, type SyncSource } from './sources';

export const CURSOR_VERSION = 1;
export const DEFAULT_OVERLAP_MS = 5 * 60_000;
export const DEFAULT_OVERLAP_WITH_HORIZON_MS = 60_000;
const TS_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/** What the cache stores per remote table (JSON in sync_cursors.cursor). */
export interface SyncCursor {
  v: typeof CURSOR_VERSION;
  /** Last row stored, in keyset order (UTC timestamp with microseconds, id as text). */
  hw: { ts: string; id: string } | null;
  /** Every row not yet visible when this was written has timestamp >= horizon. */
  horizon: string | null;
}

export interface PullProgress {
  table: string;
  /** Rows read from this table in this pull (including re-read overlap rows). */
  rowsDone: number;
  /** Planner estimate of the rows this pass reads (never below rowsDone). */
  rowsEstimated: number;
  /** Rows per second over this pull so far. */
  rowsPerSecond: number;
  inserted: number;
  elapsedMs: number;
}

export interface PullOptions {
  sources?: readonly SyncSource[];
  /**
   * Re-read window before the lower bound. Default 5 min when other sessions are not visible; 1 min
   * when they are (open transactions are then covered by the horizon, and the window only has to
   * absorb explicit timestamps and clock skew of writers).
   */
  overlapMs?: number;
  /** 'auto' uses pg_stat_activity when visible; 'overlap' trusts only the overlap window. */
  horizon?: 'auto' | 'overlap';
  /** First batch size (default 1000); then sized to ~targetBatchMs of SQLite work. */
  batchRows?: number;
  minBatchRows?: number;
  maxBatchRows?: number;
  targetBatchMs?: number;
  /** Retries of a table after a connection failure (default 3). */
  retries?: number;
  retryDelayMs?: number;
  onProgress?: (p: PullProgress) => void;
  signal?: AbortSignal;
}

export interface TablePullResult {
  table: string;
  status: 'synced' | 'missing' | 'failed';
  /** Why the table was skipped or failed (redaction is the caller's job). */
  message: string | null;
  /** A failure because the connection was lost or refused (whatever its wording: terminated, EPIPE, reset…). */
  connectionLost?: boolean;
  rowsRead: number;
  inserted: number;
  /** Rows already cached (overlap and retries). */
  duplicates: number;
  /** Rows the cache refused (reason in `invalidSamples`). */
  invalid: number;
  invalidSamples: string[];
  retries: number;
  horizonMode: 'transactions' | 'overlap' | null;
  /** Lower bound of the last pass (null = from the beginning). */
  from: string | null;
  cursor: SyncCursor | null;
}

export interface PullResult {
  tables: TablePullResult[];
  rowsRead: number;
  inserted: number;
  durationMs: number;
  rowsPerSecond: number;
  /** Longest synchronous stretch (one batch written to SQLite) between two yields. */
  longestBatchMs: number;
}

export class SyncAbortedError extends Error {
  constructor() {
    super('sync cancelled');
    this.name = 'SyncAbortedError';
  }
}

export function parseCursor(text: string | null): SyncCursor | null {
  if (text === null) return null;
  try {
    const c = JSON.parse(text) as SyncCursor;
    const tsOk = (s: unknown) => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(s);
    if (c && c.v === CURSOR_VERSION && (c.hw === null || (tsOk(c.hw.ts) && typeof c.hw.id === 'string')) && (c.horizon === null || tsOk(c.horizon))) {
      return c;
    }
  } catch {
    // an unreadable cursor means: start over (the cache ignores rows it already has)
  }
  return null;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

type Row = [id: string, ts: string, tsMs: number, severity: string | null, source: string | null, type: string | null, message: string, metadata: string];

/**
 * Leaves out the rows that are the server copy of a decision this cache already holds as its own
 * local, audit-chained record (appendDecision, delivered by push): the local record is the one
 * listed, so the decision appears once. The cursor still moves past them, and an overlap re-read
 * skips them again. Decisions of other desktops have no local record here and are kept.
 * Null when every row is kept (the usual case: no copy made).
 */
function withoutLocalDecisions(
  cache: Cache,
  src: SyncSource,
  rows: readonly Row[],
  records: readonly NewRecord[],
): { records: NewRecord[]; rowIndex: number[]; skipped: number } | null {
  let keep: number[] | null = null;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const decisionId = src.decisionIdOf ? src.decisionIdOf(r[5], r[7]) : null;
    const alertKey = decisionId === null && src.alertKeyOf ? src.alertKeyOf(r[5], r[7]) : null;
    const local = (decisionId !== null && cache.hasLocalDecision(decisionId, r[5])) || (alertKey !== null && cache.hasLocalAlert(alertKey));
    if (local) keep ??= Array.from({ length: i }, (_, j) => j);
    else keep?.push(i);
  }
  if (keep === null) return null;
  return { records: keep.map((i) => records[i]), rowIndex: keep, skipped: rows.length - keep.length };
}

interface PullState {
  started: number;
  rowsRead: number;
  longestBatchMs: number;
}

/** Pulls every source into the cache. Never throws for one table's failure: see each table's status. */
export async function pullTables(pool: pg.Pool, cache: Cache, opts: PullOptions = {}): Promise<PullResult> {
  const state: PullState = { started: performance.now(), rowsRead: 0, longestBatchMs: 0 };
  const tables: TablePullResult[] = [];
  for (const src of opts.sources ?? DEFAULT_SOURCES) {
    if (opts.signal?.aborted) throw new SyncAbortedError();
    tables.push(await pullTable(pool, cache, src, opts, state));
  }
  const durationMs = performance.now() - state.started;
  const inserted = tables.reduce((n, t) => n + t.inserted, 0);
  return {
    tables,
    rowsRead: state.rowsRead,
    inserted,
    durationMs,
    rowsPerSecond: durationMs > 0 ? Math.round((state.rowsRead * 1000) / durationMs) : 0,
    longestBatchMs: state.longestBatchMs,
  };
}

async function pullTable(pool: pg.Pool, cache: Cache, src: SyncSource, opts: PullOptions, state: PullState): Promise<TablePullResult> {
  const result: TablePullResult = {
    table: src.remoteTable,
    status: 'synced',
    message: null,
    rowsRead: 0,
    inserted: 0,
    duplicates: 0,
    invalid: 0,
    invalidSamples: [],
    retries: 0,
    horizonMode: null,
    from: null,
    cursor: null,
  };
  const maxRetries = opts.retries ?? 3;
  for (;;) {
    try {
      await pullPass(pool, cache, src, opts, state, result);
      result.cursor = parseCursor(cache.syncCursor(src.remoteTable));
      return result;
    } catch (err) {
      if (err instanceof SyncAbortedError) throw err;
      result.cursor = parseCursor(cache.syncCursor(src.remoteTable));
      if (err instanceof SyncSourceError) {
        result.status = 'missing';
        result.message = err.message;
        return result;
      }
      if (isConnectionError(err) && result.retries < maxRetries) {
        result.retries += 1;
        await sleep((opts.retryDelayMs ?? 250) * 2 ** (result.retries - 1));
        continue;
      }
      result.status = 'failed';
      result.message = err instanceof Error ? err.message : String(err);
      result.connectionLost = isConnectionError(err);
      return result;
    }
  }
}

async function tableColumns(client: pg.PoolClient, src: SyncSource): Promise<Map<string, string> | null> {
  const r = await client.query<{ column_name: string; data_type: string }>(
    `select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = $2`,
    [src.schema, src.table],
  );
  if (r.rows.length === 0) return null;
  return new Map(r.rows.map((x) => [x.column_name, x.data_type]));
}

async function pullPass(
  pool: pg.Pool,
  cache: Cache,
  src: SyncSource,
  opts: PullOptions,
  state: PullState,
  result: TablePullResult,
): Promise<void> {
  const client = await pool.connect();
  let clientError: Error | null = null;
  // A connection killed mid-read emits 'error' on the client: without a listener, Node would crash.
  const onError = (err: Error) => {
    clientError = err;
  };
  client.on('error', onError);
  let broken = false;
  try {
    await client.query('begin isolation level repeatable read read only');
    await client.query(`set local timezone = 'UTC'`);
    await client.query('set local statement_timeout = 0');
    // First statement of the transaction: takes the snapshot and reads the writers at that moment.
    const h = await client.query<{ horizon: string; visible: boolean }>(
      `select to_char(case when visible and $1::boolean then least(now(), oldest) else now() end, ${TS_FORMAT}) as horizon, visible
         from (select
                 (select min(xact_start) from pg_stat_activity
                   where datname = current_database() and backend_xid is not null and pid <> pg_backend_pid()) as oldest,
                 coalesce((select rolsuper from pg_roles where rolname = current_user), false)
                   or pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER') as visible) s`,
      [(opts.horizon ?? 'auto') === 'auto'],
    );
    const useTransactions = (opts.horizon ?? 'auto') === 'auto' && h.rows[0].visible;
    result.horizonMode = useTransactions ? 'transactions' : 'overlap';
    const horizon = h.rows[0].horizon;

    const cols = await tableColumns(client, src);
    if (!cols) throw new SyncSourceError(`${src.remoteTable} does not exist (run \`roman db init\` to create it)`);
    const { sql: select, tsIsTimestamptz } = selectSql(src, { types: cols });

    const previous = parseCursor(cache.syncCursor(src.remoteTable));
    let from: string | null = null;
    if (previous && (previous.hw || previous.horizon)) {
      const overlapMs = Math.max(0, opts.overlapMs ?? (useTransactions ? DEFAULT_OVERLAP_WITH_HORIZON_MS : DEFAULT_OVERLAP_MS));
      const b = await client.query<{ from: string }>(
        `select to_char(least($1::timestamptz, $2::timestamptz) - $3::float8 * interval '1 millisecond', ${TS_FORMAT}) as from`,
        [previous.hw?.ts ?? null, previous.horizon, overlapMs],
      );
      from = b.rows[0].from;
    }
    result.from = from;
    // Qualified: in ORDER BY an output column named like the input ("id" as text) would win.
    const tsCol = `${SOURCE_ALIAS}.${quoteIdent(src.tsColumn)}`;
    const idCol = `${SOURCE_ALIAS}.${quoteIdent(src.idColumn)}`;
    const bound = tsIsTimestamptz ? '$1::timestamptz' : '$1::timestamptz::timestamp';
    const where = from === null ? `where ${tsCol} is not null` : `where ${tsCol} >= ${bound}`;
    const params = from === null ? [] : [from];

    let estimated = 0;
    try {
      const plan = await client.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
        `explain (format json) select 1 from ${quoteIdent(src.schema)}.${quoteIdent(src.table)} as ${SOURCE_ALIAS} ${where}`,
        params,
      );
      estimated = Math.round(plan.rows[0]['QUERY PLAN'][0].Plan['Plan Rows']);
    } catch {
      estimated = 0;
    }

    const cursor = client.query(new Cursor<Row>(`${select} ${where} order by ${tsCol}, ${idCol}`, params, { rowMode: 'array' }));
    let batch = Math.max(1, opts.batchRows ?? 1000);
    const minBatch = opts.minBatchRows ?? 100;
    const maxBatch = opts.maxBatchRows ?? 20_000;
    const target = opts.targetBatchMs ?? 40;
    let hw = previous?.hw ?? null;
    let passRows = 0;
    // The next batch is requested before the current one is written, so Postgres produces rows
    // while SQLite works (the answer waits in the socket until we yield).
    let pending = cursor.read(batch);
    for (;;) {
      const rows = await pending;
      if (clientError) throw clientError;
      if (rows.length === 0) break;
      if (opts.signal?.aborted) throw new SyncAbortedError();
      pending = cursor.read(batch);
      pending.catch(() => undefined); // awaited next turn; a failure is handled there
      const t0 = performance.now();
      const records: NewRecord[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        records[i] = {
          kind: src.kindOf(r[5]),
          origin: 'remote',
          remoteTable: src.remoteTable,
          remoteId: r[0],
          timestamp: r[2],
          severity: r[3],
          source: r[4],
          type: r[5],
          message: r[6],
          metadata: r[7],
        };
      }
      const last = rows[rows.length - 1];
      hw = { ts: last[1], id: last[0] };
      const next: SyncCursor = { v: CURSOR_VERSION, hw, horizon };
      const written = cache.transaction(() => {
        // Checked inside the write transaction, so it sees every local decision committed before.
        const kept = src.decisionIdOf || src.alertKeyOf ? withoutLocalDecisions(cache, src, rows, records) : null;
        const res = cache.insertRecords(kept ? kept.records : records, { skipInvalid: true });
        cache.setSyncCursor(src.remoteTable, JSON.stringify(next));
        if (!kept) return res;
        // Report against the rows as read (invalid indexes) and count the skipped copies as duplicates.
        return {
          ...res,
          ignored: res.ignored + kept.skipped,
          invalid: res.invalid.map((bad) => ({ ...bad, index: kept.rowIndex[bad.index] })),
        };
      });
      const dt = performance.now() - t0;
      if (dt > state.longestBatchMs) state.longestBatchMs = dt;
      passRows += rows.length;
      state.rowsRead += rows.length;
      result.rowsRead += rows.length;
      result.inserted += written.inserted;
      result.duplicates += written.ignored;
      result.invalid += written.invalid.length;
      for (const bad of written.invalid) {
        if (result.invalidSamples.length < 5) result.invalidSamples.push(`id ${rows[bad.index][0]}: ${bad.reason}`);
      }
      if (opts.onProgress) {
        const elapsedMs = performance.now() - state.started;
        opts.onProgress({
          table: src.remoteTable,
          rowsDone: result.rowsRead,
          rowsEstimated: Math.max(result.rowsRead, result.rowsRead - passRows + estimated),
          rowsPerSecond: elapsedMs > 0 ? Math.round((state.rowsRead * 1000) / elapsedMs) : 0,
          inserted: result.inserted,
          elapsedMs,
        });
      }
      // Size the next batch to ~target ms of synchronous work.
      const perRow = dt / rows.length;
      if (perRow > 0) batch = Math.round(Math.min(maxBatch, Math.max(minBatch, (target / perRow + batch) / 2)));
      await yieldToLoop();
    }
    await cursor.close();
    if (clientError) throw clientError;
    // A pass that read nothing still moves the horizon forward (the hw stays).
    cache.transaction(() => cache.setSyncCursor(src.remoteTable, JSON.stringify({ v: CURSOR_VERSION, hw, horizon } satisfies SyncCursor)));
    await client.query('commit');
  } catch (err) {
    broken = true;
    throw clientError && !(err instanceof SyncAbortedError) && !isConnectionError(err) ? clientError : err;
  } finally {
    if (broken) {
      // Roll back if the connection still works, then discard it (a half-read portal is not reusable).
      await client.query('rollback').catch(() => undefined);
    }
    client.off('error', onError);
    if (broken) client.on('error', () => undefined);
    client.release(broken ? true : undefined);
  }
}
