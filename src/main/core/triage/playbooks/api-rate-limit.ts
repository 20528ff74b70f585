/**
 * Playbook 3 — API Rate Limit Exceeded (rows with source 'api_rate_limit' or status 429).
 * Checks: the Retry-After values seen, whether the limiting persists (minutes with 429s in the last
 * 15), which providers are limited and whether the alternate provider is healthy (ai_usage_logs),
 * and the cost impact of the last hour. No database action: backoff, queueing and switching
 * provider are the application's (manual steps).
 */
import type { PlaybookDetection } from '../../../../shared/triage';
import { countOf, plural, relationExists, runCheck } from './common';
import type { Playbook } from './types';

const DETECTION_SQL = `SELECT count(*) FROM system_logs
WHERE (source = 'api_rate_limit' OR metadata->>'status' = '429')
  AND timestamp > NOW() - INTERVAL '15 minutes';`;

const LIMITED = `(source = 'api_rate_limit' OR metadata->>'status' = '429')`;

export const apiRateLimit: Playbook = {
  name: 'api_rate_limit',
  title: 'API rate limit exceeded',
  description: 'Calls to an AI or other API answered 429 (rate limited).',
  claimedRate: 0.95,
  manualSteps: [
    'Parse `Retry-After` header',
    'Exponential backoff: 2^n seconds',
    'Queue request for retry',
    'If persistent → Switch to alternate provider (OpenAI ↔ Anthropic)',
    'Log cost impact',
  ],

  async detect(ctx): Promise<PlaybookDetection> {
    if (!(await relationExists(ctx.db, 'public.system_logs'))) {
      return { sql: DETECTION_SQL, window: '15 minutes', count: 0, triggered: false, detail: 'public.system_logs does not exist: nothing can be detected' };
    }
    const n = await countOf(
      ctx.db,
      `SELECT count(*) AS n FROM public.system_logs WHERE ${LIMITED}
          AND "timestamp" > $1::timestamptz - interval '15 minutes' AND "timestamp" <= $1::timestamptz`,
      [ctx.now.toISOString()],
    );
    return { sql: DETECTION_SQL, window: '15 minutes', count: n, triggered: n > 0, detail: `${plural(n, 'rate-limited call')} in the last 15 minutes` };
  },

  async check(ctx) {
    const at = ctx.now.toISOString();
    return Promise.all([
      runCheck('retry_after', 'Retry-After values seen (last hour)', async () => {
        // metadata.retry_after / retry_after_s / retry_after_ms, or "retry after 12s" in the message
        const r = await ctx.db.query<{ n: string; min: number | null; max: number | null; avg: number | null }>(
          `SELECT count(v) AS n, min(v) AS min, max(v) AS max, round(avg(v)::numeric, 1)::float8 AS avg FROM (
             SELECT CASE
                      WHEN metadata->>'retry_after' ~ '^[0-9]{1,6}(\\.[0-9]+)?$' THEN (metadata->>'retry_after')::float8
                      WHEN metadata->>'retry_after_s' ~ '^[0-9]{1,6}(\\.[0-9]+)?$' THEN (metadata->>'retry_after_s')::float8
                      WHEN metadata->>'retry_after_ms' ~ '^[0-9]{1,9}$' THEN (metadata->>'retry_after_ms')::float8 / 1000
                      WHEN message ~* 'retry[- ]after:? ?[0-9]{1,6}s' THEN substring(message from '(?i)retry[- ]after:? ?([0-9]{1,6})s')::float8
                    END AS v
               FROM public.system_logs WHERE ${LIMITED}
                AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1::timestamptz) x`,
          [at],
        );
        const x = r.rows[0]!;
        if (Number(x.n) === 0) return { status: 'unknown', detail: 'no Retry-After value recorded in the last hour', value: null };
        return { status: (x.max ?? 0) > 60 ? 'warning' : 'ok', detail: `${plural(Number(x.n), 'value')}: ${x.min}–${x.max} s (mean ${x.avg} s); back off at least that long`, value: x.max };
      }),
      runCheck('persistent', 'Is the limiting persistent? (minutes with 429s, last 15)', async () => {
        const n = await countOf(
          ctx.db,
          `SELECT count(DISTINCT date_trunc('minute', "timestamp")) AS n FROM public.system_logs WHERE ${LIMITED}
              AND "timestamp" > $1::timestamptz - interval '15 minutes' AND "timestamp" <= $1::timestamptz`,
          [at],
        );
        return { status: n >= 5 ? 'failed' : n > 0 ? 'warning' : 'ok', detail: n >= 5 ? `${n} of the last 15 minutes had 429s: persistent → switch to the alternate provider` : `${plural(n, 'minute')} of the last 15 had 429s`, value: n };
      }),
      runCheck('providers', 'Limited providers and the alternate provider', async () => {
        const limited = await ctx.db.query<{ provider: string; n: string }>(
          `SELECT metadata->>'provider' AS provider, count(*) AS n FROM public.system_logs WHERE ${LIMITED}
              AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1::timestamptz AND metadata->>'provider' ~ '^[A-Za-z0-9_.-]{1,64}$'
            GROUP BY 1 ORDER BY 2 DESC`,
          [at],
        );
        if (limited.rows.length === 0) return { status: 'unknown', detail: 'the rate-limited calls name no provider', value: null };
        if (!(await relationExists(ctx.db, 'public.ai_usage_logs'))) {
          return { status: 'unknown', detail: `limited: ${limited.rows.map((x) => `${x.provider} ×${x.n}`).join(', ')}; public.ai_usage_logs does not exist, the alternate cannot be judged`, value: null };
        }
        const names = limited.rows.map((x) => x.provider);
        const alt = await ctx.db.query<{ provider: string; calls: string; ok: string }>(
          `SELECT provider, count(*) AS calls, count(*) FILTER (WHERE success IS NOT FALSE) AS ok FROM public.ai_usage_logs
            WHERE created_at > $1::timestamptz - interval '1 hour' AND created_at <= $1::timestamptz AND NOT (provider = ANY($2::text[]))
            GROUP BY 1 ORDER BY 2 DESC LIMIT 3`,
          [at, names],
        );
        const healthy = alt.rows.filter((x) => Number(x.calls) > 0 && Number(x.ok) / Number(x.calls) >= 0.95);
        return {
          status: healthy.length ? 'ok' : 'warning',
          detail: `limited: ${limited.rows.map((x) => `${x.provider} ×${x.n}`).join(', ')}; ${healthy.length ? `alternate healthy: ${healthy.map((x) => `${x.provider} (${x.ok}/${x.calls} ok)`).join(', ')}` : 'no alternate provider with ≥ 95 % success in the last hour'}`,
          value: healthy.length,
        };
      }),
      runCheck('cost_impact', 'Cost impact (AI spend, last hour)', async () => {
        if (!(await relationExists(ctx.db, 'public.ai_usage_logs'))) return { status: 'unknown', detail: 'public.ai_usage_logs does not exist', value: null };
        const r = await ctx.db.query<{ cost: string | null; calls: string }>(
          `SELECT round(sum(cost_usd)::numeric, 4)::text AS cost, count(*) AS calls FROM public.ai_usage_logs
            WHERE created_at > $1::timestamptz - interval '1 hour' AND created_at <= $1::timestamptz`,
          [at],
        );
        const x = r.rows[0]!;
        return { status: 'ok', detail: `$${x.cost ?? '0'} over ${plural(Number(x.calls), 'call')} in the last hour`, value: Number(x.cost ?? 0) };
      }),
    ]);
  },

  async actions() {
    return [];
  },
};
