/**
 * Approval dialog: a request in words (or picked from the catalogue) → the action R.O.M.A.N.
 * understood → the verdict of each law. Nothing is executed here: this is the constitutional
 * verdict only, and the page says so.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { call, CallError } from '../api';
import type { ActionRequestResult, DecisionEntropyView } from '../../../shared/api/constitution';
import type { CatalogueEntry } from '../../../shared/actions';
import { VerdictView } from '../components/Verdict';
import { RunButton } from '../components/operations/RunDialog';
import { useWorkspace } from '../components/WorkspaceBar';
import { formatPercent } from '../../../shared/constitution';

type Mode = 'text' | 'catalogue';

function parseEntropyPercent(raw: string): number | null {
  const t = raw.trim().replace(/%$/, '').trim();
  if (t === '' || !/^\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return n >= 0 && n <= 100 ? n / 100 : null;
}

export function ApprovalsPage() {
  const [mode, setMode] = useState<Mode>('text');
  // a request handed over by another page (the Triage page's "Request approval…"): #page=approvals&request=…
  const [text, setText] = useState(() => new URLSearchParams(location.hash.slice(1)).get('request')?.slice(0, 2000) ?? '');
  const [catalogue, setCatalogue] = useState<CatalogueEntry[]>([]);
  const [kind, setKind] = useState('');
  const [environment, setEnvironment] = useState('staging');
  const [entropyText, setEntropyText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ActionRequestResult | null>(null);
  const workspace = useWorkspace();
  const liveAvailable = workspace?.open === true && workspace.connection === 'connected';
  const [chosenSource, setEntropySource] = useState<'live' | 'manual'>('live');
  // Live is the default whenever a database answers; without one only a hand-entered value is possible.
  const entropySource = liveAvailable ? chosenSource : 'manual';
  const [live, setLive] = useState<DecisionEntropyView | null>(null);
  const [liveError, setLiveError] = useState<string | null>(null);

  useEffect(() => {
    if (!liveAvailable) return;
    call('constitution.entropy', {}).then(
      (r) => {
        setLive(r);
        setLiveError(null);
      },
      (err: unknown) => setLiveError(err instanceof Error ? err.message : String(err)),
    );
  }, [liveAvailable]);

  useEffect(() => {
    call('actions.catalogue', {}).then(
      (entries) => {
        setCatalogue(entries);
        if (entries[0]) setKind(entries[0].kind);
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, []);

  const entropy = parseEntropyPercent(entropyText);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setOutcome(null);
    const useLive = entropySource === 'live';
    if (!useLive && entropy === null) {
      setError('Enter the current system entropy as a percentage between 0 and 100 (for example 4.2).');
      return;
    }
    setBusy(true);
    try {
      const systemEntropy = useLive ? undefined : (entropy ?? undefined);
      const input = mode === 'text' ? { text, systemEntropy } : { kind, environment, systemEntropy };
      setOutcome(await call('actions.request', input));
    } catch (err) {
      setError(err instanceof CallError ? err.error.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <h1>Approvals</h1>
      <p className="subtitle">Ask R.O.M.A.N. for an action and get the constitutional verdict of all four laws.</p>
      <div className="grid-2">
        <form className="card" onSubmit={submit} aria-label="Action request">
          <div className="row" role="tablist">
            <button type="button" role="tab" aria-selected={mode === 'text'} className={mode === 'text' ? 'btn' : 'btn secondary'} onClick={() => setMode('text')}>
              Request in words
            </button>
            <button type="button" role="tab" aria-selected={mode === 'catalogue'} className={mode === 'catalogue' ? 'btn' : 'btn secondary'} onClick={() => setMode('catalogue')}>
              Pick from catalogue
            </button>
          </div>
          {mode === 'text' ? (
            <>
              <label htmlFor="request-text">Request</label>
              <textarea
                id="request-text"
                value={text}
                maxLength={500}
                placeholder="e.g. deploy to staging · delete production database · throttled backfill of invoices"
                onChange={(e) => setText(e.target.value)}
              />
            </>
          ) : (
            <>
              <label htmlFor="action-kind">Action</label>
              <select id="action-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
                {catalogue.map((c) => (
                  <option key={c.kind} value={c.kind}>
                    {c.label}
                    {c.destructive ? ' (destructive)' : ''}
                  </option>
                ))}
              </select>
              {catalogue.find((c) => c.kind === kind) ? <p className="hint">{catalogue.find((c) => c.kind === kind)!.summary}</p> : null}
              <label htmlFor="action-env">Environment</label>
              <select id="action-env" value={environment} onChange={(e) => setEnvironment(e.target.value)}>
                {['production', 'staging', 'development', 'sample'].map((env) => (
                  <option key={env} value={env}>
                    {env}
                  </option>
                ))}
              </select>
            </>
          )}
          <fieldset className="entropy-source">
            <legend>System entropy for the Law of Total Coherence</legend>
            <label className="radio">
              <input type="radio" name="entropy-source" checked={entropySource === 'live'} disabled={!liveAvailable} onChange={() => setEntropySource('live')} />
              Live from the watched database
              {liveAvailable ? (
                live ? (
                  <span className="muted" data-testid="live-entropy">
                    {' '}
                    {live.reading.data === 'no_data'
                      ? `— now no data (nothing logged and no request in the last ${live.reading.window.minutes} min: no instability measured, recorded as "no data")`
                      : `— now ${formatPercent(live.entropy)} (${live.stable ? 'STABLE' : 'UNSTABLE'}; the worst of ${live.windows.map((w) => `${w.minutes} min ${formatPercent(w.entropy)}`).join(', ')})`}
                    {live.criticalAlerts.length > 0 ? ` — critical: ${live.criticalAlerts.map((a) => (a.unknown ? `${a.title} (could not be evaluated)` : a.title)).join(', ')}` : ''}
                    ; measured again when you submit
                  </span>
                ) : liveError ? (
                  <span className="muted"> — {liveError}</span>
                ) : null
              ) : (
                <span className="muted"> — no database connected</span>
              )}
            </label>
            <label className="radio">
              <input type="radio" name="entropy-source" checked={entropySource === 'manual'} onChange={() => setEntropySource('manual')} />
              Enter by hand
            </label>
          </fieldset>
          {entropySource === 'manual' ? (
            <>
              <label htmlFor="entropy">System entropy (%) — entered by hand</label>
              <input id="entropy" type="text" inputMode="decimal" value={entropyText} placeholder="e.g. 4.2" onChange={(e) => setEntropyText(e.target.value)} aria-invalid={entropyText !== '' && entropy === null} />
              {liveAvailable ? (
                <p className="hint" data-testid="hand-entropy-rule">
                  A database is connected: its live entropy is measured anyway. A hand value may only raise it (be more cautious); a lower one is ignored, and the decision records both.
                </p>
              ) : null}
            </>
          ) : null}
          <p className="hint">Entropy = (error rate + failure rate + latency spikes) / 3. Above 10 % the system is UNSTABLE and actions that add entropy are rejected.</p>
          <div className="row">
            <button className="btn" type="submit" disabled={busy || (mode === 'text' && text.trim() === '')}>
              {busy ? 'Evaluating…' : 'Evaluate request'}
            </button>
          </div>
          <p className="banner-note">This shows the verdict only. An approved action the app can perform offers Run…, which shows the plan and asks for confirmation first.</p>
          {error ? (
            <p className="error" role="alert" data-testid="request-error">
              {error}
            </p>
          ) : null}
        </form>
        <div className="card" aria-live="polite">
          {outcome ? (
            <>
              <VerdictView decision={outcome.decision} headline={outcome.headline} />
              {liveAvailable ? <RunButton key={outcome.decision.decision_id} decisionId={outcome.decision.decision_id} verdict={outcome.decision.result.verdict} /> : null}
              {outcome.alternatives.length > 0 ? (
                <>
                  <h2 style={{ marginTop: 14 }}>Safer alternative</h2>
                  <ul data-testid="alternatives">
                    {outcome.alternatives.map((a) => (
                      <li key={a}>{a}</li>
                    ))}
                  </ul>
                </>
              ) : null}
              <h2 style={{ marginTop: 14 }}>How the request was understood</h2>
              <dl className="kv">
                <dt>Action</dt>
                <dd>{outcome.action.label}</dd>
                <dt>Environment</dt>
                <dd>{outcome.action.environment}</dd>
                {outcome.action.target ? (
                  <>
                    <dt>Target</dt>
                    <dd>{outcome.action.target}</dd>
                  </>
                ) : null}
              </dl>
              <ul className="hint" data-testid="explanation">
                {outcome.action.explanation.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
              <details>
                <summary className="hint">ActionData</summary>
                <pre>{JSON.stringify(outcome.action.data, null, 2)}</pre>
              </details>
              <details>
                <summary className="hint">Full explanation (as posted to Discord)</summary>
                <pre>{outcome.explanation.join('\n')}</pre>
              </details>
            </>
          ) : (
            <p className="muted">The verdict appears here: each of the four laws, the axiom for a rejection, and the safer alternative.</p>
          )}
        </div>
      </div>
    </div>
  );
}
