/**
 * Deployments on the Operations page: every recorded deployment (from the local cache, so the list
 * works offline) with the pre-deployment checklist recorded before it and the outcome of its
 * 10-minute watch (error rate, API success rate, p95 latency against the window before). A watch that
 * cannot run says why: unknown is never shown as healthy.
 */
import { Fragment, useCallback, useEffect, useState } from 'react';
import { call, CallError, subscribe } from '../../api';
import type { DeploymentListItem } from '../../../../shared/api/deployments';

const SPANS = [
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
] as const;

const CHECK_LABEL = { passed: 'passed', failed: 'failed', cannot_check: 'cannot check' } as const;
const WATCH_LABEL = { healthy: 'healthy', regression: 'regression', no_data: 'no data' } as const;

function message(err: unknown): string {
  return err instanceof CallError ? err.error.message : String(err);
}

function fmt(v: number | null, name: string): string {
  if (v === null) return 'no data';
  return name === 'p95_latency' ? `${Math.round(v)} ms` : `${(v * 100).toFixed(2)} %`;
}

function CheckCell({ d }: { d: DeploymentListItem }) {
  if (!d.check) return <span className="muted">no checklist recorded before it</span>;
  const failed = d.check.items.filter((i) => i.status === 'failed').length;
  const unknown = d.check.items.filter((i) => i.status === 'cannot_check').length;
  return (
    <span className={d.check.passed ? 'dep-ok' : 'dep-bad'} data-testid="deployment-check">
      {d.check.passed ? 'passed' : 'not passed'}
      <span className="hint">
        {' '}
        {failed} failed · {unknown} cannot check · by {d.check.checkedBy}, {new Date(d.check.checkedAt).toLocaleString()}
      </span>
    </span>
  );
}

function WatchCell({ d }: { d: DeploymentListItem }) {
  if (!d.watch) return <span className="muted">unknown — {d.watchUnavailable ?? 'not measured'}</span>;
  return (
    <span className={d.watch.outcome === 'regression' ? 'dep-bad' : d.watch.outcome === 'healthy' ? 'dep-ok' : 'muted'} data-testid="deployment-watch" data-outcome={d.watch.outcome}>
      {WATCH_LABEL[d.watch.outcome]}
      <span className="hint"> {d.watch.summary}</span>
    </span>
  );
}

function Detail({ d }: { d: DeploymentListItem }) {
  return (
    <div className="dep-detail" data-testid="deployment-detail">
      <h3>Pre-deployment checklist</h3>
      {d.check ? (
        <ul className="dep-items">
          {d.check.items.map((i, n) => (
            <li key={`${i.id}:${n}`} data-status={i.status}>
              <strong>{CHECK_LABEL[i.status]}</strong> — {i.title}: <span className="hint">{i.detail}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No checklist of {d.environment} was recorded before this deployment (roman deploy check).</p>
      )}
      <h3>Watch of the 10 minutes after it</h3>
      {d.watch ? (
        <table className="ops-table">
          <thead>
            <tr>
              <th>Measure</th>
              <th>Before</th>
              <th>After</th>
              <th>Result</th>
            </tr>
          </thead>
          <tbody>
            {d.watch.measures.map((m) => (
              <tr key={m.name} data-measure={m.name} data-status={m.status}>
                <td>{m.name.replace(/_/g, ' ')}</td>
                <td>
                  {fmt(m.before, m.name)} <span className="hint">(n={m.nBefore})</span>
                </td>
                <td>
                  {fmt(m.after, m.name)} <span className="hint">(n={m.nAfter})</span>
                </td>
                <td>
                  {m.status === 'no_data' ? 'no data' : m.status}
                  <div className="hint">{m.detail}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">Unknown: {d.watchUnavailable ?? 'not measured'}.</p>
      )}
    </div>
  );
}

export function DeploymentsCard() {
  const [since, setSince] = useState<(typeof SPANS)[number][0]>('7d');
  const [items, setItems] = useState<DeploymentListItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadedAt, setLoadedAt] = useState<number | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);

  const load = useCallback(() => {
    call('deployments.list', { since, limit: 100, withWatch: true }).then(
      (r) => {
        setItems(r.deployments);
        setError(null);
        setLoadedAt(Date.now());
      },
      (err: unknown) => setError(message(err)),
    );
  }, [since]);

  useEffect(() => {
    load();
    // New deployments and checklists arrive with the sync; a running watch moves on every minute.
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = subscribe('store.changed', () => {
      timer ??= setTimeout(() => {
        timer = null;
        load();
      }, 5_000);
    });
    const minute = setInterval(load, 60_000);
    return () => {
      off();
      clearInterval(minute);
      if (timer) clearTimeout(timer);
    };
  }, [load]);

  return (
    <div className="card" style={{ marginTop: 16 }} data-testid="deployments">
      <div className="row">
        <h2>Deployments</h2>
        <select aria-label="Deployments period" value={since} onChange={(e) => setSince(e.target.value as typeof since)}>
          {SPANS.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
        <button className="btn secondary" type="button" onClick={load}>
          Refresh
        </button>
        {loadedAt ? <span className="hint">as of {new Date(loadedAt).toLocaleTimeString()}</span> : null}
      </div>
      <p className="hint">
        Recorded with <code>roman deploy record</code>; the checklist is the latest <code>roman deploy check</code> of the same environment before the deployment; the watch compares
        the 10 minutes after it with the 10 minutes before.
      </p>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {items === null && !error ? <p className="muted">Loading…</p> : null}
      {items && items.length === 0 ? <p className="muted">No deployment recorded in this period.</p> : null}
      {items && items.length > 0 ? (
        <table className="ops-table" data-testid="deployments-table">
          <thead>
            <tr>
              <th>Deployed</th>
              <th>Version</th>
              <th>Environment</th>
              <th>By</th>
              <th>Checklist</th>
              <th>Watch</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <Fragment key={d.id}>
                <tr data-version={d.version} data-testid="deployment-row">
                  <td>{new Date(d.at).toLocaleString()}</td>
                  <td>
                    <button type="button" className="link" aria-expanded={openId === d.id} onClick={() => setOpenId(openId === d.id ? null : d.id)}>
                      {d.version}
                    </button>
                    {d.correlationId ? <div className="hint">{d.correlationId}</div> : null}
                  </td>
                  <td>{d.environment}</td>
                  <td>{d.deployedBy}</td>
                  <td>
                    <CheckCell d={d} />
                  </td>
                  <td>
                    <WatchCell d={d} />
                  </td>
                </tr>
                {openId === d.id ? (
                  <tr>
                    <td colSpan={6}>
                      <Detail d={d} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
