/**
 * Maintenance runbooks: status per runbook (schedule, last run from ops.roman_events, next due,
 * missed), run now with progress, the saved reports and each report's sections (status, figures,
 * rows, SQL) with a Markdown export.
 */
import { useEffect, useState } from 'react';
import { call, subscribe } from '../../api';
import type { RunbookName, RunbookProgress, RunbookReport, RunbookReportSummary } from '../../../../shared/runbooks';
import { useLiveData } from '../charts/live';
import { errorText } from '../triage/PlaybookPanel';
import { downloadText } from './download';

function ReportView({ report, markdown }: { report: RunbookReport; markdown: string }) {
  return (
    <section className="card" data-testid="runbook-report" aria-label="Runbook report">
      <div className="row">
        <h3>
          {report.runbook} report — {new Date(report.startedAt).toLocaleString()} {report.late ? <span className="pill overdue">late</span> : null}
        </h3>
        <button type="button" className="btn secondary" onClick={() => downloadText(`runbook-${report.runbook}-${report.startedAt.slice(0, 10)}.md`, markdown)}>
          Export Markdown
        </button>
      </div>
      <p className="muted">
        Constitutional decision: {report.decision.verdict} — {report.decision.detail}
      </p>
      {report.sections.map((s) => (
        <details key={s.key} className="runbook-section" data-testid="runbook-section" data-key={s.key} data-status={s.status} open={s.status === 'failed'}>
          <summary>
            <span className={`pill status-${s.status}`}>{s.status.replace('_', ' ')}</span> <strong>{s.title}</strong> — {s.summary}
          </summary>
          {Object.keys(s.figures).length > 0 ? (
            <ul>
              {Object.entries(s.figures).map(([k, v]) => (
                <li key={k}>
                  {k}: {v === null ? '—' : String(v)}
                </li>
              ))}
            </ul>
          ) : null}
          {s.rows.length > 0 ? (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    {Object.keys(s.rows[0]!).map((c) => (
                      <th key={c}>{c}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {s.rows.slice(0, 20).map((r, i) => (
                    <tr key={i}>
                      {Object.keys(s.rows[0]!).map((c) => (
                        <td key={c}>{r[c] === null || r[c] === undefined ? '—' : String(r[c])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {s.notes.map((n) => (
            <p key={n} className="muted">
              {n}
            </p>
          ))}
          {s.sql.map((q) => (
            <pre key={q} className="sql">
              {q}
            </pre>
          ))}
        </details>
      ))}
    </section>
  );
}

export function RunbooksPanel() {
  const status = useLiveData(() => call('runbooks.status', {}), { intervalMs: 60_000, events: ['runbooks.finished'] });
  const reports = useLiveData(() => call('runbooks.reports', { limit: 30 }), { intervalMs: 60_000, events: ['runbooks.finished'] });
  const [progress, setProgress] = useState<RunbookProgress | null>(null);
  const [running, setRunning] = useState<RunbookName | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [open, setOpen] = useState<{ report: RunbookReport; markdown: string } | null>(null);
  useEffect(() => subscribe('runbooks.progress', (p) => setProgress(p)), []);

  async function run(runbook: RunbookName) {
    setRunning(runbook);
    setProblem(null);
    try {
      const report = await call('runbooks.run', { runbook });
      setOpen(await call('runbooks.report', { id: report.id }));
      status.refresh();
      reports.refresh();
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setRunning(null);
      setProgress(null);
    }
  }

  async function show(r: RunbookReportSummary) {
    try {
      setOpen(await call('runbooks.report', { id: r.id }));
    } catch (err) {
      setProblem(errorText(err));
    }
  }

  return (
    <section className="card" data-testid="runbooks" aria-labelledby="runbooks-h">
      <h2 id="runbooks-h">Maintenance runbooks</h2>
      {status.error ? <p className="error" role="alert">{status.error.message}</p> : null}
      {status.data ? (
        <>
          <p className="muted">
            {status.data.sample ? 'Sample workspace: runbooks do not run on a schedule here. ' : status.data.autoRun ? 'Scheduled runs are on (Settings). ' : 'Scheduled runs are off: enable them in Settings. '}
            Steps that change the database go through the operations gate.
          </p>
          <table className="table" data-testid="runbook-status">
            <thead>
              <tr>
                <th>Runbook</th>
                <th>Schedule</th>
                <th>Last run</th>
                <th>Next due</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {status.data.statuses.map((s) => (
                <tr key={s.runbook} data-runbook={s.runbook} data-missed={String(s.missed)}>
                  <td>
                    {s.runbook} {s.missed ? <span className="pill overdue">missed</span> : null}
                  </td>
                  <td>
                    <code>{s.schedule}</code> ({s.time_zone})
                  </td>
                  <td>{s.last_run ? new Date(s.last_run).toLocaleString() : 'never'}</td>
                  <td>{new Date(s.next_due).toLocaleString()}</td>
                  <td>
                    <button type="button" className="btn" disabled={running !== null} onClick={() => void run(s.runbook)}>
                      {running === s.runbook ? 'Running…' : `Run ${s.runbook} now`}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {running && progress ? (
        <p data-testid="runbook-progress" role="status">
          {progress.runbook}: {progress.phase === 'started' ? 'running' : 'done'} {progress.title} ({progress.index + 1}/{progress.total})
        </p>
      ) : null}
      {problem ? <p className="error" role="alert">{problem}</p> : null}
      <h3>Reports</h3>
      {reports.data && reports.data.length === 0 ? <p className="muted">No reports yet.</p> : null}
      <ul className="plain" data-testid="runbook-reports">
        {(reports.data ?? []).map((r) => (
          <li key={r.id}>
            <button type="button" className="link" onClick={() => void show(r)}>
              {r.runbook} — {new Date(r.startedAt).toLocaleString()} — {r.status}
              {r.late ? ' (late)' : ''}
            </button>
          </li>
        ))}
      </ul>
      {open ? <ReportView report={open.report} markdown={open.markdown} /> : null}
    </section>
  );
}
