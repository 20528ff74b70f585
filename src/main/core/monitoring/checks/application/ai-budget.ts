/** AI spend in the current calendar month (UTC) against the monthly budget (default $500). */
import { grade, unavailable, type HealthCheck } from '../../check';
import { readMonthSpend } from '../../signals';

export const aiBudget: HealthCheck = {
  key: 'application.ai_budget',
  area: 'application',
  name: 'ai_budget',
  title: 'AI spend this month vs budget',
  unit: 'usd',
  remediation: `-- Top consumers this month:
SELECT feature, provider, count(*), sum(cost_usd) FROM public.ai_usage_logs
 WHERE created_at >= date_trunc('month', now()) GROUP BY 1, 2 ORDER BY 4 DESC;
-- Then rate-limit or switch the heaviest feature to a cheaper model.`,
  threshold: (t) => ({
    comparison: 'above',
    warning: t.aiMonthlyBudgetUsd * t.aiBudgetWarningRatio,
    critical: t.aiMonthlyBudgetUsd * t.aiBudgetCriticalRatio,
  }),
  async run({ client, now, thresholds }) {
    const m = await readMonthSpend(client, now);
    if (!m.exists) return unavailable('table public.ai_usage_logs does not exist (run `roman db init`)');
    const value = Math.round(m.spendUsd * 100) / 100;
    const share = m.spendUsd / thresholds.aiMonthlyBudgetUsd;
    return {
      status: grade(m.spendUsd, this.threshold(thresholds)),
      value,
      detail: `$${value.toFixed(2)} of $${thresholds.aiMonthlyBudgetUsd.toFixed(2)} spent this month (${Math.round(share * 100)}%, ${m.requests} requests).`,
    };
  },
};
