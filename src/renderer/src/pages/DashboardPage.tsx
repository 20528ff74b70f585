/**
 * Monitoring dashboard: the manual's six panels (System Health Overview, Recent Errors, R.O.M.A.N.
 * Events Timeline, AI Cost Tracking, Performance Metrics, Security Audit Log) plus the system
 * entropy gauge of the Law of Total Coherence. Data comes from 'monitoring.overview' (panels),
 * 'monitoring.checks' (health checks by area) and 'alerts.list' (what is firing); it refreshes on
 * 'monitoring.updated' / 'alerts.changed' and on a modest interval. Each panel degrades on its own.
 */
import { useCallback, useState, type ReactNode } from 'react';
import { call } from '../api';
import {
  HEALTH_AREAS,
  ENTROPY_STABLE_MAX,
  DEFAULT_THRESHOLDS,
  type AiCostPanel,
  type EntropyReading,
  type HealthArea,
  type HealthCheckResult,
  type HealthOverviewPanel,
  type HealthStatus,
  formatAge,
  type LogEntrySummary,
  type MonitoringOverview,
  type Panel,
  type PerformancePanel,
  type RecentErrorsPanel,
  type RomanEventsPanel,
  type SecurityPanel,
} from '../../../shared/monitoring';
import type { AlertsListOutput } from '../../../shared/api/alerts';
import type { ApiError } from '../../../shared/result';
import type { WorkspaceStatus } from '../../../shared/workspace';
import { BarList, EventTimeline, Gauge, StackedBarChart, TimeSeriesChart, fmt, type TimeMarker } from '../components/charts';
import { Sparkline } from '../components/charts';
import '../triage.css';
import { useLiveData, useNow } from '../components/charts/live';
import '../dashboard.css';

const OVERVIEW_EVERY_MS = 20_000;
const CHECKS_EVERY_MS = 60_000;

const SEVERITY_COLOR: Record<string, string> = {
  critical: 'var(--bad)',
  error: '#ff8a4c',
  warning: 'var(--warn)',
  info: 'var(--info)',
  debug: 'var(--muted)',
};
const severityColor = (s: string): string => SEVERITY_COLOR[s] ?? 'var(--muted)';

const PROVIDER_COLORS: Record<string, string> = { anthropic: '#d4a27f', openai: '#3fb9a0', google: '#7c9cff' };
const EXTRA_COLORS = ['#c586c0', '#e3b341', '#56d4dd', '#f778ba', '#a5d6ff'];

const AREA_TITLES: Record<HealthArea, string> = {
  system: 'System',
  connections: 'Connections',
  queries: 'Queries',
  space: 'Space',
  indexes: 'Indexes',
  replication: 'Replication',
  maintenance: 'Maintenance',
  application: 'Application signals',
  sequences: 'Sequences',
};

const STATUS_RANK: Record<HealthStatus, number> = { critical: 0, warning: 1, unavailable: 2, no_data: 3, ok: 4 };

/** Tone of a figure from its status: no data and unavailable are never green. */
const TONE_OF: Record<HealthStatus, 'ok' | 'warn' | 'bad' | 'nodata'> = { ok: 'ok', warning: 'warn', critical: 'bad', unavailable: 'nodata', no_data: 'nodata' };

/** Link to another page that keeps the browser host's token in the fragment. */
function pageHref(page: string): string {
  const params = new URLSearchParams(location.hash.slice(1));
  params.set('page', page);
  return '#' + params.toString();
}

function formatCheckValue(c: Pick<HealthCheckResult, 'value' | 'unit'>): string {
  if (c.value === null) return '—';
  switch (c.unit) {
    case 'ratio':
      return fmt.percent1(c.value);
    case 'ms':
      return fmt.millis(c.value);
    case 'seconds':
      return fmt.seconds(c.value);
    case 'bytes':
      return fmt.bytes(c.value);
    case 'bytes_per_hour':
      return `${fmt.bytes(c.value)}/h`;
    case 'usd':
      return fmt.usd(c.value);
    default:
      return fmt.integer(c.value);
  }
}

interface Failure {
  headline: string;
  message: string;
  /** Still connecting: a wait, not an error. */
  waiting?: boolean;
}

/**
 * Headline for a failed core call, using the workspace status when known: "No database connected",
 * "Connecting…", or "Database unreachable — showing nothing live", with the call's own message.
 */
function describeFailure(error: ApiError, workspace: WorkspaceStatus | null): Failure {
  if (workspace?.opening || /is starting; try again/i.test(error.message)) return { headline: 'Connecting to the database…', message: error.message, waiting: true };
  if (workspace && !workspace.open && !workspace.openError) return { headline: 'No database connected', message: error.message };
  if (/^No database is open\. Choose/i.test(error.message)) return { headline: 'No database connected', message: error.message };
  if (error.code === 'unavailable') return { headline: 'Database unreachable — showing nothing live', message: error.message };
  return { headline: 'The dashboard could not be loaded', message: error.message };
}

// ---------------------------------------------------------------------------------------------

function PanelCard({ id, icon, title, testId, children, wide }: { id: string; icon: string; title: string; testId: string; children: ReactNode; wide?: boolean }) {
  return (
    <section className={wide ? 'card dash-panel wide' : 'card dash-panel'} aria-labelledby={`${id}-h`} data-testid={testId}>
      <h2 id={`${id}-h`}>
        <span aria-hidden="true">{icon}</span> {title}
      </h2>
      {children}
    </section>
  );
}

/** Renders a panel's data, or its loading / unavailable state. */
function PanelBody<T>({ panel, loading, children }: { panel: Panel<T> | undefined; loading: boolean; children: (data: T) => ReactNode }) {
  if (!panel)
    return loading ? (
      <p className="muted dash-loading" aria-busy="true">
        Loading…
      </p>
    ) : (
      <p className="muted">No data.</p>
    );
  if (panel.status === 'unavailable')
    return (
      <p className="dash-unavailable" data-testid="panel-unavailable">
        unavailable: {panel.reason}
      </p>
    );
  return <>{children(panel.data)}</>;
}

/**
 * One figure. `value` null is "no data" (shown as such, never toned ok); `window` is printed next
 * to the label so two figures of the same measure over different windows never look alike.
 */
function Stat({ label, value, tone, testId, hint, window }: { label: string; value: string | null; tone?: 'ok' | 'warn' | 'bad' | 'nodata'; testId?: string; hint?: string; window?: string }) {
  const t = value === null ? 'nodata' : tone;
  return (
    <div className={`dash-stat ${t ?? ''}`} data-testid={testId} data-tone={t ?? 'none'} title={hint}>
      <div className="dash-stat-value">{value ?? 'No data'}</div>
      <div className="dash-stat-label">
        {label}
        {window ? <span className="dash-stat-window"> · {window}</span> : null}
      </div>
    </div>
  );
}

const windowLabel = (minutes: number | undefined) => (minutes === undefined ? undefined : minutes % 60 === 0 ? `last ${minutes / 60} h` : `last ${minutes} min`);

function LogList({ entries, limit, empty, testId }: { entries: LogEntrySummary[]; limit: number; empty: string; testId: string }) {
  const [all, setAll] = useState(false);
  if (entries.length === 0) return <p className="muted">{empty}</p>;
  const shown = all ? entries : entries.slice(0, limit);
  return (
    <>
      <ul className="dash-list" data-testid={testId}>
        {shown.map((e) => (
          <li key={e.id}>
            <time dateTime={e.timestamp} title={fmt.dateTime(e.timestamp)}>
              {fmt.clock(e.timestamp)}
            </time>
            <span className={`pill ${e.severity}`}>{e.severity}</span>
            <code className="dash-source">{e.source}</code>
            <span className="dash-message">{e.message}</span>
          </li>
        ))}
      </ul>
      {entries.length > limit ? (
        <button type="button" className="btn secondary dash-more" onClick={() => setAll((v) => !v)}>
          {all ? 'Show fewer' : `Show all ${entries.length}`}
        </button>
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Entropy

function EntropyCard({ panel, loading, staleAt }: { panel: Panel<HealthOverviewPanel> | undefined; loading: boolean; staleAt: number | null }) {
  return (
    <section className="card dash-panel" aria-labelledby="entropy-h" data-testid="entropy-card">
      <h2 id="entropy-h">
        <span aria-hidden="true">🌀</span> System entropy
      </h2>
      <PanelBody panel={panel} loading={loading}>
        {(data) => (data.entropy ? <EntropyView reading={data.entropy} staleAt={staleAt} /> : <p className="dash-unavailable">unavailable: {data.entropyNote ?? 'no reading'}</p>)}
      </PanelBody>
    </section>
  );
}

function EntropyView({ reading, staleAt }: { reading: EntropyReading; staleAt: number | null }) {
  const stable = reading.entropy <= ENTROPY_STABLE_MAX;
  const noData = reading.data === 'no_data';
  const stale = staleAt !== null;
  // Fail closed: no data is not STABLE, and a reading of a database that stopped answering is stale.
  const label = noData ? 'NO DATA' : stale ? `STALE — ${stable ? 'STABLE' : 'UNSTABLE'} ${formatAge(Math.max(0, staleAt - new Date(reading.measuredAt).getTime()))} ago` : stable ? 'STABLE' : 'UNSTABLE';
  const pill = noData || stale ? 'unavailable' : stable ? 'ok' : 'critical';
  return (
    <div className="entropy" data-testid="entropy-gauge" data-stable={noData ? 'no_data' : stable} data-state={noData ? 'no_data' : stale ? 'stale' : 'live'}>
      <Gauge
        title="System entropy (Law of Total Coherence)"
        value={reading.entropy}
        threshold={ENTROPY_STABLE_MAX}
        label={label}
        tone={noData || stale ? 'unknown' : stable ? 'ok' : 'bad'}
      />
      <div className="entropy-readout">
        <span className="entropy-value" data-testid="entropy-value">
          {noData ? 'No data' : fmt.percent1(reading.entropy)}
        </span>
        <span className={`pill ${pill} entropy-label`} data-testid="entropy-label">
          {label}
        </span>
      </div>
      <p className="hint" data-testid="entropy-window">
        (error rate + failure rate + latency spikes) ÷ 3 over the last {reading.window.minutes} minutes, measured at {fmt.clock(reading.measuredAt)}; stable at ≤ {fmt.percent1(ENTROPY_STABLE_MAX)}.
        {noData ? ' Nothing was logged and no request was made in that window: there is nothing to measure, which is not the same as healthy.' : ''}
      </p>
      <dl className="kv entropy-terms" data-testid="entropy-terms">
        <dt>Error rate</dt>
        <dd title={`${reading.counts.errorLogs} error/critical of ${reading.counts.logs} log rows`}>
          {fmt.percent1(reading.errorRate)} <span className="muted">({reading.counts.errorLogs}/{reading.counts.logs} logs)</span>
        </dd>
        <dt>Failure rate</dt>
        <dd title={`${reading.counts.failedRequests} failed of ${reading.counts.requests} requests`}>
          {fmt.percent1(reading.failureRate)} <span className="muted">({reading.counts.failedRequests}/{reading.counts.requests} requests)</span>
        </dd>
        <dt>Latency spikes</dt>
        <dd title={`${reading.counts.slowRequests} of ${reading.counts.timedRequests} timed requests slower than 2 s`}>
          {fmt.percent1(reading.latencySpikes)} <span className="muted">({reading.counts.slowRequests}/{reading.counts.timedRequests} &gt; 2 s)</span>
        </dd>
      </dl>
      {reading.notes.length > 0 ? (
        <ul className="hint">
          {reading.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Alerts summary

function AlertsSummaryCard({ alerts, error }: { alerts: AlertsListOutput | null; error: ApiError | null }) {
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

/** When every panel failed because the database cannot be reached, say so once, on top. */
function unreachableEverywhere(o: MonitoringOverview): Failure | null {
  const panels = [o.health, o.recentErrors, o.romanEvents, o.aiCost, o.performance, o.security];
  const reasons = panels.map((p) => (p.status === 'unavailable' ? p.reason : null));
  if (reasons.some((r) => r === null || !/unreachable|connect/i.test(r))) return null;
  return { headline: 'Database unreachable — showing nothing live', message: reasons[0]! };
}

// ---------------------------------------------------------------------------------------------
// 📊 System Health Overview

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

function HealthOverviewCard({
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

// ---------------------------------------------------------------------------------------------
// 🔥 Recent Errors

/** The last 24 hours' errors grouped by pattern (the fingerprinter's, from the local cache), the most frequent first. */
function ErrorsByPattern() {
  const patterns = useLiveData(
    useCallback(() => call('triage.patterns', { since: '24h', severity: ['error', 'critical'], sort: 'count', limit: 6 }), []),
    { intervalMs: 30_000, events: ['triage.changed'] },
  );
  const list = patterns.data?.patterns ?? [];
  return (
    <>
      <h3 className="dash-subhead">By pattern</h3>
      {patterns.error ? <p className="muted">Patterns unavailable: {patterns.error.message}</p> : null}
      {!patterns.loading && !patterns.error && list.length === 0 ? <p className="muted">No error pattern seen in the last 24 hours.</p> : null}
      <ul className="dash-list" data-testid="errors-by-pattern">
        {list.map((p) => (
          <li key={p.id} data-pattern={p.id}>
            <span className={`pill ${p.severity}`}>{p.severity}</span>
            <span className="dash-message" style={{ fontFamily: 'ui-monospace, monospace', fontSize: 12 }}>
              {p.template}
            </span>
            <Sparkline counts={p.sparkline.counts} label="occurrences per hour, last 24 hours" />
            <strong>{fmt.integer(p.sparkline.counts.reduce((a, b) => a + b, 0))}</strong>
            {p.overdue ? <span className="pill overdue">overdue</span> : <span className={`pill status-${p.status}`}>{p.status}</span>}
          </li>
        ))}
      </ul>
      {list.length ? (
        <a className="dash-link" href="#page=triage" onClick={(e) => { e.preventDefault(); const q = new URLSearchParams(location.hash.slice(1)); q.set('page', 'triage'); location.hash = q.toString(); }}>
          All patterns on the Triage page →
        </a>
      ) : null}
    </>
  );
}

function RecentErrorsCard({ panel, loading }: { panel: Panel<RecentErrorsPanel> | undefined; loading: boolean }) {
  return (
    <PanelCard id="errors" icon="🔥" title="Recent Errors (last 24h)" testId="panel-errors">
      <PanelBody panel={panel} loading={loading}>
        {(data) => {
          const total = data.hourly.reduce((s, h) => s + h.errors + h.critical, 0);
          return (
            <>
              <p className="hint">
                {fmt.integer(total)} errors and critical logs in 24 hours. Hover a bar for its hour.
              </p>
              <StackedBarChart
                title="Errors per hour, last 24 hours"
                testId="chart-errors-per-hour"
                categories={data.hourly.map((h) => ({ key: h.hour, label: fmt.clock(h.hour), tooltip: `${fmt.dateTime(h.hour)} (1 h)` }))}
                stacks={[
                  { key: 'errors', label: 'error', color: SEVERITY_COLOR.error },
                  { key: 'critical', label: 'critical', color: SEVERITY_COLOR.critical },
                ]}
                values={Object.fromEntries(data.hourly.map((h) => [h.hour, { errors: h.errors, critical: h.critical }]))}
                yLabel="errors / hour"
                yFormat={fmt.integer}
              />
              <ErrorsByPattern />
              <h3 className="dash-subhead">Latest errors</h3>
              <LogList entries={data.latest} limit={8} empty="No errors in the last 24 hours." testId="latest-errors" />
            </>
          );
        }}
      </PanelBody>
    </PanelCard>
  );
}

// ---------------------------------------------------------------------------------------------
// 🤖 R.O.M.A.N. Events Timeline

const EVENT_LANES = [
  { key: 'approval', label: 'approvals' },
  { key: 'rejection', label: 'rejections' },
  { key: 'backup', label: 'backups' },
  { key: 'alert', label: 'alerts' },
];

function EventsCard({ panel, loading, generatedAt }: { panel: Panel<RomanEventsPanel> | undefined; loading: boolean; generatedAt: string | undefined }) {
  return (
    <PanelCard id="events" icon="🤖" title="R.O.M.A.N. Events Timeline" testId="panel-events">
      <PanelBody panel={panel} loading={loading}>
        {(data) => {
          const to = generatedAt ? new Date(generatedAt).getTime() : data.latest[0] ? new Date(data.latest[0].timestamp).getTime() : 0;
          const from = to - 24 * 3_600_000;
          const byType = new Map<string, number>();
          for (const c of data.counts) byType.set(c.eventType, (byType.get(c.eventType) ?? 0) + c.count);
          const total = [...byType.values()].reduce((a, b) => a + b, 0);
          return (
            <>
              <div className="row dash-summary" aria-label="Events in the last 24 hours by type">
                {[...byType.entries()].map(([type, n]) => (
                  <span key={type} className="pill" data-event-type={type}>
                    {type}: {n}
                  </span>
                ))}
                {byType.size === 0 ? <span className="muted">No R.O.M.A.N. events in the last 24 hours.</span> : null}
              </div>
              <EventTimeline
                title="R.O.M.A.N. events over the last 24 hours"
                testId="chart-events-timeline"
                lanes={EVENT_LANES}
                events={data.latest.map((e) => ({ id: e.id, at: new Date(e.timestamp).getTime(), lane: e.eventType, severity: e.severity, message: e.message }))}
                from={from}
                to={to}
                severityColor={severityColor}
              />
              {total > data.latest.length ? <p className="hint">The timeline shows the latest {data.latest.length} of {total} events.</p> : null}
              <h3 className="dash-subhead">Latest events</h3>
              {data.latest.length === 0 ? (
                <p className="muted">Nothing recorded yet.</p>
              ) : (
                <ul className="dash-list" data-testid="latest-events">
                  {data.latest.slice(0, 6).map((e) => (
                    <li key={e.id}>
                      <time dateTime={e.timestamp} title={fmt.dateTime(e.timestamp)}>
                        {fmt.clock(e.timestamp)}
                      </time>
                      <span className={`pill ${e.severity}`}>{e.eventType}</span>
                      <span className="dash-message">{e.message}</span>
                    </li>
                  ))}
                </ul>
              )}
            </>
          );
        }}
      </PanelBody>
    </PanelCard>
  );
}

// ---------------------------------------------------------------------------------------------
// 💰 AI Cost Tracking

function AiCostCard({ panel, loading, generatedAt }: { panel: Panel<AiCostPanel> | undefined; loading: boolean; generatedAt: string | undefined }) {
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

// ---------------------------------------------------------------------------------------------
// 📈 Performance Metrics

/** Deployments of the charts' period (from the local cache), as vertical markers. */
function useDeploymentMarkers(): TimeMarker[] {
  const deployments = useLiveData(
    useCallback(() => call('deployments.list', { since: '7h', limit: 50 }), []),
    { intervalMs: 60_000, events: ['store.changed'] },
  );
  return (deployments.data?.deployments ?? []).map((d) => ({
    t: Date.parse(d.at),
    label: d.version,
    detail: `Deployed ${d.version} to ${d.environment} by ${d.deployedBy} at ${d.at}${d.correlationId ? ` (${d.correlationId})` : ''}`,
  }));
}

function PerformanceCard({
  panel,
  loading,
  checks,
  entropy,
}: {
  panel: Panel<PerformancePanel> | undefined;
  loading: boolean;
  checks: HealthCheckResult[] | null;
  entropy: EntropyReading | null;
}) {
  const check = (key: string) => checks?.find((c) => c.key === key);
  const markers = useDeploymentMarkers();
  const p95 = check('application.p95_latency');
  const errorRate = check('application.error_rate');
  const success = check('application.api_success_rate');
  // One definition per measure: these are the health checks' figures, over the window printed next
  // to each (the entropy's error-rate term is its own figure, shown with its own window in the gauge).
  const tone = (c: HealthCheckResult | undefined) => (c ? TONE_OF[c.status] : 'nodata');
  void entropy;
  return (
    <PanelCard id="performance" icon="📈" title="Performance Metrics" testId="panel-performance">
      <div className="dash-stats">
        <Stat label="p95 latency" window={windowLabel(p95?.windowMinutes)} value={p95 && p95.value !== null ? fmt.millis(p95.value) : null} tone={tone(p95)} testId="stat-p95" hint={p95?.detail} />
        <Stat label="Error rate" window={windowLabel(errorRate?.windowMinutes)} value={errorRate && errorRate.value !== null ? fmt.percent1(errorRate.value) : null} tone={tone(errorRate)} testId="stat-error-rate" hint={errorRate?.detail} />
        <Stat label="API success rate" window={windowLabel(success?.windowMinutes)} value={success && success.value !== null ? fmt.percent1(success.value) : null} tone={tone(success)} testId="stat-api-success" hint={success?.detail} />
      </div>
      <PanelBody panel={panel} loading={loading}>
        {(data) => {
          const p95Series = data.buckets.map((b) => ({ t: new Date(b.start).getTime(), v: b.p95LatencyMs }));
          const rate = data.buckets.map((b) => ({ t: new Date(b.start).getTime(), v: b.requests > 0 ? 1 - b.failed / b.requests : null }));
          const rates = rate.map((r) => r.v).filter((v): v is number => v !== null);
          const rateMin = Math.min(0.9, Math.floor(Math.min(1, ...rates) * 20) / 20);
          return (
            <>
              <TimeSeriesChart
                title="p95 request latency, 5-minute buckets over the last 6 hours"
                testId="chart-p95"
                series={[{ key: 'p95', label: 'p95 latency', color: 'var(--accent)', points: p95Series, area: true }]}
                yLabel="p95 latency"
                yFormat={fmt.millis}
                markers={markers}
                yMaxAtLeast={DEFAULT_THRESHOLDS.responseTimeCriticalMs * 1.15}
                thresholds={[{ value: DEFAULT_THRESHOLDS.responseTimeCriticalMs, label: '2 s threshold' }]}
              />
              <TimeSeriesChart
                title="API success rate, 5-minute buckets over the last 6 hours"
                testId="chart-api-success"
                series={[{ key: 'success', label: 'API success rate', color: 'var(--ok)', points: rate }]}
                yLabel="success rate"
                yFormat={(v) => `${Math.round(v * 1000) / 10}%`}
                yMin={rateMin}
                yMax={1}
                markers={markers}
                thresholds={[{ value: DEFAULT_THRESHOLDS.apiSuccessCritical, label: '95 % alert line' }]}
                height={160}
              />
              <p className="hint">
                {fmt.integer(data.buckets.reduce((s, b) => s + b.requests, 0))} requests, {fmt.integer(data.buckets.reduce((s, b) => s + b.failed, 0))} failed in 6 hours. Alert: p95 &gt; 2 s for 5 minutes; error rate &gt; 5 % for 10 minutes.
              </p>
            </>
          );
        }}
      </PanelBody>
    </PanelCard>
  );
}

// ---------------------------------------------------------------------------------------------
// 🔒 Security Audit Log

function SecurityCard({ panel, loading, alerts }: { panel: Panel<SecurityPanel> | undefined; loading: boolean; alerts: AlertsListOutput | null }) {
  const breachIps = new Set(
    [...(alerts?.firing ?? []), ...(alerts?.pending ?? []), ...(alerts?.silenced ?? [])].filter((a) => a.rule === 'security_breach' && a.labels.ip).map((a) => a.labels.ip),
  );
  return (
    <PanelCard id="security" icon="🔒" title="Security Audit Log" testId="panel-security">
      <PanelBody panel={panel} loading={loading}>
        {(data) => (
          <>
            <p className="hint">
              RLS violations in the last 24 hours by client IP. Security Breach fires at {DEFAULT_THRESHOLDS.rlsViolationsPerIpPerMinute}+ violations from one IP within 1 minute
              {breachIps.size > 0 ? '; IPs with an active Security Breach alert are red' : ''}.
            </p>
            {data.byIp.length === 0 ? (
              <p className="muted">No RLS violations in the last 24 hours.</p>
            ) : (
              <BarList
                title="RLS violations per IP, last 24 hours (top 10)"
                testId="chart-rls-by-ip"
                items={data.byIp.slice(0, 10).map((r) => ({
                  key: r.ip,
                  label: breachIps.has(r.ip) ? `🚨 ${r.ip}` : r.ip,
                  value: r.violations,
                  note: `last seen ${fmt.dateTime(r.lastSeen)}`,
                  hot: breachIps.has(r.ip),
                }))}
                format={fmt.integer}
                color="var(--warn)"
              />
            )}
            {breachIps.size > 0 ? (
              <p className="error" data-testid="security-breach-ips">
                Security Breach: {[...breachIps].join(', ')}
              </p>
            ) : null}
            <h3 className="dash-subhead">Latest violations</h3>
            <LogList entries={data.latest} limit={6} empty="No RLS violations recorded." testId="latest-violations" />
          </>
        )}
      </PanelBody>
    </PanelCard>
  );
}

// ---------------------------------------------------------------------------------------------

const isOverviewEcho = (payload: unknown) => (payload as { origin?: string } | null)?.origin === 'overview';

export function DashboardPage() {
  const loadOverview = useCallback(() => call('monitoring.overview', {}), []);
  const loadChecks = useCallback(() => call('monitoring.checks', {}), []);
  const loadAlerts = useCallback(() => call('alerts.list', {}), []);
  const loadWorkspace = useCallback(() => call('workspace.status', {}), []);
  const workspace = useLiveData(loadWorkspace, { intervalMs: OVERVIEW_EVERY_MS, events: ['workspace.changed'], minGapMs: 1000 });
  const overview = useLiveData(loadOverview, {
    intervalMs: OVERVIEW_EVERY_MS,
    events: ['monitoring.updated', 'alerts.changed'],
    recoverOn: ['workspace.changed'],
    minGapMs: 3000,
    // The overview announces its own entropy reading (so the header shows the same figure): no reload on that echo.
    ignore: isOverviewEcho,
  });
  // Checks run every check against the database (and announce 'monitoring.updated' themselves):
  // they refresh on their own interval, never on that event; and at once when the database opens.
  const checks = useLiveData(loadChecks, { intervalMs: CHECKS_EVERY_MS, recoverOn: ['workspace.changed'] });
  const alerts = useLiveData(loadAlerts, { intervalMs: OVERVIEW_EVERY_MS, events: ['alerts.changed'], recoverOn: ['workspace.changed'] });
  const now = useNow();

  const o = overview.data;
  const ws = workspace.data;
  const failure = overview.error ? describeFailure(overview.error, ws) : o ? unreachableEverywhere(o) : null;
  const healthPanel = o?.health;
  const entropy = healthPanel?.status === 'ok' ? healthPanel.data.entropy : null;

  return (
    <div className="dashboard">
      <header className="row dash-header">
        <div>
          <h1>Dashboard</h1>
          <p className="subtitle">
            Health, errors, R.O.M.A.N. events, AI cost, performance and security of the monitored database.{' '}
            {overview.updatedAt ? (
              <span data-testid="dashboard-updated" title={fmt.dateTime(overview.updatedAt)}>
                Updated {fmt.ago(overview.updatedAt, Math.max(now, overview.updatedAt))}.
              </span>
            ) : null}
          </p>
        </div>
        <button
          type="button"
          className="btn secondary"
          onClick={() => {
            workspace.refresh();
            overview.refresh();
            checks.refresh();
            alerts.refresh();
          }}
        >
          Refresh
        </button>
      </header>
      {failure?.waiting ? (
        <p className="banner-note" role="status" data-testid="dashboard-connecting">
          {failure.headline}
        </p>
      ) : failure ? (
        <div className="error dash-error" role="alert" data-testid="dashboard-error">
          <strong>{failure.headline}</strong>
          <div>{failure.message}</div>
          {o && overview.error ? <div className="hint">The panels below are from {fmt.dateTime(overview.updatedAt ?? 0)} and are not live.</div> : null}
        </div>
      ) : null}
      {!o && !overview.loading ? null : (
        <div className={o && overview.error ? 'dash-body stale' : 'dash-body'} aria-busy={overview.loading}>
          <div className="dash-top">
            <div className="dash-side">
              <EntropyCard panel={healthPanel} loading={overview.loading} staleAt={o && overview.error ? now : null} />
              <AlertsSummaryCard alerts={alerts.data} error={alerts.error} />
            </div>
            <HealthOverviewCard panel={healthPanel} overviewLoading={overview.loading} checks={checks.data?.checks ?? null} checksError={checks.error} checksLoading={checks.loading} />
          </div>
          <div className="dash-grid">
            <RecentErrorsCard panel={o?.recentErrors} loading={overview.loading} />
            <PerformanceCard panel={o?.performance} loading={overview.loading} checks={checks.data?.checks ?? null} entropy={entropy} />
            <EventsCard panel={o?.romanEvents} loading={overview.loading} generatedAt={o?.generatedAt} />
            <AiCostCard panel={o?.aiCost} loading={overview.loading} generatedAt={o?.generatedAt} />
            <SecurityCard panel={o?.security} loading={overview.loading} alerts={alerts.data} />
          </div>
        </div>
      )}
    </div>
  );
}
