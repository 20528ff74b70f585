/** A tiny bar sparkline (occurrences per hour), with a text alternative for screen readers and tests. */
export interface SparklineProps {
  counts: number[];
  /** e.g. "per hour, last 24 hours" */
  label: string;
  width?: number;
  height?: number;
  testId?: string;
}

export function Sparkline({ counts, label, width = 96, height = 22, testId }: SparklineProps) {
  const max = Math.max(1, ...counts);
  const w = width / Math.max(1, counts.length);
  const total = counts.reduce((a, b) => a + b, 0);
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${total} ${label}; peak ${Math.max(0, ...counts)}`}
      data-testid={testId}
      data-counts={counts.join(',')}
    >
      <title>{`${total} ${label}; peak ${Math.max(0, ...counts)}`}</title>
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} className="sparkline-base" />
      {counts.map((c, i) =>
        c > 0 ? <rect key={i} x={i * w + 0.5} width={Math.max(1, w - 1)} y={height - 1 - Math.max(1.5, (c / max) * (height - 2))} height={Math.max(1.5, (c / max) * (height - 2))} className="sparkline-bar" /> : null,
      )}
    </svg>
  );
}
