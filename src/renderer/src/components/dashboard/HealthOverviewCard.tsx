/** 📊 System Health Overview: the system figures and every health check grouped by area. */
import { useState } from 'react';
import { HEALTH_AREAS, type HealthCheckResult, type HealthOverviewPanel, type HealthStatus, type Panel } from '../../../../shared/monitoring';
import type { ApiError } from '../../../../shared/result';
import { fmt } from '../charts';
import { AREA_TITLES, STATUS_RANK, TONE_OF, formatCheckValue, PanelCard, PanelBody, Stat, windowLabel } from './common';

function HealthCheckRow({ check }: { check: HealthCheckResult }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(check.remediation).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  const columns = check.rows && check.rows.length > 0 ? Object.keys(check.rows[0]) : [];
  return (
    <li data-testid="health-check" data-key={check.key} data-status={check.status}>
      <details>
        <summary>
          <span className={`pill ${check.status}`}>{check.status}</span>
          <span className="dash-check-title">{check.title}</span>
          <span className="dash-check-value">{check.status === 'unavailable' ? '' : check.value === null ? 'no data' : formatCheckValue(check)}</span>
          {check.windowMinutes !== undefined ? <span className="hint dash-check-window">{windowLabel(check.windowMinutes)}</span> : null}
        </summary>
        <div className="dash-check-body">
          {check.status === 'unavailable' ? (
            <p className="dash-unavailable">unavailable: {check.unavailableReason ?? check.detail}</p>
          ) : (
            <p>{check.detail}</p>
          )}
          {check.threshold ? (
            <p className="hint">
              {check.threshold.comparison === 'above' ? 'Bad above' : 'Bad below'}:{' '}
              {check.threshold.warning !== null ? `warning ${formatCheckValue({ value: check.threshold.warning, unit: check.unit })}` : ''}
              {check.threshold.warning !== null && check.threshold.critical !== null ? ', ' : ''}
              {check.threshold.critical !== null ? `critical ${formatCheckValue({ value: check.threshold.critical, unit: check.unit })}` : ''}
            </p>
          ) : null}
          {columns.length > 0 ? (
            <div className="dash-table-wrap">
              <table className="dash-table">
                <thead>
                  <tr>
                    {columns.map((c) => (
                      <th key={c} scope="col">
                        {c}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {check.rows!.map((r, i) => (
                    <tr key={i}>
                      {columns.map((c) => (
                        <td key={c}>{r[c] === null ? '—' : String(r[c])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <div className="row dash-remediation-head">
            <strong>Remediation</strong>
            <button type="button" className="btn secondary" onClick={copy} aria-label={`Copy the remediation of ${check.title}`}>
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
          <pre data-testid="remediation">{check.remediation}</pre>
          <p className="hint">
            {check.key} · checked {fmt.clock(check.checkedAt)} in {check.durationMs.toFixed(0)} ms
          </p>
        </div>
      </details>
    </li>
  );
}

export function HealthOverviewCard({
  panel,
  overviewLoading,
  checks,
  checksError,
  checksLoading,
}: {
  panel: Panel<HealthOverviewPanel> | undefined;
  overviewLoading: boolean;
  checks: HealthCheckResult[] | null;
  checksError: ApiError | null;
  checksLoading: boolean;
}) {
  const summary: Record<HealthStatus, number> = { ok: 0, warning: 0, critical: 0, unavailable: 0, no_data: 0 };
  for (const c of checks ?? []) summary[c.status] += 1;
  const byArea = HEALTH_AREAS.map((area) => ({
    area,
    checks: (checks ?? []).filter((c) => c.area === area).sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.title.localeCompare(b.title)),
  })).filter((g) => g.checks.length > 0);
  return (
    <PanelCard id="health" icon="📊" title="System Health Overview" testId="panel-health" wide>
      <PanelBody panel={panel} loading={overviewLoading}>
        {(data) => (
          <>
            <div className="dash-stats">
              <Stat
                label="Errors (error + critical)"
                window="last 1 h"
                value={data.system.errorsLastHour === null ? null : fmt.integer(data.system.errorsLastHour)}
                tone={TONE_OF[data.system.errorsLastHourStatus ?? 'unavailable']}
                testId="stat-errors-last-hour"
              />
              <Stat label="Critical R.O.M.A.N. events" window="last 1 h" value={data.system.criticalEventsLastHour === null ? null : fmt.integer(data.system.criticalEventsLastHour)} tone={data.system.criticalEventsLastHour ? 'bad' : 'ok'} testId="stat-critical-events" />
              <Stat label="Active connections" value={data.system.activeConnections === null ? null : fmt.integer(data.system.activeConnections)} />
              <Stat label="Active subscriptions" value={data.system.activeSubscriptions === null ? null : fmt.integer(data.system.activeSubscriptions)} hint={data.system.activeSubscriptions === null ? 'public.subscriptions does not exist' : undefined} />
            </div>
            {data.system.notes.length > 0 ? <p className="hint">{data.system.notes.join(' · ')}</p> : null}
          </>
        )}
      </PanelBody>
      <h3 className="dash-subhead">Health checks</h3>
      {checks ? (
        <>
          <div className="row dash-summary" data-testid="checks-summary" aria-label="Health check summary">
            <span className="pill critical">{summary.critical} critical</span>
            <span className="pill warning">{summary.warning} warning</span>
            <span className="pill ok">{summary.ok} ok</span>
            <span className="pill unavailable">{summary.unavailable} unavailable</span>
            <span className="pill unavailable" data-testid="checks-no-data">{summary.no_data} no data</span>
            {checksError ? <span className="hint">stale: {checksError.message}</span> : null}
          </div>
          <div className="dash-areas">
            {byArea.map((g) => (
              <div key={g.area} className="dash-area" data-testid={`area-${g.area}`}>
                <h4>{AREA_TITLES[g.area]}</h4>
                <ul className="dash-checks">
                  {g.checks.map((c) => (
                    <HealthCheckRow key={c.key} check={c} />
                  ))}
                </ul>
              </div>
            ))}
          </div>
        </>
      ) : checksError ? (
        <p className="dash-unavailable">unavailable: {checksError.message}</p>
      ) : checksLoading ? (
        <p className="muted" aria-busy="true">
          Running health checks…
        </p>
      ) : null}
    </PanelCard>
  );
}
