/**
 * Triage (capability 5): error patterns grouped by the fingerprinter — filters, a table with
 * hourly sparklines, the pattern's detail (status like Sentry's, response time and overdue,
 * users, IPs, sources, the deployment it started after, merges, notes), the playbooks with their
 * measured success rates, and the guided six-step flow. Patterns come from the local cache, so the
 * page works offline; playbooks need the database and say so when it is unreachable.
 */
import { useCallback, useEffect, useState } from 'react';
import { call } from '../api';
import type { PatternDetail, PatternStatus, PatternSummary, PlaybookName, PlaybookRunReport, TriageSeverity } from '../../../shared/triage';
import { PATTERN_STATUSES, TRIAGE_SEVERITIES } from '../../../shared/triage';
import { Sparkline, fmt } from '../components/charts';
import { useLiveData, useNow } from '../components/charts/live';
import { GuidedTriage } from '../components/triage/GuidedTriage';
import { PlaybookList, PlaybookRunView, errorText } from '../components/triage/PlaybookPanel';
import '../dashboard.css';
import '../triage.css';

const STATUS_ACTIONS: Array<{ status: Exclude<PatternStatus, 'regressed'>; label: string }> = [
  { status: 'acknowledged', label: 'Acknowledge' },
  { status: 'resolved', label: 'Resolve' },
  { status: 'ignored', label: 'Ignore' },
  { status: 'new', label: 'Reopen' },
];

function StatusPill({ p }: { p: Pick<PatternSummary, 'status' | 'overdue' | 'dueAt'> }) {
  return (
    <>
      <span className={`pill status-${p.status}`} data-testid="pattern-status">
        {p.status}
      </span>
      {p.overdue ? (
        <span className="pill overdue" data-testid="pattern-overdue" title={p.dueAt ? `response was due ${fmt.dateTime(p.dueAt)}` : undefined}>
          overdue
        </span>
      ) : null}
    </>
  );
}

function Detail({ detail, onChanged, onGuide, onRunPlaybook }: { detail: PatternDetail; onChanged: () => void; onGuide: () => void; onRunPlaybook: (name: PlaybookName) => void }) {
  const [problem, setProblem] = useState<string | null>(null);
  const now = useNow();
  async function setStatus(status: Exclude<PatternStatus, 'regressed'>) {
    try {
      await call('triage.setStatus', { id: detail.id, status });
      setProblem(null);
      onChanged();
    } catch (err) {
      setProblem(errorText(err));
    }
  }
  const d = detail.deployment;
  return (
    <section className="card triage-detail" data-testid="pattern-detail" aria-label="Pattern detail">
      <h2>Pattern {detail.id}</h2>
      <p className="triage-template" data-testid="detail-template">
        {detail.template}
      </p>
      <div className="row">
        <span className={`pill ${detail.severity}`}>{detail.severity}</span>
        <StatusPill p={detail} />
        <span className="hint">
          respond {detail.responseTime}
          {detail.dueAt ? ` — due ${fmt.dateTime(detail.dueAt)} (${fmt.ago(detail.dueAt, now)})` : ''}
        </span>
      </div>
      <div className="row triage-actions">
        {STATUS_ACTIONS.filter((a) => a.status !== detail.status).map((a) => (
          <button key={a.status} className="btn secondary" onClick={() => void setStatus(a.status)} data-testid={`status-${a.status}`}>
            {a.label}
          </button>
        ))}
        <button className="btn" onClick={onGuide} data-testid="start-guided">
          Guided triage
        </button>
      </div>
      {problem ? <p className="error">{problem}</p> : null}
      <dl>
        <dt>Occurrences</dt>
        <dd data-testid="detail-count">{fmt.integer(detail.count)}</dd>
        <dt>First / last seen</dt>
        <dd>
          {fmt.dateTime(detail.firstSeen)} / {fmt.dateTime(detail.lastSeen)} ({fmt.ago(detail.lastSeen, now)})
        </dd>
        <dt>Trend (per hour, 24 h)</dt>
        <dd>
          <Sparkline counts={detail.sparkline.counts} label="occurrences in the last 24 hours" width={240} height={36} testId="detail-sparkline" />
        </dd>
        <dt>Users</dt>
        <dd>{detail.users === 0 ? 'none named' : `${detail.users}: ${detail.topUsers.slice(0, 5).map((u) => `${u.value} (${u.count})`).join(', ')}`}</dd>
        <dt>IPs</dt>
        <dd>{detail.ips === 0 ? 'none named' : `${detail.ips}: ${detail.topIps.slice(0, 5).map((u) => `${u.value} (${u.count})`).join(', ')}`}</dd>
        <dt>Sources</dt>
        <dd>{detail.topSources.map((s) => `${s.value} (${s.count})`).join(', ')}</dd>
        <dt>Deployment</dt>
        <dd data-testid="detail-deployment">
          {!d
            ? 'no correlation_id on the occurrences'
            : `${d.correlationId}${d.version ? ` (v${d.version})` : ''}${d.deployedAt ? `, deployed ${fmt.dateTime(d.deployedAt)}` : ', no deployment event cached'}${d.startedAfter ? ' — started after it' : ''}`}
        </dd>
        {detail.features.map((f) => (
          <div key={f.key} style={{ display: 'contents' }}>
            <dt>{f.key}</dt>
            <dd>{f.values.map((v) => `${v.value} (${v.count})`).join(', ')}</dd>
          </div>
        ))}
        <dt>Playbook</dt>
        <dd>
          {detail.playbook ? (
            <button className="btn secondary" onClick={() => onRunPlaybook(detail.playbook!)} data-testid="detail-run-playbook">
              Run {detail.playbook}
            </button>
          ) : (
            'none matches'
          )}
        </dd>
        {detail.merges.length ? (
          <>
            <dt>Merged</dt>
            <dd data-testid="detail-merges">
              {detail.merges.map((m) => `${m.from} (${m.reason}, ${fmt.dateTime(m.at)})`).join('; ')} — their occurrences keep their own ids
            </dd>
          </>
        ) : null}
      </dl>
      {detail.notes.length ? (
        <>
          <h3 className="dash-subhead">Notes</h3>
          <ul className="dash-list" data-testid="detail-notes">
            {detail.notes.map((n, i) => (
              <li key={i}>
                <time dateTime={n.at}>{fmt.dateTime(n.at)}</time> <span className="dash-source">{n.by}</span> <span className="dash-message">{n.text}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3 className="dash-subhead">Latest occurrences</h3>
      <ul className="dash-list" data-testid="detail-occurrences">
        {detail.recent.slice(0, 8).map((o) => (
          <li key={o.recordId}>
            <time dateTime={o.timestamp}>{fmt.dateTime(o.timestamp)}</time>
            <span className={`pill ${o.severity ?? ''}`}>{o.severity}</span>
            <span className="dash-source">{o.source}</span>
            <span className="dash-message">{o.message}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function TriagePage() {
  const [status, setStatus] = useState<PatternStatus | ''>('');
  const [severity, setSeverity] = useState<TriageSeverity | ''>('');
  const [text, setText] = useState('');
  const [since, setSince] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [guided, setGuided] = useState(false);
  const [run, setRun] = useState<PlaybookRunReport | null>(null);
  const [running, setRunning] = useState<PlaybookName | null>(null);
  const [runProblem, setRunProblem] = useState<string | null>(null);

  const patterns = useLiveData(
    useCallback(
      () =>
        call('triage.patterns', {
          ...(status ? { status: [status] } : {}),
          ...(severity ? { severity: [severity] } : {}),
          ...(text.trim() ? { text: text.trim() } : {}),
          ...(since ? { since } : {}),
          limit: 300,
        }),
      [status, severity, text, since],
    ),
    { intervalMs: 30_000, events: ['triage.changed', 'store.changed'] },
  );
  const detail = useLiveData(
    useCallback(() => (selected ? call('triage.pattern', { id: selected }) : Promise.resolve(null)), [selected]),
    { intervalMs: 30_000, events: ['triage.changed'] },
  );
  const playbooks = useLiveData(useCallback(() => call('triage.playbooks', {}), []), { intervalMs: 60_000, recoverOn: ['workspace.changed'] });

  // a new filter is a new question: ask it now, not at the next refresh
  const refreshPatterns = patterns.refresh;
  useEffect(() => {
    refreshPatterns();
  }, [status, severity, text, since, refreshPatterns]);
  const refreshDetail = detail.refresh;
  useEffect(() => {
    refreshDetail();
  }, [selected, refreshDetail]);

  const changed = () => {
    patterns.refresh();
    detail.refresh();
    playbooks.refresh();
  };

  async function runPlaybook(name: PlaybookName) {
    setRunning(name);
    setRunProblem(null);
    try {
      setRun(await call('triage.runPlaybook', { name, patternId: selected }));
    } catch (err) {
      setRunProblem(errorText(err));
    } finally {
      setRunning(null);
    }
  }

  const list = patterns.data?.patterns ?? [];
  return (
    <div className="page triage-page">
      <div className="row dash-header">
        <div>
          <h1>Triage</h1>
          <p className="hint">
            Errors, critical rows and warnings grouped into patterns by the fingerprinter (values — ids, numbers, addresses, durations, user names — masked). Response times: warning 1 hour, error 15
            minutes, critical immediately.
          </p>
        </div>
      </div>
      {patterns.error ? <p className="dash-unavailable">{patterns.error.message}</p> : null}
      <div className="row triage-filters" role="search" aria-label="Pattern filters">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as PatternStatus | '')} data-testid="filter-status">
            <option value="">any</option>
            {PATTERN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select value={severity} onChange={(e) => setSeverity(e.target.value as TriageSeverity | '')} data-testid="filter-severity">
            <option value="">any</option>
            {TRIAGE_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Seen in
          <select value={since} onChange={(e) => setSince(e.target.value)} data-testid="filter-since">
            <option value="">all time</option>
            <option value="1h">last hour</option>
            <option value="24h">last 24 hours</option>
            <option value="7d">last 7 days</option>
          </select>
        </label>
        <label>
          Template contains
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder="connection, webhook…" data-testid="filter-text" />
        </label>
      </div>
      <div className="triage-layout">
        <section className="card" aria-label="Patterns">
          <h2>
            Patterns <span className="muted">({list.length})</span>
          </h2>
          {patterns.loading ? <p className="muted">Loading…</p> : null}
          {!patterns.loading && list.length === 0 ? <p className="muted">No pattern matches (only warning, error and critical rows are grouped).</p> : null}
          {list.length ? (
            <div className="dash-table-wrap">
              <table className="triage-table" data-testid="patterns-table">
                <thead>
                  <tr>
                    <th>Pattern</th>
                    <th>Severity</th>
                    <th>Status</th>
                    <th className="triage-num">Count</th>
                    <th>24 h</th>
                    <th>Last seen</th>
                    <th className="triage-num">Users</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((p) => (
                    <tr
                      key={p.id}
                      className={p.id === selected ? 'selected' : undefined}
                      onClick={() => {
                        setSelected(p.id);
                        setGuided(false);
                      }}
                      data-testid="pattern-row"
                      data-pattern={p.id}
                      aria-selected={p.id === selected}
                    >
                      <td>
                        <div className="triage-template">{p.template}</div>
                        <div className="hint">
                          {p.sources.join(', ')}
                          {p.playbook ? ` · playbook ${p.playbook}` : ''}
                          {p.deployment?.startedAfter ? ` · after ${p.deployment.version ? `v${p.deployment.version}` : p.deployment.correlationId}` : ''}
                        </div>
                      </td>
                      <td>
                        <span className={`pill ${p.severity}`}>{p.severity}</span>
                      </td>
                      <td>
                        <StatusPill p={p} />
                      </td>
                      <td className="triage-num" data-testid="pattern-count">
                        {fmt.integer(p.count)}
                      </td>
                      <td>
                        <Sparkline counts={p.sparkline.counts} label="occurrences in the last 24 hours" testId="pattern-sparkline" />
                      </td>
                      <td>
                        <time dateTime={p.lastSeen}>{fmt.dateTime(p.lastSeen)}</time>
                      </td>
                      <td className="triage-num">{p.users}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
        <div className="dash-side">
          {selected && guided ? <GuidedTriage patternId={selected} onClose={() => setGuided(false)} onChanged={changed} /> : null}
          {selected && !guided && detail.data ? <Detail detail={detail.data} onChanged={changed} onGuide={() => setGuided(true)} onRunPlaybook={(n) => void runPlaybook(n)} /> : null}
          {selected && detail.error ? <p className="error">{detail.error.message}</p> : null}
          <PlaybookList playbooks={playbooks.data} error={playbooks.error ? `Playbooks need the database: ${playbooks.error.message}` : null} onRun={(n) => void runPlaybook(n)} runningName={running} />
          {runProblem ? <p className="error">{runProblem}</p> : null}
          {run ? (
            <section className="card" aria-label="Playbook run">
              <h2>{run.title}</h2>
              <PlaybookRunView key={run.runId ?? run.ranAt} run={run} onRecorded={() => playbooks.refresh()} />
            </section>
          ) : null}
        </div>
      </div>
    </div>
  );
}
