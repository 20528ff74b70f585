/**
 * Human explanations of a decision in the format of the manual's Discord examples: the headline
 * ("✅ ACTION APPROVED: Deploy to staging" / "❌ ACTION REJECTED: …"), for rejections each
 * "VIOLATION: <Law>" with the axiom, why, and the safer alternative, then the per-law validation
 * lines, the system entropy and the decision id. Shared by the CLI, the UI handlers and Discord.
 */
import {
  AXIOM_OF_EXISTENCE,
  ENTROPY_THRESHOLD,
  LAWS,
  SCHUMANN_RESONANCE_HZ,
  formatPercent,
  type Decision,
  type LawId,
  type LawResult,
} from '../../../shared/constitution';
import { describeCriticalAlerts } from './laws';

/** The manual's safer alternatives, per violated law. */
export const DEFAULT_ALTERNATIVES: Readonly<Record<Exclude<LawId, 'structural_integrity'>, string>> = Object.freeze({
  inhabitance: 'Create backup before any destructive operation.',
  harmonic_attraction: `Throttle it: use a rate-limited batch locked to the ${SCHUMANN_RESONANCE_HZ} Hz Schumann resonance.`,
  total_coherence: `Wait until the system is stable (entropy ≤ ${formatPercent(ENTROPY_THRESHOLD)}); fixes and rollbacks that reduce entropy are allowed now.`,
});

function whyLines(law: LawId, decision: Decision): string[] {
  switch (law) {
    case 'inhabitance':
      return [
        'This action endangers user data and violates the prime directive.',
        'All R.O.M.A.N. decisions must uphold the primacy and evolution of consciousness.',
      ];
    case 'harmonic_attraction':
      return [
        `This action uses brute force instead of harmonic resonance (${LAWS.harmonic_attraction.principle}).`,
        `Operations must synchronize with Earth's Schumann resonance (${SCHUMANN_RESONANCE_HZ} Hz).`,
      ];
    case 'total_coherence': {
      const alerts = decision.input.critical_alerts ?? [];
      const firing = alerts.filter((a) => !a.unknown);
      const unknown = alerts.filter((a) => a.unknown);
      const why = [
        ...(decision.input.system_entropy > ENTROPY_THRESHOLD ? [`entropy ${formatPercent(decision.input.system_entropy)} > ${formatPercent(ENTROPY_THRESHOLD)}`] : []),
        ...(firing.length > 0 ? [`critical alert${firing.length > 1 ? 's' : ''} firing: ${describeCriticalAlerts(firing)}`] : []),
        ...(unknown.length > 0 ? [`stability unknown: ${describeCriticalAlerts(unknown)}`] : []),
      ];
      return [
        `The system is unstable (${why.join('; ')}) and this action increases chaos.`,
        `${LAWS.total_coherence.principle}: restore coherence before adding change.`,
      ];
    }
    case 'structural_integrity':
      return ['The action deviates from Sacred Geometry (acceptable but suboptimal).'];
  }
}

const OUTCOME_MARK: Record<LawResult['outcome'], string> = {
  pass: '✅ PASS',
  violation: '❌ VIOLATION',
  warning: '⚠️ WARNING',
  not_evaluated: '➖ not evaluated',
};

/** "• Law of Inhabitance: ✅ PASS (no risk to life)". */
export function formatLawLine(l: LawResult): string {
  return `• ${l.title}: ${OUTCOME_MARK[l.outcome]} (${l.detail})`;
}

export interface DecisionExplanation {
  headline: string;
  /** Safer alternatives for a rejection (empty otherwise), most important first. */
  alternatives: string[];
  /** Every line of the explanation, headline first. */
  lines: string[];
}

/**
 * Explains a decision. `alternatives` overrides the manual's default alternative per violated law
 * (the action catalogue knows better ones for some actions).
 */
export function explainDecision(
  decision: Decision,
  alternatives: Partial<Record<LawId, string>> = {},
): DecisionExplanation {
  const { result, input } = decision;
  const description = input.action.description;
  const headline =
    result.verdict === 'reject'
      ? `❌ ACTION REJECTED: ${description}`
      : result.verdict === 'approve_with_warning'
        ? `⚠️ ACTION APPROVED WITH WARNING: ${description}`
        : `✅ ACTION APPROVED: ${description}`;
  const lines = [headline, ''];
  const alts: string[] = [];
  if (result.verdict === 'reject') {
    const violated = result.violations.map((v) => v.law);
    for (const law of violated) lines.push(`VIOLATION: ${LAWS[law].name}`);
    lines.push(`"${AXIOM_OF_EXISTENCE}"`, '');
    for (const law of violated) lines.push(...whyLines(law, decision));
    lines.push('');
    for (const law of violated) {
      const alt = alternatives[law] ?? (law === 'structural_integrity' ? undefined : DEFAULT_ALTERNATIVES[law]);
      if (alt && !alts.includes(alt)) alts.push(alt);
    }
    for (const alt of alts) lines.push(`Alternative: ${alt}`);
    lines.push('');
  }
  lines.push('Constitutional Validation:', ...result.laws.map(formatLawLine));
  // One plain line per law, for a reader who has not read the manual.
  lines.push('', 'In plain words:', ...result.laws.map((l) => `• ${l.title} — ${LAWS[l.law].plain}`));
  if (result.verdict === 'approve_with_warning') {
    lines.push('', ...whyLines('structural_integrity', decision));
  }
  const alerts = input.critical_alerts ?? [];
  const stable = input.system_entropy <= ENTROPY_THRESHOLD && alerts.length === 0 ? 'STABLE' : 'UNSTABLE';
  const source = input.entropy_source === 'live' ? 'measured live' : 'given manually';
  lines.push('', `System Entropy: ${formatPercent(input.system_entropy)} (${stable}, ${source})`);
  if (input.entropy_windows && input.entropy_windows.length > 0) {
    lines.push(`Entropy windows: ${input.entropy_windows.map((w) => `${w.minutes} min ${formatPercent(w.entropy)}`).join(', ')} (the worst is used)`);
  }
  if (input.entropy_basis) lines.push(`Entropy basis: ${input.entropy_basis}`);
  if (alerts.length > 0) lines.push(`Critical alerts: ${describeCriticalAlerts(alerts)}`);
  lines.push(`Decision: ${decision.decision_id}`);
  return { headline, alternatives: alts, lines };
}
