/** Shared pieces of the dashboard panels: colours, tones, the panel card and body, a figure (Stat) with its window, a log list. */
import { useState, type ReactNode } from 'react';
import { type HealthArea, type HealthCheckResult, type HealthStatus, type LogEntrySummary, type Panel } from '../../../../shared/monitoring';
import { fmt } from '../charts';

export const SEVERITY_COLOR: Record<string, string> = {
  critical: 'var(--bad)',
  error: '#ff8a4c',
  warning: 'var(--warn)',
  info: 'var(--info)',
  debug: 'var(--muted)',
};
export const severityColor = (s: string): string => SEVERITY_COLOR[s] ?? 'var(--muted)';

export const PROVIDER_COLORS: Record<string, string> = { anthropic: '#d4a27f', openai: '#3fb9a0', google: '#7c9cff' };
export const EXTRA_COLORS = ['#c586c0', '#e3b341', '#56d4dd', '#f778ba', '#a5d6ff'];

export const AREA_TITLES: Record<HealthArea, string> = {
  system: 'System',
  connections: 'Connections',
  queries: 'Queries',
  space: 'Space',
  indexes: 'Indexes',
  replication: 'Replication',
  maintenance: 'Maintenance',
  application: 'Application signals',
  sequences: 'Sequences',
};

export const STATUS_RANK: Record<HealthStatus, number> = { critical: 0, warning: 1, unavailable: 2, no_data: 3, ok: 4 };

/** Tone of a figure from its status: no data and unavailable are never green. */
export const TONE_OF: Record<HealthStatus, 'ok' | 'warn' | 'bad' | 'nodata'> = { ok: 'ok', warning: 'warn', critical: 'bad', unavailable: 'nodata', no_data: 'nodata' };

/** Link to another page that keeps the browser host's token in the fragment. */
export function pageHref(page: string): string {
  const params = new URLSearchParams(location.hash.slice(1));
  params.set('page', page);
  return '#' + params.toString();
}

export function formatCheckValue(c: Pick<HealthCheckResult, 'value' | 'unit'>): string {
  if (c.value === null) return '—';
  switch (c.unit) {
    case 'ratio':
      return fmt.percent1(c.value);
    case 'ms':
      return fmt.millis(c.value);
    case 'seconds':
      return fmt.seconds(c.value);
    case 'bytes':
      return fmt.bytes(c.value);
    case 'bytes_per_hour':
      return `${fmt.bytes(c.value)}/h`;
    case 'usd':
      return fmt.usd(c.value);
    default:
      return fmt.integer(c.value);
  }
}

// ---------------------------------------------------------------------------------------------

export function PanelCard({ id, icon, title, testId, children, wide }: { id: string; icon: string; title: string; testId: string; children: ReactNode; wide?: boolean }) {
  return (
    <section className={wide ? 'card dash-panel wide' : 'card dash-panel'} aria-labelledby={`${id}-h`} data-testid={testId}>
      <h2 id={`${id}-h`}>
        <span aria-hidden="true">{icon}</span> {title}
      </h2>
      {children}
    </section>
  );
}

/** Renders a panel's data, or its loading / unavailable state. */
export function PanelBody<T>({ panel, loading, children }: { panel: Panel<T> | undefined; loading: boolean; children: (data: T) => ReactNode }) {
  if (!panel)
    return loading ? (
      <p className="muted dash-loading" aria-busy="true">
        Loading…
      </p>
    ) : (
      <p className="muted">No data.</p>
    );
  if (panel.status === 'unavailable')
    return (
      <p className="dash-unavailable" data-testid="panel-unavailable">
        unavailable: {panel.reason}
      </p>
    );
  return <>{children(panel.data)}</>;
}

/**
 * One figure. `value` null is "no data" (shown as such, never toned ok); `window` is printed next
 * to the label so two figures of the same measure over different windows never look alike.
 */
export function Stat({ label, value, tone, testId, hint, window }: { label: string; value: string | null; tone?: 'ok' | 'warn' | 'bad' | 'nodata'; testId?: string; hint?: string; window?: string }) {
  const t = value === null ? 'nodata' : tone;
  return (
    <div className={`dash-stat ${t ?? ''}`} data-testid={testId} data-tone={t ?? 'none'} title={hint}>
      <div className="dash-stat-value">{value ?? 'No data'}</div>
      <div className="dash-stat-label">
        {label}
        {window ? <span className="dash-stat-window"> · {window}</span> : null}
      </div>
    </div>
  );
}

export const windowLabel = (minutes: number | undefined) => (minutes === undefined ? undefined : minutes % 60 === 0 ? `last ${minutes / 60} h` : `last ${minutes} min`);

export function LogList({ entries, limit, empty, testId }: { entries: LogEntrySummary[]; limit: number; empty: string; testId: string }) {
  const [all, setAll] = useState(false);
  if (entries.length === 0) return <p className="muted">{empty}</p>;
  const shown = all ? entries : entries.slice(0, limit);
  return (
    <>
      <ul className="dash-list" data-testid={testId}>
        {shown.map((e) => (
          <li key={e.id}>
            <time dateTime={e.timestamp} title={fmt.dateTime(e.timestamp)}>
              {fmt.clock(e.timestamp)}
            </time>
            <span className={`pill ${e.severity}`}>{e.severity}</span>
            <code className="dash-source">{e.source}</code>
            <span className="dash-message">{e.message}</span>
          </li>
        ))}
      </ul>
      {entries.length > limit ? (
        <button type="button" className="btn secondary dash-more" onClick={() => setAll((v) => !v)}>
          {all ? 'Show fewer' : `Show all ${entries.length}`}
        </button>
      ) : null}
    </>
  );
}
