/**
 * Rule `api_quota` (manual, Warning): 80 % of the monthly AI budget used — sum of
 * ai_usage_logs.cost_usd since the start of the calendar month (UTC) against the configured budget
 * (manual default $500).
 */
import type { AlertRule } from '../rule';
import { formatPercent } from './sql';

export const API_QUOTA_RATIO = 0.8;

export const apiQuota: AlertRule = {
  name: 'api_quota',
  title: 'API Quota Warning',
  severity: 'warning',
  trigger: '80% of monthly AI quota used',
  action: 'Notify admin, consider rate limiting',
  forMs: 0,
  keepFiringForMs: 0,
  cadence: 'slow',
  historyJudged: false,
  async evaluate(db, { at, config }) {
    const { rows } = await db.query<{ spent: number }>(
      `SELECT coalesce(sum(cost_usd), 0)::float8 AS spent FROM public.ai_usage_logs
        WHERE created_at >= (date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
          AND created_at <= $1::timestamptz`,
      [at.toISOString()],
    );
    const spent = rows[0]?.spent ?? 0;
    const budget = config.monthlyAiBudgetUsd;
    const ratio = budget > 0 ? spent / budget : 0;
    return [
      {
        labels: {},
        active: budget > 0 && ratio >= API_QUOTA_RATIO,
        value: ratio,
        summary: `$${spent.toFixed(2)} of the $${budget.toFixed(2)} monthly AI budget used (${formatPercent(ratio)}, threshold ${formatPercent(API_QUOTA_RATIO)})`,
      },
    ];
  },
};
