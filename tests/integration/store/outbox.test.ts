import { afterEach, describe, expect, it } from 'vitest';
import { Cache } from '../../../src/main/core/store/cache';
import type { OutboxItem } from '../../../src/main/core/store/outbox';
import { openTempCache, type TempCache } from './helpers';

let t: TempCache | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

function enqueueN(c: Cache, n: number, from = 0): void {
  for (let i = from; i < from + n; i++) c.outbox.enqueue({ topic: 'event', idempotencyKey: `key-${i}`, payload: { n: i } });
}

describe('Outbox', () => {
  it('delivers every item exactly once and in order, resuming after a failing delivery', async () => {
    t = openTempCache();
    enqueueN(t.cache, 10);
    const received: number[] = [];
    let failOn: number | null = 4;
    const deliver = async (item: OutboxItem<{ n: number }>) => {
      await new Promise((r) => setTimeout(r, 1));
      if (item.payload.n === failOn) throw new Error('Postgres unreachable: ECONNREFUSED');
      received.push(item.payload.n);
    };
    const first = await t.cache.outbox.drain(deliver);
    expect(first).toMatchObject({ delivered: 4, remaining: 6, busy: false, failed: { idempotencyKey: 'key-4', error: expect.stringMatching(/ECONNREFUSED/) } });
    expect(received).toEqual([0, 1, 2, 3]);
    const stuck = t.cache.outbox.pending(1)[0];
    expect(stuck).toMatchObject({ idempotencyKey: 'key-4', attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED/) });

    const second = await t.cache.outbox.drain(deliver); // still down: nothing after key-4 jumps the queue
    expect(second.delivered).toBe(0);
    expect(received).toEqual([0, 1, 2, 3]);

    failOn = null;
    const third = await t.cache.outbox.drain(deliver);
    expect(third).toMatchObject({ delivered: 6, remaining: 0, failed: null });
    expect(received).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await t.cache.outbox.drain(deliver)).toMatchObject({ delivered: 0, remaining: 0 });
  });

  it('enqueuing the same idempotency key twice keeps one item', () => {
    t = openTempCache();
    const a = t.cache.outbox.enqueue({ topic: 'decision', idempotencyKey: 'd-1', payload: { v: 1 } });
    const b = t.cache.outbox.enqueue({ topic: 'decision', idempotencyKey: 'd-1', payload: { v: 2 } });
    expect(a.enqueued).toBe(true);
    expect(b).toEqual({ seq: a.seq, enqueued: false });
    expect(t.cache.outbox.pending()).toHaveLength(1);
    expect(t.cache.outbox.pending()[0].payload).toEqual({ v: 1 });
  });

  it('runs one drain at a time when drains are started concurrently', async () => {
    t = openTempCache();
    enqueueN(t.cache, 20);
    const received: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const deliver = async (item: OutboxItem<{ n: number }>) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      received.push(item.payload.n);
      inFlight--;
    };
    const reports = await Promise.all([t.cache.outbox.drain(deliver), t.cache.outbox.drain(deliver), t.cache.outbox.drain(deliver)]);
    expect(maxInFlight).toBe(1);
    expect(received).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(reports.reduce((s, r) => s + r.delivered, 0)).toBe(20);
  });

  it('a second process on the same cache file waits for the first one’s drain lease', async () => {
    t = openTempCache();
    enqueueN(t.cache, 3);
    const other = Cache.open(t.path, { clock: t.clock });
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const firstDrain = t.cache.outbox.drain(async () => {
        await gate;
      });
      await new Promise((r) => setTimeout(r, 20));
      const blocked = await other.outbox.drain(async () => {
        throw new Error('must not be called');
      });
      expect(blocked).toMatchObject({ busy: true, delivered: 0 });
      release();
      expect(await firstDrain).toMatchObject({ delivered: 3, remaining: 0 });
    } finally {
      other.close();
    }
  });

  it('keeps undelivered items across a restart and purges only delivered ones', async () => {
    t = openTempCache();
    enqueueN(t.cache, 5);
    await t.cache.outbox.drain(async (item) => {
      if ((item.payload as { n: number }).n >= 2) throw new Error('offline');
    });
    t.cache.close();
    const reopened = Cache.open(t.path, { clock: t.clock });
    try {
      expect(reopened.outbox.pending().map((i) => i.idempotencyKey)).toEqual(['key-2', 'key-3', 'key-4']);
      t.clock.advance(40 * 86_400_000);
      const report = await reopened.applyRetention({ maxAgeDays: 30 });
      expect(report.outboxPurged).toBe(2);
      expect(reopened.outbox.pendingCount()).toBe(3);
    } finally {
      reopened.close();
    }
  });

  it('can cache the local record in the same transaction as the outbox item', () => {
    t = openTempCache();
    const r = t.cache.outbox.enqueue(
      { topic: 'event', idempotencyKey: 'evt-1', payload: { message: 'Backup completed' } },
      { record: { kind: 'event', timestamp: t.clock.now(), severity: 'info', type: 'backup', message: 'Backup completed' } },
    );
    expect(r.recordId).toBeGreaterThan(0);
    expect(t.cache.getRecord(r.recordId!)).toMatchObject({ origin: 'local', message: 'Backup completed' });
  });

  it('rejects items without a key or with a payload that is not JSON', () => {
    t = openTempCache();
    expect(() => t!.cache.outbox.enqueue({ topic: 'event', idempotencyKey: '', payload: {} })).toThrow(/idempotencyKey/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => t!.cache.outbox.enqueue({ topic: 'event', idempotencyKey: 'x', payload: cyclic })).toThrow(/JSON/);
    expect(t.cache.outbox.pendingCount()).toBe(0);
  });
});
