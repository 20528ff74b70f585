/**
 * Vertical stacked bars over ordered categories (hours, days), in plain SVG. Each segment carries
 * an SVG <title> (native tooltip, read by screen readers); so does each whole bar (its total).
 */
import { useId } from 'react';
import { linear, niceTicks } from './format';
import { Legend } from './TimeSeriesChart';

export interface BarCategory {
  key: string;
  /** Axis label (short). */
  label: string;
  /** Tooltip label (long); defaults to label. */
  tooltip?: string;
}

export interface BarStack {
  key: string;
  label: string;
  color: string;
}

export interface StackedBarChartProps {
  title: string;
  description?: string;
  categories: BarCategory[];
  stacks: BarStack[];
  /** values[categoryKey][stackKey] */
  values: Record<string, Record<string, number>>;
  yLabel: string;
  yFormat: (v: number) => string;
  height?: number;
  testId?: string;
}

const W = 640;
const PAD = { left: 58, right: 10, top: 12, bottom: 34 };

export function StackedBarChart({ title, description, categories, stacks, values, yLabel, yFormat, height = 200, testId }: StackedBarChartProps) {
  const id = useId();
  const totals = categories.map((c) => stacks.reduce((sum, s) => sum + (values[c.key]?.[s.key] ?? 0), 0));
  const max = Math.max(0, ...totals);
  const ticks = niceTicks(0, max > 0 ? max : 1, 4);
  const yTop = ticks[ticks.length - 1];
  const y = linear([0, yTop], [height - PAD.bottom, PAD.top]);
  const band = (W - PAD.left - PAD.right) / Math.max(1, categories.length);
  const barW = Math.max(2, band * 0.72);
  const labelEvery = Math.max(1, Math.ceil(categories.length / 8));
  const grand = totals.reduce((a, b) => a + b, 0);

  return (
    <figure className="chart" data-testid={testId}>
      <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="chart-svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>
          {description ??
            `${categories.length} bars, total ${yFormat(grand)}` +
              (max > 0 ? `; highest ${categories[totals.indexOf(max)]?.tooltip ?? categories[totals.indexOf(max)]?.label} with ${yFormat(max)}` : '')}
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
        <line className="chart-axis" x1={PAD.left} x2={W - PAD.right} y1={height - PAD.bottom} y2={height - PAD.bottom} />
        {categories.map((c, i) => {
          const x0 = PAD.left + i * band + (band - barW) / 2;
          let acc = 0;
          const label = c.tooltip ?? c.label;
          return (
            <g key={c.key} data-category={c.key} data-total={totals[i]}>
              <title>{`${label}: ${yFormat(totals[i])} in total`}</title>
              {stacks.map((s) => {
                const v = values[c.key]?.[s.key] ?? 0;
                if (v <= 0) return null;
                const yTopSeg = y(acc + v);
                const h = y(acc) - yTopSeg;
                acc += v;
                return (
                  <rect key={s.key} x={x0} y={yTopSeg} width={barW} height={Math.max(0.5, h)} style={{ fill: s.color }} className="chart-bar">
                    <title>{`${label} — ${s.label}: ${yFormat(v)}`}</title>
                  </rect>
                );
              })}
              {(i % labelEvery === 0 && categories.length - 1 - i >= labelEvery / 2) || i === categories.length - 1 ? (
                <text x={x0 + barW / 2} y={height - PAD.bottom + 16} textAnchor="middle" className="chart-tick">
                  {c.label}
                </text>
              ) : null}
            </g>
          );
        })}
        {max === 0 ? (
          <text x={W / 2} y={height / 2} textAnchor="middle" className="chart-empty">
            Nothing in this period
          </text>
        ) : null}
      </svg>
      {stacks.length > 1 ? <Legend items={stacks} /> : null}
    </figure>
  );
}
