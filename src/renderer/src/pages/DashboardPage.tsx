/**
 * Monitoring dashboard: the manual's six panels (System Health Overview, Recent Errors, R.O.M.A.N.
 * Events Timeline, AI Cost Tracking, Performance Metrics, Security Audit Log) plus the system
 * entropy gauge of the Law of Total Coherence. Data comes from 'monitoring.overview' (panels),
 * 'monitoring.checks' (health checks by area) and 'alerts.list' (what is firing); it refreshes on
 * 'monitoring.updated' / 'alerts.changed' and on a modest interval. Each panel degrades on its own.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { call } from '../api';
import type { MonitoringOverview } from '../../../shared/monitoring';
import type { ApiError } from '../../../shared/result';
import type { WorkspaceStatus } from '../../../shared/workspace';
import { fmt } from '../components/charts';
import { useLiveData, useNow } from '../components/charts/live';
import { AiCostCard } from '../components/dashboard/AiCostCard';
import { AlertsSummaryCard } from '../components/dashboard/AlertsSummaryCard';
import { EntropyCard } from '../components/dashboard/EntropyCard';
import { EventsCard } from '../components/dashboard/EventsCard';
import { HealthOverviewCard } from '../components/dashboard/HealthOverviewCard';
import { PerformanceCard } from '../components/dashboard/PerformanceCard';
import { RecentErrorsCard } from '../components/dashboard/RecentErrorsCard';
import { SecurityCard } from '../components/dashboard/SecurityCard';
import { DEFAULT_REFRESH_MS, REFRESH_CHOICES, TimeRangeControls } from '../components/dashboard/TimeRangeControls';
import { DEFAULT_RANGE, MIN_RANGE_MS, PRESET_MS, formatRangeParam, parseRangeParam, validateCustomRange, type TimeRange } from '../../../shared/time-range';
import '../triage.css';
import '../dashboard.css';

const OVERVIEW_EVERY_MS = 20_000;
const CHECKS_EVERY_MS = 60_000;
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

/** When every panel failed because the database cannot be reached, say so once, on top. */
function unreachableEverywhere(o: MonitoringOverview): Failure | null {
  const panels = [o.health, o.recentErrors, o.romanEvents, o.aiCost, o.performance, o.security];
  const reasons = panels.map((p) => (p.status === 'unavailable' ? p.reason : null));
  if (reasons.some((r) => r === null || !/unreachable|connect/i.test(r))) return null;
  return { headline: 'Database unreachable — showing nothing live', message: reasons[0]! };
}

// ---------------------------------------------------------------------------------------------

const isOverviewEcho = (payload: unknown) => (payload as { origin?: string } | null)?.origin === 'overview';

/** The dashboard's settings kept in the URL hash next to page=… (a reload keeps them). */
function readHash(): { range: TimeRange; refreshMs: number } {
  const params = new URLSearchParams(location.hash.slice(1));
  const refresh = Number(params.get('refresh'));
  return {
    range: parseRangeParam(params.get('range'), Date.now()) ?? DEFAULT_RANGE,
    refreshMs: REFRESH_CHOICES.some((c) => c.ms === refresh) && params.get('refresh') !== null ? refresh : DEFAULT_REFRESH_MS,
  };
}

function writeHash(range: TimeRange, refreshMs: number): void {
  const params = new URLSearchParams(location.hash.slice(1));
  params.set('range', formatRangeParam(range));
  params.set('refresh', String(refreshMs));
  history.replaceState(null, '', '#' + params.toString());
}

const rangeInput = (r: TimeRange) => ('preset' in r ? { last: r.preset } : { from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString() });

export function DashboardPage() {
  const [initial] = useState(readHash);
  const [range, setRange] = useState<TimeRange>(initial.range);
  const [refreshMs, setRefreshMs] = useState(initial.refreshMs);
  /** The range before the first zoom of a chain of zooms ("Reset zoom" goes back to it). */
  const [beforeZoom, setBeforeZoom] = useState<TimeRange | null>(null);
  const rangeKey = formatRangeParam(range);
  useEffect(() => writeHash(range, refreshMs), [range, refreshMs]);
  const loadOverview = useCallback(() => call('monitoring.overview', { range: rangeInput(parseRangeParam(rangeKey, Number.MAX_SAFE_INTEGER) ?? DEFAULT_RANGE) }), [rangeKey]);
  const loadChecks = useCallback(() => call('monitoring.checks', {}), []);
  const loadAlerts = useCallback(() => call('alerts.list', {}), []);
  const loadWorkspace = useCallback(() => call('workspace.status', {}), []);
  const workspace = useLiveData(loadWorkspace, { intervalMs: OVERVIEW_EVERY_MS, events: ['workspace.changed'], minGapMs: 1000 });
  const overview = useLiveData(loadOverview, {
    intervalMs: refreshMs,
    events: ['monitoring.updated', 'alerts.changed'],
    recoverOn: ['workspace.changed'],
    minGapMs: 3000,
    // The overview announces its own entropy reading (so the header shows the same figure): no reload on that echo.
    ignore: isOverviewEcho,
  });
  // Checks run every check against the database (and announce 'monitoring.updated' themselves):
  // they refresh on their own interval, never on that event; and at once when the database opens.
  const checks = useLiveData(loadChecks, { intervalMs: refreshMs > 0 ? Math.max(refreshMs, CHECKS_EVERY_MS) : 0, recoverOn: ['workspace.changed'] });
  const alerts = useLiveData(loadAlerts, { intervalMs: refreshMs, events: ['alerts.changed'], recoverOn: ['workspace.changed'] });
  const now = useNow();
  // A new range loads at once (not at the next tick); the first load is the hook's own.
  const shownKey = useRef(rangeKey);
  const refreshOverview = overview.refresh;
  useEffect(() => {
    if (shownKey.current === rangeKey) return;
    shownKey.current = rangeKey;
    refreshOverview();
  }, [rangeKey, refreshOverview]);
  const chooseRange = (r: TimeRange) => {
    setBeforeZoom(null);
    setRange(r);
  };
  const zoomTo = (from: number, to: number) => {
    const now = Date.now();
    // A drag narrower than the shortest range (1 min) zooms to 1 min around its middle.
    if (to - from < MIN_RANGE_MS) {
      const mid = (from + to) / 2;
      to = Math.min(now, Math.round(mid + MIN_RANGE_MS / 2));
      from = to - MIN_RANGE_MS;
    }
    const check = validateCustomRange(from, Math.min(to, now), now);
    if (!check.ok) return;
    setBeforeZoom((b) => b ?? range);
    setRange(check.range);
  };
  const markersSince = 'preset' in range ? `${Math.ceil(PRESET_MS[range.preset] / 3_600_000) + 1}h` : new Date(range.from - 3_600_000).toISOString();

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
          <p className="subtitle">Health, errors, R.O.M.A.N. events, AI cost, performance and security of the monitored database.</p>
        </div>
        <TimeRangeControls
          range={range}
          onRange={chooseRange}
          previous={beforeZoom}
          onResetZoom={() => {
            if (beforeZoom) setRange(beforeZoom);
            setBeforeZoom(null);
          }}
          refreshMs={refreshMs}
          onRefreshMs={setRefreshMs}
          updatedAt={overview.updatedAt}
          onRefresh={() => {
            workspace.refresh();
            overview.refresh();
            checks.refresh();
            alerts.refresh();
          }}
        />
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
            <PerformanceCard panel={o?.performance} loading={overview.loading} checks={checks.data?.checks ?? null} entropy={entropy} markersSince={markersSince} onSelectRange={zoomTo} />
            <EventsCard panel={o?.romanEvents} loading={overview.loading} generatedAt={o?.generatedAt} />
            <AiCostCard panel={o?.aiCost} loading={overview.loading} generatedAt={o?.generatedAt} />
            <SecurityCard panel={o?.security} loading={overview.loading} alerts={alerts.data} />
          </div>
        </div>
      )}
    </div>
  );
}
