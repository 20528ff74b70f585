/**
 * Where executions and refusals are recorded: ops.roman_events (event_type 'execution' /
 * 'execution_refused') delivered exactly once through the cache's outbox, and the same record in
 * the local hash-chained audit trail. `cacheRecorder` does both in one local transaction, then
 * pushes the outbox (what cannot be delivered now stays queued). `directRecorder` writes straight
 * to Postgres (no local cache: tests and tools).
 */
import type pg from 'pg';
import { recordEvent, type RomanEventInput } from '../db/events';
import type { Cache } from '../store/cache';
import { pushOutbox } from '../sync/push';

export interface ExecutionRecorder {
  record(event: RomanEventInput): Promise<{ delivered: boolean }>;
}

export function cacheRecorder(cache: Cache, pool: pg.Pool | null): ExecutionRecorder {
  return {
    async record(event) {
      cache.audit.append(
        {
          kind: 'action',
          type: event.event_type,
          severity: event.severity,
          source: 'operations',
          message: event.message,
          metadata: event.metadata ?? {},
          key: event.idempotency_key,
        },
        () => {
          cache.outbox.enqueue({ topic: 'event', idempotencyKey: event.idempotency_key, payload: event });
        },
      );
      if (!pool) return { delivered: false };
      try {
        const r = await pushOutbox(pool, cache);
        return { delivered: r.failed === null && !r.busy };
      } catch {
        return { delivered: false };
      }
    },
  };
}

export function directRecorder(pool: pg.Pool): ExecutionRecorder {
  return {
    async record(event) {
      try {
        await recordEvent(pool, event);
        return { delivered: true };
      } catch {
        return { delivered: false };
      }
    },
  };
}
