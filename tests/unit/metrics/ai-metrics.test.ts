/** The /metrics figures and message from grouped ai_usage_logs rows (pure computation, injected time). */
import { describe, expect, it } from 'vitest';
import { computeAiMetrics, featureLabel, providerLabel } from '../../../src/main/core/metrics/ai-usage';
import { formatMetricsMessage } from '../../../src/main/core/metrics/format';
import type { AiUsageGroup } from '../../../src/shared/metrics';

const g = (provider: string, model: string | null, feature: string | null, requests: number, costUsd: number): AiUsageGroup => ({
  provider, model, feature, requests, failed: 0, costUsd, totalTokens: requests * 100, latencySumMs: requests * 500, latencyCount: requests,
});

// The manual's example, split over features so that they sum to the total.
const MANUAL = [
  g('anthropic', 'claude-3-5-sonnet', 'document_review', 700, 98.45),
  g('anthropic', 'claude-3-5-sonnet', 'chat_assistant', 545, 58.33),
  g('openai', 'gpt-4o', 'chat_assistant', 300, 17.9),
  g('openai', 'gpt-4o', 'bid_generator', 400, 54.12),
  g('openai', 'gpt-4o-mini', null, 123, 17.43),
  g('google', 'gemini-1.5-pro', 'summaries', 456, 12.34),
];

describe('computeAiMetrics + formatMetricsMessage', () => {
  it('reproduces the manual\'s /metrics message', () => {
    const now = new Date('2026-07-20T12:00:00Z');
    const month = [g('anthropic', 'claude', 'chat', 10, 200)];
    const m = computeAiMetrics({ window: MANUAL, month }, { now, monthlyBudgetUsd: 500, source: 'database' });
    expect(formatMetricsMessage(m)).toBe(`📊 AI Usage Metrics (Last 30 Days)

Provider Breakdown:
• Anthropic (Claude): 1,245 requests, $156.78 (avg: $0.126/req)
• OpenAI (GPT-4): 823 requests, $89.45 (avg: $0.109/req)
• Google (Gemini): 456 requests, $12.34 (avg: $0.027/req)

Total Cost: $258.57
Monthly Budget: $500.00
Remaining: $241.43 (48%)

Top Consumers:
1. Document Review: $98.45 (38%)
2. Chat Assistant: $76.23 (29%)
3. Bid Generator: $54.12 (21%)

Recommendations:
✅ On track - no action needed
`);
    expect(m.total).toEqual({ requests: 2524, costUsd: 258.57, totalTokens: 252400 });
    expect(m.remainingUsd).toBe(241.43);
    expect(m.month).toMatchObject({ spendUsd: 200, daysInMonth: 31, projectedUsd: 317.95 });
  });

  it('projects an overrun at this month\'s daily rate and says which feature and provider to look at', () => {
    const now = new Date('2026-07-10T00:00:00Z'); // 9 days into July
    const month = [g('openai', 'gpt-4', 'bid_generator', 100, 180), g('anthropic', 'claude', 'chat', 100, 20)];
    const m = computeAiMetrics({ window: month, month }, { now, monthlyBudgetUsd: 500, source: 'database' });
    expect(m.month.projectedUsd).toBe(688.89);
    const text = formatMetricsMessage(m);
    expect(text).toContain("⚠️ Projected overrun: at this month's daily rate ($22.22/day) July reaches $688.89, $188.89 over the $500.00 budget");
    expect(text).toContain('⚠️ Look at Bid Generator: $180.00 (90% of the spend)');
    expect(text).toContain('⚠️ Look at OpenAI (GPT-4): the highest cost per request ($1.800/req)');
    expect(text).not.toContain('On track');
  });

  it('over budget in the last 30 days is critical; remaining goes negative; 80 % alone warns', () => {
    const now = new Date('2026-07-28T00:00:00Z');
    const over = computeAiMetrics({ window: [g('openai', 'gpt-4', 'chat', 10, 600)], month: [] }, { now, monthlyBudgetUsd: 500, source: 'database' });
    expect(over.remainingUsd).toBe(-100);
    expect(formatMetricsMessage(over)).toContain('Remaining: -$100.00 (-20%)');
    expect(over.recommendations[0]).toEqual({ level: 'critical', text: 'Over budget: $600.00 in the last 30 days is $100.00 over the $500.00 monthly budget' });
    const near = computeAiMetrics({ window: [g('openai', 'gpt-4', 'chat', 10, 410)], month: [] }, { now, monthlyBudgetUsd: 500, source: 'database' });
    expect(near.recommendations[0].level).toBe('warning');
    expect(near.recommendations[0].text).toMatch(/^82% of the monthly budget used/);
  });

  it('no usage: zero figures and says so; a bad budget is refused', () => {
    const now = new Date('2026-07-28T00:00:00Z');
    const m = computeAiMetrics({ window: [], month: [] }, { now, monthlyBudgetUsd: 500, source: 'cache' });
    const text = formatMetricsMessage(m);
    expect(text).toContain('from the local cache (offline)');
    expect(text).toContain('• No AI requests in the last 30 days');
    expect(text).toContain('Remaining: $500.00 (100%)');
    expect(text).toContain('✅ No AI usage in the last 30 days');
    expect(() => computeAiMetrics({ window: [], month: [] }, { now, monthlyBudgetUsd: 0, source: 'database' })).toThrow(/positive/);
  });

  it('labels', () => {
    expect(providerLabel('anthropic', 'claude-opus-4')).toBe('Anthropic (Claude)');
    expect(providerLabel('acme', null)).toBe('acme');
    expect(providerLabel('mistral', 'mistral-large')).toBe('Mistral');
    expect(featureLabel('document-review')).toBe('Document Review');
    expect(featureLabel(null)).toBe('(unattributed)');
  });
});
