/**
 * "R.O.M.A.N. tables not installed": a button that first says what it will create in the watched
 * database (workspace.installPlan), then installs on confirmation (workspace.initDatabase, the
 * same as `roman db init`) and shows what was created.
 */
import { useState } from 'react';
import { call } from '../api';
import type { RomanObject } from '../../../shared/connection-test';

type Step =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'confirm'; target: string; objects: RomanObject[] }
  | { kind: 'installing' }
  | { kind: 'done'; created: string[]; warnings: string[] }
  | { kind: 'error'; message: string };

/** `needed`: the tables are missing (the button shows only then; a result stays shown afterwards). */
export function InstallTables({ needed }: { needed: boolean }) {
  const [step, setStep] = useState<Step>({ kind: 'idle' });

  async function plan() {
    setStep({ kind: 'loading' });
    try {
      const p = await call('workspace.installPlan', {});
      setStep({ kind: 'confirm', target: p.target, objects: p.objects });
    } catch (err) {
      setStep({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  async function install() {
    setStep({ kind: 'installing' });
    try {
      const r = await call('workspace.initDatabase', {});
      setStep({ kind: 'done', created: r.created, warnings: r.warnings });
    } catch (err) {
      setStep({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  if (step.kind === 'idle' || step.kind === 'loading') {
    if (!needed) return null;
    return (
      <button className="btn small" type="button" onClick={() => void plan()} disabled={step.kind === 'loading'} data-testid="install-tables">
        {step.kind === 'loading' ? 'Checking…' : 'Install R.O.M.A.N. tables…'}
      </button>
    );
  }
  if (step.kind === 'confirm') {
    const toCreate = step.objects.filter((o) => !o.present);
    return (
      <div className="install-plan card" role="dialog" aria-label="Install R.O.M.A.N. tables" data-testid="install-plan">
        <p>
          This creates in <code>{step.target}</code> (nothing is dropped or rewritten; existing user tables are never altered):
        </p>
        <ul>
          {toCreate.map((o) => (
            <li key={o.name}>
              {o.kind} <code>{o.name}</code>
              {o.note ? ` — ${o.note}` : ''}
            </li>
          ))}
          <li>the indexes the manual’s queries need, where no equivalent exists</li>
        </ul>
        <div className="row">
          <button className="btn" type="button" onClick={() => void install()} data-testid="install-confirm">
            Install
          </button>
          <button className="btn secondary" type="button" onClick={() => setStep({ kind: 'idle' })}>
            Cancel
          </button>
        </div>
      </div>
    );
  }
  if (step.kind === 'installing') return <span className="muted">Installing…</span>;
  if (step.kind === 'done') {
    return (
      <span className="pill ok" data-testid="install-done" title={[...step.created, ...step.warnings].join('\n')}>
        Installed: {step.created.length} object{step.created.length === 1 ? '' : 's'} created
      </span>
    );
  }
  return (
    <span className="pill critical" role="alert" data-testid="install-error">
      Not installed: {step.message}
    </span>
  );
}
