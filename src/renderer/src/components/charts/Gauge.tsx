/**
 * Half-circle gauge for a ratio (system entropy): the scale from 0 to `max`, the zone above the
 * threshold in the alarm colour and a needle at the value. The value and its label are in the
 * SVG description; the caller prints them as text next to it. Values beyond the scale pin the needle
 * at the end.
 */
import { useId } from 'react';
import { percent1 } from './format';

export interface GaugeProps {
  title: string;
  /** 0..1 */
  value: number;
  /** Where the bad zone starts (0..max). */
  threshold: number;
  /** End of the scale; default twice the threshold, or 100 % when the value is beyond that. */
  max?: number;
  label: string;
  /** 'unknown': no data or stale — neither green nor red. */
  tone: 'ok' | 'bad' | 'unknown';
  testId?: string;
}

const CX = 120;
const CY = 112;
const R = 92;

function point(fraction: number, radius = R): [number, number] {
  const angle = Math.PI * (1 - fraction);
  return [CX + radius * Math.cos(angle), CY - radius * Math.sin(angle)];
}

function arc(from: number, to: number): string {
  const [x0, y0] = point(from);
  const [x1, y1] = point(to);
  return `M${x0.toFixed(2)},${y0.toFixed(2)} A${R},${R} 0 0 1 ${x1.toFixed(2)},${y1.toFixed(2)}`;
}

export function Gauge({ title, value, threshold, max, label, tone, testId }: GaugeProps) {
  const id = useId();
  const scale = max ?? (value > threshold * 2 ? 1 : threshold * 2);
  const f = Math.min(1, Math.max(0, value / scale));
  const th = Math.min(1, threshold / scale);
  const [nx, ny] = point(f, R - 14);
  return (
    <figure className="chart gauge" data-testid={testId}>
      <svg viewBox="0 0 240 134" role="img" aria-labelledby={`${id}-t ${id}-d`} className="chart-svg gauge-svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{`${percent1(value)} — ${label}. Threshold ${percent1(threshold)}, scale 0 to ${percent1(scale)}.`}</desc>
        <path d={arc(0, th)} className="gauge-track ok" />
        <path d={arc(th, 1)} className="gauge-track bad" />
        <path d={arc(0, Math.max(0.002, f))} className={`gauge-value ${tone}`} />
        <line x1={CX} y1={CY} x2={nx} y2={ny} className="gauge-needle" />
        <circle cx={CX} cy={CY} r={5} className="gauge-hub" />
        {(() => {
          const [tx, ty] = point(th, R + 16);
          return (
            <text x={tx} y={ty} dy="0.32em" textAnchor={th < 0.45 ? 'end' : th > 0.55 ? 'start' : 'middle'} className="chart-tick">
              {percent1(threshold)}
            </text>
          );
        })()}
        <text x={CX - R} y={CY + 16} textAnchor="middle" className="chart-tick">
          0%
        </text>
        <text x={CX + R} y={CY + 16} textAnchor="middle" className="chart-tick">
          {percent1(scale)}
        </text>
      </svg>
    </figure>
  );
}
