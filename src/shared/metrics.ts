/**
 * AI usage metrics (the manual's /metrics) shared by the core, the CLI, the Discord bot and the
 * renderer: per provider requests, cost and average cost per request over the last 30 days, the
 * total, the monthly budget and what remains, top consumers by feature, and recommendations.
 */

/** One group of ai_usage_logs rows (what the database or the cache aggregates to). */
export interface AiUsageGroup {
  provider: string;
  model: string | null;
  feature: string | null;
  requests: number;
  failed: number;
  costUsd: number;
  totalTokens: number;
  latencySumMs: number;
  latencyCount: number;
}

export interface AiProviderMetrics {
  provider: string;
  /** "Anthropic (Claude)" */
  label: string;
  requests: number;
  costUsd: number;
  /** costUsd / requests (0 when no request). */
  avgCostUsd: number;
  totalTokens: number;
  avgLatencyMs: number | null;
  failed: number;
}

export interface AiRecommendation {
  level: 'ok' | 'warning' | 'critical';
  text: string;
}

export interface AiMetricsReport {
  generatedAt: string;
  /** Where the figures come from: the live database, or the local cache (offline review). */
  source: 'database' | 'cache';
  window: { start: string; end: string; days: number };
  providers: AiProviderMetrics[];
  total: { requests: number; costUsd: number; totalTokens: number };
  monthlyBudgetUsd: number;
  /** budget − 30-day total (the manual's "Remaining"), may be negative. */
  remainingUsd: number;
  /** remainingUsd / budget × 100. */
  remainingPct: number;
  /** This calendar month (UTC) so far and the projection at its daily rate. */
  month: { start: string; spendUsd: number; daysElapsed: number; daysInMonth: number; dailyRateUsd: number; projectedUsd: number };
  topConsumers: { feature: string; label: string; costUsd: number; share: number; requests: number }[];
  recommendations: AiRecommendation[];
}
