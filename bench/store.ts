/**
 * Store benchmark (`npm run bench:store`): the local cache against raw baselines measured in the
 * same run, on N generated events (BENCH_ROWS, default 1,000,000).
 *
 *   ingest   Cache.insertRecords (validation, dedup, FTS5 per batch, 10k-row transactions)
 *            vs raw better-sqlite3 prepared INSERTs into the same schema in ONE transaction, each
 *            chunk added to the FTS5 index with one INSERT … SELECT (the schema has no insert
 *            trigger since cache schema version 2, so the raw side indexes like a hand-written loader).
 *            Target: ratio (ours rows/s ÷ raw rows/s) ≥ 0.8.
 *   search   Cache.search({text}) first page (50 rows) p95 vs the straightforward hand-written
 *            FTS5 query (MATCH + JOIN records + ORDER BY ts DESC, id DESC LIMIT), same common
 *            terms (each matches ~1/12 of the rows: the hard case). Target ≤ 1.5×.
 *   page     Cache.search with severity + source + time filters, third page via cursor, p95
 *            vs the hand-written indexed keyset query ((ts, id) < (?, ?)). Target ≤ 1.5×.
 *   grep     the same text search vs `grep -c -i -F` over the same N events exported as text
 *            lines (a linear scan). Target: ours ≥ 20× faster.
 *   worker   the same search and page, through the cache worker as the app runs them (CacheClient:
 *            the query runs in a worker thread, the main thread awaits it), p95 vs the same raw
 *            queries measured in the same loop. Target ≤ 1.5×.
 *   peakRss  process peak RSS (MiB).
 * Then, when bench/store-sync.ts exists, its `runSyncBench` (Postgres → cache sync) runs too and
 * its result is merged under "sync" (BENCH_SKIP_SYNC=1 to skip it).
 * Progress goes to stderr; the JSON result to stdout.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Cache } from '../src/main/core/store/cache';
import { CacheClient } from '../src/main/core/store/cache-client';
import type { NewRecord } from '../src/main/core/store/records';
import { MIGRATIONS } from '../src/main/core/store/schema';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
if (!Number.isInteger(ROWS) || ROWS < 1000) throw new Error(`BENCH_ROWS must be an integer ≥ 1000 (got ${process.env.BENCH_ROWS})`);
const CHUNK = 10_000;
const PAGE = 50;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 40);

const log = (line: string) => process.stderr.write(`[bench:store] ${line}\n`);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const mib = (bytes: number) => round(bytes / 1048576, 1);

// ---- deterministic data ------------------------------------------------------------------------

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCES = ['api', 'auth', 'billing', 'db', 'worker', 'scheduler', 'storage', 'edge', 'webhooks', 'rls_violation'];
const SEVERITY_WEIGHTS: [string, number][] = [
  ['debug', 0.15],
  ['info', 0.6],
  ['warning', 0.15],
  ['error', 0.08],
  ['critical', 0.02],
];
const TEMPLATES = [
  (r: () => number) => `GET /api/v1/projects/${Math.floor(r() * 90000)} served in ${Math.floor(r() * 900)} ms`,
  (r: () => number) => `POST /api/v1/checkout completed for customer cus_${Math.floor(r() * 1e6).toString(36)}`,
  (r: () => number) => `Connection refused to db-primary:5432 after ${Math.floor(r() * 5) + 1} retries`,
  (r: () => number) => `Query timeout after ${Math.floor(r() * 30) + 1}s on table orders`,
  (r: () => number) => `Stripe webhook signature verification failed for evt_${Math.floor(r() * 1e8).toString(36)}`,
  (r: () => number) => `RLS policy denied select on public.invoices for user ${Math.floor(r() * 50000)}`,
  (r: () => number) => `Rate limit exceeded for provider openai (${Math.floor(r() * 100)} req/min)`,
  (r: () => number) => `Background job sync_accounts finished, ${Math.floor(r() * 5000)} rows updated`,
  (r: () => number) => `Cache miss for key session:${Math.floor(r() * 1e6)} falling back to database`,
  (r: () => number) => `Deadlock detected while updating subscriptions batch ${Math.floor(r() * 1000)}`,
  (r: () => number) => `User ${Math.floor(r() * 50000)} signed in from ${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.0.1`,
  (r: () => number) => `Deployment ${Math.floor(r() * 500)} rolled out to production in ${Math.floor(r() * 300)} s`,
];
const START = Date.parse('2026-01-01T00:00:00Z');
const SPAN = 30 * 86_400_000;

/** Rows [from, from+n) — the same rows for every consumer. */
function makeChunk(from: number, n: number): NewRecord[] {
  const r = prng(from + 1);
  const out: NewRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const id = from + i;
    let x = r();
    let severity = 'info';
    for (const [s, w] of SEVERITY_WEIGHTS) {
      if (x < w) {
        severity = s;
        break;
      }
      x -= w;
    }
    out[i] = {
      kind: 'log',
      remoteTable: 'public.system_logs',
      remoteId: id,
      timestamp: START + Math.floor((id / ROWS) * SPAN) + Math.floor(r() * 1000),
      severity,
      source: SOURCES[Math.floor(r() * SOURCES.length)],
      type: null,
      message: TEMPLATES[Math.floor(r() * TEMPLATES.length)](r),
      metadata: { latency_ms: Math.floor(r() * 3000), status: r() < 0.03 ? 503 : 200, ip: `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}` },
    };
  }
  return out;
}

// ---- helpers -----------------------------------------------------------------------------------

function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

function timeIt(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function openRaw(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -32768');
  db.pragma('mmap_size = 268435456');
  return db;
}

// ---- phases ------------------------------------------------------------------------------------

/**
 * Ingests the same chunks into the raw baseline (one transaction for everything) and into the
 * Cache, interleaved chunk by chunk so load from other processes hits both sides alike.
 */
function ingestBoth(rawPath: string, cache: Cache): { rawMs: number; oursMs: number; rawBytes: number } {
  const db = openRaw(rawPath);
  for (const m of MIGRATIONS) db.exec(m.sql);
  const insert = db.prepare(
    `INSERT INTO records (kind, origin, remote_table, remote_id, ts, severity, source, type, message, metadata)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const index = db.prepare('INSERT INTO records_fts (rowid, message, source, type, meta) SELECT id, message, source, type, meta FROM records_search WHERE id >= ?');
  const hasInsertTrigger = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'records_fts_insert'").get() !== undefined;
  let rawMs = 0;
  let oursMs = 0;
  db.exec('BEGIN');
  for (let from = 0; from < ROWS; from += CHUNK) {
    const rows = makeChunk(from, Math.min(CHUNK, ROWS - from));
    const t0 = performance.now();
    let first = 0;
    for (const r of rows) {
      const info = insert.run(r.kind, 'remote', r.remoteTable, String(r.remoteId), r.timestamp, r.severity, r.source, r.type, r.message, JSON.stringify(r.metadata));
      if (first === 0) first = Number(info.lastInsertRowid);
    }
    if (!hasInsertTrigger) index.run(first);
    const t1 = performance.now();
    const res = cache.insertRecords(rows);
    const t2 = performance.now();
    rawMs += t1 - t0;
    oursMs += t2 - t1;
    if (res.inserted !== rows.length) throw new Error(`cache stored ${res.inserted} of ${rows.length} rows`);
    if ((from / CHUNK) % 20 === 0) log(`ingest ${from + rows.length}/${ROWS}`);
  }
  rawMs += timeIt(() => db.exec('COMMIT'));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { rawMs, oursMs, rawBytes: statSync(rawPath).size };
}

const SEARCHES: { text: string; fts: string }[] = [
  { text: 'connection refused', fts: '"connection" "refused"' },
  { text: 'deadlock', fts: '"deadlock"' },
  { text: 'stripe webhook', fts: '"stripe" "webhook"' },
  { text: 'signature verification', fts: '"signature" "verification"' },
  { text: 'openai', fts: '"openai"' },
];

interface Compared {
  oursP95Ms: number;
  rawP95Ms: number;
  oursP50Ms: number;
  rawP50Ms: number;
  ratio: number;
  target: number;
  meetsTarget: boolean;
}

function compare(ours: number[], raw: number[], target: number): Compared {
  const o = percentile(ours, 95);
  const r = percentile(raw, 95);
  return {
    oursP95Ms: round(o, 3),
    rawP95Ms: round(r, 3),
    oursP50Ms: round(percentile(ours, 50), 3),
    rawP50Ms: round(percentile(raw, 50), 3),
    ratio: round(o / r, 3),
    target,
    meetsTarget: o / r <= target,
  };
}

function benchSearch(cache: Cache): { result: Compared; oursSamples: number[] } {
  const raw = new Database(cache.path, { readonly: true });
  raw.pragma('cache_size = -32768');
  raw.pragma('mmap_size = 268435456');
  const stmt = raw.prepare(
    `SELECT r.id, r.kind, r.origin, r.remote_table, r.remote_id, r.ts, r.severity, r.source, r.type, r.message, r.chain_seq
     FROM records_fts f JOIN records r ON r.id = f.rowid
     WHERE records_fts MATCH ? ORDER BY r.ts DESC, r.id DESC LIMIT ?`,
  );
  const ours: number[] = [];
  const base: number[] = [];
  // warm both paths once
  for (const s of SEARCHES) {
    cache.search({ text: s.text, limit: PAGE });
    stmt.all(s.fts, PAGE + 1);
  }
  for (let i = 0; i < ITERATIONS; i++) {
    for (const s of SEARCHES) {
      base.push(timeIt(() => stmt.all(s.fts, PAGE + 1)));
      ours.push(timeIt(() => cache.search({ text: s.text, limit: PAGE })));
    }
  }
  raw.close();
  return { result: compare(ours, base, 1.5), oursSamples: ours };
}

function benchFilteredPage(cache: Cache): Compared {
  const raw = new Database(cache.path, { readonly: true });
  raw.pragma('cache_size = -32768');
  raw.pragma('mmap_size = 268435456');
  const since = START + SPAN - 7 * 86_400_000;
  const cols = 'id, kind, origin, remote_table, remote_id, ts, severity, source, type, message, chain_seq';
  const first = raw.prepare(
    `SELECT ${cols} FROM records WHERE severity = ? AND source = ? AND ts >= ? ORDER BY ts DESC, id DESC LIMIT ?`,
  );
  // The idiomatic hand-written keyset predicate: a row-value comparison SQLite turns into an index range.
  const next = raw.prepare(
    `SELECT ${cols} FROM records WHERE severity = ? AND source = ? AND ts >= ? AND (ts, id) < (?, ?)
     ORDER BY ts DESC, id DESC LIMIT ?`,
  );
  const combos = [
    ['error', 'api'],
    ['critical', 'db'],
    ['warning', 'auth'],
    ['error', 'billing'],
  ];
  const ours: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    for (const [severity, source] of combos) {
      // ours: page 3 via opaque cursors
      let cursor: string | null = null;
      const p1 = cache.search({ severity: [severity], source, since, limit: PAGE });
      const p2 = cache.search({ severity: [severity], source, since, limit: PAGE, cursor: p1.nextCursor });
      cursor = p2.nextCursor;
      ours.push(timeIt(() => cache.search({ severity: [severity], source, since, limit: PAGE, cursor })));
      // raw: page 3 via hand-tracked (ts, id)
      const r1 = first.all(severity, source, since, PAGE) as { ts: number; id: number }[];
      const l1 = r1[r1.length - 1];
      const r2 = next.all(severity, source, since, l1.ts, l1.id, PAGE) as { ts: number; id: number }[];
      const l2 = r2[r2.length - 1];
      base.push(timeIt(() => next.all(severity, source, since, l2.ts, l2.id, PAGE + 1)));
    }
  }
  raw.close();
  return compare(ours, base, 1.5);
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Search and third-page latency through the cache worker, against the raw queries in the same loop. */
async function benchThroughWorker(path: string): Promise<{ search: Compared; filteredPage: Compared }> {
  const client = CacheClient.open(path, { create: false });
  await client.ready;
  const raw = new Database(path, { readonly: true });
  raw.pragma('cache_size = -32768');
  raw.pragma('mmap_size = 268435456');
  try {
    const fts = raw.prepare(
      `SELECT r.id, r.kind, r.origin, r.remote_table, r.remote_id, r.ts, r.severity, r.source, r.type, r.message, r.chain_seq
       FROM records_fts f JOIN records r ON r.id = f.rowid
       WHERE records_fts MATCH ? ORDER BY r.ts DESC, r.id DESC LIMIT ?`,
    );
    const cols = 'id, kind, origin, remote_table, remote_id, ts, severity, source, type, message, chain_seq';
    const first = raw.prepare(`SELECT ${cols} FROM records WHERE severity = ? AND source = ? AND ts >= ? ORDER BY ts DESC, id DESC LIMIT ?`);
    const next = raw.prepare(
      `SELECT ${cols} FROM records WHERE severity = ? AND source = ? AND ts >= ? AND (ts, id) < (?, ?) ORDER BY ts DESC, id DESC LIMIT ?`,
    );
    const since = START + SPAN - 7 * 86_400_000;
    const combos = [
      ['error', 'api'],
      ['critical', 'db'],
      ['warning', 'auth'],
      ['error', 'billing'],
    ];
    for (const s of SEARCHES) {
      await client.search({ text: s.text, limit: PAGE });
      fts.all(s.fts, PAGE + 1);
    }
    const searchOurs: number[] = [];
    const searchRaw: number[] = [];
    const pageOurs: number[] = [];
    const pageRaw: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      for (const s of SEARCHES) {
        searchRaw.push(timeIt(() => fts.all(s.fts, PAGE + 1)));
        searchOurs.push(await timeAsync(() => client.search({ text: s.text, limit: PAGE })));
      }
      for (const [severity, source] of combos) {
        const p1 = await client.search({ severity: [severity], source, since, limit: PAGE });
        const p2 = await client.search({ severity: [severity], source, since, limit: PAGE, cursor: p1.nextCursor });
        const cursor = p2.nextCursor;
        pageOurs.push(await timeAsync(() => client.search({ severity: [severity], source, since, limit: PAGE, cursor })));
        const r1 = first.all(severity, source, since, PAGE) as { ts: number; id: number }[];
        const l1 = r1[r1.length - 1];
        const r2 = next.all(severity, source, since, l1.ts, l1.id, PAGE) as { ts: number; id: number }[];
        const l2 = r2[r2.length - 1];
        pageRaw.push(timeIt(() => next.all(severity, source, since, l2.ts, l2.id, PAGE + 1)));
      }
    }
    return { search: compare(searchOurs, searchRaw, 1.5), filteredPage: compare(pageOurs, pageRaw, 1.5) };
  } finally {
    raw.close();
    await client.close();
  }
}

async function benchGrep(cache: Cache, dir: string, oursSamples: number[]) {
  const textFile = join(dir, 'events.txt');
  log('exporting the events as text lines for grep…');
  const t0 = performance.now();
  const out = createWriteStream(textFile);
  const exported = await cache.exportRecords({}, 'jsonl', out);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const exportSeconds = (performance.now() - t0) / 1000;
  const grepTimes: number[] = [];
  const matches: Record<string, number> = {};
  // Warm the page cache so grep measures the scan, not the disk.
  try {
    execFileSync('grep', ['-c', '-F', 'zzzz-not-there', textFile], { stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    // exit status 1 = no match, as intended
  }
  for (const s of SEARCHES) {
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      let count = '0';
      try {
        // -i -F: case-insensitive fixed string, like the full-text search
        count = execFileSync('grep', ['-c', '-i', '-F', s.text, textFile], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      } catch (err) {
        count = String((err as { stdout?: Buffer }).stdout ?? '0').trim();
      }
      grepTimes.push(performance.now() - t);
      matches[s.text] = Number(count);
    }
  }
  const ftsCounts: Record<string, number> = {};
  const countTimes: number[] = [];
  for (const s of SEARCHES) {
    countTimes.push(timeIt(() => (ftsCounts[s.text] = cache.count({ text: s.text }))));
  }
  const grepP50 = percentile(grepTimes, 50);
  const oursP95 = percentile(oursSamples, 95);
  return {
    textFileMiB: mib(statSync(textFile).size),
    exportedRows: exported.rows,
    exportSeconds: round(exportSeconds),
    exportRowsPerSecond: Math.round(exported.rows / exportSeconds),
    grepMedianMs: round(grepP50, 1),
    oursSearchP95Ms: round(oursP95, 3),
    speedup: round(grepP50 / oursP95, 1),
    target: 20,
    meetsTarget: grepP50 / oursP95 >= 20,
    oursCountMedianMs: round(percentile(countTimes, 50), 1),
    matchesGrep: matches,
    matchesFts: ftsCounts,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'roman-bench-store-'));
  const result: Record<string, unknown> = { rows: ROWS, node: process.version, sqlite: '' };
  try {
    log(`${ROWS} rows in ${dir}`);
    const cache = Cache.open(join(dir, 'cache.sqlite'));
    try {
      result.sqlite = (cache.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
      const { rawMs, oursMs, rawBytes } = ingestBoth(join(dir, 'raw.sqlite'), cache);
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `raw.sqlite${suffix}`), { force: true });
      const rawRate = ROWS / (rawMs / 1000);
      const oursRate = ROWS / (oursMs / 1000);
      result.ingest = {
        rawSeconds: round(rawMs / 1000),
        oursSeconds: round(oursMs / 1000),
        rawRowsPerSecond: Math.round(rawRate),
        oursRowsPerSecond: Math.round(oursRate),
        ratio: round(oursRate / rawRate, 3),
        target: 0.8,
        meetsTarget: oursRate / rawRate >= 0.8,
        rawFileMiB: mib(rawBytes),
        cacheFileMiB: mib(cache.fileBytes()),
      };
      log(`ingest: ${JSON.stringify(result.ingest)}`);
      cache.db.pragma('wal_checkpoint(TRUNCATE)');
      cache.db.pragma('optimize');

      log('search…');
      const search = benchSearch(cache);
      result.search = search.result;
      log(`search: ${JSON.stringify(search.result)}`);
      log('filtered keyset page…');
      result.filteredPage = benchFilteredPage(cache);
      log(`filtered page: ${JSON.stringify(result.filteredPage)}`);
      result.grep = await benchGrep(cache, dir, search.oursSamples);
      log(`grep: ${JSON.stringify(result.grep)}`);
    } finally {
      cache.close();
    }
    log('search and page through the cache worker…');
    result.worker = await benchThroughWorker(join(dir, 'cache.sqlite'));
    log(`worker: ${JSON.stringify(result.worker)}`);
    result.storePeakRssMiB = mib(process.resourceUsage().maxRSS * 1024);
    result.peakRssMiB = result.storePeakRssMiB;
  } finally {
    if (process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  }

  // Hook: the sync helper's Postgres → cache benchmark, merged when present.
  const syncBench = join(__dirname, 'store-sync.ts');
  if (process.env.BENCH_SKIP_SYNC === '1') {
    result.sync = { skipped: 'BENCH_SKIP_SYNC=1' };
  } else if (existsSync(syncBench)) {
    log('sync benchmark (bench/store-sync.ts)…');
    try {
      const mod = (await import('./store-sync')) as { runSyncBench: (o: { rows?: number; log?: (l: string) => void }) => Promise<unknown> };
      result.sync = await mod.runSyncBench({ rows: ROWS, log });
    } catch (err) {
      result.sync = { error: err instanceof Error ? err.message : String(err) };
    }
    result.peakRssMiB = mib(process.resourceUsage().maxRSS * 1024);
  } else {
    result.sync = { skipped: 'bench/store-sync.ts not present' };
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:store failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
