/**
 * The strip at the top of every page: which database is watched (the sample workspace is labelled
 * as such), whether it answers, when the cache was last synced, and the live system entropy.
 */
import { InstallTables } from './InstallTables';
import { useEffect, useState } from 'react';
import { call, subscribe } from '../api';
import { useNow } from './charts/live';
import type { WorkspaceStatus } from '../../../shared/workspace';
import { formatAge, type MeasureData } from '../../../shared/monitoring';
import type { EntropyReading } from '../../../shared/monitoring';

interface EntropyFigure {
  value: number;
  stable: boolean;
  measuredAt: string | null;
  windowMinutes: number | null;
  data: MeasureData | null;
}

const fromReading = (r: EntropyReading): EntropyFigure => ({ value: r.entropy, stable: r.stable, measuredAt: r.measuredAt, windowMinutes: r.window.minutes, data: r.data });

/**
 * The entropy pill: the same figure as the dashboard gauge (one decimal, its window), "no data"
 * when nothing was measured, and "stale" with its age while the database does not answer — the
 * last green reading is never shown as live.
 */
export function EntropyPill({ entropy, online, now }: { entropy: EntropyFigure; online: boolean; now: number }) {
  const pct = `${(entropy.value * 100).toFixed(1)}%`;
  const win = entropy.windowMinutes ? `, last ${entropy.windowMinutes} min` : '';
  if (!online) {
    const age = entropy.measuredAt ? formatAge(now - new Date(entropy.measuredAt).getTime()) : 'unknown time';
    return (
      <span className="pill stale" data-testid="entropy-pill" data-state="stale" title="The database does not answer: this is the last reading, not a live one.">
        Entropy stale: {entropy.data === 'no_data' ? 'no data' : pct} measured {age} ago
      </span>
    );
  }
  if (entropy.data === 'no_data') {
    return (
      <span className="pill stale" data-testid="entropy-pill" data-state="no_data" title="Nothing was logged and no request was made in the window: nothing to measure.">
        Entropy: no data{win}
      </span>
    );
  }
  return (
    <span className={`pill ${entropy.stable ? 'ok' : 'critical'}`} data-testid="entropy-pill" data-state="live">
      Entropy {pct} ({entropy.stable ? 'STABLE' : 'UNSTABLE'}{win})
    </span>
  );
}

function ago(iso: string | null): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return new Date(iso).toLocaleString();
}

export function useWorkspace(): WorkspaceStatus | null {
  const [status, setStatus] = useState<WorkspaceStatus | null>(null);
  useEffect(() => {
    let alive = true;
    call('workspace.status', {}).then(
      (s) => alive && setStatus(s),
      () => undefined,
    );
    const off = subscribe('workspace.changed', (s) => alive && setStatus(s));
    return () => {
      alive = false;
      off();
    };
  }, []);
  return status;
}

export function WorkspaceBar() {
  const ws = useWorkspace();
  const [entropy, setEntropy] = useState<EntropyFigure | null>(null);
  const now = useNow();
  const connected = ws?.connection === 'connected';

  useEffect(() => {
    if (!connected) return;
    let alive = true;
    const load = () =>
      call('monitoring.entropy', {}).then(
        (r) => alive && setEntropy(fromReading(r)),
        // Keep the last reading: it is shown as stale with its age, never dropped silently or kept as live.
        () => undefined,
      );
    void load();
    // The workspace measures the entropy every minute and pushes it: no polling of our own.
    const off = subscribe(
      'monitoring.updated',
      (e) =>
        e.entropy &&
        alive &&
        setEntropy({
          value: e.entropy.value,
          stable: e.entropy.stable,
          measuredAt: e.entropy.measuredAt ?? e.at,
          windowMinutes: e.entropy.windowMinutes ?? null,
          data: e.entropy.data ?? null,
        }),
    );
    return () => {
      alive = false;
      off();
    };
  }, [connected]);

  if (!ws) return null;
  if (!ws.open) {
    return (
      <div className="workspace-bar" data-testid="workspace-bar" data-state={ws.opening ? 'opening' : 'closed'}>
        {ws.opening ? <span>Opening {ws.name}…</span> : <span className="muted">No database open{ws.openError ? `: ${ws.openError}` : ' — choose one in Settings'}</span>}
      </div>
    );
  }
  const online = ws.connection === 'connected';
  return (
    <div className="workspace-bar" data-testid="workspace-bar" data-state={online ? 'online' : 'offline'}>
      {ws.kind === 'sample' ? (
        <span className="pill warning" title="Generated data in an embedded Postgres: add your own connection in Settings">
          SAMPLE WORKSPACE — generated data
        </span>
      ) : (
        <span className={`pill ${ws.environment === 'production' ? 'critical' : 'info'}`}>{ws.environment}</span>
      )}
      <strong>{ws.name}</strong>
      <span className="muted">{ws.target}</span>
      {ws.tls && ws.tls.used ? (
        <span className={`pill ${ws.tls.used === 'tls' ? 'ok' : ws.kind === 'sample' ? 'info' : 'warning'}`} data-testid="tls-used" title={`TLS mode: ${ws.tls.mode}`}>
          {ws.tls.used === 'tls' ? 'TLS' : 'No TLS'} ({ws.tls.mode})
        </span>
      ) : null}
      <span className={online ? 'status-dot ok' : 'status-dot bad'} aria-hidden="true" />
      <span data-testid="connection-state">
        {online ? 'Online' : ws.offlineSince ? `Offline since ${new Date(ws.offlineSince).toLocaleString()}` : ws.connection}
      </span>
      <span className="muted" data-testid="last-synced">
        {ws.syncing && online
          ? `Syncing${ws.syncProgress ? ` ${ws.syncProgress.table} (${ws.syncProgress.rows.toLocaleString()} rows)` : '…'}`
          : `Last synced ${ago(ws.lastSyncedAt)}${ws.syncing ? ' · trying to reconnect…' : ''}`}
      </span>
      {ws.initialized === false ? <span className="pill warning">R.O.M.A.N. tables not installed</span> : null}
      {ws.kind !== 'sample' ? <InstallTables key={ws.id ?? ''} needed={ws.initialized === false} /> : null}
      {ws.problem ? (
        <span className="pill critical" data-testid="workspace-problem" title={`${ws.problem.message}${ws.logFile ? `\nLogged in ${ws.logFile}` : ''}`}>
          {ws.problem.source} failed: {ws.problem.message.length > 120 ? `${ws.problem.message.slice(0, 119)}…` : ws.problem.message}
        </span>
      ) : null}
      {ws.cacheIntegrity && !ws.cacheIntegrity.ok ? (
        <span className="pill critical" title={ws.cacheIntegrity.problems.join('\n')}>
          Local cache damaged (checked {new Date(ws.cacheIntegrity.checkedAt).toLocaleString()})
        </span>
      ) : null}
      {ws.cacheWorker && (ws.cacheWorker.restarts > 0 || ws.cacheWorker.state === 'failed') ? (
        <span
          className={`pill ${ws.cacheWorker.state === 'failed' ? 'critical' : 'warning'}`}
          data-testid="cache-worker"
          title={[ws.cacheWorker.lastCrash?.reason, ws.cacheWorker.error].filter(Boolean).join('\n')}
        >
          {ws.cacheWorker.state === 'failed'
            ? 'Local cache unavailable'
            : `Local cache restarted ${ws.cacheWorker.restarts}× (last ${ws.cacheWorker.lastCrash ? new Date(ws.cacheWorker.lastCrash.at).toLocaleTimeString() : '?'})`}
        </span>
      ) : null}
      {entropy ? <EntropyPill entropy={entropy} online={online} now={now} /> : null}
    </div>
  );
}
