/**
 * The dashboard header's controls, as in Grafana: the time range (presets or a validated custom
 * from/to), "Reset zoom" back to the range before a chart drag, the auto-refresh period, "updated
 * N s ago" and Refresh. The range and the period live in the URL hash (a reload keeps them).
 */
import { useState } from 'react';
import {
  PRESET_LABELS,
  RANGE_PRESETS,
  isPreset,
  parseCustomRange,
  type TimeRange,
} from '../../../../shared/time-range';
import { fmt } from '../charts';
import { useNow } from '../charts/live';

/** Auto-refresh periods (ms); 20 s is the dashboard's period so far and stays the default. */
export const REFRESH_CHOICES: { ms: number; label: string }[] = [
  { ms: 0, label: 'Off' },
  { ms: 10_000, label: '10 s' },
  { ms: 20_000, label: '20 s' },
  { ms: 30_000, label: '30 s' },
  { ms: 60_000, label: '1 min' },
  { ms: 300_000, label: '5 min' },
];
export const DEFAULT_REFRESH_MS = 20_000;

/** "YYYY-MM-DDTHH:MM" in local time, for a datetime-local input. */
function localInput(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** What the range reads as in the header: "Last 6 h" or "Nov 28, 10:00:00 → Nov 28, 11:00:00". */
export function rangeLabel(range: TimeRange): string {
  return 'preset' in range ? PRESET_LABELS[range.preset] : `${fmt.dateTime(range.from)} → ${fmt.dateTime(range.to)}`;
}

function UpdatedAgo({ updatedAt }: { updatedAt: number | null }) {
  const now = useNow(1000);
  if (updatedAt === null) return <span className="muted" data-testid="dashboard-updated">Not loaded yet</span>;
  const s = Math.max(0, Math.round((Math.max(now, updatedAt) - updatedAt) / 1000));
  return (
    <span data-testid="dashboard-updated" title={fmt.dateTime(updatedAt)}>
      Updated {s < 120 ? `${s} s ago` : fmt.ago(updatedAt, now)}
    </span>
  );
}

export function TimeRangeControls({
  range,
  onRange,
  previous,
  onResetZoom,
  refreshMs,
  onRefreshMs,
  updatedAt,
  onRefresh,
}: {
  range: TimeRange;
  onRange: (r: TimeRange) => void;
  /** The range before the last zoom, when there is one. */
  previous: TimeRange | null;
  onResetZoom: () => void;
  refreshMs: number;
  onRefreshMs: (ms: number) => void;
  updatedAt: number | null;
  onRefresh: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [fromText, setFromText] = useState('');
  const [toText, setToText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const custom = !('preset' in range);
  const openCustom = () => {
    const now = Date.now();
    const bounds = 'preset' in range ? { from: now - 3_600_000, to: now } : range;
    setFromText(localInput(bounds.from));
    setToText(localInput(bounds.to));
    setError(null);
    setEditing(true);
  };
  const apply = () => {
    const check = parseCustomRange(fromText, toText, Date.now());
    if (!check.ok) {
      setError(check.message);
      return;
    }
    setError(null);
    setEditing(false);
    onRange(check.range);
  };
  return (
    <div className="dash-controls" data-testid="dashboard-controls">
      <div className="row dash-controls-row">
        <label className="dash-control">
          <span>Time range</span>
          <select
            aria-label="Time range"
            data-testid="range-select"
            value={editing || custom ? 'custom' : range.preset}
            onChange={(e) => {
              const v = e.target.value;
              if (isPreset(v)) {
                setEditing(false);
                setError(null);
                onRange({ preset: v });
              } else openCustom();
            }}
          >
            {RANGE_PRESETS.map((p) => (
              <option key={p} value={p}>
                {PRESET_LABELS[p]}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </label>
        {custom && !editing ? (
          <button type="button" className="btn secondary" onClick={openCustom}>
            Edit range
          </button>
        ) : null}
        {previous ? (
          <button type="button" className="btn secondary" data-testid="reset-zoom" onClick={onResetZoom} title={`Back to ${rangeLabel(previous)}`}>
            Reset zoom
          </button>
        ) : null}
        <label className="dash-control">
          <span>Auto-refresh</span>
          <select aria-label="Auto-refresh" data-testid="refresh-select" value={refreshMs} onChange={(e) => onRefreshMs(Number(e.target.value))}>
            {REFRESH_CHOICES.map((c) => (
              <option key={c.ms} value={c.ms}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <UpdatedAgo updatedAt={updatedAt} />
        <button type="button" className="btn secondary" onClick={onRefresh}>
          Refresh
        </button>
      </div>
      <p className="hint dash-range-label">
        Showing <strong data-testid="range-label">{rangeLabel(range)}</strong> on the time-series panels; panels with a fixed window print it.
      </p>
      {editing ? (
        <form
          className="row dash-custom-range"
          data-testid="custom-range"
          onSubmit={(e) => {
            e.preventDefault();
            apply();
          }}
        >
          <label className="dash-control">
            <span>From</span>
            <input type="datetime-local" aria-label="From" value={fromText} onChange={(e) => setFromText(e.target.value)} />
          </label>
          <label className="dash-control">
            <span>To</span>
            <input type="datetime-local" aria-label="To" value={toText} onChange={(e) => setToText(e.target.value)} />
          </label>
          <button type="submit" className="btn">
            Apply range
          </button>
          <button
            type="button"
            className="btn secondary"
            onClick={() => {
              setEditing(false);
              setError(null);
            }}
          >
            Cancel
          </button>
          {error ? (
            <p className="error" role="alert" data-testid="range-error">
              {error} The range was not changed.
            </p>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
