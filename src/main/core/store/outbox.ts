/**
 * The outbox: what this desktop recorded while Postgres was unreachable (decisions, action outcomes,
 * events), appended durably and in order with an idempotency key, and delivered later in the same
 * order. `drain(deliver)` hands items to `deliver` one at a time, marks an item delivered only after
 * `deliver` resolves, and stops at the first failure (the failed item stays first in line). One
 * drain runs at a time: calls in this process are serialised, and a lease row keeps a second process
 * on the same cache file from draining at the same time.
 *
 * Delivery is at-least-once at the transport level (a crash between the remote commit and marking
 * the item here re-sends it); the receiver de-duplicates by `idempotencyKey` (ops.roman_events has a
 * unique idempotency_key), which makes the effect exactly-once.
 */
import { randomUUID } from 'node:crypto';
import type { Cache } from './cache';
import type { NewRecord } from './records';
import { CacheInputError } from './query';

export interface NewOutboxItem {
  /** What the payload is, for the deliverer to route it: 'decision', 'event', 'action_outcome', … */
  topic: string;
  /** Stable key of the write (decision_id for decisions); enqueuing the same key twice is a no-op. */
  idempotencyKey: string;
  payload: unknown;
}

export interface OutboxItem<T = unknown> {
  seq: number;
  topic: string;
  idempotencyKey: string;
  payload: T;
  createdAt: string;
  attempts: number;
  lastError: string | null;
}

export interface DrainReport {
  delivered: number;
  /** Items still waiting after this drain. */
  remaining: number;
  /** The item that failed (drain stopped there), if any. */
  failed: { seq: number; idempotencyKey: string; error: string } | null;
  /** True when another process holds the drain lease; nothing was attempted. */
  busy: boolean;
}

interface OutboxRow {
  seq: number;
  topic: string;
  idempotency_key: string;
  payload: string;
  created_at: number;
  attempts: number;
  last_error: string | null;
}

const LEASE_NAME = 'outbox.drain';
const MAX_KEY = 500;

export class Outbox {
  private running: Promise<unknown> = Promise.resolve();
  private readonly holder = `${process.pid}:${randomUUID()}`;

  constructor(private readonly cache: Cache) {}

  /**
   * Appends an item (synced to disk before returning). With `record`, the same transaction also
   * caches it as a local record so offline review shows it immediately.
   */
  enqueue(item: NewOutboxItem, opts: { record?: NewRecord } = {}): { seq: number; enqueued: boolean; recordId?: number } {
    if (!item || typeof item !== 'object') throw new CacheInputError('outbox item must be an object');
    if (typeof item.topic !== 'string' || !item.topic) throw new CacheInputError('outbox item needs a topic');
    if (typeof item.idempotencyKey !== 'string' || !item.idempotencyKey || item.idempotencyKey.length > MAX_KEY) {
      throw new CacheInputError('outbox item needs an idempotencyKey (1..500 characters)');
    }
    let payload: string;
    try {
      payload = JSON.stringify(item.payload ?? null);
    } catch (err) {
      throw new CacheInputError(`outbox payload is not JSON-serialisable: ${(err as Error).message}`);
    }
    const db = this.cache.db;
    return this.cache.durableTransaction(() => {
      const info = db
        .prepare('INSERT OR IGNORE INTO outbox (idempotency_key, topic, payload, created_at) VALUES (?, ?, ?, ?)')
        .run(item.idempotencyKey, item.topic, payload, this.cache.clock.now().getTime());
      const recordId = opts.record ? this.cache.insertRecord(opts.record).id : undefined;
      if (info.changes > 0) return { seq: Number(info.lastInsertRowid), enqueued: true, ...(recordId !== undefined ? { recordId } : {}) };
      const existing = db.prepare('SELECT seq FROM outbox WHERE idempotency_key = ?').get(item.idempotencyKey) as { seq: number };
      return { seq: existing.seq, enqueued: false, ...(recordId !== undefined ? { recordId } : {}) };
    });
  }

  pendingCount(): number {
    return (this.cache.db.prepare('SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL').get() as { n: number }).n;
  }

  /** Undelivered items in delivery order. */
  pending(limit = 100): OutboxItem[] {
    const rows = this.cache.db
      .prepare('SELECT * FROM outbox WHERE delivered_at IS NULL ORDER BY seq LIMIT ?')
      .all(limit) as OutboxRow[];
    return rows.map(toItem);
  }

  /**
   * Delivers pending items in order, one at a time. Concurrent calls are queued (each starts after
   * the previous finished), so no item is ever handed to two deliverers.
   */
  drain<T = unknown>(deliver: (item: OutboxItem<T>) => Promise<void>, opts: { maxItems?: number; leaseMs?: number } = {}): Promise<DrainReport> {
    const run = this.running.then(() => this.drainNow(deliver, opts));
    this.running = run.catch(() => undefined);
    return run;
  }

  private async drainNow<T>(deliver: (item: OutboxItem<T>) => Promise<void>, opts: { maxItems?: number; leaseMs?: number }): Promise<DrainReport> {
    const db = this.cache.db;
    const leaseMs = opts.leaseMs ?? 5 * 60_000;
    const maxItems = opts.maxItems ?? Infinity;
    if (!this.takeLease(leaseMs)) return { delivered: 0, remaining: this.pendingCount(), failed: null, busy: true };
    let delivered = 0;
    let failed: DrainReport['failed'] = null;
    const next = db.prepare('SELECT * FROM outbox WHERE delivered_at IS NULL ORDER BY seq LIMIT 1');
    const markDelivered = db.prepare('UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_attempt_at = ?, last_error = NULL WHERE seq = ?');
    const markFailed = db.prepare('UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, last_error = ? WHERE seq = ?');
    try {
      while (delivered < maxItems && this.cache.isOpen) {
        const row = next.get() as OutboxRow | undefined;
        if (!row) break;
        if (!this.takeLease(leaseMs)) break;
        try {
          await deliver(toItem(row) as OutboxItem<T>);
        } catch (err) {
          const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
          if (this.cache.isOpen) {
            const now = this.cache.clock.now().getTime();
            this.cache.transaction(() => markFailed.run(now, message, row.seq));
          }
          failed = { seq: row.seq, idempotencyKey: row.idempotency_key, error: message };
          break;
        }
        if (!this.cache.isOpen) break;
        const now = this.cache.clock.now().getTime();
        this.cache.transaction(() => markDelivered.run(now, now, row.seq));
        delivered++;
      }
    } finally {
      if (this.cache.isOpen) this.releaseLease();
    }
    return { delivered, remaining: this.cache.isOpen ? this.pendingCount() : -1, failed, busy: false };
  }

  private takeLease(ms: number): boolean {
    const now = this.cache.clock.now().getTime();
    const info = this.cache.transaction(() =>
      this.cache.db
        .prepare(
          `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE leases.holder = excluded.holder OR leases.expires_at < ?`,
        )
        .run(LEASE_NAME, this.holder, now + ms, now),
    );
    return info.changes > 0;
  }

  private releaseLease(): void {
    this.cache.transaction(() => this.cache.db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(LEASE_NAME, this.holder));
  }

  /** Removes items delivered before `before` (epoch ms). Undelivered items are never removed. */
  purgeDelivered(before: number): number {
    return this.cache.transaction(
      () => this.cache.db.prepare('DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?').run(before).changes,
    );
  }
}

function toItem(r: OutboxRow): OutboxItem {
  let payload: unknown;
  try {
    payload = JSON.parse(r.payload);
  } catch {
    payload = r.payload;
  }
  return {
    seq: r.seq,
    topic: r.topic,
    idempotencyKey: r.idempotency_key,
    payload,
    createdAt: new Date(r.created_at).toISOString(),
    attempts: r.attempts,
    lastError: r.last_error,
  };
}
