/** What is firing, pending and silenced, with a link to the Alerts page. */
import type { AlertsListOutput } from '../../../../shared/api/alerts';
import type { ApiError } from '../../../../shared/result';
import { pageHref } from './common';

export function AlertsSummaryCard({ alerts, error }: { alerts: AlertsListOutput | null; error: ApiError | null }) {
  return (
    <section className="card dash-panel" aria-labelledby="dash-alerts-h" data-testid="alerts-summary">
      <h2 id="dash-alerts-h">
        <span aria-hidden="true">🚨</span> Alerts
      </h2>
      {alerts ? (
        <>
          {alerts.ruleErrors.length > 0 ? (
            <p className="dash-unavailable" data-testid="alerts-rules-unevaluated">
              {alerts.ruleErrors.length === (alerts.ruleCount ?? alerts.ruleErrors.length)
                ? `Rules cannot be evaluated: all ${alerts.ruleErrors.length} failed (${alerts.ruleErrors[0].error}).`
                : `${alerts.ruleErrors.length} of ${alerts.ruleCount ?? '?'} rules cannot be evaluated (${alerts.ruleErrors.map((r) => r.rule).join(', ')}).`}
            </p>
          ) : null}
          <div className="row">
            <span className={`pill ${alerts.firing.length ? 'critical' : 'ok'}`} data-testid="alerts-firing-count">
              {alerts.firing.length} firing
            </span>
            <span className={`pill ${alerts.pending.length ? 'warning' : ''}`}>{alerts.pending.length} pending</span>
            <span className="pill">{alerts.silenced.length} silenced</span>
          </div>
          {alerts.firing.length > 0 ? (
            <ul className="dash-list">
              {alerts.firing.slice(0, 5).map((a) => (
                <li key={a.fingerprint}>
                  <span className={`pill ${a.severity}`}>{a.severity}</span>
                  <strong>{a.title}</strong>
                  <span className="dash-message">{a.summary}</span>
                </li>
              ))}
            </ul>
          ) : alerts.evaluatedAt === null ? (
            <p className="muted" data-testid="alerts-not-evaluated">Not evaluated yet: nothing is known about alerts.</p>
          ) : alerts.ruleErrors.length > 0 && alerts.ruleErrors.length === (alerts.ruleCount ?? alerts.ruleErrors.length) ? null : alerts.ruleErrors.length > 0 ? (
            <p className="muted">Nothing is firing among the rules that could be evaluated.</p>
          ) : (
            <p className="muted">Nothing is firing.</p>
          )}
          <a className="dash-link" href={pageHref('alerts')}>
            Open the Alerts page →
          </a>
        </>
      ) : error ? (
        <p className="dash-unavailable">unavailable: {error.message}</p>
      ) : (
        <p className="muted" aria-busy="true">
          Loading…
        </p>
      )}
    </section>
  );
}
