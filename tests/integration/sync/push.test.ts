import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { recordEvent } from '../../../src/main/core/db/events';
import { Cache } from '../../../src/main/core/store/cache';
import { pushOutbox, syncDatabase } from '../../../src/main/core/sync';
import type { Decision } from '../../../src/shared/constitution';

let db: TestDatabase;
let pool: pg.Pool;
let dir: string;
let cache: Cache;

beforeAll(async () => {
  db = await createTestDatabase('roman_push');
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  await initDatabase(pool);
  dir = mkdtempSync(join(tmpdir(), 'roman-push-'));
});
afterAll(async () => {
  await pool.end();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await pool.query('truncate ops.roman_events restart identity');
  cache = Cache.open(join(dir, `${randomBytes(4).toString('hex')}.sqlite`));
});
afterEach(() => cache.close());

function decision(description: string): Decision {
  return {
    decision_id: randomUUID(),
    core_version: '2.0.0+roman-desktop.0.1.0',
    timestamp: '2026-01-01T00:00:00.000Z',
    duration_ms: 1,
    requested_by: 'bob',
    channel: 'ui',
    input: {
      action: { method_type: 'gradual', entropy_increase: 0.01, risk_to_life: 0, description },
      system_entropy: 0.02,
      requested_by: 'bob',
      channel: 'ui',
      entropy_source: 'live',
    },
    result: { verdict: 'approve', compliant: true, violations: [], warnings: [], laws: [] },
  };
}

function enqueueMixed(n: number): string[] {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      const d = decision(`offline action ${i}`);
      cache.outbox.enqueue({ topic: 'decision', idempotencyKey: d.decision_id, payload: d });
      keys.push(d.decision_id);
    } else {
      const key = `alert:${i}`;
      cache.outbox.enqueue({ topic: 'event', idempotencyKey: key, payload: { event_type: 'alert', severity: 'critical', message: `alert ${i}` } });
      keys.push(key);
    }
  }
  return keys;
}

async function serverKeys(): Promise<string[]> {
  const r = await pool.query<{ k: string }>('select idempotency_key as k from ops.roman_events order by id');
  return r.rows.map((x) => x.k);
}

describe('outbox push', () => {
  it('keeps everything queued while the database is unreachable, then delivers each item once, in order', async () => {
    const keys = enqueueMixed(6);
    const down = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/nothing', connectionTimeoutMillis: 500, max: 1 });
    try {
      const failed = await pushOutbox(down, cache);
      expect(failed.delivered).toBe(0);
      expect(failed.remaining).toBe(6);
      expect(failed.failed?.error).toMatch(/ECONNREFUSED/);
      const again = await pushOutbox(down, cache);
      expect(again.remaining).toBe(6);
    } finally {
      await down.end();
    }
    expect(await serverKeys()).toEqual([]);

    const ok = await pushOutbox(pool, cache);
    expect(ok).toMatchObject({ delivered: 6, remaining: 0, failed: null });
    expect(await serverKeys()).toEqual(keys);

    const nothingLeft = await pushOutbox(pool, cache);
    expect(nothingLeft.delivered).toBe(0);
    expect(await serverKeys()).toEqual(keys);
  });

  it('does not duplicate an item whose write reached Postgres before the app died', async () => {
    const keys = enqueueMixed(3);
    // Item 2 was written to Postgres, but the app died before marking it delivered.
    await recordEvent(pool, { event_type: 'alert', severity: 'critical', message: 'alert 1', idempotency_key: keys[1] });
    const r = await pushOutbox(pool, cache);
    expect(r.delivered).toBe(3);
    expect((await serverKeys()).sort()).toEqual([...keys].sort());
  });

  it('stops at an item it cannot deliver and keeps the order for the next push', async () => {
    const keys = enqueueMixed(2);
    cache.outbox.enqueue({ topic: 'mystery', idempotencyKey: 'm-1', payload: {} });
    const d = decision('after the mystery');
    cache.outbox.enqueue({ topic: 'decision', idempotencyKey: d.decision_id, payload: d });
    const r = await pushOutbox(pool, cache);
    expect(r.delivered).toBe(2);
    expect(r.failed).toMatchObject({ idempotencyKey: 'm-1' });
    expect(r.failed?.error).toMatch(/no deliverer for outbox topic "mystery"/);
    expect(await serverKeys()).toEqual(keys);
    const withDeliverer = await pushOutbox(pool, cache, {
      deliverers: {
        mystery: async (p, item) => {
          await recordEvent(p, { event_type: 'mystery', severity: 'info', message: 'solved', idempotency_key: item.idempotencyKey });
        },
      },
    });
    expect(withDeliverer.delivered).toBe(2);
    expect(await serverKeys()).toEqual([...keys, 'm-1', d.decision_id]);
  });

  it('sync pushes the outbox before pulling, so the cache also holds the server copy', async () => {
    const [key] = enqueueMixed(1);
    const r = await syncDatabase(pool, cache, { sources: [] });
    expect(r.pushed?.delivered).toBe(1);
    const pulled = await syncDatabase(pool, cache);
    expect(pulled.tables[0]).toMatchObject({ table: 'ops.roman_events', inserted: 1 });
    const row = cache.db.prepare(`select kind, json_extract(metadata, '$.decision_id') as id from records where remote_table = 'ops.roman_events'`).get();
    expect(row).toEqual({ kind: 'decision', id: key });
  });
});
