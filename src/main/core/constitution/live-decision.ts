/**
 * A decision against a live database: opens a pool on the URL, measures the decision entropy
 * (both windows and the firing critical alerts, see decision-entropy.ts), lets the caller decide
 * with it, records the Decision in ops.roman_events (exactly once, keyed by decision_id) and closes
 * the pool. A database that cannot be reached or measured is an 'unavailable' error; nothing is
 * decided with a guessed entropy.
 */
import type { Decision } from '../../../shared/constitution';
import { DomainError } from '../../../shared/result';
import type { Clock } from '../clock';
import { openPool } from '../db/connection';
import { recordDecision } from '../db/events';
import { measureDecisionEntropy, type DecisionEntropy } from './decision-entropy';

export interface LiveDecision<T> {
  value: T;
  reading: DecisionEntropy;
  recorded: boolean;
}

export async function decideWithLiveEntropy<T>(
  url: string,
  clock: Clock,
  decide: (live: DecisionEntropy) => { value: T; decision: Decision },
): Promise<LiveDecision<T>> {
  const rp = openPool(url, { max: 1, lazy: true });
  try {
    const reading = await measureDecisionEntropy(rp.pool, clock);
    const { value, decision } = decide(reading);
    let recorded: boolean;
    try {
      recorded = (await recordDecision(rp.pool, decision)).inserted;
    } catch (err) {
      throw new DomainError('unavailable', `Decision ${decision.decision_id} could not be recorded in ops.roman_events: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { value, reading, recorded };
  } finally {
    await rp.close();
  }
}
