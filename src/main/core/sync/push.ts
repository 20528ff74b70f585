/**
 * Push: delivers the cache's outbox (what this desktop recorded while Postgres was unreachable) to
 * Postgres, in order, each item once. The outbox hands items over one at a time and marks an item
 * delivered only after its write committed; the write itself is idempotent on the server
 * (ops.roman_events.idempotency_key, ON CONFLICT DO NOTHING), so an item re-sent after a crash
 * between the two steps changes nothing. A failure stops the drain at that item (order is kept);
 * the next push starts there.
 *
 * Topics: 'decision' (payload: Decision) and 'event' (payload: RomanEventInput). Other domains can
 * pass their own deliverers for new topics.
 */
import type pg from 'pg';
import type { Cache } from '../store/cache';
import type { DrainReport, OutboxItem } from '../store/outbox';
import type { Decision } from '../../../shared/constitution';
import { recordDecision, recordEvent, type RomanEventInput } from '../db/events';

export type Deliverer = (pool: pg.Pool, item: OutboxItem) => Promise<void>;

export const DEFAULT_DELIVERERS: Readonly<Record<string, Deliverer>> = {
  async decision(pool, item) {
    const decision = item.payload as Decision;
    if (!decision || typeof decision !== 'object' || decision.decision_id !== item.idempotencyKey) {
      throw new Error(`outbox item ${item.seq}: a decision's idempotency key must be its decision_id`);
    }
    await recordDecision(pool, decision);
  },
  async event(pool, item) {
    const payload = item.payload as Partial<RomanEventInput> | null;
    if (!payload || typeof payload !== 'object') throw new Error(`outbox item ${item.seq}: event payload must be an object`);
    await recordEvent(pool, { ...(payload as RomanEventInput), idempotency_key: payload.idempotency_key ?? item.idempotencyKey });
  },
};

export interface PushOptions {
  /** Extra or replacement deliverers by topic. */
  deliverers?: Record<string, Deliverer>;
  maxItems?: number;
}

export async function pushOutbox(pool: pg.Pool, cache: Cache, opts: PushOptions = {}): Promise<DrainReport> {
  const deliverers = { ...DEFAULT_DELIVERERS, ...(opts.deliverers ?? {}) };
  return cache.outbox.drain(
    async (item) => {
      const deliver = Object.prototype.hasOwnProperty.call(deliverers, item.topic) ? deliverers[item.topic] : undefined;
      if (!deliver) throw new Error(`no deliverer for outbox topic "${item.topic}" (item ${item.seq})`);
      await deliver(pool, item);
    },
    opts.maxItems !== undefined ? { maxItems: opts.maxItems } : {},
  );
}
