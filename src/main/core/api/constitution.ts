/**
 * Handlers of the constitutional core and action requests: self-test, evaluate an ActionData,
 * the action catalogue, parse a request and request an action (parse + Decision + explanation).
 * Decisions carry the caller (who, which channel) and the context's clock. None executes anything.
 *
 * With a live entropy source (an open workspace), every decision is judged on the decision entropy
 * measured from the database (worst of the 5- and 15-minute windows, firing critical alerts); a
 * hand-entered entropy may only raise it. Both values and the reason are kept in the decision.
 * Every decision goes to the decision log through `record` (audit chain + ops.roman_events).
 */
import type { HandlerRegistry } from './registry';
import type { CoreContext } from '../context';
import { evaluate, runSelfTest } from '../constitution';
import { CATALOGUE, parseActionRequest, requestAction } from '../actions';
import { resolveAction } from '../actions/request';
import { chooseDecisionEntropy, type DecisionEntropy, type EntropyChoiceResult } from '../constitution/decision-entropy';
import { ENTROPY_THRESHOLD, type Decision, type DecisionMeta } from '../../../shared/constitution';
import { DomainError } from '../../../shared/result';

export interface ConstitutionDeps {
  /**
   * Measures the decision entropy of the watched database (both windows and the firing critical
   * alerts, see constitution/decision-entropy.ts); absent or null when none is open.
   */
  liveEntropy?: () => Promise<DecisionEntropy> | null;
  /** Records a decision in the decision log. */
  record?: (decision: Decision) => void;
}

type CallerMeta = Omit<DecisionMeta, 'request_text' | 'action_kind' | 'environment'>;

function callerMeta(ctx: CoreContext, choice: EntropyChoiceResult['meta']): CallerMeta {
  return { requested_by: ctx.caller.requestedBy, channel: ctx.caller.channel, ...choice };
}

/**
 * The entropy of a decision: with a database open, the live decision entropy, and a hand value
 * only when it is higher (chooseDecisionEntropy). Without one, the hand value is required. When the
 * live measurement fails, a hand value is used and the failure recorded; without one it is an error.
 */
async function decisionEntropy(deps: ConstitutionDeps, hand: number | undefined): Promise<EntropyChoiceResult> {
  const measuring = deps.liveEntropy?.() ?? null;
  if (!measuring) {
    if (hand === undefined) {
      throw new DomainError('invalid_input', 'Give the system entropy: no database is open to measure it live.', [
        { path: 'systemEntropy', message: 'required when no database is open' },
      ]);
    }
    return chooseDecisionEntropy(hand, undefined);
  }
  let live: DecisionEntropy;
  try {
    live = await measuring;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (hand !== undefined) return chooseDecisionEntropy(hand, undefined, why);
    if (err instanceof DomainError) throw err;
    throw new DomainError('unavailable', `Cannot measure the system entropy: ${why}. Enter it by hand.`);
  }
  return chooseDecisionEntropy(hand, live);
}

export function registerConstitutionHandlers(registry: HandlerRegistry, deps: ConstitutionDeps = {}): void {
  registry.method('constitution.selftest', () => runSelfTest());

  registry.method('constitution.evaluate', async (input, ctx) => {
    const choice = await decisionEntropy(deps, input.systemEntropy);
    const decision = evaluate(input.action, choice.systemEntropy, callerMeta(ctx, choice.meta), ctx.clock);
    deps.record?.(decision);
    return decision;
  });

  registry.method('constitution.entropy', async () => {
    const measuring = deps.liveEntropy?.() ?? null;
    if (!measuring) throw new DomainError('unavailable', 'No database is open: there is no live entropy to show.');
    let live: DecisionEntropy;
    try {
      live = await measuring;
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw new DomainError('unavailable', `Cannot measure the system entropy: ${err instanceof Error ? err.message : String(err)}`);
    }
    return {
      entropy: live.entropy,
      stable: live.entropy <= ENTROPY_THRESHOLD && live.criticalAlerts.length === 0,
      reading: live.reading,
      windows: live.windows,
      criticalAlerts: live.criticalAlerts,
    };
  });

  registry.method('actions.catalogue', () => CATALOGUE.map((e) => structuredClone(e)));

  registry.method('actions.parse', (input) => parseActionRequest(input.text));

  registry.method('actions.request', async (input, ctx) => {
    // Parse first: text that is not understood is answered without measuring anything.
    resolveAction({ text: input.text, kind: input.kind, environment: input.environment });
    const choice = await decisionEntropy(deps, input.systemEntropy);
    const outcome = requestAction(
      { text: input.text, kind: input.kind, environment: input.environment, systemEntropy: choice.systemEntropy },
      callerMeta(ctx, choice.meta),
      ctx.clock,
    );
    deps.record?.(outcome.decision);
    return outcome;
  });
}
