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
import type { RemoteCache } from '../store/cache-client';
import { pushOutbox } from '../sync/push';

export interface ExecutionRecorder {
  record(event: RomanEventInput): Promise<{ delivered: boolean }>;
}

/**
 * Records through a local cache: the Cache itself (CLI) or the app's worker-backed client; `deliver`
 * then pushes the outbox (default for a Cache: `pushOutbox` on `pool`).
 */
export function cacheRecorder(
  cache: Pick<Cache, 'recordLocalEvent'> | Pick<RemoteCache, 'recordLocalEvent'>,
  pool: pg.Pool | null,
  deliver?: () => Promise<{ delivered: boolean }>,
): ExecutionRecorder {
  return {
    async record(event) {
      await cache.recordLocalEvent(event);
      if (deliver) return deliver().catch(() => ({ delivered: false }));
      if (!pool || !(cache instanceof Object && 'outbox' in cache && 'db' in cache)) return { delivered: false };
      try {
        const r = await pushOutbox(pool, cache as Cache);
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
