/**
 * Line / area chart of one or more series over time, in plain SVG. Missing values (null) leave a
 * gap. Optional threshold lines are drawn dashed and labelled. Hovering a time slot shows every
 * series' value there (an SVG <title>, so screen readers and native tooltips both get it).
 * With `onSelectRange`, dragging across the plot selects a time range (a plain click does not:
 * under a few pixels of movement nothing is selected, so markers stay clickable).
 */
import { useId, useRef, useState, type PointerEvent } from 'react';
import { clock, linear, niceTicks } from './format';

export interface SeriesPoint {
  t: number;
  v: number | null;
}

export interface Series {
  key: string;
  label: string;
  color: string;
  points: SeriesPoint[];
  /** Fill under the line. */
  area?: boolean;
}

export interface ThresholdLine {
  value: number;
  label: string;
  color?: string;
}

/** A moment to mark on the time axis (a deployment): a vertical line with a short label. */
export interface TimeMarker {
  t: number;
  label: string;
  /** Longer text for the tooltip. */
  detail?: string;
}

export interface TimeSeriesChartProps {
  title: string;
  description?: string;
  series: Series[];
  yLabel: string;
  yFormat: (v: number) => string;
  xFormat?: (t: number) => string;
  yMin?: number;
  /** Lowest top of the y axis (the axis grows with the data and the thresholds). */
  yMaxAtLeast?: number;
  /** Fixed top of the y axis (e.g. 1 for a rate). */
  yMax?: number;
  thresholds?: ThresholdLine[];
  /** Vertical markers (deployments) inside the time range; those outside it are not drawn. */
  markers?: TimeMarker[];
  height?: number;
  testId?: string;
  /** Called with the dragged range (ms since epoch) when the user drags across the plot. */
  onSelectRange?: (from: number, to: number) => void;
}

/** Movement (in viewBox units) under which a press is a click, not a drag. */
const DRAG_MIN = 6;

const W = 640;
const PAD = { left: 58, right: 14, top: 12, bottom: 34 };

/** Splits points into runs without nulls, for gaps in the line. */
function runs(points: SeriesPoint[]): { t: number; v: number }[][] {
  const out: { t: number; v: number }[][] = [];
  let cur: { t: number; v: number }[] = [];
  for (const p of points) {
    if (p.v === null || !Number.isFinite(p.v)) {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push({ t: p.t, v: p.v });
  }
  if (cur.length) out.push(cur);
  return out;
}

function latestLabel(s: Series, format: (v: number) => string): string {
  for (let i = s.points.length - 1; i >= 0; i--) {
    const v = s.points[i].v;
    if (v !== null && Number.isFinite(v)) return format(v);
  }
  return 'no data';
}

export function TimeSeriesChart({
  title,
  description,
  series,
  yLabel,
  yFormat,
  xFormat = clock,
  yMin = 0,
  yMaxAtLeast,
  yMax,
  thresholds = [],
  markers = [],
  height = 200,
  testId,
  onSelectRange,
}: TimeSeriesChartProps) {
  const id = useId();
  const svgRef = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  const times = series[0]?.points.map((p) => p.t) ?? [];
  const values = series.flatMap((s) => s.points.map((p) => p.v)).filter((v): v is number => v !== null && Number.isFinite(v));
  const hasData = values.length > 0;
  const top = yMax ?? Math.max(yMaxAtLeast ?? 0, ...values, ...thresholds.map((t) => t.value * 1.1), yMin + 1e-9);
  const ticks = yMax !== undefined ? niceTicks(yMin, yMax, 4).filter((v) => v <= yMax + 1e-9) : niceTicks(yMin, top, 4);
  const yTop = yMax ?? ticks[ticks.length - 1];
  const t0 = times[0] ?? 0;
  const t1 = times[times.length - 1] ?? 1;
  const x = linear([t0, t1 === t0 ? t0 + 1 : t1], [PAD.left, W - PAD.right]);
  const y = linear([yMin, yTop], [height - PAD.bottom, PAD.top]);
  const slot = times.length > 1 ? (W - PAD.left - PAD.right) / (times.length - 1) : W - PAD.left - PAD.right;
  const xTickEvery = Math.max(1, Math.ceil(times.length / 6));
  const clampY = (v: number) => y(Math.min(Math.max(v, yMin), yTop));
  const plotX = (clientX: number) => {
    const box = svgRef.current?.getBoundingClientRect();
    const vx = box && box.width > 0 ? ((clientX - box.left) / box.width) * W : PAD.left;
    return Math.min(Math.max(vx, PAD.left), W - PAD.right);
  };
  const timeAt = (vx: number) => t0 + ((vx - PAD.left) / (W - PAD.left - PAD.right)) * ((t1 === t0 ? t0 + 1 : t1) - t0);
  const dragging = drag !== null && Math.abs(drag.x1 - drag.x0) >= DRAG_MIN;
  const selectable = onSelectRange !== undefined && times.length > 1;
  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    if (!selectable || e.button !== 0) return;
    const vx = plotX(e.clientX);
    setDrag({ x0: vx, x1: vx });
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    if (!drag) return;
    if (!svgRef.current?.hasPointerCapture(e.pointerId) && Math.abs(plotX(e.clientX) - drag.x0) >= DRAG_MIN) svgRef.current?.setPointerCapture(e.pointerId);
    setDrag({ x0: drag.x0, x1: plotX(e.clientX) });
  };
  const onPointerUp = (e: PointerEvent<SVGSVGElement>) => {
    if (!drag) return;
    const x1 = plotX(e.clientX);
    setDrag(null);
    if (Math.abs(x1 - drag.x0) >= DRAG_MIN && onSelectRange) {
      const a = timeAt(Math.min(drag.x0, x1));
      const b = timeAt(Math.max(drag.x0, x1));
      onSelectRange(Math.round(a / 1000) * 1000, Math.round(b / 1000) * 1000);
    }
  };

  return (
    <figure className="chart" data-testid={testId}>
      <svg
        ref={svgRef}
        viewBox={`0 0 ${W} ${height}`}
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        className={selectable ? 'chart-svg chart-zoomable' : 'chart-svg'}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => setDrag(null)}
      >
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>
          {description ??
            (hasData
              ? series.map((s) => `${s.label}: latest ${latestLabel(s, yFormat)}`).join('; ')
              : 'No data in this period.')}
        </desc>
        {ticks.map((v) => (
          <g key={v} className="chart-grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text x={PAD.left - 6} y={y(v)} dy="0.32em" textAnchor="end" className="chart-tick">
              {yFormat(v)}
            </text>
          </g>
        ))}
        <text className="chart-axis-label" transform={`translate(12 ${(height - PAD.bottom + PAD.top) / 2}) rotate(-90)`} textAnchor="middle">
          {yLabel}
        </text>
        {times.map((t, i) =>
          (i % xTickEvery === 0 && times.length - 1 - i >= xTickEvery / 2) || i === times.length - 1 ? (
            <text key={t} x={x(t)} y={height - PAD.bottom + 16} textAnchor={i === 0 ? 'start' : i === times.length - 1 ? 'end' : 'middle'} className="chart-tick" data-axis="x">
              {xFormat(t)}
            </text>
          ) : null,
        )}
        <line className="chart-axis" x1={PAD.left} x2={W - PAD.right} y1={height - PAD.bottom} y2={height - PAD.bottom} />
        {series.map((s) =>
          runs(s.points).map((run, ri) => {
            const line = run.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${clampY(p.v).toFixed(1)}`).join(' ');
            const area = `${line} L${x(run[run.length - 1].t).toFixed(1)},${y(yMin).toFixed(1)} L${x(run[0].t).toFixed(1)},${y(yMin).toFixed(1)} Z`;
            return (
              <g key={`${s.key}-${ri}`} data-series={s.key}>
                {s.area ? <path d={area} style={{ fill: s.color, opacity: 0.18 }} /> : null}
                <path d={line} style={{ stroke: s.color }} className="chart-line" />
                {run.length === 1 ? <circle cx={x(run[0].t)} cy={clampY(run[0].v)} r={2.5} style={{ fill: s.color }} /> : null}
              </g>
            );
          }),
        )}
        {thresholds.map((th) => (
          <g key={th.label} className="chart-threshold" data-threshold={th.value}>
            <line x1={PAD.left} x2={W - PAD.right} y1={clampY(th.value)} y2={clampY(th.value)} style={{ stroke: th.color ?? 'var(--bad)' }} />
            <text x={W - PAD.right - 4} y={clampY(th.value) - 4} textAnchor="end" style={{ fill: th.color ?? 'var(--bad)' }} className="chart-tick">
              {th.label}
            </text>
          </g>
        ))}
        {markers
          .filter((m) => times.length > 0 && m.t >= t0 && m.t <= t1)
          .map((m) => (
            <g key={`${m.t}-${m.label}`} className="chart-marker" data-testid="chart-marker" data-label={m.label}>
              <line x1={x(m.t)} x2={x(m.t)} y1={PAD.top} y2={height - PAD.bottom} style={{ stroke: 'var(--accent)', strokeDasharray: '3 3' }} />
              <text x={x(m.t) + 3} y={PAD.top + 9} className="chart-tick" style={{ fill: 'var(--accent)' }}>
                {m.label}
              </text>
              <title>{m.detail ?? m.label}</title>
            </g>
          ))}
        {times.map((t, i) => (
          <rect key={t} className="chart-hover" x={x(t) - slot / 2} y={PAD.top} width={slot} height={height - PAD.top - PAD.bottom}>
            <title>
              {`${xFormat(t)} — ` +
                series
                  .map((s) => {
                    const v = s.points[i]?.v;
                    return `${s.label}: ${v === null || v === undefined ? 'no data' : yFormat(v)}`;
                  })
                  .join(', ')}
            </title>
          </rect>
        ))}
        {dragging ? (
          <rect
            className="chart-selection"
            data-testid="chart-selection"
            x={Math.min(drag.x0, drag.x1)}
            y={PAD.top}
            width={Math.abs(drag.x1 - drag.x0)}
            height={height - PAD.top - PAD.bottom}
            style={{ fill: 'var(--accent)', opacity: 0.2, pointerEvents: 'none' }}
          />
        ) : null}
        {!hasData ? (
          <text x={W / 2} y={height / 2} textAnchor="middle" className="chart-empty">
            No data in this period
          </text>
        ) : null}
      </svg>
      {series.length > 1 ? <Legend items={series.map((s) => ({ key: s.key, label: s.label, color: s.color }))} /> : null}
    </figure>
  );
}

export function Legend({ items }: { items: { key: string; label: string; color: string }[] }) {
  return (
    <ul className="chart-legend" aria-label="Legend">
      {items.map((i) => (
        <li key={i.key}>
          <span className="chart-swatch" style={{ background: i.color }} aria-hidden="true" />
          {i.label}
        </li>
      ))}
    </ul>
  );
}
