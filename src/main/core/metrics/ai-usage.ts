/**
 * AI usage metrics from ai_usage_logs: read grouped rows from Postgres (or the local cache, for the
 * offline review) and compute the manual's /metrics figures. The computation is pure: groups for
 * the last 30 days and for this calendar month (UTC), the budget and the clock's time in, report out.
 */
import type pg from 'pg';
import type BetterSqlite3 from 'better-sqlite3';
import type { AiMetricsReport, AiProviderMetrics, AiRecommendation, AiUsageGroup } from '../../../shared/metrics';

export const METRICS_WINDOW_DAYS = 30;
/** Top consumers listed (the manual shows three). */
export const TOP_CONSUMERS = 3;
/** The manual's API quota alert: 80 % of the monthly budget. */
export const BUDGET_ALERT_RATIO = 0.8;
const DAY = 86_400_000;

export class MetricsUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsUnavailableError';
  }
}

export interface AiUsageInput {
  /** Groups over (now − 30 days, now]. */
  window: AiUsageGroup[];
  /** Groups over [start of this month UTC, now]. */
  month: AiUsageGroup[];
}

export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

const VENDORS: Record<string, string> = { anthropic: 'Anthropic', openai: 'OpenAI', google: 'Google', mistral: 'Mistral', cohere: 'Cohere', groq: 'Groq' };

function product(model: string | null): string | null {
  if (!model) return null;
  if (/^claude/i.test(model)) return 'Claude';
  if (/^gpt-4/i.test(model)) return 'GPT-4';
  if (/^gpt-3\.5/i.test(model)) return 'GPT-3.5';
  if (/^gpt-5/i.test(model)) return 'GPT-5';
  if (/^gemini/i.test(model)) return 'Gemini';
  if (/^(mistral|mixtral)/i.test(model)) return 'Mistral';
  return model;
}

/** "Anthropic (Claude)" from the provider and its most used model. */
export function providerLabel(provider: string, topModel: string | null): string {
  const vendor = VENDORS[provider.toLowerCase()] ?? provider;
  const p = product(topModel);
  return p && p.toLowerCase() !== vendor.toLowerCase() ? `${vendor} (${p})` : vendor;
}

/** "document_review" → "Document Review"; no feature → "(unattributed)". */
export function featureLabel(feature: string | null): string {
  if (feature === null || feature.trim() === '') return '(unattributed)';
  return feature
    .trim()
    .split(/[\s_-]+/)
    .map((w) => (w === '' ? w : w[0].toUpperCase() + w.slice(1)))
    .join(' ');
}

const usd = (n: number) => '$' + n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const round = (n: number, d = 6) => Math.round(n * 10 ** d) / 10 ** d;

export function computeAiMetrics(input: AiUsageInput, opts: { now: Date; monthlyBudgetUsd: number; source: AiMetricsReport['source'] }): AiMetricsReport {
  const { now, monthlyBudgetUsd: budget } = opts;
  if (!Number.isFinite(budget) || budget <= 0) throw new MetricsUnavailableError('the monthly budget must be a positive amount');
  const byProvider = new Map<string, { g: AiUsageGroup[] }>();
  for (const g of input.window) {
    const e = byProvider.get(g.provider) ?? { g: [] };
    e.g.push(g);
    byProvider.set(g.provider, e);
  }
  const providers: AiProviderMetrics[] = [...byProvider].map(([provider, { g }]) => {
    const requests = g.reduce((a, x) => a + x.requests, 0);
    const costUsd = g.reduce((a, x) => a + x.costUsd, 0);
    const latencyCount = g.reduce((a, x) => a + x.latencyCount, 0);
    const models = new Map<string, number>();
    for (const x of g) if (x.model) models.set(x.model, (models.get(x.model) ?? 0) + x.requests);
    const topModel = [...models].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
    return {
      provider,
      label: providerLabel(provider, topModel),
      requests,
      costUsd: round(costUsd),
      avgCostUsd: requests > 0 ? round(costUsd / requests) : 0,
      totalTokens: g.reduce((a, x) => a + x.totalTokens, 0),
      avgLatencyMs: latencyCount > 0 ? Math.round((g.reduce((a, x) => a + x.latencySumMs, 0) / latencyCount) * 10) / 10 : null,
      failed: g.reduce((a, x) => a + x.failed, 0),
    };
  });
  providers.sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.provider.localeCompare(b.provider));
  const totalCost = round(providers.reduce((a, p) => a + p.costUsd, 0));
  const total = { requests: providers.reduce((a, p) => a + p.requests, 0), costUsd: totalCost, totalTokens: providers.reduce((a, p) => a + p.totalTokens, 0) };

  const byFeature = new Map<string, { feature: string | null; cost: number; requests: number }>();
  for (const g of input.window) {
    const key = g.feature ?? '\u0000';
    const e = byFeature.get(key) ?? { feature: g.feature, cost: 0, requests: 0 };
    e.cost += g.costUsd;
    e.requests += g.requests;
    byFeature.set(key, e);
  }
  const topConsumers = [...byFeature.values()]
    .sort((a, b) => b.cost - a.cost || b.requests - a.requests)
    .slice(0, TOP_CONSUMERS)
    .map((f) => ({ feature: f.feature ?? '', label: featureLabel(f.feature), costUsd: round(f.cost), share: totalCost > 0 ? round(f.cost / totalCost, 4) : 0, requests: f.requests }));

  const start = monthStart(now);
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const daysInMonth = Math.round((nextMonth.getTime() - start.getTime()) / DAY);
  const daysElapsed = Math.max((now.getTime() - start.getTime()) / DAY, 1 / 24);
  const monthSpend = round(input.month.reduce((a, g) => a + g.costUsd, 0));
  const dailyRate = monthSpend / daysElapsed;
  const projected = round(dailyRate * daysInMonth, 2);
  const remainingUsd = round(budget - totalCost, 2);
  const remainingPct = round((remainingUsd / budget) * 100, 2);

  const recs: AiRecommendation[] = [];
  const monthName = start.toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
  if (total.requests === 0) recs.push({ level: 'ok', text: 'No AI usage in the last 30 days' });
  if (totalCost > budget) {
    recs.push({ level: 'critical', text: `Over budget: ${usd(totalCost)} in the last 30 days is ${usd(totalCost - budget)} over the ${usd(budget)} monthly budget` });
  } else if (totalCost >= budget * BUDGET_ALERT_RATIO) {
    recs.push({ level: 'warning', text: `${Math.round((totalCost / budget) * 100)}% of the monthly budget used in the last 30 days (API quota alert at ${BUDGET_ALERT_RATIO * 100}%)` });
  }
  if (projected > budget) {
    recs.push({
      level: monthSpend > budget ? 'critical' : 'warning',
      text: `Projected overrun: at this month's daily rate (${usd(dailyRate)}/day) ${monthName} reaches ${usd(projected)}, ${usd(projected - budget)} over the ${usd(budget)} budget`,
    });
  }
  if (recs.some((r) => r.level !== 'ok')) {
    const top = topConsumers[0];
    if (top && top.costUsd > 0) recs.push({ level: 'warning', text: `Look at ${top.label}: ${usd(top.costUsd)} (${Math.round(top.share * 100)}% of the spend)` });
    const priciest = [...providers].filter((p) => p.requests > 0).sort((a, b) => b.avgCostUsd - a.avgCostUsd)[0];
    if (priciest && providers.length > 1) recs.push({ level: 'warning', text: `Look at ${priciest.label}: the highest cost per request (${usd3(priciest.avgCostUsd)}/req)` });
  } else if (total.requests > 0) {
    recs.push({ level: 'ok', text: 'On track - no action needed' });
  }

  return {
    generatedAt: now.toISOString(),
    source: opts.source,
    window: { start: new Date(now.getTime() - METRICS_WINDOW_DAYS * DAY).toISOString(), end: now.toISOString(), days: METRICS_WINDOW_DAYS },
    providers,
    total,
    monthlyBudgetUsd: budget,
    remainingUsd,
    remainingPct,
    month: { start: start.toISOString(), spendUsd: monthSpend, daysElapsed: round(daysElapsed, 3), daysInMonth, dailyRateUsd: round(dailyRate, 4), projectedUsd: projected },
    topConsumers,
    recommendations: recs,
  };
}

const usd3 = (n: number) => '$' + n.toFixed(3);

const GROUP_SQL = `
SELECT provider, model, feature, count(*) AS requests,
       count(*) FILTER (WHERE success IS FALSE) AS failed,
       COALESCE(sum(cost_usd), 0) AS cost, COALESCE(sum(total_tokens), 0) AS tokens,
       COALESCE(sum(latency_ms), 0) AS latency_sum, count(latency_ms) AS latency_count
  FROM public.ai_usage_logs
 WHERE created_at > $1::timestamptz AND created_at <= $2::timestamptz
 GROUP BY provider, model, feature`;

function toGroups(rows: Record<string, unknown>[]): AiUsageGroup[] {
  return rows.map((r) => ({
    provider: String(r.provider),
    model: r.model === null || r.model === undefined ? null : String(r.model),
    feature: r.feature === null || r.feature === undefined ? null : String(r.feature),
    requests: Number(r.requests),
    failed: Number(r.failed),
    costUsd: Number(r.cost),
    totalTokens: Number(r.tokens),
    latencySumMs: Number(r.latency_sum),
    latencyCount: Number(r.latency_count),
  }));
}

/** The grouped rows, on a client the caller manages (e.g. inside a dashboard panel's transaction). */
export async function readAiUsageOn(c: pg.ClientBase, now: Date): Promise<AiUsageInput> {
  const windowStart = new Date(now.getTime() - METRICS_WINDOW_DAYS * DAY);
  const w = await c.query(GROUP_SQL, [windowStart.toISOString(), now.toISOString()]);
  const m = await c.query(GROUP_SQL, [new Date(monthStart(now).getTime() - 1).toISOString(), now.toISOString()]);
  return { window: toGroups(w.rows), month: toGroups(m.rows) };
}

/** Reads the grouped rows from Postgres (one READ ONLY transaction). */
export async function readAiUsage(pool: pg.Pool, now: Date): Promise<AiUsageInput> {
  const c = await pool.connect();
  let broken: Error | undefined;
  try {
    await c.query('BEGIN READ ONLY');
    await c.query('SET LOCAL statement_timeout = 15000');
    const t = await c.query<{ ok: boolean }>(`SELECT to_regclass('public.ai_usage_logs') IS NOT NULL AS ok`);
    if (!t.rows[0].ok) throw new MetricsUnavailableError('table public.ai_usage_logs does not exist (run `roman db init`)');
    const input = await readAiUsageOn(c, now);
    await c.query('COMMIT');
    return input;
  } catch (err) {
    await c.query('ROLLBACK').catch((e: unknown) => {
      broken = e instanceof Error ? e : new Error(String(e));
    });
    throw err;
  } finally {
    c.release(broken);
  }
}

/** The same groups from the local cache (records synced from public.ai_usage_logs), for offline review. */
export function readAiUsageFromCache(db: BetterSqlite3.Database, now: Date): AiUsageInput {
  const sql = `
    SELECT COALESCE(json_extract(metadata, '$.provider'), type, message) AS provider,
           json_extract(metadata, '$.model') AS model, json_extract(metadata, '$.feature') AS feature,
           count(*) AS requests,
           sum(CASE WHEN json_extract(metadata, '$.success') = 0 THEN 1 ELSE 0 END) AS failed,
           COALESCE(sum(CAST(json_extract(metadata, '$.cost_usd') AS REAL)), 0) AS cost,
           COALESCE(sum(CAST(json_extract(metadata, '$.total_tokens') AS INTEGER)), 0) AS tokens,
           COALESCE(sum(CAST(json_extract(metadata, '$.latency_ms') AS REAL)), 0) AS latency_sum,
           count(json_extract(metadata, '$.latency_ms')) AS latency_count
      FROM records
     WHERE remote_table = 'public.ai_usage_logs' AND ts > ? AND ts <= ?
     GROUP BY 1, 2, 3`;
  const stmt = db.prepare(sql);
  const windowStart = now.getTime() - METRICS_WINDOW_DAYS * DAY;
  return {
    window: toGroups(stmt.all(windowStart, now.getTime()) as Record<string, unknown>[]),
    month: toGroups(stmt.all(monthStart(now).getTime() - 1, now.getTime()) as Record<string, unknown>[]),
  };
}
