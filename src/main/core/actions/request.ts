/**
 * An action request end to end, without executing anything: text (or a catalogue kind) → parsed
 * action → constitutional Decision → explanation in the manual's Discord format with the safer
 * alternative for a rejection. Used by the API handlers, the CLI and the Discord bot.
 */
import type { Environment, ParsedAction } from '../../../shared/actions';
import { actionKindSchema } from '../../../shared/actions';
import { SCHUMANN_RESONANCE_HZ, type Decision, type DecisionMeta, type LawId } from '../../../shared/constitution';
import { DomainError } from '../../../shared/result';
import type { Clock } from '../clock';
import { evaluate, explainDecision } from '../constitution';
import { BACKUP_FIRST, catalogueEntry } from './catalogue';
import { buildAction, normalizeEnvironment, parseActionRequest } from './parser';

export interface ActionRequestInput {
  text?: string;
  kind?: string;
  environment?: string;
  systemEntropy: number;
}

export interface ActionRequestOutcome {
  action: ParsedAction;
  decision: Decision;
  headline: string;
  explanation: string[];
  alternatives: string[];
}

/** Safer alternatives for an action, per law it may violate. */
export function alternativesFor(action: ParsedAction): Partial<Record<LawId, string>> {
  const entry = catalogueEntry(action.kind);
  return {
    inhabitance: entry.alternative ?? BACKUP_FIRST,
    harmonic_attraction: `Throttle it: request "throttled ${entry.label.toLowerCase()}" to run it as a rate-limited batch locked to the ${SCHUMANN_RESONANCE_HZ} Hz Schumann resonance.`,
  };
}

function environmentOf(value: string | undefined): Environment | undefined {
  if (value === undefined) return undefined;
  const env = normalizeEnvironment(value);
  if (!env) {
    throw new DomainError('invalid_input', `Unknown environment "${value}": use production, staging, development, sample or unspecified (prod, stage and dev also work).`, [
      { path: 'environment', message: 'unknown environment' },
    ]);
  }
  return env;
}

/** Resolves the request to a catalogued action (text, kind, or both when they agree). */
export function resolveAction(input: Omit<ActionRequestInput, 'systemEntropy'>): ParsedAction {
  const env = environmentOf(input.environment);
  let kind: ParsedAction['kind'] | undefined;
  if (input.kind !== undefined) {
    const k = actionKindSchema.safeParse(input.kind);
    if (!k.success) throw new DomainError('invalid_input', `Unknown action kind "${input.kind}".`, [{ path: 'kind', message: 'unknown action kind' }]);
    kind = k.data;
  }
  if (input.text !== undefined) {
    const parsed = parseActionRequest(input.text, env ? { environment: env } : {});
    if (kind && parsed.kind !== kind) {
      throw new DomainError('invalid_input', `The text asks for ${parsed.kind} but kind says ${kind}.`, [{ path: 'kind', message: 'does not match the text' }]);
    }
    return parsed;
  }
  if (!kind) throw new DomainError('invalid_input', 'Give the request text or an action kind.', [{ path: 'text', message: 'text or kind is required' }]);
  return buildAction(kind, env ?? 'unspecified', null, { explanation: [`kind: ${kind} (${catalogueEntry(kind).label}), chosen directly`, `environment: ${env ?? 'unspecified'}`] });
}

/** Parses (or builds) the action, evaluates it and explains the decision. Executes nothing. */
export function requestAction(
  input: ActionRequestInput,
  meta: Omit<DecisionMeta, 'request_text' | 'action_kind' | 'environment'>,
  clock: Clock,
): ActionRequestOutcome {
  const action = resolveAction(input);
  // An incident named by the request never lowers caution: it counts as a firing critical alert.
  const named = action.context?.incident
    ? [{ rule: 'request_context', title: 'Incident named in the request', summary: `"${action.context.text}"`, seen_by: 'request' as const }]
    : [];
  const decision = evaluate(action.data, input.systemEntropy, {
    ...meta,
    ...(named.length > 0 ? { critical_alerts: [...(meta.critical_alerts ?? []), ...named] } : {}),
    ...(input.text !== undefined ? { request_text: input.text } : {}),
    action_kind: action.kind,
    environment: action.environment,
  }, clock);
  const explained = explainDecision(decision, alternativesFor(action));
  return { action, decision, headline: explained.headline, explanation: explained.lines, alternatives: explained.alternatives };
}
