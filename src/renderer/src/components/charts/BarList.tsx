/**
 * Horizontal bars for a ranked list (top IPs, top offenders): label, bar proportional to the
 * value, value text. SVG with one <title> per row. Rows marked `hot` are drawn in the alarm colour.
 */
import { useId } from 'react';

export interface BarListItem {
  key: string;
  label: string;
  value: number;
  /** Extra words for the tooltip (e.g. "last seen 14:03"). */
  note?: string;
  /** Draw in the alarm colour (e.g. an IP with a firing Security Breach alert). */
  hot?: boolean;
}

export interface BarListProps {
  title: string;
  items: BarListItem[];
  format: (v: number) => string;
  color?: string;
  highlightColor?: string;
  testId?: string;
}

const W = 640;
const ROW = 22;
const LABEL_W = 150;
const VALUE_W = 70;

export function BarList({ title, items, format, color = 'var(--info)', highlightColor = 'var(--bad)', testId }: BarListProps) {
  const id = useId();
  const max = Math.max(1, ...items.map((i) => i.value));
  const height = Math.max(1, items.length) * ROW + 4;
  const barSpace = W - LABEL_W - VALUE_W;
  return (
    <figure className="chart" data-testid={testId}>
      <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="chart-svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{items.length ? items.map((i) => `${i.label}: ${format(i.value)}`).join('; ') : 'Nothing to show.'}</desc>
        {items.map((item, row) => {
          const hot = item.hot === true;
          const yy = row * ROW + 2;
          return (
            <g key={item.key} data-key={item.key} data-value={item.value} data-hot={hot}>
              <title>{`${item.label}: ${format(item.value)}${item.note ? ` (${item.note})` : ''}`}</title>
              <text x={LABEL_W - 8} y={yy + ROW / 2} dy="0.32em" textAnchor="end" className="chart-label">
                {item.label}
              </text>
              <rect x={LABEL_W} y={yy + 3} height={ROW - 6} width={Math.max(1, (item.value / max) * barSpace)} rx={3} style={{ fill: hot ? highlightColor : color }} />
              <text x={LABEL_W + Math.max(1, (item.value / max) * barSpace) + 6} y={yy + ROW / 2} dy="0.32em" className="chart-label">
                {format(item.value)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
