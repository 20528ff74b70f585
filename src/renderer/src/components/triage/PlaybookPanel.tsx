/**
 * Playbooks: each with its success rate measured from recorded outcomes beside the manual's claim,
 * a "Run" that executes its detection and checks against the database, the actions it could take
 * (through the operations gate), the manual steps as a checklist, and the outcome form.
 */
import { useState } from 'react';
import { call, CallError } from '../../api';
import type { PlaybookInfo, PlaybookName, PlaybookOutcome, PlaybookRunReport, PlaybookSuccessRate } from '../../../../shared/triage';
import { OUTCOME_LABEL, PLAYBOOK_OUTCOMES } from '../../../../shared/triage';

export function errorText(err: unknown): string {
  if (err instanceof CallError) return err.error.message;
  return err instanceof Error ? err.message : String(err);
}

const pct = (x: number | null) => (x === null ? 'no data' : `${Math.round(x * 100)} %`);

export function SuccessRate({ rate, testId }: { rate: PlaybookSuccessRate; testId?: string }) {
  return (
    <div className="triage-rate" data-testid={testId}>
      <div className="triage-rate-bar" aria-hidden="true" title={`measured ${pct(rate.measured)}, manual claims ${pct(rate.claimed)}`}>
        {rate.measured !== null ? <span style={{ width: `${Math.round(rate.measured * 100)}%` }} /> : null}
        <i className="triage-rate-claim" style={{ left: `${Math.round(rate.claimed * 100)}%` }} />
      </div>
      <span data-testid="rate-measured">
        measured <strong>{pct(rate.measured)}</strong>
        {rate.runs ? ` of ${rate.runs} run${rate.runs === 1 ? '' : 's'}` : ' (no recorded run)'}
      </span>
      <span className="muted" data-testid="rate-claimed">
        manual claims {pct(rate.claimed)}
      </span>
    </div>
  );
}

export function PlaybookRunView({ run, onRecorded }: { run: PlaybookRunReport; onRecorded?: () => void }) {
  const [outcome, setOutcome] = useState<PlaybookOutcome | ''>('');
  const [note, setNote] = useState('');
  const [recorded, setRecorded] = useState<PlaybookOutcome | null>(run.outcome);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<boolean[]>(() => run.manualSteps.map(() => false));
  async function record() {
    if (!outcome) {
      setProblem('Choose how the run ended.');
      return;
    }
    if (!run.runId) {
      setProblem('This run was not recorded (ops.roman_playbook_runs is missing: install the tables in Settings).');
      return;
    }
    try {
      await call('triage.recordOutcome', { runId: run.runId, outcome, note: note.trim() || null });
      setRecorded(outcome);
      setProblem(null);
      onRecorded?.();
    } catch (err) {
      setProblem(errorText(err));
    }
  }
  return (
    <div className="playbook-run" data-testid="playbook-run" data-playbook={run.playbook}>
      <p>
        <strong>Detection</strong> ({run.detection.window}):{' '}
        <span className={run.detection.triggered ? 'pill error' : 'pill ok'} data-testid="detection-state">
          {run.detection.triggered ? 'triggered' : 'quiet'}
        </span>{' '}
        {run.detection.detail}
      </p>
      <details>
        <summary className="hint">Detection query</summary>
        <pre className="code">{run.detection.sql}</pre>
      </details>
      <h4>Automated checks</h4>
      <ul className="dash-list" data-testid="playbook-checks">
        {run.checks.map((c) => (
          <li key={c.id} data-check={c.id} data-status={c.status}>
            <span className={`check-status ${c.status}`}>{c.status.toUpperCase()}</span> <span>{c.title}</span>
            <span className="dash-message muted">{c.detail}</span>
          </li>
        ))}
      </ul>
      <h4>Actions (through the operations gate)</h4>
      {run.actions.length === 0 ? (
        <p className="muted">None: this playbook acts outside the database — follow the manual steps.</p>
      ) : (
        <ul className="dash-list" data-testid="playbook-actions">
          {run.actions.map((a) => (
            <li key={a.id}>
              <span className={a.destructive ? 'pill error' : 'pill ok'}>{a.destructive ? 'destructive' : 'non-destructive'}</span> {a.title}{' '}
              <span className="dash-message muted">
                {a.available ? 'available' : 'not now'} — {a.reason}. Runs only with an approval on the Approvals page (a recorded grant for this database).
              </span>
              {a.request ? (
                <a
                  className="button"
                  data-testid="request-approval"
                  href={`#page=approvals&request=${encodeURIComponent(a.request)}`}
                  title={`Puts "${a.request}" before the constitutional core on the Approvals page`}
                >
                  Request approval…
                </a>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <h4>Manual steps</h4>
      <div className="triage-checklist" data-testid="playbook-steps">
        {run.manualSteps.map((s, i) => (
          <label key={s}>
            <input type="checkbox" checked={done[i]} onChange={(e) => setDone((d) => d.map((v, j) => (j === i ? e.target.checked : v)))} /> {s}
          </label>
        ))}
      </div>
      <h4>Outcome</h4>
      {recorded ? (
        <p data-testid="outcome-recorded">
          Recorded: <strong>{OUTCOME_LABEL[recorded]}</strong>
        </p>
      ) : (
        <div className="row">
          <select aria-label="Outcome" value={outcome} onChange={(e) => setOutcome(e.target.value as PlaybookOutcome)} data-testid="outcome-select">
            <option value="">— how did it end? —</option>
            {PLAYBOOK_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {OUTCOME_LABEL[o]}
              </option>
            ))}
          </select>
          <input aria-label="Outcome note" placeholder="note (optional)" value={note} onChange={(e) => setNote(e.target.value)} />
          <button className="btn" onClick={() => void record()} data-testid="record-outcome">
            Record outcome
          </button>
        </div>
      )}
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : null}
      <p className="hint">
        Success rate after this run: <SuccessRate rate={run.successRate} />
      </p>
    </div>
  );
}

export function PlaybookList({
  playbooks,
  error,
  onRun,
  runningName,
}: {
  playbooks: PlaybookInfo[] | null;
  error: string | null;
  onRun: (name: PlaybookName) => void;
  runningName: PlaybookName | null;
}) {
  return (
    <section className="card" data-testid="playbooks" aria-label="Playbooks">
      <h2>Playbooks</h2>
      <p className="hint">Auto-fix success rates are measured from the recorded outcomes of runs on this database, shown beside the manual’s claim.</p>
      {error ? <p className="dash-unavailable">{error}</p> : null}
      {playbooks === null && !error ? <p className="muted">Loading…</p> : null}
      <ul className="dash-list">
        {(playbooks ?? []).map((p) => (
          <li key={p.name} data-testid="playbook" data-playbook={p.name} style={{ display: 'block' }}>
            <div className="row" style={{ justifyContent: 'space-between' }}>
              <strong>{p.title}</strong>
              <button className="btn secondary" disabled={runningName !== null} onClick={() => onRun(p.name)} data-testid={`run-${p.name}`}>
                {runningName === p.name ? 'Running…' : 'Run'}
              </button>
            </div>
            <div className="hint">{p.description}</div>
            <SuccessRate rate={p.successRate} testId={`rate-${p.name}`} />
          </li>
        ))}
      </ul>
    </section>
  );
}
