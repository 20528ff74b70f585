/**
 * Events on a time axis: one lane per kind (approval, rejection, backup, alert, …), one mark per
 * event coloured by severity, each with an SVG <title> (time, kind, message).
 */
import { useId } from 'react';
import { clock, dateTime, linear } from './format';

export interface TimelineEvent {
  id: string | number;
  at: number;
  lane: string;
  severity: string;
  message: string;
}

export interface EventTimelineProps {
  title: string;
  events: TimelineEvent[];
  /** Lanes in display order; events of other lanes get their own lane after these. */
  lanes: { key: string; label: string }[];
  from: number;
  to: number;
  severityColor: (severity: string) => string;
  testId?: string;
}

const W = 640;
const LANE_H = 24;
const PAD = { left: 96, right: 14, top: 6, bottom: 26 };

export function EventTimeline({ title, events, lanes, from, to, severityColor, testId }: EventTimelineProps) {
  const id = useId();
  const known = new Set(lanes.map((l) => l.key));
  const extra = [...new Set(events.map((e) => e.lane).filter((l) => !known.has(l)))].sort().map((key) => ({ key, label: key }));
  const all = [...lanes, ...extra];
  const height = PAD.top + all.length * LANE_H + PAD.bottom;
  const x = linear([from, to], [PAD.left, W - PAD.right]);
  const laneY = (key: string) => PAD.top + all.findIndex((l) => l.key === key) * LANE_H + LANE_H / 2;
  const ticks = Array.from({ length: 7 }, (_, i) => from + ((to - from) * i) / 6);
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.lane, (counts.get(e.lane) ?? 0) + 1);

  return (
    <figure className="chart" data-testid={testId}>
      <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="chart-svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>
          {events.length ? all.map((l) => `${l.label}: ${counts.get(l.key) ?? 0}`).join(', ') : 'No events in this period.'}
        </desc>
        {all.map((l) => (
          <g key={l.key} className="chart-grid" data-lane={l.key}>
            <line x1={PAD.left} x2={W - PAD.right} y1={laneY(l.key)} y2={laneY(l.key)} />
            <text x={PAD.left - 8} y={laneY(l.key)} dy="0.32em" textAnchor="end" className="chart-label">
              {`${l.label} (${counts.get(l.key) ?? 0})`}
            </text>
          </g>
        ))}
        {ticks.map((t, i) => (
          <text key={t} x={x(t)} y={height - 8} textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'} className="chart-tick">
            {clock(t)}
          </text>
        ))}
        {events.map((e) => (
          <circle key={e.id} cx={x(Math.min(to, Math.max(from, e.at)))} cy={laneY(e.lane)} r={5} className="timeline-mark" style={{ fill: severityColor(e.severity) }} data-severity={e.severity}>
            <title>{`${dateTime(e.at)} · ${e.lane} · ${e.severity}: ${e.message}`}</title>
          </circle>
        ))}
      </svg>
    </figure>
  );
}
