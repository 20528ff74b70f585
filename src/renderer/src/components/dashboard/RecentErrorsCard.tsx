/** 🔥 Recent Errors: errors per hour over the last 24 hours, by pattern, and the latest. */
import { useCallback } from 'react';
import { call } from '../../api';
import { type Panel, type RecentErrorsPanel } from '../../../../shared/monitoring';
import { StackedBarChart, fmt, Sparkline } from '../charts';
import { useLiveData } from '../charts/live';
import { SEVERITY_COLOR, PanelCard, PanelBody, LogList } from './common';

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

export function RecentErrorsCard({ panel, loading }: { panel: Panel<RecentErrorsPanel> | undefined; loading: boolean }) {
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
