/** 🤖 R.O.M.A.N. Events Timeline over the last 24 hours. */
import { type Panel, type RomanEventsPanel } from '../../../../shared/monitoring';
import { EventTimeline, fmt } from '../charts';
import { severityColor, PanelCard, PanelBody } from './common';

const EVENT_LANES = [
  { key: 'approval', label: 'approvals' },
  { key: 'rejection', label: 'rejections' },
  { key: 'backup', label: 'backups' },
  { key: 'alert', label: 'alerts' },
];

export function EventsCard({ panel, loading, generatedAt }: { panel: Panel<RomanEventsPanel> | undefined; loading: boolean; generatedAt: string | undefined }) {
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
