/**
 * The four laws of the constitutional core, exactly as the operations manual's code defines them,
 * and `isActionCompliant`: input validation (invalid input is an error, never a verdict), every law
 * evaluated (not first failure), per-law results and the verdict.
 */
import type { z } from 'zod';
import {
  ENTROPY_THRESHOLD,
  GEOMETRIC_TOLERANCE,
  LAWS,
  PRINCIPLE_SACRED_GEOMETRY_RATIO,
  SCHUMANN_RESONANCE_HZ,
  actionDataSchema,
  formatPercent,
  systemEntropySchema,
  type ActionData,
  type ComplianceResult,
  type FiringCriticalAlert,
  type LawFinding,
  type LawId,
  type LawOutcome,
  type LawResult,
  type Verdict,
} from '../../../shared/constitution';
import { DomainError } from '../../../shared/result';

type Issue = { path: string; message: string };

function zodIssues(error: z.ZodError, prefix: string): Issue[] {
  return error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') {
      return { path: prefix || '(action)', message: `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}` };
    }
    const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(action)';
    return { path, message: i.message };
  });
}

/**
 * Checks an action and a system entropy; returns them parsed or throws
 * DomainError('invalid_input') listing every problem.
 */
export function validateInput(action: unknown, systemEntropy: unknown): { action: ActionData; systemEntropy: number } {
  const issues: Issue[] = [];
  let parsedAction: ActionData | undefined;
  if (typeof action !== 'object' || action === null || Array.isArray(action)) {
    issues.push({ path: '(action)', message: `the action must be a JSON object with method_type, entropy_increase, risk_to_life and description (got ${action === null ? 'null' : Array.isArray(action) ? 'array' : typeof action})` });
  } else {
    const a = actionDataSchema.safeParse(action);
    if (a.success) parsedAction = a.data;
    else issues.push(...zodIssues(a.error, ''));
  }
  const e = systemEntropySchema.safeParse(systemEntropy);
  if (!e.success) issues.push(...e.error.issues.map((i) => ({ path: 'system_entropy', message: i.message })));
  if (issues.length > 0 || !parsedAction || !e.success) {
    throw new DomainError('invalid_input', `Invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return { action: parsedAction, systemEntropy: e.data };
}

function result(law: LawId, outcome: LawOutcome, detail: string): LawResult {
  const def = LAWS[law];
  const message =
    outcome === 'violation' || outcome === 'warning'
      ? `${def.breachMessage} (${detail})`
      : `${def.name} - ${outcome === 'pass' ? 'pass' : 'not evaluated'} (${detail})`;
  return { law, title: def.title, outcome, message, detail };
}

const num = (n: number) => String(Number(n.toPrecision(12)));

function methodWords(method: string): string {
  return method.replace(/_/g, ' ');
}

/** Law of Inhabitance: `risk_to_life > 0.0` → violation. */
export function lawOfInhabitance(action: ActionData): LawResult {
  if (action.risk_to_life > 0.0) return result('inhabitance', 'violation', `risk_to_life ${num(action.risk_to_life)} > 0`);
  return result('inhabitance', 'pass', 'no risk to life');
}

/** Law of Harmonic Attraction: brute force not locked to the Schumann resonance → violation. */
export function lawOfHarmonicAttraction(action: ActionData): LawResult {
  if (action.method_type === 'brute_force' && action.target_frequency !== SCHUMANN_RESONANCE_HZ) {
    const at = action.target_frequency === undefined ? 'no target frequency' : `target_frequency ${num(action.target_frequency)} Hz`;
    return result('harmonic_attraction', 'violation', `brute force with ${at}, not locked to ${SCHUMANN_RESONANCE_HZ} Hz`);
  }
  if (action.method_type === 'brute_force') {
    return result('harmonic_attraction', 'pass', `brute force locked to the ${SCHUMANN_RESONANCE_HZ} Hz Schumann resonance`);
  }
  const lock = action.target_frequency === SCHUMANN_RESONANCE_HZ ? ` at ${SCHUMANN_RESONANCE_HZ} Hz` : '';
  return result('harmonic_attraction', 'pass', `${methodWords(action.method_type)}${lock}, no brute force`);
}

/** Names of the critical alerts that make the system unstable: "System Down (12 errors in the last minute)". */
export function describeCriticalAlerts(alerts: readonly FiringCriticalAlert[]): string {
  return alerts
    .map((a) => (a.unknown ? `${a.title} (could not be evaluated: ${a.summary})` : `${a.title} (${a.summary})`))
    .join(', ');
}

/**
 * Law of Total Coherence: the system is unstable when its entropy is above 10 % or a critical
 * alert fires (or a critical rule could not be evaluated); an unstable system rejects any action
 * that increases entropy. The detail names what made the system unstable.
 */
export function lawOfTotalCoherence(action: ActionData, systemEntropy: number, criticalAlerts: readonly FiringCriticalAlert[] = []): LawResult {
  const level = `system entropy ${formatPercent(systemEntropy)}`;
  if (criticalAlerts.length > 0) {
    const firing = criticalAlerts.filter((a) => !a.unknown);
    const unknown = criticalAlerts.filter((a) => a.unknown);
    const causes = [
      systemEntropy > ENTROPY_THRESHOLD ? `${level} > ${formatPercent(ENTROPY_THRESHOLD)}` : level,
      ...(firing.length > 0 ? [`critical alert${firing.length > 1 ? 's' : ''} firing: ${describeCriticalAlerts(firing)}`] : []),
      ...(unknown.length > 0 ? [`stability unknown: ${describeCriticalAlerts(unknown)}`] : []),
    ].join('; ');
    if (action.entropy_increase > 0.0) {
      return result('total_coherence', 'violation', `system unstable: ${causes}; entropy_increase ${num(action.entropy_increase)} > 0`);
    }
    return result('total_coherence', 'pass', `system unstable: ${causes}; but the action does not increase entropy (${num(action.entropy_increase)})`);
  }
  if (systemEntropy > ENTROPY_THRESHOLD && action.entropy_increase > 0.0) {
    return result('total_coherence', 'violation', `${level} > ${formatPercent(ENTROPY_THRESHOLD)} and entropy_increase ${num(action.entropy_increase)} > 0`);
  }
  if (systemEntropy > ENTROPY_THRESHOLD) {
    return result('total_coherence', 'pass', `${level} > ${formatPercent(ENTROPY_THRESHOLD)}, but the action does not increase entropy (${num(action.entropy_increase)})`);
  }
  return result('total_coherence', 'pass', level);
}

/** Law of Structural Integrity: |geometric_ratio − φ| > 0.001 → warning; no ratio → not evaluated. */
export function lawOfStructuralIntegrity(action: ActionData): LawResult {
  if (action.geometric_ratio === undefined) {
    return result('structural_integrity', 'not_evaluated', 'no geometric ratio given');
  }
  const deviation = Math.abs(action.geometric_ratio - PRINCIPLE_SACRED_GEOMETRY_RATIO);
  if (deviation > GEOMETRIC_TOLERANCE) {
    return result(
      'structural_integrity',
      'warning',
      `ratio ${num(action.geometric_ratio)} deviates ${num(Number(deviation.toFixed(6)))} from φ ${PRINCIPLE_SACRED_GEOMETRY_RATIO}, tolerance ${GEOMETRIC_TOLERANCE}`,
    );
  }
  return result('structural_integrity', 'pass', `ratio ${num(action.geometric_ratio)} within ${GEOMETRIC_TOLERANCE} of φ`);
}

export function verdictOf(laws: LawResult[]): Verdict {
  if (laws.some((l) => l.outcome === 'violation')) return 'reject';
  if (laws.some((l) => l.outcome === 'warning')) return 'approve_with_warning';
  return 'approve';
}

/** What else a decision knows about the system's stability besides the entropy figure. */
export interface StabilityContext {
  /** Critical alerts firing (or critical rules that could not be evaluated) at decision time. */
  criticalAlerts?: readonly FiringCriticalAlert[];
}

/** Evaluates an already validated action against all four laws. */
export function evaluateLaws(action: ActionData, systemEntropy: number, context: StabilityContext = {}): ComplianceResult {
  const laws = [
    lawOfInhabitance(action),
    lawOfHarmonicAttraction(action),
    lawOfTotalCoherence(action, systemEntropy, context.criticalAlerts ?? []),
    lawOfStructuralIntegrity(action),
  ];
  const finding = (l: LawResult): LawFinding => ({ law: l.law, message: l.message });
  const violations = laws.filter((l) => l.outcome === 'violation').map(finding);
  const warnings = laws.filter((l) => l.outcome === 'warning').map(finding);
  return { verdict: verdictOf(laws), compliant: violations.length === 0, violations, warnings, laws };
}

/**
 * The manual's `isActionCompliant(actionData, systemEntropy)`: validates the input (throws
 * DomainError('invalid_input') on any problem) and evaluates every law.
 */
export function isActionCompliant(action: unknown, systemEntropy: unknown): ComplianceResult {
  const input = validateInput(action, systemEntropy);
  return evaluateLaws(input.action, input.systemEntropy);
}
