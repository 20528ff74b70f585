/**
 * Which of the manual's five remediation workflows a pattern belongs to, from what the pattern is
 * (its template, sources, severity and record kind) — the same tests as each playbook's detection
 * query, so a pattern is offered the playbook that would detect it.
 */
import type { PlaybookName, TriageSeverity } from '../../../../shared/triage';

export interface PatternTraits {
  template: string;
  sources: readonly string[];
  severity: TriageSeverity;
  /** Event types of ops.roman_events occurrences (deployment, migration, backup, …). */
  eventTypes?: readonly string[];
}

export function matchPlaybook(p: PatternTraits): PlaybookName | null {
  const t = p.template.toLowerCase();
  const sources = new Set(p.sources.map((s) => s.toLowerCase()));
  if (sources.has('rls_violation') || /row-level security|rls polic|unauthori[sz]ed access/.test(t)) return 'rls_violations';
  if (sources.has('api_rate_limit') || /rate limit|\b429\b|too many requests/.test(t)) return 'api_rate_limit';
  if (sources.has('stripe_webhook') && /signature|verif|webhook/.test(t)) return 'stripe_webhook';
  if (/webhook signature/.test(t)) return 'stripe_webhook';
  const types = new Set((p.eventTypes ?? []).map((x) => x.toLowerCase()));
  if (types.has('deployment') || types.has('deploy') || sources.has('deployment') || sources.has('github_actions') || sources.has('ci') || /deploy(ment)? failed|build failed|workflow .*fail/.test(t)) {
    return 'deployment_failures';
  }
  // The manual's detection: severity error and a message LIKE '%connection%'.
  if ((p.severity === 'error' || p.severity === 'critical') && t.includes('connection')) return 'db_connection_failures';
  return null;
}
