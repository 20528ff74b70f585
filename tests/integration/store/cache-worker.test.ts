/**
 * The cache as the app runs it: in a worker thread behind CacheClient. What a user of the app would
 * observe: nothing acknowledged is ever lost when the worker dies mid-batch, the client brings a
 * new worker up by itself and says so, and the sync runs in the worker (progress, cancel-free
 * resume after a crash, no duplicates).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { join } from 'node:path';
import { ADMIN_URL, createTestDatabase, type TestDatabase } from '../../support/postgres';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { Cache } from '../../../src/main/core/store/cache';
import { CacheClient, CacheWorkerStoppedError, type CacheWorkerStatus } from '../../../src/main/core/store/cache-client';
import type { SyncProgressEvent } from '../../../src/main/core/sync/worker-sync';
import { logRow, tempDir } from './helpers';

const dir = tempDir('roman-cache-worker-');
afterAll(() => dir.cleanup());

function waitFor(cache: CacheClient, state: CacheWorkerStatus['state']): Promise<CacheWorkerStatus> {
  return new Promise((resolve) => {
    if (cache.workerStatus().state === state) return resolve(cache.workerStatus());
    const stop = cache.onWorkerStatus((s) => {
      if (s.state === state) {
        stop();
        resolve(s);
      }
    });
  });
}

describe('cache worker', () => {
  it('keeps every acknowledged batch when the worker is killed mid-batch, restarts it and reports each restart', async () => {
    const path = join(dir.dir, 'killed.sqlite');
    const cache = CacheClient.open(path);
    await cache.ready;
    const statuses: CacheWorkerStatus['state'][] = [];
    cache.onWorkerStatus((s) => statuses.push(s.state));
    const acked: number[] = [];
    let stoppedCalls = 0;
    const KILLS = 4;
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        // Writer: large batches back to back; the killer strikes while one is being written.
        let killed = false;
        const writer = (async () => {
          for (let batch = kill * 1000; !killed || acked.length === 0; batch++) {
            const rows = Array.from({ length: 2000 }, (_, i) => logRow(batch * 10_000 + i, { remoteTable: 'kill.rows', metadata: { batch } }));
            try {
              await cache.storeBatch(rows, { table: 'kill.batches', cursor: String(batch) });
              acked.push(batch);
            } catch (err) {
              expect(err).toBeInstanceOf(CacheWorkerStoppedError);
              stoppedCalls++;
              return;
            }
          }
        })();
        await new Promise((r) => setTimeout(r, 150 + Math.random() * 200));
        killed = true;
        const restarted = waitFor(cache, 'restarting');
        await cache.kill();
        await restarted;
        await writer;
        await waitFor(cache, 'ready');
      }
      expect(cache.workerStatus()).toMatchObject({ state: 'ready', restarts: KILLS, lastCrash: { reason: expect.any(String) } });
      expect(statuses.filter((s) => s === 'restarting')).toHaveLength(KILLS);
      expect(stoppedCalls).toBeGreaterThan(0);
      expect(await cache.integrityCheck()).toMatchObject({ ok: true, problems: [] });
    } finally {
      await cache.close();
    }
    const check = Cache.open(path);
    try {
      const perBatch = new Map(
        (
          check.db
            .prepare("SELECT CAST(json_extract(metadata, '$.batch') AS INTEGER) AS b, count(*) AS n FROM records WHERE remote_table = 'kill.rows' GROUP BY b")
            .all() as { b: number; n: number }[]
        ).map((x) => [x.b, x.n]),
      );
      for (const b of acked) expect(perBatch.get(b), `batch ${b} acknowledged but missing`).toBe(2000);
      for (const [b, n] of perBatch) expect(n, `batch ${b} is half there`).toBe(2000);
    } finally {
      check.close();
    }
  }, 120_000);

  it('refuses to start on a cache it cannot open, with the same error class, and does not retry', async () => {
    const cache = CacheClient.open(join(dir.dir, 'missing', 'nope.sqlite'), { create: false });
    await expect(cache.ready).rejects.toMatchObject({ name: 'CacheNotFoundError' });
    await expect(cache.search({})).rejects.toMatchObject({ name: 'CacheNotFoundError' });
    expect(cache.workerStatus()).toMatchObject({ state: 'failed', restarts: 0 });
    await cache.close();
  }, 60_000);
});

describe('sync in the cache worker', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  beforeAll(async () => {
    db = await createTestDatabase('roman_wsync');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await initDatabase(pool);
    await admin.connect();
    await pool.query(
      `insert into system_logs (timestamp, severity, source, message)
       select now() - (200000 - g) * interval '1 millisecond', case when g % 10 = 0 then 'error' else 'info' end, 'api',
              'GET /items/' || g || ' served'
         from generate_series(1, 200000) g`,
    );
  }, 120_000);
  afterAll(async () => {
    await pool.end();
    await admin.end();
    await db.drop();
  });

  it('pulls with progress, and after the worker is killed mid-sync the next sync completes without duplicates', async () => {
    const path = join(dir.dir, 'sync.sqlite');
    const cache = CacheClient.open(path);
    await cache.ready;
    const progress: SyncProgressEvent[] = [];
    cache.onSyncProgress((p) => progress.push(p));
    try {
      // Small batches so the kill lands mid-sync, after some batches committed.
      const first = cache.sync.run(db.url, { runId: 'first', tables: ['public.system_logs'], batchRows: 2000, maxBatchRows: 2000, push: false });
      while (progress.length < 3) await new Promise((r) => setTimeout(r, 20));
      await cache.kill();
      await expect(first).rejects.toBeInstanceOf(CacheWorkerStoppedError);
      const committed = await cache.count({ kind: 'log' });
      expect(committed).toBeGreaterThan(0);
      expect(committed).toBeLessThan(200_000);
      expect(cache.workerStatus().restarts).toBe(1);

      const second = await cache.sync.run(db.url, { runId: 'second', tables: ['public.system_logs'], push: false });
      expect(second.tables[0]).toMatchObject({ table: 'public.system_logs', status: 'synced' });
      expect(await cache.count({ kind: 'log' })).toBe(200_000);
      expect(progress.some((p) => p.runId === 'second' && p.table === 'public.system_logs')).toBe(true);
      const page = await cache.search({ text: 'items 199999', limit: 5 });
      expect(page.rows.map((r) => r.message)).toContain('GET /items/199999 served');
    } finally {
      await cache.close();
    }
  }, 180_000);

  it('never lets the password of the connection string out of the worker', async () => {
    const cache = CacheClient.open(join(dir.dir, 'secret.sqlite'));
    try {
      const url = new URL(db.url);
      url.password = 's3cret-pw';
      url.port = '1'; // nothing listens: the sync fails with a connection error
      const r = await cache.sync.run(url.toString(), { tables: ['public.system_logs'], retries: 0, push: false }).catch((e: Error) => e);
      const text = r instanceof Error ? r.message : JSON.stringify(r);
      expect(r instanceof Error || r.tables[0].status === 'failed').toBe(true);
      expect(text).not.toContain('s3cret-pw');
    } finally {
      await cache.close();
    }
  }, 60_000);
});
