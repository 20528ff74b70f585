/**
 * Handlers of the constitutional core and action requests: self-test, evaluate an ActionData,
 * the action catalogue, parse a request and request an action (parse + Decision + explanation).
 * Decisions carry the caller (who, which channel) and the context's clock. None executes anything.
 *
 * With a live entropy source (an open workspace), a request without a hand-entered entropy is
 * judged on the entropy measured from the database, and the reading is kept in the decision.
 * Every decision goes to the decision log through `record` (audit chain + ops.roman_events).
 */
import type { HandlerRegistry } from './registry';
import type { CoreContext } from '../context';
import { evaluate, runSelfTest } from '../constitution';
import { CATALOGUE, parseActionRequest, requestAction } from '../actions';
import type { Decision, DecisionMeta } from '../../../shared/constitution';
import type { EntropyReading } from '../../../shared/monitoring';
import { DomainError } from '../../../shared/result';

export interface ConstitutionDeps {
  /** Measures the system entropy of the watched database; absent when none is open. */
  liveEntropy?: () => Promise<EntropyReading> | null;
  /** Records a decision in the decision log. */
  record?: (decision: Decision) => void;
}

function callerMeta(ctx: CoreContext, reading?: EntropyReading): Omit<DecisionMeta, 'request_text' | 'action_kind' | 'environment'> {
  return {
    requested_by: ctx.caller.requestedBy,
    channel: ctx.caller.channel,
    entropy_source: reading ? 'live' : 'manual',
    ...(reading ? { entropy_reading: reading } : {}),
  };
}

export function registerConstitutionHandlers(registry: HandlerRegistry, deps: ConstitutionDeps = {}): void {
  registry.method('constitution.selftest', () => runSelfTest());

  registry.method('constitution.evaluate', (input, ctx) => {
    const decision = evaluate(input.action, input.systemEntropy, callerMeta(ctx), ctx.clock);
    deps.record?.(decision);
    return decision;
  });

  registry.method('actions.catalogue', () => CATALOGUE.map((e) => structuredClone(e)));

  registry.method('actions.parse', (input) => parseActionRequest(input.text));

  registry.method('actions.request', async (input, ctx) => {
    let reading: EntropyReading | undefined;
    let systemEntropy = input.systemEntropy;
    if (systemEntropy === undefined) {
      const measuring = deps.liveEntropy?.() ?? null;
      if (!measuring) {
        throw new DomainError('invalid_input', 'Give the system entropy: no database is open to measure it live.', [
          { path: 'systemEntropy', message: 'required when no database is open' },
        ]);
      }
      try {
        reading = await measuring;
      } catch (err) {
        if (err instanceof DomainError) throw err;
        throw new DomainError('unavailable', `Cannot measure the system entropy: ${err instanceof Error ? err.message : String(err)}. Enter it by hand.`);
      }
      systemEntropy = reading.entropy;
    }
    const outcome = requestAction(
      { text: input.text, kind: input.kind, environment: input.environment, systemEntropy },
      callerMeta(ctx, reading),
      ctx.clock,
    );
    deps.record?.(outcome.decision);
    return outcome;
  });
}
