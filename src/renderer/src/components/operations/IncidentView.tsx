/**
 * One emergency incident: phases with their time targets and a live clock (overdue marked), the
 * assessment queries' results, the actions (asked of the operations gate) and checklist items
 * (ticked with a note), the timeline, and the post-mortem export.
 */
import { useState } from 'react';
import { call } from '../../api';
import type { ActionStepDef, AssessmentResult, ChecklistStepDef } from '../../../../shared/emergency';
import type { IncidentView as View } from '../../../../shared/api/runbooks';
import { useNow } from '../charts/live';
import { errorText } from '../triage/PlaybookPanel';
import { clockText, downloadText } from './download';

function Assessment({ a }: { a: AssessmentResult }) {
  const cols = a.rows.length > 0 ? Object.keys(a.rows[0]!) : [];
  return (
    <details className="runbook-section" data-testid="assessment" data-key={a.key} data-status={a.status} open={a.status !== 'ok'}>
      <summary>
        <span className={`pill status-${a.status}`}>{a.status}</span> <strong>{a.title}</strong> — {a.summary}
      </summary>
      {cols.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                {cols.map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {a.rows.slice(0, 25).map((r, i) => (
                <tr key={i}>
                  {cols.map((c) => (
                    <td key={c}>{r[c] === null || r[c] === undefined ? '—' : String(r[c])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {a.sql.slice(0, 3).map((q) => (
        <pre key={q} className="sql">
          {q}
        </pre>
      ))}
    </details>
  );
}

function ActionStep({ view, step, onView, onProblem }: { view: View; step: ActionStepDef; onView: (v: View) => void; onProblem: (p: string | null) => void }) {
  const state = view.incident.steps[step.key]!;
  const [params, setParams] = useState<Record<string, string>>(state.params);
  const [busy, setBusy] = useState(false);
  async function go() {
    setBusy(true);
    try {
      onView(await call('emergency.act', { id: view.incident.id, step: step.key, params }));
      onProblem(null);
    } catch (err) {
      onProblem(errorText(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <li data-testid="step" data-step={step.key} data-state={state.state}>
      <div className="row">
        {Object.keys(step.params).map((k) => (
          <label key={k}>
            {k}{' '}
            <input value={params[k] ?? ''} onChange={(e) => setParams({ ...params, [k]: e.target.value })} aria-label={`${step.title}: ${k}`} />
          </label>
        ))}
        <button type="button" className={step.destructive ? 'btn danger' : 'btn'} disabled={busy || view.incident.closedAt !== null} onClick={() => void go()}>
          {step.title}
        </button>
        {state.outcome ? (
          <span className={`pill status-${state.state === 'done' ? 'ok' : 'not_run'}`} data-testid="step-outcome">
            {state.state === 'done' ? 'done' : state.outcome === 'refused' ? 'not run' : state.outcome}: {state.note}
          </span>
        ) : null}
      </div>
    </li>
  );
}

function CheckStep({ view, step, onView, onProblem }: { view: View; step: ChecklistStepDef; onView: (v: View) => void; onProblem: (p: string | null) => void }) {
  const state = view.incident.steps[step.key]!;
  const [note, setNote] = useState(state.note ?? '');
  async function tick(done: boolean) {
    try {
      onView(await call('emergency.tick', { id: view.incident.id, step: step.key, done, note }));
      onProblem(null);
    } catch (err) {
      onProblem(errorText(err));
    }
  }
  return (
    <li data-testid="step" data-step={step.key} data-state={state.state}>
      <label>
        <input type="checkbox" checked={state.state === 'done'} disabled={view.incident.closedAt !== null} onChange={(e) => void tick(e.target.checked)} /> {step.title}
      </label>{' '}
      <input className="note" placeholder="note" value={note} onChange={(e) => setNote(e.target.value)} aria-label={`${step.title}: note`} />
      {state.by ? (
        <span className="muted">
          {' '}
          — {state.by}, {new Date(state.at!).toLocaleTimeString()}
        </span>
      ) : null}
    </li>
  );
}

export function IncidentPanel({ view, onView }: { view: View; onView: (v: View) => void }) {
  const now = useNow(1000);
  const [problem, setProblem] = useState<string | null>(null);
  const { incident, protocol } = view;
  async function exportPostMortem() {
    try {
      const pm = await call('emergency.postMortem', { id: incident.id });
      downloadText(pm.filename, pm.markdown);
    } catch (err) {
      setProblem(errorText(err));
    }
  }
  async function close() {
    try {
      onView(await call('emergency.close', { id: incident.id, note: '' }));
    } catch (err) {
      setProblem(errorText(err));
    }
  }
  return (
    <section className="card" data-testid="incident" data-protocol={incident.protocol} aria-labelledby="incident-h">
      <div className="row">
        <h2 id="incident-h">{incident.title}</h2>
        <button type="button" className="btn secondary" onClick={() => void exportPostMortem()}>
          Export post-mortem
        </button>
        {incident.closedAt ? <span className="pill">closed</span> : (
          <button type="button" className="btn secondary" onClick={() => void close()}>
            Close incident
          </button>
        )}
      </div>
      <p className="muted">
        Opened {new Date(incident.openedAt).toLocaleString()} by {incident.openedBy}
        {incident.source ? ` from the firing alert ${incident.source.alert}` : ''}. Indicators: {protocol.indicators.join('; ')}.
      </p>
      {problem ? <p className="error" role="alert">{problem}</p> : null}
      <h3>Assessment</h3>
      {incident.assessment.map((a) => (
        <Assessment key={a.key} a={a} />
      ))}
      <h3>Response</h3>
      {protocol.phases.map((p, i) => {
        const c = view.clocks[i]!;
        const remaining = c.dueAt ? Date.parse(c.dueAt) - now : null;
        const overdue = c.overdue || (!c.done && remaining !== null && remaining < 0);
        return (
          <div key={p.key} className="phase" data-testid="phase" data-phase={p.key} data-overdue={String(overdue)} data-done={String(c.done)}>
            <h4>
              {p.title} <span className="pill">{p.targetLabel}</span>{' '}
              {c.done ? <span className="pill status-ok">done</span> : remaining !== null ? <span className={overdue ? 'pill overdue' : 'pill'} data-testid="phase-clock">{overdue ? `overdue ${clockText(remaining)}` : `${clockText(remaining)} left`}</span> : null}
            </h4>
            <ul className="plain">
              {p.steps.map((s) =>
                s.kind === 'action' ? (
                  <ActionStep key={s.key} view={view} step={s} onView={onView} onProblem={setProblem} />
                ) : (
                  <CheckStep key={s.key} view={view} step={s} onView={onView} onProblem={setProblem} />
                ),
              )}
            </ul>
          </div>
        );
      })}
      <h3>Timeline</h3>
      <table className="table" data-testid="timeline">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>Outcome</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {incident.timeline.map((t, i) => (
            <tr key={i} data-outcome={t.outcome}>
              <td>{new Date(t.at).toLocaleTimeString()}</td>
              <td>{t.who}</td>
              <td>{t.what}</td>
              <td>{t.outcome}</td>
              <td className="detail">{t.detail.split('\n')[0]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
