/**
 * The sync engine (capability 10): `syncDatabase` first pushes the outbox (this desktop's offline
 * writes reach Postgres), then pulls new rows of the remote tables into the local cache. It measures
 * how long the event loop was blocked while it ran (perf_hooks monitorEventLoopDelay), so the
 * Electron main process can prove it stays responsive. See pull.ts and push.ts for the guarantees.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Cache } from '../store/cache';
import type { DrainReport } from '../store/outbox';
import { pullTables, type PullOptions, type PullResult, type TablePullResult } from './pull';
import { pushOutbox, type PushOptions } from './push';

export { pullTables, parseCursor, SyncAbortedError } from './pull';
export type { PullOptions, PullProgress, PullResult, SyncCursor, TablePullResult } from './pull';
export { pushOutbox, DEFAULT_DELIVERERS } from './push';
export type { Deliverer, PushOptions } from './push';
export { AI_USAGE_LOGS_SOURCE, DEFAULT_SOURCES, ROMAN_EVENTS_SOURCE, SYSTEM_LOGS_SOURCE } from './sources';
export type { SyncSource } from './sources';

export interface SyncOptions extends PullOptions {
  push?: boolean | PushOptions;
  pull?: boolean;
}

export interface SyncResult {
  /** null when the push was skipped. `failed` says why delivery stopped. */
  pushed: DrainReport | null;
  tables: TablePullResult[];
  rowsRead: number;
  inserted: number;
  durationMs: number;
  rowsPerSecond: number;
  /**
   * Longest event-loop stall while syncing, ms: the monitorEventLoopDelay max, and never less than
   * the longest synchronous batch (a sync shorter than the monitor's 10 ms tick records no sample).
   */
  eventLoopMaxDelayMs: number;
  /** Longest synchronous batch (SQLite write) between two yields, ms. */
  longestBatchMs: number;
  /** True when every table synced and the outbox is empty (or push skipped). */
  ok: boolean;
}

export async function syncDatabase(pool: pg.Pool, cache: Cache, opts: SyncOptions = {}): Promise<SyncResult> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  let pushed: DrainReport | null = null;
  let pulled: PullResult | null = null;
  try {
    if (opts.push !== false) pushed = await pushOutbox(pool, cache, typeof opts.push === 'object' ? opts.push : {});
    if (opts.pull !== false) pulled = await pullTables(pool, cache, opts);
  } finally {
    loop.disable();
  }
  const tables = pulled?.tables ?? [];
  const longestBatchMs = Math.round((pulled?.longestBatchMs ?? 0) * 100) / 100;
  const sampledMaxMs = Number.isFinite(loop.max) && loop.count > 0 ? Math.round(loop.max / 1e4) / 100 : 0;
  return {
    pushed,
    tables,
    rowsRead: pulled?.rowsRead ?? 0,
    inserted: pulled?.inserted ?? 0,
    durationMs: performance.now() - started,
    rowsPerSecond: pulled?.rowsPerSecond ?? 0,
    eventLoopMaxDelayMs: Math.max(sampledMaxMs, longestBatchMs),
    longestBatchMs,
    ok: tables.every((t) => t.status === 'synced') && (pushed === null || (pushed.failed === null && !pushed.busy)),
  };
}
