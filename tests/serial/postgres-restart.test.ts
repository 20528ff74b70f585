/**
 * Sync across a real Postgres server restart (issue: "gap-free and duplicate-free across a killed
 * connection and a Postgres restart"). This restarts the local cluster, so it runs alone, after
 * the parallel suites (scripts/test.mjs, stage "serial"), and needs pg_ctlcluster (root).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { initDatabase } from '../../src/main/core/db/migrations';
import { openPool, type RomanPool } from '../../src/main/core/db/connection';
import { Cache } from '../../src/main/core/store/cache';
import { syncDatabase } from '../../src/main/core/sync';

const ROWS = 150_000;
const version = readdirSync('/etc/postgresql')[0]!;

function restartPostgres(): void {
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { stdio: 'pipe', timeout: 120_000 });
}

async function waitForServer(url: string): Promise<void> {
  const end = Date.now() + 60_000;
  for (;;) {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.end();
      return;
    } catch {
      await c.end().catch(() => undefined);
      if (Date.now() > end) throw new Error('Postgres did not come back within 60 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

let db: TestDatabase;
let dir: string;
let pool: RomanPool;
let cache: Cache;

beforeAll(async () => {
  db = await createTestDatabase('roman_restart');
  const admin = new pg.Pool({ connectionString: db.url, max: 1 });
  await initDatabase(admin);
  await admin.query(
    `INSERT INTO public.system_logs (timestamp, severity, source, message, metadata)
     SELECT now() - interval '1 day' + (g || ' milliseconds')::interval, 'info', 'api', 'request ' || g, jsonb_build_object('latency_ms', g % 900)
     FROM generate_series(1, $1::int) g`,
    [ROWS],
  );
  await admin.end();
  dir = mkdtempSync(join(tmpdir(), 'roman-restart-'));
  cache = Cache.open(join(dir, 'cache.sqlite'));
  pool = openPool(db.url, { max: 1, lazy: true, connectionTimeoutMillis: 3000 });
}, 120_000);

afterAll(async () => {
  await pool?.close();
  cache?.close();
  await waitForServer(db.url.replace(/\/[^/]+$/, '/postgres'));
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('sync across a Postgres restart', () => {
  it('ends with every row exactly once after the server restarts in the middle of a sync', async () => {
    let restarted = false;
    const first = syncDatabase(pool.pool, cache, {
      batchRows: 2000,
      maxBatchRows: 2000,
      retries: 0,
      onProgress: (p) => {
        if (!restarted && p.table === 'public.system_logs' && p.rowsDone >= 20_000) {
          restarted = true;
          restartPostgres();
        }
      },
    }).catch((err: unknown) => err);
    await first;
    expect(restarted).toBe(true);
    await waitForServer(db.url);

    // The app's next sync passes resume from the committed cursor until everything is there.
    for (let pass = 0; pass < 10; pass++) {
      const r = await syncDatabase(pool.pool, cache, { retries: 5, retryDelayMs: 200 }).catch(() => null);
      if (r?.ok) break;
    }
    const counted = cache.db
      .prepare(`SELECT count(*) AS n, count(DISTINCT remote_id) AS d, min(CAST(remote_id AS INTEGER)) AS lo, max(CAST(remote_id AS INTEGER)) AS hi FROM records WHERE remote_table = 'public.system_logs'`)
      .get() as { n: number; d: number; lo: number; hi: number };
    expect(counted).toEqual({ n: ROWS, d: ROWS, lo: 1, hi: ROWS });
    expect(cache.integrityCheck().ok).toBe(true);
  }, 240_000);

  it('the pool reports the outage and reconnects by itself', async () => {
    const states: string[] = [];
    pool.on('state', (s: { state: string }) => states.push(s.state));
    await pool.pool.query('SELECT 1');
    restartPostgres();
    await waitForServer(db.url);
    const end = Date.now() + 30_000;
    let answered = false;
    while (!answered && Date.now() < end) {
      answered = await pool.pool.query('SELECT 1').then(
        () => true,
        () => false,
      );
      if (!answered) await new Promise((r) => setTimeout(r, 250));
    }
    expect(answered).toBe(true);
    expect(states.some((s) => s === 'reconnecting' || s === 'down')).toBe(true);
    expect(pool.state).toBe('connected');
  }, 120_000);
});
