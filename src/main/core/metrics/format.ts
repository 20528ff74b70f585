/**
 * The manual's `/metrics` message, shared by the CLI, the app and the Discord bot:
 *
 *   📊 AI Usage Metrics (Last 30 Days)
 *
 *   Provider Breakdown:
 *   • Anthropic (Claude): 1,245 requests, $156.78 (avg: $0.126/req)
 *
 *   Total Cost: $258.57
 *   Monthly Budget: $500.00
 *   Remaining: $241.43 (48%)
 *
 *   Top Consumers:
 *   1. Document Review: $98.45 (38%)
 *
 *   Recommendations:
 *   ✅ On track - no action needed
 */
import type { AiMetricsReport } from '../../../shared/metrics';

const usd = (n: number) => (n < 0 ? '-' : '') + '$' + Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const ICON = { ok: '✅', warning: '⚠️', critical: '🔴' } as const;

export function formatMetricsMessage(m: AiMetricsReport): string {
  const lines = [`📊 AI Usage Metrics (Last ${m.window.days} Days)${m.source === 'cache' ? ' — from the local cache (offline)' : ''}`, '', 'Provider Breakdown:'];
  if (m.providers.length === 0) lines.push('• No AI requests in the last 30 days');
  for (const p of m.providers) {
    lines.push(`• ${p.label}: ${p.requests.toLocaleString('en-US')} request${p.requests === 1 ? '' : 's'}, ${usd(p.costUsd)} (avg: $${p.avgCostUsd.toFixed(3)}/req)`);
  }
  lines.push('', `Total Cost: ${usd(m.total.costUsd)}`, `Monthly Budget: ${usd(m.monthlyBudgetUsd)}`, `Remaining: ${usd(m.remainingUsd)} (${Math.round(m.remainingPct)}%)`);
  lines.push('', 'Top Consumers:');
  if (m.topConsumers.length === 0) lines.push('(none)');
  m.topConsumers.forEach((c, i) => lines.push(`${i + 1}. ${c.label}: ${usd(c.costUsd)} (${Math.round(c.share * 100)}%)`));
  lines.push('', 'Recommendations:');
  for (const r of m.recommendations) lines.push(`${ICON[r.level]} ${r.text}`);
  return lines.join('\n') + '\n';
}
