/**
 * The manual's six-step triage checklist as a guided flow opened from a pattern: context queries
 * pre-run, the pattern questions answered from data, an impact level, the fix (the matching
 * playbook), validation (the pattern's and all errors per minute over the next 10 minutes,
 * charted) and a documentation note stored with the pattern.
 */
import { useCallback, useEffect, useState } from 'react';
import { call } from '../../api';
import type { TriageContext, TriageValidation } from '../../../../shared/api/triage';
import type { PlaybookRunReport } from '../../../../shared/triage';
import { TimeSeriesChart, fmt } from '../charts';
import { PlaybookRunView, errorText } from './PlaybookPanel';

const IMPACT_LEVELS = [
  { level: 'critical', text: 'System down, data loss risk' },
  { level: 'high', text: 'Core feature unavailable' },
  { level: 'medium', text: 'Non-critical feature degraded' },
  { level: 'low', text: 'Edge case, workaround exists' },
] as const;

function Rows({ rows, testId }: { rows: TriageContext['recentErrors']; testId: string }) {
  if (rows === null) return <p className="muted">not available</p>;
  if (rows.length === 0) return <p className="muted">none</p>;
  return (
    <ul className="dash-list" data-testid={testId}>
      {rows.slice(0, 8).map((r, i) => (
        <li key={i}>
          <time dateTime={r.timestamp}>{fmt.dateTime(r.timestamp)}</time>
          <span className={`pill ${r.severity ?? ''}`}>{r.severity}</span>
          <span className="dash-source">{r.source}</span>
          <span className="dash-message">{r.message}</span>
        </li>
      ))}
      {rows.length > 8 ? <li className="hint">… {rows.length - 8} more of the {rows.length} the query returned</li> : null}
    </ul>
  );
}

export function GuidedTriage({ patternId, onClose, onChanged }: { patternId: string; onClose: () => void; onChanged: () => void }) {
  const [ctx, setCtx] = useState<TriageContext | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [impact, setImpact] = useState<string>('');
  const [run, setRun] = useState<PlaybookRunReport | null>(null);
  const [fixedAt, setFixedAt] = useState<string | null>(null);
  const [validation, setValidation] = useState<TriageValidation | null>(null);
  const [note, setNote] = useState('');
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    let alive = true;
    call('triage.context', { id: patternId })
      .then((c) => {
        if (!alive) return;
        setCtx(c);
        setImpact(c.impact.level);
      })
      .catch((err: unknown) => alive && setProblem(errorText(err)));
    return () => {
      alive = false;
    };
  }, [patternId]);

  const refreshValidation = useCallback(async () => {
    if (!fixedAt) return;
    try {
      setValidation(await call('triage.validation', { id: patternId, since: fixedAt }));
    } catch (err) {
      setProblem(errorText(err));
    }
  }, [fixedAt, patternId]);

  useEffect(() => {
    if (!fixedAt) return;
    const first = setTimeout(() => void refreshValidation(), 0);
    const t = setInterval(() => void refreshValidation(), 15_000);
    return () => {
      clearTimeout(first);
      clearInterval(t);
    };
  }, [fixedAt, refreshValidation]);

  async function runPlaybook() {
    if (!ctx?.pattern.playbook) return;
    try {
      setRun(await call('triage.runPlaybook', { name: ctx.pattern.playbook, patternId }));
    } catch (err) {
      setProblem(errorText(err));
    }
  }

  async function saveNote() {
    const text = [`Impact: ${impact}.`, note.trim()].filter(Boolean).join(' ');
    try {
      await call('triage.addNote', { id: patternId, text });
      setSaved(true);
      onChanged();
    } catch (err) {
      setProblem(errorText(err));
    }
  }

  if (!ctx) {
    return (
      <section className="card" data-testid="guided-triage">
        <h2>Guided triage</h2>
        {problem ? <p className="error">{problem}</p> : <p className="muted">Running the context queries…</p>}
      </section>
    );
  }
  const p = ctx.pattern;
  return (
    <section className="card" data-testid="guided-triage" aria-label="Guided triage">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2>Guided triage</h2>
        <button className="btn secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="triage-template">{p.template}</p>
      {problem ? <p className="error">{problem}</p> : null}
      <ol className="triage-steps">
        <li data-testid="step-1">
          <h3>1. Gather context</h3>
          {ctx.contextError ? <p className="dash-unavailable">{ctx.contextError}</p> : null}
          <h4>Recent errors (system_logs, error/critical, latest 50)</h4>
          <Rows rows={ctx.recentErrors} testId="context-errors" />
          <h4>R.O.M.A.N. events (error/critical, latest 50)</h4>
          <Rows rows={ctx.romanEvents} testId="context-events" />
          <h4>System health (latest snapshot)</h4>
          {ctx.systemHealth ? (
            <p data-testid="context-health">
              {fmt.dateTime(ctx.systemHealth.timestamp)}: entropy {ctx.systemHealth.entropy === null ? '—' : fmt.percent1(ctx.systemHealth.entropy)}, error rate{' '}
              {ctx.systemHealth.errorRate === null ? '—' : fmt.percent1(ctx.systemHealth.errorRate)}, {ctx.systemHealth.activeConnections ?? '—'} connections
            </p>
          ) : (
            <p className="muted" data-testid="context-health">
              no snapshot
            </p>
          )}
        </li>
        <li data-testid="step-2">
          <h3>2. Identify the pattern</h3>
          <dl className="triage-detail" style={{ display: 'grid', gridTemplateColumns: '260px 1fr', gap: '4px 10px' }}>
            {ctx.questions.map((q) => (
              <div key={q.id} style={{ display: 'contents' }} data-question={q.id}>
                <dt>{q.question}</dt>
                <dd>
                  <strong>{q.answer}</strong> <span className="hint">{q.evidence}</span>
                </dd>
              </div>
            ))}
          </dl>
        </li>
        <li data-testid="step-3">
          <h3>3. Impact assessment</h3>
          <p className="hint">Suggested from the data: {ctx.impact.level} — {ctx.impact.reason}</p>
          <div className="row">
            {IMPACT_LEVELS.map((l) => (
              <label key={l.level} className="checkbox">
                <input type="radio" name={`impact-${patternId}`} checked={impact === l.level} onChange={() => setImpact(l.level)} /> <strong>{l.level}</strong>: {l.text}
              </label>
            ))}
          </div>
        </li>
        <li data-testid="step-4">
          <h3>4. Execute fix</h3>
          {p.playbook ? (
            <>
              <p>
                The <strong>{p.playbook}</strong> playbook matches this pattern.{' '}
                {!run ? (
                  <button className="btn" onClick={() => void runPlaybook()} data-testid="guided-run-playbook">
                    Run its checks
                  </button>
                ) : null}
              </p>
              {run ? <PlaybookRunView run={run} onRecorded={onChanged} /> : null}
            </>
          ) : (
            <p className="muted">No playbook matches: apply a hotfix, roll back a regression, scale resources or contact the vendor (actions on the Approvals page).</p>
          )}
          <button className="btn secondary" onClick={() => setFixedAt(new Date().toISOString())} data-testid="mark-fixed">
            {fixedAt ? `Fix applied at ${fmt.clock(fixedAt)} — restart the 10 minutes` : 'Fix applied — start validation'}
          </button>
        </li>
        <li data-testid="step-5">
          <h3>5. Validate</h3>
          {!validation ? (
            <p className="muted">After the fix: this pattern’s occurrences and all errors per minute for 10 minutes (the manual’s validation query).</p>
          ) : (
            <>
              <TimeSeriesChart
                title="Errors per minute after the fix"
                series={[
                  { key: 'pattern', label: 'this pattern', color: '#ff8a4c', points: validation.minutes.map((m) => ({ t: Date.parse(m.at), v: m.pattern })) },
                  { key: 'errors', label: 'all errors', color: 'var(--warn)', points: validation.minutes.map((m) => ({ t: Date.parse(m.at), v: m.errors })) },
                ]}
                yLabel="per minute"
                yFormat={fmt.integer}
                yMin={0}
                yMaxAtLeast={1}
              />
              <p data-testid="validation-summary">
                {validation.errorsLast10Minutes === null ? 'The database is unreachable: all-error counts unknown.' : `${validation.errorsLast10Minutes} errors in the last 10 minutes (manual query).`}{' '}
                {validation.complete ? 'The 10 minutes are over.' : 'Still measuring…'}
              </p>
            </>
          )}
        </li>
        <li data-testid="step-6">
          <h3>6. Document</h3>
          {saved ? (
            <p data-testid="note-saved">Saved with the pattern.</p>
          ) : (
            <>
              <textarea className="triage-note" aria-label="Triage note" placeholder="What happened, what fixed it, runbook entry…" value={note} onChange={(e) => setNote(e.target.value)} />
              <button className="btn" disabled={!note.trim()} onClick={() => void saveNote()} data-testid="save-note">
                Save note
              </button>
            </>
          )}
        </li>
      </ol>
    </section>
  );
}
