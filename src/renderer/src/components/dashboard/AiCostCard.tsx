/** 💰 AI Cost Tracking: daily cost per provider over 30 days, the month against the budget, projection. */
import { DEFAULT_THRESHOLDS, type AiCostPanel, type Panel } from '../../../../shared/monitoring';
import { StackedBarChart, fmt } from '../charts';
import { PROVIDER_COLORS, EXTRA_COLORS, PanelCard, PanelBody } from './common';

export function AiCostCard({ panel, loading, generatedAt }: { panel: Panel<AiCostPanel> | undefined; loading: boolean; generatedAt: string | undefined }) {
  return (
    <PanelCard id="ai-cost" icon="💰" title="AI Cost Tracking" testId="panel-ai-cost">
      <PanelBody panel={panel} loading={loading}>
        {(data) => {
          const providers = [...new Set(data.daily.map((d) => d.provider))].sort();
          const stacks = providers.map((p, i) => ({ key: p, label: p, color: PROVIDER_COLORS[p] ?? EXTRA_COLORS[i % EXTRA_COLORS.length] }));
          const end = generatedAt ? new Date(generatedAt) : new Date(data.daily[0]?.day ?? 0);
          const lastDay = Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate());
          const days = Array.from({ length: 30 }, (_, i) => new Date(lastDay - (29 - i) * 86_400_000).toISOString().slice(0, 10));
          const values: Record<string, Record<string, number>> = {};
          const perProvider = new Map<string, { cost: number; requests: number; tokens: number }>();
          for (const d of data.daily) {
            const key = d.day.slice(0, 10);
            values[key] = { ...(values[key] ?? {}), [d.provider]: (values[key]?.[d.provider] ?? 0) + d.costUsd };
            const p = perProvider.get(d.provider) ?? { cost: 0, requests: 0, tokens: 0 };
            perProvider.set(d.provider, { cost: p.cost + d.costUsd, requests: p.requests + d.requests, tokens: p.tokens + d.totalTokens });
          }
          const used = data.monthlyBudgetUsd > 0 ? data.monthSpendUsd / data.monthlyBudgetUsd : 0;
          const tone = used >= DEFAULT_THRESHOLDS.aiBudgetCriticalRatio ? 'bad' : used >= DEFAULT_THRESHOLDS.aiBudgetWarningRatio ? 'warn' : 'ok';
          return (
            <>
              <div className="budget" data-testid="ai-budget" data-used={used.toFixed(4)}>
                <div className="row budget-head">
                  <strong>{fmt.usd(data.monthSpendUsd)}</strong>
                  <span className="muted">of the {fmt.usd(data.monthlyBudgetUsd, 0)} monthly budget</span>
                  <span className={`pill ${tone === 'bad' ? 'critical' : tone === 'warn' ? 'warning' : 'ok'}`} data-testid="ai-budget-used">
                    {fmt.percent1(used)} used
                  </span>
                </div>
                <div
                  className="budget-bar"
                  role="meter"
                  aria-label="AI spend this month against the budget"
                  aria-valuemin={0}
                  aria-valuemax={data.monthlyBudgetUsd}
                  aria-valuenow={Math.round(data.monthSpendUsd * 100) / 100}
                  aria-valuetext={`${fmt.usd(data.monthSpendUsd)} of ${fmt.usd(data.monthlyBudgetUsd, 0)} (${fmt.percent1(used)})`}
                >
                  <div className={`budget-fill ${tone}`} style={{ width: `${Math.min(100, used * 100)}%` }} />
                  <div className="budget-mark" style={{ left: `${DEFAULT_THRESHOLDS.aiBudgetWarningRatio * 100}%` }} title="API quota warning at 80 % (manual); ⚠️ above 75 % in /status" />
                </div>
                <p className="hint">Calendar month (UTC). The API Quota Warning alert fires at 80 % of the budget.</p>
              </div>
              <StackedBarChart
                title="AI cost per provider per day, last 30 days"
                testId="chart-ai-cost"
                categories={days.map((d) => ({ key: d, label: fmt.utcDay(d), tooltip: fmt.utcDay(d) }))}
                stacks={stacks}
                values={values}
                yLabel="USD / day"
                yFormat={(v) => fmt.usd(v, v < 10 ? 2 : 0)}
              />
              {perProvider.size > 0 ? (
                <table className="dash-table" aria-label="AI usage per provider, last 30 days">
                  <thead>
                    <tr>
                      <th scope="col">Provider</th>
                      <th scope="col">Requests</th>
                      <th scope="col">Tokens</th>
                      <th scope="col">Cost (30 d)</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...perProvider.entries()]
                      .sort((a, b) => b[1].cost - a[1].cost)
                      .map(([p, v]) => (
                        <tr key={p}>
                          <td>{p}</td>
                          <td>{fmt.integer(v.requests)}</td>
                          <td>{fmt.integer(v.tokens)}</td>
                          <td>{fmt.usd(v.cost)}</td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              ) : (
                <p className="muted">No AI usage in the last 30 days.</p>
              )}
              <p className={data.projection.overrun ? 'error' : 'hint'} data-testid="ai-projection">
                Projected this month at {fmt.usd(data.projection.dailyRateUsd)}/day: {fmt.usd(data.projection.projectedUsd)}
                {data.projection.overrun ? ` — ${fmt.usd(data.projection.projectedUsd - data.monthlyBudgetUsd)} over the budget` : ' — within the budget'}
              </p>
              {data.topConsumers.length > 0 && (
                <div data-testid="ai-consumers">
                  <strong>Top consumers (30 d)</strong>
                  <ol>
                    {data.topConsumers.map((c) => (
                      <li key={c.feature || '(unattributed)'}>
                        {c.label}: {fmt.usd(c.costUsd)} ({Math.round(c.share * 100)}%)
                      </li>
                    ))}
                  </ol>
                </div>
              )}
              <ul className="hint" data-testid="ai-recommendations">
                {data.recommendations.map((r) => (
                  <li key={r.text}>
                    {r.level === 'ok' ? '✅' : r.level === 'critical' ? '🔴' : '⚠️'} {r.text}
                  </li>
                ))}
              </ul>
            </>
          );
        }}
      </PanelBody>
    </PanelCard>
  );
}
