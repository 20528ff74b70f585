/**
 * The confirmation dialog of an execution: the plan (steps with their SQL, what is destructive,
 * whether a backup comes first, notes), the typed database name in production (as GitHub asks for
 * deletions), then progress and the recorded outcome. The core's gate decides; this only asks.
 */
import { useEffect, useState } from 'react';
import { call, CallError, subscribe } from '../../api';
import type { PrepareResult } from '../../../../shared/api/operations';
import type { ExecutionProgress, ExecutionResult } from '../../../../shared/operations';

export function RunDialog({ prepared, onClose }: { prepared: Extract<PrepareResult, { executable: true }>; onClose: (result: ExecutionResult | null) => void }) {
  const { plan, grant } = prepared;
  const [typed, setTyped] = useState('');
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<ExecutionProgress | null>(null);
  const [result, setResult] = useState<ExecutionResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const confirmed = !plan.production || typed === plan.target.database;

  useEffect(() => subscribe('operations.progress', (p) => (p.grant_id === grant.id ? setProgress(p) : undefined)), [grant.id]);

  async function run() {
    setRunning(true);
    setError(null);
    try {
      setResult(await call('operations.execute', { grantId: grant.id, confirm: plan.production ? typed : null, paramsHash: grant.params_hash }));
    } catch (err) {
      setError(err instanceof CallError ? err.error.message : String(err));
    } finally {
      setRunning(false);
    }
  }

  return (
    <div className="ops-overlay">
      <div className="card ops-dialog" role="dialog" aria-modal="true" aria-label="Run approved action">
        <h2>Run: {plan.steps[plan.steps.length - 1]?.title ?? plan.action_kind}</h2>
        <p className="hint">
          Database <strong>{plan.target.database}</strong> · environment <strong>{plan.environment}</strong>
          {plan.production ? ' (production rules)' : ''} · grant expires {new Date(grant.expires_at).toLocaleTimeString()} · single use
        </p>
        <ol className="ops-steps" data-testid="plan-steps">
          {plan.steps.map((s, k) => (
            <li key={k} data-kind={s.kind}>
              <strong>{s.title}</strong>
              {s.destructive ? <span className="ops-badge">destructive</span> : null}
              <pre>{s.sql}</pre>
            </li>
          ))}
        </ol>
        {plan.notes.length ? (
          <ul className="hint">
            {plan.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        ) : null}
        {result ? (
          <div data-testid="execution-outcome" data-outcome={result.status} className={result.status === 'succeeded' ? 'ops-ok' : 'ops-bad'}>
            {result.status === 'refused' ? (
              <p>
                Refused ({result.code}): {result.message}
              </p>
            ) : (
              <>
                <p>
                  Execution {result.status} in {result.duration_ms} ms{result.error ? `: ${result.error}` : ''}.
                </p>
                <ul>
                  {result.steps.map((s, k) => (
                    <li key={k}>
                      {s.status === 'succeeded' ? '✓' : '✗'} {s.title} ({s.duration_ms} ms){s.detail ? ` — ${s.detail}` : ''}
                    </li>
                  ))}
                </ul>
                {result.backup ? (
                  <p className="hint">
                    Backup {result.backup.file} ({result.backup.bytes} bytes, sha256 {result.backup.sha256.slice(0, 16)}…)
                  </p>
                ) : null}
                <p className="hint">Recorded in ops.roman_events and the local audit trail.</p>
              </>
            )}
            <button className="btn" type="button" onClick={() => onClose(result)}>
              Close
            </button>
          </div>
        ) : (
          <>
            {plan.production ? (
              <>
                <label htmlFor="confirm-db">
                  Type the database name <code>{plan.target.database}</code> to confirm
                </label>
                <input id="confirm-db" type="text" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} disabled={running} />
              </>
            ) : null}
            {running ? (
              <p data-testid="execution-progress" aria-live="polite">
                {progress
                  ? `Step ${progress.step}/${progress.steps}: ${progress.title}${progress.phase ? ` — ${progress.phase}` : ''}${progress.done !== undefined ? ` ${progress.done}${progress.total ? `/${progress.total}` : ''} ${progress.unit ?? ''}` : ''}`
                  : 'Starting…'}
              </p>
            ) : null}
            {error ? (
              <p className="error" role="alert">
                {error}
              </p>
            ) : null}
            <div className="row">
              <button className="btn" type="button" disabled={!confirmed || running} onClick={() => void run()}>
                {running ? 'Running…' : 'Confirm and run'}
              </button>
              {running ? (
                <button className="btn secondary" type="button" onClick={() => void call('operations.cancel', { grantId: grant.id })}>
                  Cancel execution
                </button>
              ) : (
                <button className="btn secondary" type="button" onClick={() => onClose(null)}>
                  Close without running
                </button>
              )}
            </div>
          </>
        )}
      </div>
    </div>
  );
}

/** "Run…" after an approved verdict: asks the core for the plan and a grant, then opens the dialog. */
export function RunButton({ decisionId, verdict }: { decisionId: string; verdict: string }) {
  const [prepared, setPrepared] = useState<Extract<PrepareResult, { executable: true }> | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (verdict === 'reject') return null;
  async function open() {
    setBusy(true);
    setNote(null);
    try {
      const r = await call('operations.prepare', { decisionId });
      if (r.executable) setPrepared(r);
      else setNote(r.reason);
    } catch (err) {
      setNote(err instanceof CallError ? err.error.message : String(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="ops-run">
      <button className="btn" type="button" disabled={busy} onClick={() => void open()}>
        {busy ? 'Planning…' : 'Run…'}
      </button>
      {note ? (
        <p className="hint" data-testid="run-note">
          {note}
        </p>
      ) : null}
      {prepared ? <RunDialog prepared={prepared} onClose={() => setPrepared(null)} /> : null}
    </div>
  );
}
