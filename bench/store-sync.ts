/**
 * Sync benchmark (part of `npm run bench:store`): how fast does the sync engine copy
 * public.system_logs from Postgres into the local cache, compared with the fastest naive copy?
 *
 *   (a) baseline: the same SELECT through pg-cursor + a raw better-sqlite3 prepared INSERT into a
 *       plain table (no indexes, no FTS), all in one transaction;
 *   (b) ours: the app's sync, run in the cache worker (CacheClient.sync.run: Postgres → Cache in a
 *       worker thread with pg-cursor): validation, dedup index, FTS5, throughput-sized batched
 *       transactions with the cursor. The MAIN thread only waits for the answer; its event loop is
 *       what is measured for stalls (target ≤ 50 ms), with a 1 ms ticker as well as
 *       monitorEventLoopDelay.
 *   (c) for information only: (a) but into the cache's own schema (same secondary indexes, unique
 *       dedup index, FTS5 filled with one INSERT … SELECT per fetched chunk), still one transaction.
 *       It shows how much of the gap is the indexes every cache must keep; the headline ratio
 *       stays b/a.
 *
 * Reports the throughputs, the ratio b/a (target ≥ 0.8) and b/c, the longest MAIN event-loop stall
 * while syncing, the worker's longest batch, peak RSS of the process (main + worker threads share
 * it) and the peak heap of each thread.
 * N rows (BENCH_ROWS, default 1,000,000) are generated server-side with generate_series in a fresh
 * database (dropped afterwards) on ROMAN_BENCH_PG_URL / ROMAN_TEST_PG_URL / the local server.
 *
 *   npx tsx bench/store-sync.ts            # prints JSON
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { initDatabase } from '../src/main/core/db/migrations';
import { CacheClient } from '../src/main/core/store/cache-client';
import { MIGRATIONS } from '../src/main/core/store/schema';
import { SOURCE_ALIAS, SYSTEM_LOGS_SOURCE, selectSql } from '../src/main/core/sync/sources';

export interface SyncBenchOptions {
  rows?: number;
  /** Server to create the bench database on (superuser). */
  adminUrl?: string;
  /** Progress lines (stderr by default when run directly). */
  log?: (line: string) => void;
}

export interface SyncBenchResult {
  rows: number;
  setupSeconds: number;
  baseline: { seconds: number; rowsPerSecond: number; eventLoopMaxDelayMs: number };
  /** (c): raw copy into the cache's schema (informational). */
  baselineSameSchema: { seconds: number; rowsPerSecond: number; eventLoopMaxDelayMs: number };
  sync: {
    seconds: number;
    rowsPerSecond: number;
    inserted: number;
    /** Longest stall of the MAIN thread's event loop during the sync (max of the two probes). */
    mainEventLoopMaxDelayMs: number;
    mainEventLoopTarget: number;
    meetsMainEventLoopTarget: boolean;
    /** Longest gap between two 1 ms ticks on the main thread, and monitorEventLoopDelay's max. */
    mainTickerMaxGapMs: number;
    mainMonitorMaxMs: number;
    /** The worker's own event loop (it runs the batches): informational. */
    workerEventLoopMaxDelayMs: number;
    longestBatchMs: number;
  };
  /** sync rows/s ÷ baseline rows/s (the headline). */
  ratio: number;
  /** sync rows/s ÷ baselineSameSchema rows/s. */
  ratioSameSchema: number;
  target: number;
  meetsTarget: boolean;
  /** Highest RSS sampled while syncing (the whole process: main + worker threads), MiB. */
  syncPeakRssMiB: number;
  /** Target for the process RSS during the sync (the main process in the app), MiB. */
  rssTargetMiB: number;
  meetsRssTarget: boolean;
  /** Peak JS heap of each thread while syncing (heapTotal + external), MiB. */
  mainPeakHeapMiB: number;
  workerPeakHeapMiB: number;
  /** Part of it that is not file-backed (the cache file is memory-mapped: its pages count in RSS). Linux only. */
  syncPeakRssAnonMiB: number | null;
  processPeakRssMiB: number;
  cacheFileMiB: number;
}

const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

/** Anonymous (heap, not file-backed) resident bytes, from /proc on Linux; null elsewhere. */
function rssAnon(): number | null {
  try {
    const m = /^RssAnon:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function sampleRss(): { stop(): { rss: number; anon: number | null } } {
  let peak = process.memoryUsage().rss;
  let peakAnon = rssAnon();
  const sample = () => {
    const r = process.memoryUsage().rss;
    if (r > peak) peak = r;
    const a = rssAnon();
    if (a !== null && (peakAnon === null || a > peakAnon)) peakAnon = a;
  };
  const t = setInterval(sample, 25);
  return {
    stop() {
      clearInterval(t);
      sample();
      return { rss: peak, anon: peakAnon };
    },
  };
}

/** Longest gap between two ticks of a 1 ms interval on this thread (a stall of its event loop). */
function tickMaxGap(): { stop(): number } {
  let last = performance.now();
  let max = 0;
  const t = setInterval(() => {
    const now = performance.now();
    if (now - last > max) max = now - last;
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(t);
      return max;
    },
  };
}

/** Peak heap (heapTotal + external) of the main thread and of the cache worker, sampled every 100 ms. */
function sampleHeaps(cache: CacheClient): { stop(): Promise<{ main: number; worker: number }> } {
  let main = 0;
  let worker = 0;
  let stopped: Promise<{ main: number; worker: number }> | null = null;
  const sample = async () => {
    const m = process.memoryUsage();
    main = Math.max(main, m.heapTotal + m.external);
    const w = await cache.diagnostics.memory().catch(() => null);
    if (w) worker = Math.max(worker, w.heapTotal + w.external);
  };
  const t = setInterval(() => void sample(), 100);
  return {
    stop() {
      stopped ??= (async () => {
        clearInterval(t);
        await sample();
        return { main, worker };
      })();
      return stopped;
    },
  };
}

async function generateRows(pool: pg.Pool, n: number): Promise<void> {
  // Realistic shape: mostly info, some warnings/errors, a few RLS violations; ~10 ms apart.
  await pool.query(
    `insert into system_logs (timestamp, severity, source, message, user_id, correlation_id, metadata)
     select now() - ($1::int - g) * interval '10 milliseconds',
            case when g % 50 = 0 then 'error' when g % 500 = 0 then 'critical' when g % 10 = 0 then 'warning' when g % 3 = 0 then 'debug' else 'info' end,
            (array['api','auth','db','billing','worker','rls_violation'])[1 + (g % 23) % 6],
            'GET /api/v1/items/' || g || ' returned ' || (case when g % 50 = 0 then 500 else 200 end) || ' in ' || (g::bigint * 7919 % 1200) || ' ms',
            case when g % 4 = 0 then null else md5(g::text)::uuid end,
            'deploy-' || (g / 100000),
            jsonb_build_object('latency_ms', g::bigint * 7919 % 1200, 'status', case when g % 50 = 0 then 500 else 200 end,
                               'ip', '10.' || (g % 200) || '.' || (g % 97) || '.' || (g % 13), 'path', '/api/v1/items')
       from generate_series(1, $1::int) g`,
    [n],
  );
  await pool.query('analyze system_logs');
}

async function runBaseline(
  pool: pg.Pool,
  file: string,
  schema: 'plain' | 'cache' = 'plain',
): Promise<{ seconds: number; rows: number; eventLoopMaxDelayMs: number }> {
  const client = await pool.connect();
  const sqlite = new Database(file);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    let insertRow: (r: unknown[]) => void;
    let afterChunk = () => undefined as unknown;
    if (schema === 'plain') {
      sqlite.exec('create table plain (remote_id text, ts integer, severity text, source text, type text, message text, metadata text)');
      const insert = sqlite.prepare('insert into plain values (?, ?, ?, ?, ?, ?, ?)');
      insertRow = (r) => insert.run(r[0], r[2], r[3], r[4], r[5], r[6], r[7]);
    } else {
      for (const m of MIGRATIONS) sqlite.exec(m.sql);
      const insert = sqlite.prepare(
        `insert into records (kind, origin, remote_table, remote_id, ts, severity, source, type, message, metadata)
         values ('log', 'remote', 'public.system_logs', ?, ?, ?, ?, ?, ?, ?)`,
      );
      const index = sqlite.prepare('insert into records_fts (rowid, message, source, type) select id, message, source, type from records where id >= ?');
      let first = 0;
      insertRow = (r) => {
        const id = Number(insert.run(r[0], r[2], r[3], r[4], r[5], r[6], r[7]).lastInsertRowid);
        if (first === 0) first = id;
      };
      afterChunk = () => {
        index.run(first);
        first = 0;
      };
    }
    const cols = await client.query<{ column_name: string; data_type: string }>(
      `select column_name, data_type from information_schema.columns where table_schema = 'public' and table_name = 'system_logs'`,
    );
    const { sql } = selectSql(SYSTEM_LOGS_SOURCE, { types: new Map(cols.rows.map((c) => [c.column_name, c.data_type])) });
    loop.enable();
    const t0 = performance.now();
    await client.query('begin isolation level repeatable read read only');
    await client.query(`set local timezone = 'UTC'`);
    await client.query('set local statement_timeout = 0');
    const cursor = client.query(
      new Cursor(`${sql} where ${SOURCE_ALIAS}."timestamp" is not null order by ${SOURCE_ALIAS}."timestamp", ${SOURCE_ALIAS}.id`, [], { rowMode: 'array' }),
    );
    let rows = 0;
    sqlite.exec('begin');
    for (;;) {
      const batch = (await cursor.read(5000)) as unknown[][];
      if (batch.length === 0) break;
      for (const r of batch) insertRow(r);
      afterChunk();
      rows += batch.length;
    }
    sqlite.exec('commit');
    await cursor.close();
    await client.query('commit');
    const seconds = (performance.now() - t0) / 1000;
    loop.disable();
    return { seconds, rows, eventLoopMaxDelayMs: round(loop.max / 1e6) };
  } finally {
    sqlite.close();
    client.release();
  }
}

export async function runSyncBench(opts: SyncBenchOptions = {}): Promise<SyncBenchResult> {
  const rows = opts.rows ?? Number(process.env.BENCH_ROWS ?? 1_000_000);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`BENCH_ROWS must be a positive integer (got ${String(rows)})`);
  const adminUrl =
    opts.adminUrl ?? process.env.ROMAN_BENCH_PG_URL ?? process.env.ROMAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const log = opts.log ?? (() => undefined);
  const name = `roman_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const dir = mkdtempSync(join(tmpdir(), 'roman-bench-sync-'));
  const pool = new pg.Pool({ connectionString: withDatabase(adminUrl, name), max: 2, application_name: 'roman-bench' });
  // An idle connection closed by the server (restart, pg_terminate_backend) must not crash the bench.
  pool.on('error', (err) => log(`idle connection lost: ${err.message}`));
  admin.on('error', (err) => log(`admin connection lost: ${err.message}`));
  try {
    const s0 = performance.now();
    await initDatabase(pool);
    log(`generating ${rows} rows in ${name}…`);
    await generateRows(pool, rows);
    // Warm Postgres' buffers once so neither run pays for the first read from disk.
    await pool.query('select sum(length(message)) from system_logs');
    const setupSeconds = (performance.now() - s0) / 1000;

    log('baseline: pg-cursor + raw better-sqlite3 insert…');
    const base = await runBaseline(pool, join(dir, 'baseline.sqlite'));
    if (base.rows !== rows) throw new Error(`baseline read ${base.rows} rows, expected ${rows}`);

    log('sync: Postgres → Cache, in the cache worker…');
    const cache = CacheClient.open(join(dir, 'cache.sqlite'));
    await cache.ready;
    const rss = sampleRss();
    const heaps = sampleHeaps(cache);
    const ticker = tickMaxGap();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    let result;
    try {
      loop.enable();
      const t0 = performance.now();
      result = await cache.sync.run(withDatabase(adminUrl, name), { push: false, tables: [SYSTEM_LOGS_SOURCE.remoteTable] });
      const seconds = (performance.now() - t0) / 1000;
      loop.disable();
      const maxGap = ticker.stop();
      const heapPeaks = await heaps.stop();
      const syncPeak = rss.stop();
      const monitorMax = loop.count > 0 ? round(loop.max / 1e6) : 0;
      const mainStall = Math.max(maxGap, monitorMax);
      const table = result.tables[0];
      if (table.status !== 'synced') throw new Error(`sync failed: ${table.message}`);
      if (table.inserted !== rows) throw new Error(`sync stored ${table.inserted} rows, expected ${rows}`);
      const baseRate = base.rows / base.seconds;
      const syncRate = rows / seconds;
      const ratio = syncRate / baseRate;
      // After the sync, so its memory does not count in syncPeakRssMiB.
      log('baseline, same schema as the cache (informational)…');
      const same = await runBaseline(pool, join(dir, 'baseline-cache-schema.sqlite'), 'cache');
      if (same.rows !== rows) throw new Error(`same-schema baseline read ${same.rows} rows, expected ${rows}`);
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `baseline-cache-schema.sqlite${suffix}`), { force: true });
      const sameRate = same.rows / same.seconds;
      return {
        rows,
        setupSeconds: round(setupSeconds),
        baseline: { seconds: round(base.seconds), rowsPerSecond: Math.round(baseRate), eventLoopMaxDelayMs: base.eventLoopMaxDelayMs },
        baselineSameSchema: { seconds: round(same.seconds), rowsPerSecond: Math.round(sameRate), eventLoopMaxDelayMs: same.eventLoopMaxDelayMs },
        sync: {
          seconds: round(seconds),
          rowsPerSecond: Math.round(syncRate),
          inserted: table.inserted,
          mainEventLoopMaxDelayMs: round(mainStall),
          mainEventLoopTarget: 50,
          meetsMainEventLoopTarget: mainStall <= 50,
          mainTickerMaxGapMs: round(maxGap),
          mainMonitorMaxMs: monitorMax,
          workerEventLoopMaxDelayMs: result.eventLoopMaxDelayMs,
          longestBatchMs: result.longestBatchMs,
        },
        ratio: round(ratio, 3),
        ratioSameSchema: round(syncRate / sameRate, 3),
        target: 0.8,
        meetsTarget: ratio >= 0.8,
        syncPeakRssMiB: mib(syncPeak.rss),
        rssTargetMiB: 250,
        meetsRssTarget: mib(syncPeak.rss) <= 250,
        mainPeakHeapMiB: mib(heapPeaks.main),
        workerPeakHeapMiB: mib(heapPeaks.worker),
        syncPeakRssAnonMiB: syncPeak.anon === null ? null : mib(syncPeak.anon),
        processPeakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
        cacheFileMiB: mib(await cache.fileBytes()),
      };
    } finally {
      rss.stop();
      ticker.stop();
      await heaps.stop();
      await cache.close();
    }
  } finally {
    await pool.end();
    await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runSyncBench({ log: (l) => process.stderr.write(l + '\n') }).then(
    (r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
