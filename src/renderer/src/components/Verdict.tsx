import type { Decision, LawOutcome } from '../../../shared/constitution';
import { AXIOM_OF_EXISTENCE, LAWS, formatPercent } from '../../../shared/constitution';

const ICON: Record<LawOutcome, string> = { pass: '✅', violation: '❌', warning: '⚠️', not_evaluated: '–' };
const LABEL: Record<LawOutcome, string> = { pass: 'PASS', violation: 'VIOLATION', warning: 'WARNING', not_evaluated: 'not evaluated' };

/** Per-law results of one decision, in the manual's order, with the verdict above them. */
export function VerdictView({ decision, headline }: { decision: Decision; headline: string }) {
  const { result } = decision;
  return (
    <section aria-label="Constitutional verdict">
      <div className={`verdict ${result.verdict}`} data-testid="verdict" data-verdict={result.verdict}>
        {headline}
      </div>
      <h2>Constitutional Validation</h2>
      <ul className="laws" data-testid="law-results">
        {result.laws.map((law) => (
          <li key={law.law} data-law={law.law} data-outcome={law.outcome}>
            <span className={`law-status ${law.outcome}`} aria-hidden="true">
              {ICON[law.outcome]}
            </span>
            <strong>{law.title}</strong>
            <span>
              <span className={`law-status ${law.outcome}`}>{LABEL[law.outcome]}</span>
              {law.detail ? <span className="muted"> ({law.detail})</span> : null}
              {law.outcome === 'violation' || law.outcome === 'warning' ? <div className="hint">{law.message}</div> : null}
              <div className="hint law-plain" data-testid="law-plain">
                {LAWS[law.law].plain}
              </div>
            </span>
          </li>
        ))}
      </ul>
      {result.violations.length > 0 ? <p className="axiom">“{AXIOM_OF_EXISTENCE}”</p> : null}
      <dl className="kv">
        <dt>System entropy</dt>
        <dd>
          {formatPercent(decision.input.system_entropy)} ({decision.input.entropy_source === 'live' ? 'measured live' : 'entered by hand'})
        </dd>
        {decision.input.entropy_basis ? (
          <>
            <dt>Entropy basis</dt>
            <dd data-testid="entropy-basis">{decision.input.entropy_basis}</dd>
          </>
        ) : null}
        {decision.input.critical_alerts && decision.input.critical_alerts.length > 0 ? (
          <>
            <dt>Critical alerts</dt>
            <dd data-testid="critical-alerts">
              {decision.input.critical_alerts.map((a) => `${a.title}${a.unknown ? ' (could not be evaluated)' : ''}: ${a.summary}`).join(' · ')}
            </dd>
          </>
        ) : null}
        <dt>Decision id</dt>
        <dd data-testid="decision-id">{decision.decision_id}</dd>
        <dt>Core version</dt>
        <dd>{decision.core_version}</dd>
        <dt>Requested by</dt>
        <dd>
          {decision.requested_by} via {decision.channel}
        </dd>
        <dt>Evaluated</dt>
        <dd>
          {new Date(decision.timestamp).toLocaleString()} in {decision.duration_ms.toFixed(2)} ms
        </dd>
      </dl>
    </section>
  );
}
