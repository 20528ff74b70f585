/**
 * The sync as run inside the cache worker (store/cache-worker.ts): it owns the Postgres pools it
 * reads with (pg-cursor) and writes into the worker's Cache, so neither the rows nor the SQLite work
 * ever touch the main thread. Served over the typed RPC as the `sync` service: every argument and
 * result is plain data (sources by name, progress as 'sync.progress' events, cancel by run id).
 *
 * With the main thread out of the way, batches are sized for throughput (default ~250 ms of SQLite
 * work, up to 50,000 rows): fewer, larger transactions and FTS5 merges. A batch's rows and its
 * cursor still commit in one transaction, so a worker killed mid-batch loses only that batch, which
 * was never acknowledged, and the next sync resumes after the last committed one.
 */
import type { Cache } from '../store/cache';
import type { DrainReport } from '../store/outbox';
import { openPool, type RomanPool } from '../db/connection';
import { pushOutbox } from './push';
import { syncDatabase, type SyncResult } from './index';
import { DEFAULT_SOURCES, type SyncSource } from './sources';
import type { PullOptions, PullProgress } from './pull';

/** The plain-data options of a sync run in the worker (see PullOptions for each). */
export interface WorkerSyncOptions
  extends Pick<PullOptions, 'overlapMs' | 'horizon' | 'batchRows' | 'minBatchRows' | 'maxBatchRows' | 'targetBatchMs' | 'retries' | 'retryDelayMs'> {
  /** Remote tables to pull, by name ('public.system_logs', 'ops.roman_events'); default all. */
  tables?: string[];
  push?: boolean;
  pull?: boolean;
  /** Emits 'sync.progress' events ({runId, ...PullProgress}) when given. */
  runId?: string;
}

export interface SyncProgressEvent extends PullProgress {
  runId: string;
}

/** Throughput-sized batches: the worker's event loop has nobody else to serve. */
export const WORKER_BATCH_DEFAULTS = { batchRows: 5000, maxBatchRows: 50_000, targetBatchMs: 250 } as const;

export class WorkerSync {
  private readonly pools = new Map<string, RomanPool>();
  private readonly runs = new Map<string, AbortController>();

  constructor(
    private readonly cache: Cache,
    private readonly emit: (name: 'sync.progress', payload: SyncProgressEvent) => void,
  ) {}

  /** One small pool per (URL, purpose): 1 connection, closed after 5 s idle. */
  private pool(url: string, purpose: 'pull' | 'push'): RomanPool {
    const key = `${purpose}\u0000${url}`;
    let p = this.pools.get(key);
    if (!p) {
      p = openPool(url, { max: 1, lazy: true, connectionTimeoutMillis: 5000, statementTimeoutMs: purpose === 'pull' ? 0 : 15_000, idleTimeoutMillis: 5000 });
      this.pools.set(key, p);
    }
    return p;
  }

  /** Pushes the outbox, then pulls the tables (syncDatabase) on the worker's own connection. */
  async run(url: string, opts: WorkerSyncOptions = {}): Promise<SyncResult> {
    const pool = this.pool(url, 'pull');
    const sources = selectSources(opts.tables);
    const controller = new AbortController();
    const runId = opts.runId;
    if (runId) this.runs.set(runId, controller);
    try {
      const r = await syncDatabase(pool.pool, this.cache, {
        overlapMs: opts.overlapMs,
        horizon: opts.horizon,
        batchRows: opts.batchRows ?? WORKER_BATCH_DEFAULTS.batchRows,
        minBatchRows: opts.minBatchRows,
        maxBatchRows: opts.maxBatchRows ?? WORKER_BATCH_DEFAULTS.maxBatchRows,
        targetBatchMs: opts.targetBatchMs ?? WORKER_BATCH_DEFAULTS.targetBatchMs,
        retries: opts.retries,
        retryDelayMs: opts.retryDelayMs,
        sources,
        push: opts.push ?? true,
        pull: opts.pull ?? true,
        signal: controller.signal,
        onProgress: runId ? (p) => this.emit('sync.progress', { runId, ...p }) : undefined,
      });
      // Messages may quote the connection string: never let a password leave the worker.
      for (const t of r.tables) if (t.message) t.message = pool.redact(t.message);
      if (r.pushed?.failed) r.pushed.failed.error = pool.redact(r.pushed.failed.error);
      return r;
    } catch (err) {
      if (err instanceof Error) err.message = pool.redact(err.message);
      throw err;
    } finally {
      if (runId) this.runs.delete(runId);
    }
  }

  /** Delivers the outbox on its own connection (not behind a long pull). */
  async push(url: string, opts: { maxItems?: number } = {}): Promise<DrainReport> {
    const pool = this.pool(url, 'push');
    const r = await pushOutbox(pool.pool, this.cache, opts);
    if (r.failed) r.failed.error = pool.redact(r.failed.error);
    return r;
  }

  /** Cancels a running sync (it stops after its current batch; what committed stays). */
  cancel(runId: string): boolean {
    const c = this.runs.get(runId);
    c?.abort();
    return c !== undefined;
  }

  async closePools(): Promise<void> {
    for (const c of this.runs.values()) c.abort();
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
  }
}

function selectSources(tables: string[] | undefined): readonly SyncSource[] {
  if (!tables) return DEFAULT_SOURCES;
  return tables.map((name) => {
    const s = DEFAULT_SOURCES.find((x) => x.remoteTable === name);
    if (!s) throw new TypeError(`unknown sync table "${name}" (${DEFAULT_SOURCES.map((x) => x.remoteTable).join(', ')})`);
    return s;
  });
}
