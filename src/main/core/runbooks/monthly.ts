/**
 * The monthly runbook: everything weekly plus the full backup (through the gate), the schema audit
 * when this build has one, the AI cost review and a performance baseline (a snapshot of the health
 * checks, compared with last month's).
 */
import { gatedStep, readOnly, relationExists, type SectionDef } from './section';
import { WEEKLY_SECTIONS } from './weekly';

export const FULL_BACKUP: SectionDef = {
  key: 'full_backup',
  title: 'Full database backup',
  run: (ctx) => gatedStep(ctx, 'backup', { label: `monthly-${ctx.clock.now().toISOString().slice(0, 10)}` }, 'pg_dump --format=custom (kept by the operations gate)'),
};

export const SCHEMA_AUDIT: SectionDef = {
  key: 'schema_audit',
  title: 'Security and schema audit',
  async run(ctx) {
    if (!ctx.audit) {
      return { status: 'unavailable', summary: 'unavailable: the schema audit (/audit) is not part of this build.', sql: ['roman audit'] };
    }
    return ctx.audit();
  },
};

const COST_SQL = `SELECT provider,
       count(*) AS requests,
       COALESCE(sum(total_tokens), 0) AS tokens,
       round(COALESCE(sum(cost_usd), 0)::numeric, 4) AS cost_usd
  FROM public.ai_usage_logs
 WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz
 GROUP BY provider
 ORDER BY sum(cost_usd) DESC NULLS LAST`;

function monthStart(d: Date, offset: number): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
}

export const AI_COST_REVIEW: SectionDef = {
  key: 'ai_cost_review',
  title: 'AI cost review',
  async run(ctx) {
    if (!(await relationExists(ctx.client, 'public.ai_usage_logs'))) {
      return { status: 'unavailable', summary: 'unavailable: public.ai_usage_logs does not exist.', sql: [COST_SQL] };
    }
    const now = ctx.clock.now();
    const lastMonth = await readOnly<{ provider: string; requests: string; tokens: string; cost_usd: string }>(ctx.client, COST_SQL, [monthStart(now, -1), monthStart(now, 0)]);
    const thisMonth = await readOnly<{ provider: string; requests: string; tokens: string; cost_usd: string }>(ctx.client, COST_SQL, [monthStart(now, 0), now]);
    const sum = (rows: { cost_usd: string }[]) => rows.reduce((a, r) => a + Number(r.cost_usd), 0);
    const last = sum(lastMonth);
    const current = sum(thisMonth);
    return {
      status: 'ok',
      summary: `Last month (UTC) cost $${last.toFixed(2)}; this month so far $${current.toFixed(2)}.`,
      figures: { last_month_usd: Number(last.toFixed(4)), month_to_date_usd: Number(current.toFixed(4)) },
      rows: lastMonth.map((r) => ({ period: 'last month', provider: r.provider, requests: Number(r.requests), tokens: Number(r.tokens), cost_usd: Number(r.cost_usd) })),
      sql: [COST_SQL],
    };
  },
};

export const PERFORMANCE_BASELINE: SectionDef = {
  key: 'performance_baseline',
  title: 'Performance baseline',
  async run(ctx) {
    if (!ctx.healthChecks) return { status: 'unavailable', summary: 'unavailable: health checks are not available here.' };
    const results = await ctx.healthChecks();
    const prev = ctx.previous?.sections.find((s) => s.key === 'performance_baseline');
    const rows = results.map((r) => {
      const before = prev?.rows.find((x) => x.check === r.key);
      return {
        check: r.key,
        title: r.title,
        status: r.status,
        value: r.value,
        unit: r.unit,
        previous: before ? before.value : null,
      };
    });
    const counts: Record<string, number> = {};
    for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    return {
      status: (counts.critical ?? 0) > 0 ? 'warning' : 'ok',
      summary: `Snapshot of ${results.length} health checks${prev ? ', compared with the previous report' : ' (no earlier baseline to compare with)'}.`,
      figures: counts,
      rows,
      notes: ['The next monthly report compares its values with these.'],
    };
  },
};

export const MONTHLY_SECTIONS: SectionDef[] = [...WEEKLY_SECTIONS, FULL_BACKUP, SCHEMA_AUDIT, AI_COST_REVIEW, PERFORMANCE_BASELINE];
