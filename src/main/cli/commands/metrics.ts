/**
 * `roman metrics --db URL [--json] [--budget USD] [--offline [--cache FILE]]`: the manual's /metrics
 * from public.ai_usage_logs — per provider requests, cost and average cost per request over the last
 * 30 days, total, monthly budget (--budget, else ROMAN_AI_MONTHLY_BUDGET_USD, else the default $500),
 * remaining in $ and %, top consumers by feature, recommendations (on track / projected overrun at
 * this month's daily rate / what to look at). With --offline the figures come from the local cache
 * that `roman sync` (or the app) filled, without touching the database.
 * Exit 0 when the metrics could be read, 4 when the database (or cache) cannot be read, 2 on bad usage.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type CliCommand, type CliIO } from '../io';
import { asUsageError, dbUrlFrom, openReachable } from '../db-arg';
import { systemClock } from '../../core/clock';
import { DEFAULT_THRESHOLDS } from '../../../shared/monitoring';
import { MetricsUnavailableError, computeAiMetrics, readAiUsage, readAiUsageFromCache, type AiUsageInput } from '../../core/metrics/ai-usage';
import { formatMetricsMessage } from '../../core/metrics/format';
import { defaultCachePath } from '../../core/store/paths';
import { Cache } from '../../core/store/cache';

const USAGE = 'usage: roman metrics --db URL [--json] [--budget USD] [--offline [--cache FILE]]   (URL also from ROMAN_DB_URL, budget from ROMAN_AI_MONTHLY_BUDGET_USD)';

function parseBudget(raw: string | undefined, from: string): number {
  if (raw === undefined) return DEFAULT_THRESHOLDS.aiMonthlyBudgetUsd;
  const text = raw.trim();
  const value = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${from} must be a positive amount of US dollars, got "${raw.slice(0, 40)}"`);
  return value;
}

async function metrics(io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: io.args,
    options: {
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      budget: { type: 'string' },
      offline: { type: 'boolean', default: false },
      cache: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const budget =
    values.budget !== undefined ? parseBudget(values.budget, '--budget') : parseBudget(io.env.ROMAN_AI_MONTHLY_BUDGET_USD || undefined, 'ROMAN_AI_MONTHLY_BUDGET_USD');
  const url = dbUrlFrom(io, values.db, USAGE);
  const now = systemClock.now();
  let input: AiUsageInput;
  if (values.offline) {
    const path = values.cache ?? defaultCachePath(url, io.env);
    if (!existsSync(path)) {
      io.stderr(`roman metrics: no local cache at ${path} (run \`roman sync --db URL\` first)\n`);
      return EXIT.unavailable;
    }
    const cache = Cache.open(path, { create: false });
    try {
      input = readAiUsageFromCache(cache.db, now);
    } finally {
      cache.close();
    }
  } else {
    const db = await openReachable(io, 'metrics', url);
    if (!db) return EXIT.unavailable;
    try {
      input = await readAiUsage(db.pool, now);
    } catch (err) {
      if (err instanceof MetricsUnavailableError) {
        io.stderr(`roman metrics: ${err.message}\n`);
        return EXIT.unavailable;
      }
      throw new Error(db.redact(err instanceof Error ? err.message : String(err)));
    } finally {
      await db.close();
    }
  }
  const report = computeAiMetrics(input, { now, monthlyBudgetUsd: budget, source: values.offline ? 'cache' : 'database' });
  io.stdout(values.json ? JSON.stringify(report, null, 2) + '\n' : formatMetricsMessage(report));
  return EXIT.ok;
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'AI usage metrics like the manual\'s /metrics: providers, cost, budget, top consumers, projection',
  async run(io) {
    try {
      return await metrics(io);
    } catch (err) {
      throw asUsageError(err, USAGE);
    }
  },
};
