/**
 * Operations: the executions of approved actions (running and history, outcome, backup file) from
 * ops.roman_executions, and the SQL migrations of a folder (Supabase layout) with their status,
 * a dry run, and apply / rollback — requested, approved and confirmed like any other action — and the
 * deployments with their checklist and watch outcome.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, CallError, subscribe } from '../api';
import type { DryRunView, MigrationsView, PrepareResult } from '../../../shared/api/operations';
import type { ExecutionSummary } from '../../../shared/operations';
import { RunDialog } from '../components/operations/RunDialog';
import { DeploymentsCard } from '../components/operations/DeploymentsCard';
import { useWorkspace } from '../components/WorkspaceBar';

const DIR_KEY = 'roman.operations.migrationsDir';

function message(err: unknown): string {
  return err instanceof CallError ? err.error.message : String(err);
}

export function OperationsPage() {
  const workspace = useWorkspace();
  const open = workspace?.open === true;
  const [executions, setExecutions] = useState<ExecutionSummary[] | null>(null);
  const [execError, setExecError] = useState<string | null>(null);
  const [dir, setDir] = useState(() => localStorage.getItem(DIR_KEY) ?? '');
  const [migrations, setMigrations] = useState<MigrationsView | null>(null);
  const [dry, setDry] = useState<DryRunView | null>(null);
  const [migError, setMigError] = useState<string | null>(null);
  const [prepared, setPrepared] = useState<Extract<PrepareResult, { executable: true }> | null>(null);
  const [busy, setBusy] = useState(false);

  const loadExecutions = useCallback(() => {
    if (!open) return;
    call('operations.executions', { limit: 100 }).then(
      (rows) => {
        setExecutions(rows);
        setExecError(null);
      },
      (err: unknown) => setExecError(message(err)),
    );
  }, [open]);

  const loadMigrations = useCallback(
    (folder: string) => {
      if (!open) return;
      call('operations.migrations', { dir: folder.trim() || null }).then(
        (m) => {
          setMigError(null);
          setMigrations(m);
          if (!folder.trim() && m.dir) setDir(m.dir);
        },
        (err: unknown) => setMigError(message(err)),
      );
    },
    [open],
  );

  useEffect(() => {
    loadExecutions();
    loadMigrations(dir);
    const off = subscribe('operations.changed', () => loadExecutions());
    return off;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the folder is loaded on demand after the first render
  }, [loadExecutions]);

  async function request(direction: 'apply' | 'rollback') {
    setBusy(true);
    setMigError(null);
    try {
      localStorage.setItem(DIR_KEY, dir);
      const outcome = await call('actions.request', { kind: direction === 'apply' ? 'migration' : 'rollback' });
      if (outcome.decision.result.verdict === 'reject') {
        setMigError(`Rejected: ${outcome.headline}`);
        return;
      }
      const r = await call('operations.prepare', { decisionId: outcome.decision.decision_id, migration: { dir: dir.trim() || null, direction } });
      if (r.executable) setPrepared(r);
      else setMigError(r.reason);
    } catch (err) {
      setMigError(message(err));
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <div>
        <h1>Operations</h1>
        <p className="muted">Open a database to see its executions and migrations.</p>
      </div>
    );
  }

  return (
    <div>
      <h1>Operations</h1>
      <p className="subtitle">Approved actions that really ran: each through a single-use grant, confirmed, backed up first when destructive in production, and recorded.</p>
      <div className="card">
        <div className="row">
          <h2>Executions</h2>
          <button className="btn secondary" type="button" onClick={loadExecutions}>
            Refresh
          </button>
        </div>
        {execError ? <p className="error">{execError}</p> : null}
        {executions && executions.length === 0 ? <p className="muted">No execution yet. Approve an action and press Run… on the Approvals page.</p> : null}
        {executions && executions.length > 0 ? (
          <table className="ops-table" data-testid="executions">
            <thead>
              <tr>
                <th>Started</th>
                <th>Action</th>
                <th>By</th>
                <th>Outcome</th>
                <th>Backup</th>
                <th>Grant / decision</th>
              </tr>
            </thead>
            <tbody>
              {executions.map((e) => (
                <tr key={e.id} data-outcome={e.outcome ?? 'running'} data-grant={e.grant_id}>
                  <td>{new Date(e.started_at).toLocaleString()}</td>
                  <td>{e.action_kind}</td>
                  <td>
                    {e.started_by} ({e.channel})
                  </td>
                  <td>
                    {e.outcome ?? 'running'}
                    {e.error ? <div className="hint">{e.error}</div> : null}
                  </td>
                  <td>{e.backup_file ? <span title={e.backup_sha256 ?? ''}>{e.backup_file}</span> : '—'}</td>
                  <td className="hint">
                    {e.grant_id.slice(0, 8)} / {e.decision_id.slice(0, 8)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
      <DeploymentsCard />
      <div className="card" style={{ marginTop: 16 }}>
        <h2>Migrations</h2>
        <label htmlFor="migrations-dir">Migrations folder (contains supabase/migrations)</label>
        <div className="row">
          <input id="migrations-dir" type="text" value={dir} onChange={(e) => setDir(e.target.value)} placeholder="/path/to/project" />
          <button className="btn secondary" type="button" onClick={() => loadMigrations(dir)}>
            Show status
          </button>
          <button
            className="btn secondary"
            type="button"
            disabled={busy}
            onClick={() =>
              void call('operations.dryRun', { dir: dir.trim() || null }).then(
                (r) => setDry(r),
                (err: unknown) => setMigError(message(err)),
              )
            }
          >
            Dry run
          </button>
          <button className="btn" type="button" disabled={busy} onClick={() => void request('apply')}>
            Apply…
          </button>
          <button className="btn secondary" type="button" disabled={busy} onClick={() => void request('rollback')}>
            Roll back last…
          </button>
        </div>
        {migError ? (
          <p className="error" role="alert">
            {migError}
          </p>
        ) : null}
        {migrations?.dir ? (
          <table className="ops-table" data-testid="migrations">
            <thead>
              <tr>
                <th>Version</th>
                <th>Name</th>
                <th>Status</th>
                <th>Down section</th>
              </tr>
            </thead>
            <tbody>
              {migrations.migrations.map((m) => (
                <tr key={m.version} data-status={m.status}>
                  <td>{m.version}</td>
                  <td>{m.name}</td>
                  <td>{m.status}</td>
                  <td>{m.has_down ? 'yes' : m.file ? 'no (rollback = restore the backup)' : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {migrations?.warnings.map((w) => (
          <p className="hint" key={w}>
            ! {w}
          </p>
        ))}
        {dry ? (
          <div data-testid="dry-run" className={dry.ok ? 'ops-ok' : 'ops-bad'}>
            <p>
              Dry run of {dry.pending.length} pending migration(s), rolled back: {dry.ok ? 'all ran cleanly' : `failed at ${dry.error?.version}: ${dry.error?.message}`}
            </p>
            {dry.locks.length ? <p className="hint">Locks taken: {dry.locks.map((l) => `${l.mode} on ${l.relation}`).join(', ')}</p> : null}
          </div>
        ) : null}
      </div>
      {prepared ? (
        <RunDialog
          prepared={prepared}
          onClose={() => {
            setPrepared(null);
            loadExecutions();
            loadMigrations(dir);
          }}
        />
      ) : null}
    </div>
  );
}
