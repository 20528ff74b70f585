/** Human-readable lines for alerts (CLI `alerts evaluate` and `watch`). */
import type { AlertTransition, Labels, RuleEvaluation } from '../../../shared/alerts';
import type { UnmeasurableThreshold } from './rule';

export function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  return entries.length === 0 ? '{}' : `{${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

const STATE_MARK: Record<RuleEvaluation['state'], string> = { firing: '🚨 FIRING ', pending: '⏳ PENDING', inactive: '✅ OK     ' };

export function formatEvaluation(
  at: string,
  target: string,
  rows: RuleEvaluation[],
  unmeasurable: UnmeasurableThreshold[],
  errors: { rule: string; error: string }[] = [],
): string {
  const failed = new Set(errors.map((e) => e.rule));
  const lines = [`R.O.M.A.N. alerts — ${at} — ${target}`, ''];
  const width = Math.max(...rows.map((r) => r.rule.length));
  for (const r of rows) {
    const labels = Object.keys(r.labels).length ? ` ${formatLabels(r.labels)}` : '';
    const mark = r.state === 'inactive' && failed.has(r.rule) ? '❔ UNKNOWN' : STATE_MARK[r.state];
    lines.push(`${mark}  ${r.rule.padEnd(width)}  ${r.severity.padEnd(8)}${labels}  ${r.summary}`);
  }
  const firing = rows.filter((r) => r.state === 'firing').length;
  const pending = rows.filter((r) => r.state === 'pending').length;
  lines.push('', `${firing} firing, ${pending} pending${errors.length ? `, ${errors.length} not evaluated` : ''}.`);
  if (unmeasurable.length) {
    lines.push(`Not measurable from SQL (not evaluated): ${unmeasurable.map((u) => `${u.title} (${u.threshold})`).join('; ')}.`);
  }
  return lines.join('\n') + '\n';
}

/** One line per fire / resolve: time, state, rule, severity, labels, summary. */
export function formatTransition(t: AlertTransition): string {
  const state = t.to === 'firing' ? 'FIRING  ' : t.to === 'resolved' ? 'RESOLVED' : t.to.toUpperCase().padEnd(8);
  return `${t.at} ${state} ${t.rule} ${t.severity} ${formatLabels(t.labels)} ${t.summary}`;
}
