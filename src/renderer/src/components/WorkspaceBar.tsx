/**
 * The strip at the top of every page: which database is watched (the sample workspace is labelled
 * as such), whether it answers, when the cache was last synced, and the live system entropy.
 */
import { useEffect, useState } from 'react';
import { call, subscribe } from '../api';
import type { WorkspaceStatus } from '../../../shared/workspace';
import { formatPercent } from '../../../shared/constitution';

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
  const [entropy, setEntropy] = useState<{ value: number; stable: boolean } | null>(null);
  const [, setTick] = useState(0);
  const connected = ws?.connection === 'connected';

  useEffect(() => {
    if (!connected) return;
    let alive = true;
    const load = () =>
      call('monitoring.entropy', {}).then(
        (r) => alive && setEntropy({ value: r.entropy, stable: r.stable }),
        () => alive && setEntropy(null),
      );
    void load();
    // The workspace measures the entropy every minute and pushes it: no polling of our own.
    const off = subscribe('monitoring.updated', (e) => e.entropy && alive && setEntropy(e.entropy));
    return () => {
      alive = false;
      off();
    };
  }, [connected]);

  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 15_000);
    return () => clearInterval(t);
  }, []);

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
      {entropy ? (
        <span className={`pill ${entropy.stable ? 'ok' : 'critical'}`} data-testid="entropy-pill">
          Entropy {formatPercent(entropy.value)} ({entropy.stable ? 'STABLE' : 'UNSTABLE'})
        </span>
      ) : null}
    </div>
  );
}
