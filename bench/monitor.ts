/**
 * `npm run bench:monitor` — how light and how fast monitoring is, as JSON on stdout.
 *
 * On a fresh database (roman_bench_monitor on the local server, or BENCH_PG_URL's server) with
 * BENCH_ROWS system_logs rows (default 1,000,000, spread over 7 days) it measures:
 *  - cycle: database time per full check cycle (every alert rule once), over BENCH_CYCLES cycles,
 *    beside the same rules' raw SQL (captured from a cycle, parameters inlined) run once by
 *    `psql -c` with \timing;
 *  - connections: pg_stat_activity rows with application_name 'roman-desktop' while the scheduler
 *    runs with its LISTEN client;
 *  - latency: insert of critical rows → notifier call, p50/p95, via LISTEN/NOTIFY and via polling
 *    (BENCH_POLL_MS, default 2000; production polls signal rules every 15 s).
 * Progress goes to stderr.
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import type { AlertNotification } from '../src/main/core/alerts/engine';
import type { Queryable } from '../src/main/core/alerts/rule';
import { AlertService } from '../src/main/core/alerts/service';
import { systemClock } from '../src/main/core/clock';
import { openPool } from '../src/main/core/db/connection';
import { initDatabase } from '../src/main/core/db/migrations';
import { NotifierRegistry, type NotifierProvider } from '../src/main/core/notify/notifier';
import { MonitorScheduler } from '../src/main/core/scheduler';

const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 5);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 2000);
const DB_NAME = 'roman_bench_monitor';

const log = (msg: string) => process.stderr.write(`[bench:monitor] ${msg}\n`);

function dbUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = '/' + name;
  return u.toString();
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[idx]!;
}
const round = (n: number) => Math.round(n * 100) / 100;

async function prepare(): Promise<string> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB_NAME}`);
  await admin.end();
  const url = dbUrl(DB_NAME);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await initDatabase(c);
  log(`generating ${ROWS} system_logs rows over 7 days…`);
  const t0 = performance.now();
  const batch = 250_000;
  for (let done = 0; done < ROWS; done += batch) {
    const n = Math.min(batch, ROWS - done);
    await c.query(
      `INSERT INTO public.system_logs (timestamp, severity, source, message, metadata)
       SELECT now() - random() * interval '7 days' - interval '2 minutes',
              CASE WHEN r < 0.002 THEN 'critical' WHEN r < 0.012 THEN 'error' WHEN r < 0.05 THEN 'warning' WHEN r < 0.6 THEN 'info' ELSE 'debug' END,
              CASE WHEN r2 < 0.001 THEN 'rls_violation' WHEN r2 < 0.5 THEN 'api' ELSE 'web' END,
              'request ' || g,
              CASE WHEN r2 < 0.001 THEN jsonb_build_object('ip', '10.0.' || (g % 50) || '.' || (g % 200))
                   WHEN r2 < 0.5 THEN jsonb_build_object('latency_ms', round((random() * 900)::numeric, 1), 'status', CASE WHEN r < 0.01 THEN 503 ELSE 200 END)
                   ELSE '{}'::jsonb END
         FROM (SELECT g, random() AS r, random() AS r2 FROM generate_series(1, $1::int) g) s`,
      [n],
    );
  }
  await c.query(
    `INSERT INTO public.ai_usage_logs (created_at, provider, model, feature, total_tokens, cost_usd, latency_ms)
     SELECT now() - random() * interval '30 days', (ARRAY['anthropic','openai','google'])[1 + g % 3], 'm', 'chat', 1000, random() * 0.2, 800
       FROM generate_series(1, 20000) g`,
  );
  await c.query('ANALYZE');
  log(`data ready in ${Math.round(performance.now() - t0)} ms`);
  await c.end();
  return url;
}

/** A pass-through Queryable that times every query and remembers its SQL and parameters. */
function recording(db: Queryable) {
  const calls: { text: string; values: unknown[]; ms: number }[] = [];
  const q: Queryable = {
    async query(text: string, values?: unknown[]) {
      const t0 = performance.now();
      try {
        return await db.query(text, values);
      } finally {
        calls.push({ text, values: values ?? [], ms: performance.now() - t0 });
      }
    },
  } as Queryable;
  return { q, calls };
}

function inline(text: string, values: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, i: string) => {
    const v = values[Number(i) - 1];
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') return String(v);
    return `'${String(v).replace(/'/g, "''")}'`;
  });
}

function psqlMs(url: string, sql: string): number {
  const out = execFileSync('psql', ['-X', '-q', '-d', url, '-c', '\\timing on', '-c', sql], { encoding: 'utf8' });
  const m = /Time: ([0-9.]+) ms/.exec(out);
  if (!m) throw new Error(`psql printed no timing for: ${sql.slice(0, 80)}`);
  return Number(m[1]);
}

async function cycleBench(url: string) {
  const db = openPool(url, { max: 1 });
  await db.waitUntilConnected();
  const rec = recording(db.pool);
  const service = new AlertService({ db: rec.q, clock: systemClock, notifiers: new NotifierRegistry(systemClock), recordEvents: false });
  await service.evaluate(); // warm-up (plans, cache)
  const cycles: number[] = [];
  const wall: number[] = [];
  let captured: typeof rec.calls = [];
  for (let i = 0; i < CYCLES; i++) {
    rec.calls.length = 0;
    const t0 = performance.now();
    const outcome = await service.evaluate();
    wall.push(performance.now() - t0);
    if (outcome.errors.length) throw new Error(`rule errors: ${JSON.stringify(outcome.errors)}`);
    cycles.push(rec.calls.reduce((s, c) => s + c.ms, 0));
    captured = [...rec.calls];
  }
  await db.close();
  const psqlPerQuery = captured.map((c) => psqlMs(url, inline(c.text, c.values)));
  return {
    rules: service.rules.length,
    queriesPerCycle: captured.length,
    cycles: CYCLES,
    dbTimePerCycleMs: { median: round(quantile(cycles, 0.5)), p95: round(quantile(cycles, 0.95)), max: round(Math.max(...cycles)) },
    wallTimePerCycleMs: { median: round(quantile(wall, 0.5)) },
    psqlSameSqlOnceMs: round(psqlPerQuery.reduce((s, x) => s + x, 0)),
    slowestQueriesMs: captured
      .map((c, i) => ({ sql: c.text.replace(/\s+/g, ' ').trim().slice(0, 90), appMs: round(c.ms), psqlMs: round(psqlPerQuery[i]!) }))
      .sort((a, b) => b.appMs - a.appMs)
      .slice(0, 3),
  };
}

interface Watcher {
  scheduler: MonitorScheduler;
  notified: Map<string, number>;
  close(): Promise<void>;
}

async function startWatcher(url: string, mode: 'listen' | 'poll'): Promise<Watcher> {
  const db = openPool(url, { max: 1 });
  const listenPool = mode === 'listen' ? openPool(url, { max: 1, statementTimeoutMs: 0, idleTimeoutMillis: 0 }) : null;
  const notified = new Map<string, number>();
  const recorder: NotifierProvider<null> = {
    kind: 'bench',
    async send(_c, n: AlertNotification) {
      const at = performance.now();
      for (const a of n.firing) if (a.labels.ip && !notified.has(a.labels.ip)) notified.set(a.labels.ip, at);
    },
  };
  const notifiers = new NotifierRegistry(systemClock);
  notifiers.register('bench', recorder, null);
  const service = new AlertService({
    db: db.pool,
    clock: systemClock,
    notifiers,
    recordEvents: false,
    // Every new IP is a new alert of the same group: send it without waiting for group_interval.
    timing: {
      critical: { groupWaitMs: 0, groupIntervalMs: 0, repeatIntervalMs: 4 * 3_600_000 },
      warning: { groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 4 * 3_600_000 },
    },
  });
  const HOUR = 3_600_000;
  const scheduler = new MonitorScheduler({
    service,
    cadenceMs: mode === 'listen' ? { signal: HOUR, fast: HOUR, normal: HOUR, slow: HOUR } : { signal: POLL_MS, fast: HOUR, normal: HOUR, slow: HOUR },
    jitter: mode === 'poll' ? 0 : 0.1,
    ...(listenPool
      ? {
          listen: {
            connect: () => listenPool.pool.connect(),
            dispose: (c: pg.PoolClient | pg.Client, err?: Error) => {
              if ('release' in c) c.release(err ?? true);
            },
          },
        }
      : {}),
  });
  await scheduler.start();
  return {
    scheduler,
    notified,
    async close() {
      await scheduler.stop();
      await db.close();
      await listenPool?.close();
    },
  };
}

async function latencyBench(url: string, mode: 'listen' | 'poll', admin: pg.Client) {
  const w = await startWatcher(url, mode);
  const latencies: number[] = [];
  let connections = 0;
  try {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'roman-desktop'`,
      [DB_NAME],
    );
    connections = rows[0]!.n;
    for (let i = 0; i < SAMPLES; i++) {
      const ip = `192.0.2.${mode === 'listen' ? i : 100 + i}`;
      // Start at a random phase of the poll interval, as real incidents do.
      await new Promise((r) => setTimeout(r, mode === 'poll' ? Math.random() * POLL_MS : 50));
      const t0 = performance.now();
      await admin.query(
        `INSERT INTO public.system_logs (severity, source, message, metadata)
         SELECT 'critical', 'rls_violation', 'bench violation', jsonb_build_object('ip', $1::text) FROM generate_series(1, 5)`,
        [ip],
      );
      const deadline = t0 + (mode === 'poll' ? POLL_MS * 3 : 5000);
      while (!w.notified.has(ip) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      const at = w.notified.get(ip);
      if (at === undefined) throw new Error(`${mode}: no notification for ${ip}`);
      latencies.push(at - t0);
    }
  } finally {
    await w.close();
  }
  return {
    samples: latencies.length,
    p50Ms: round(quantile(latencies, 0.5)),
    p95Ms: round(quantile(latencies, 0.95)),
    maxMs: round(Math.max(...latencies)),
    connections,
    ...(mode === 'poll' ? { pollIntervalMs: POLL_MS } : {}),
  };
}

async function main(): Promise<void> {
  const url = await prepare();
  log('timing check cycles…');
  const cycle = await cycleBench(url);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    log('measuring LISTEN/NOTIFY latency…');
    const listen = await latencyBench(url, 'listen', admin);
    log(`measuring polling latency (every ${POLL_MS} ms)…`);
    const poll = await latencyBench(url, 'poll', admin);
    const result = {
      benchmark: 'monitor',
      rows: ROWS,
      database: DB_NAME,
      cycle,
      connections: { withListen: listen.connections, pollingOnly: poll.connections, limit: 2 },
      insertToNotifier: { listenNotify: listen, polling: poll },
    };
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    await admin.end();
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await c.end();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:monitor failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
