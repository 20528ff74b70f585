/**
 * The CLI's local decision trail: every decision `roman validate` / `roman approve` makes lands in
 * the local hash-chained audit trail (store/audit-chain.ts) of a cache file — with --db, the cache
 * of that database (and the outbox, so a sync delivers it if the direct write to ops.roman_events
 * failed); with --entropy, the cache $ROMAN_CACHE / $ROMAN_DB_URL's cache / the default cache, and
 * the outbox too when a database is known ($ROMAN_DB_URL), so the next sync delivers it.
 */
import type { Decision } from '../../shared/constitution';
import { DomainError } from '../../shared/result';
import { systemClock } from '../core/clock';
import { Cache } from '../core/store/cache';
import { defaultCachePath, resolveCachePath } from '../core/store/paths';

export interface DecisionTrail {
  /** The cache file the decision goes to. */
  readonly path: string;
  /** Queue the decision for delivery to ops.roman_events (a database is known). */
  readonly deliver: boolean;
  /** Appends the decision to the chain; throws DomainError('unavailable') when it cannot. */
  record(decision: Decision): void;
}

export function decisionTrail(env: NodeJS.ProcessEnv, db?: string): DecisionTrail {
  const path = db ? defaultCachePath(db, { ...env, ROMAN_CACHE: undefined }) : resolveCachePath({}, env);
  const deliver = Boolean(db || env.ROMAN_DB_URL);
  return {
    path,
    deliver,
    record(decision) {
      let cache: Cache | null = null;
      try {
        cache = Cache.open(path, { clock: systemClock });
        cache.appendDecision(decision, { enqueue: deliver });
      } catch (err) {
        throw new DomainError(
          'unavailable',
          `Decision ${decision.decision_id} could not be recorded in the local audit trail (${path}): ${err instanceof Error ? err.message : String(err)}`,
        );
      } finally {
        cache?.close();
      }
    },
  };
}
