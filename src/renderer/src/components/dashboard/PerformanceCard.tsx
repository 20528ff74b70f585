/** 📈 Performance Metrics: p95 latency and API success rate over the dashboard's range, with deployment markers. */
import { useCallback } from 'react';
import { call } from '../../api';
import { DEFAULT_THRESHOLDS, type EntropyReading, type HealthCheckResult, type Panel, type PerformancePanel } from '../../../../shared/monitoring';
import { TimeSeriesChart, fmt, type TimeMarker } from '../charts';
import { useLiveData } from '../charts/live';
import { bucketLabel, PRESET_LABELS, type RangePreset } from '../../../../shared/time-range';
import { TONE_OF, PanelCard, PanelBody, Stat, windowLabel } from './common';

/** Deployments of the charts' period (from the local cache), as vertical markers. */
function useDeploymentMarkers(since: string): TimeMarker[] {
  const deployments = useLiveData(
    useCallback(() => call('deployments.list', { since, limit: 200 }), [since]),
    { intervalMs: 60_000, events: ['store.changed'] },
  );
  return (deployments.data?.deployments ?? []).map((d) => ({
    t: Date.parse(d.at),
    label: d.version,
    detail: `Deployed ${d.version} to ${d.environment} by ${d.deployedBy} at ${d.at}${d.correlationId ? ` (${d.correlationId})` : ''}`,
  }));
}

export function PerformanceCard({
  panel,
  loading,
  checks,
  entropy,
  markersSince,
  onSelectRange,
}: {
  panel: Panel<PerformancePanel> | undefined;
  loading: boolean;
  checks: HealthCheckResult[] | null;
  entropy: EntropyReading | null;
  /** How far back deployment markers are read ('7h', '8d' or an ISO time): the dashboard's range. */
  markersSince: string;
  /** A range dragged across a chart. */
  onSelectRange?: (from: number, to: number) => void;
}) {
  const check = (key: string) => checks?.find((c) => c.key === key);
  const markers = useDeploymentMarkers(markersSince);
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
          const w = data.window;
          const over = w.preset ? PRESET_LABELS[w.preset as RangePreset].toLowerCase() : `${fmt.dateTime(w.from)} → ${fmt.dateTime(w.to)}`;
          const every = `${bucketLabel(w.bucketSeconds)} buckets`;
          const spanMs = Date.parse(w.to) - Date.parse(w.from);
          // Over more than a day the axis needs the day too.
          const xFormat = spanMs > 86_400_000 ? (t: number) => `${new Date(t).toLocaleDateString('en-US', { month: 'short', day: 'numeric' })} ${fmt.clock(t)}` : fmt.clock;
          return (
            <>
              <p className="hint" data-testid="performance-window" data-from={w.from} data-to={w.to} data-bucket-seconds={w.bucketSeconds}>
                Charts: {over}, {every}. Drag across a chart to zoom in.
              </p>
              <TimeSeriesChart
                title={`p95 request latency, ${every}, ${over}`}
                testId="chart-p95"
                series={[{ key: 'p95', label: 'p95 latency', color: 'var(--accent)', points: p95Series, area: true }]}
                yLabel="p95 latency"
                yFormat={fmt.millis}
                markers={markers}
                xFormat={xFormat}
                onSelectRange={onSelectRange}
                yMaxAtLeast={DEFAULT_THRESHOLDS.responseTimeCriticalMs * 1.15}
                thresholds={[{ value: DEFAULT_THRESHOLDS.responseTimeCriticalMs, label: '2 s threshold' }]}
              />
              <TimeSeriesChart
                title={`API success rate, ${every}, ${over}`}
                testId="chart-api-success"
                series={[{ key: 'success', label: 'API success rate', color: 'var(--ok)', points: rate }]}
                yLabel="success rate"
                yFormat={(v) => `${Math.round(v * 1000) / 10}%`}
                yMin={rateMin}
                yMax={1}
                markers={markers}
                xFormat={xFormat}
                onSelectRange={onSelectRange}
                thresholds={[{ value: DEFAULT_THRESHOLDS.apiSuccessCritical, label: '95 % alert line' }]}
                height={160}
              />
              <p className="hint">
                {fmt.integer(data.buckets.reduce((s, b) => s + b.requests, 0))} requests, {fmt.integer(data.buckets.reduce((s, b) => s + b.failed, 0))} failed ({over}). Alert: p95 &gt; 2 s for 5 minutes; error rate &gt; 5 % for 10 minutes.
              </p>
            </>
          );
        }}
      </PanelBody>
    </PanelCard>
  );
}
