/**
 * Thresholds editor: the limits the health checks and alert rules use, globally or for one profile
 * (defaults < global < per-profile). Each row shows the manual's default and what applies now; an
 * empty field inherits. The core validates every layer (ranges, warning/critical order) and applies
 * the result to the open workspace at once.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { DEFAULT_THRESHOLDS, type MonitoringThresholds } from '../../../../shared/monitoring';
import { parseDecimal, type Preferences } from '../../../../shared/settings';
import type { ConnectionProfile } from '../../../../shared/connections';
import { formErrorOf, issuesFor, type FormError } from './issues';

type Key = keyof MonitoringThresholds;

/** Label and unit of each threshold, in the words of the manual / PgHero. */
export const THRESHOLD_LABELS: Record<Key, [string, string]> = {
  applicationWindowMinutes: ['Window of the application signals', 'minutes'],
  errorRateWarning: ['Error rate — warning', 'ratio (0.01 = 1 %)'],
  errorRateCritical: ['Error rate — alert (error_rate_spike)', 'ratio (0.05 = 5 %)'],
  responseTimeWarningMs: ['Response time p95 — warning', 'ms'],
  responseTimeCriticalMs: ['Response time p95 — alert (response_time, performance_degradation)', 'ms'],
  apiSuccessWarning: ['API success rate — warning below', 'ratio (0.99 = 99 %)'],
  apiSuccessCritical: ['API success rate — alert below (api_success_rate)', 'ratio (0.95 = 95 %)'],
  connectionsWarning: ['Connections ÷ max_connections — warning', 'ratio'],
  connectionsCritical: ['Connections ÷ max_connections — alert (database_connections)', 'ratio'],
  longRunningQuerySeconds: ['Long-running query', 'seconds'],
  idleInTransactionSeconds: ['Idle in transaction', 'seconds'],
  slowQueryMeanMs: ['Slow query — mean time', 'ms'],
  slowQueryMinCalls: ['Slow query — minimum calls', 'calls'],
  cacheHitRateWarning: ['Cache hit rate — warning below', 'ratio'],
  replicationLagWarningSeconds: ['Replication lag — warning', 'seconds'],
  replicationLagCriticalSeconds: ['Replication lag — alert (data_loss_risk)', 'seconds'],
  replicationSlotRetainedCriticalBytes: ['WAL retained by an inactive slot — critical', 'bytes'],
  deadTuplesMin: ['Dead tuples — minimum rows', 'rows'],
  deadTuplesRatioWarning: ['Dead tuples — share', 'ratio'],
  maintenanceAgeDays: ['Vacuum/analyze overdue after', 'days'],
  xidWraparoundWarningRemaining: ['Transactions left before wraparound — warning', 'transactions'],
  xidWraparoundCriticalRemaining: ['Transactions left before wraparound — critical', 'transactions'],
  seqScanMinRows: ['Missing index — table rows at least', 'rows'],
  rlsViolationsPerIpPerMinute: ['RLS violations from one IP per minute (security_breach)', 'violations'],
  errorsLastHourWarning: ['Errors (error + critical) in the last hour — warning above', 'errors'],
  errorsLastHourCritical: ['Errors (error + critical) in the last hour — critical above', 'errors'],
  aiMonthlyBudgetUsd: ['AI budget per month (set it under Preferences)', 'USD'],
  aiBudgetWarningRatio: ['AI budget used — warning', 'ratio (0.75 = 75 %)'],
  aiBudgetCriticalRatio: ['AI budget used — critical', 'ratio (1 = 100 %)'],
};

const KEYS = (Object.keys(DEFAULT_THRESHOLDS) as Key[]).filter((k) => k !== 'aiMonthlyBudgetUsd');

type Draft = Partial<Record<Key, string>>;

function draftOf(overrides: Partial<Record<string, number>> | undefined): Draft {
  const d: Draft = {};
  for (const k of KEYS) if (typeof overrides?.[k] === 'number') d[k] = String(overrides[k]);
  return d;
}

export function ThresholdsForm({ preferences, profiles, onSaved }: { preferences: Preferences; profiles: ConnectionProfile[]; onSaved: (p: Preferences) => void }) {
  const [scope, setScope] = useState<string>(''); // '' = global, else a profile id
  const current = scope === '' ? preferences.thresholds : preferences.connectionThresholds[scope];
  const [draft, setDraft] = useState<Draft>(() => draftOf(current));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  const [saved, setSaved] = useState(false);
  const [localErrors, setLocalErrors] = useState<Partial<Record<Key, string>>>({});

  const inherited = useMemo(() => {
    const out = { ...DEFAULT_THRESHOLDS } as Record<Key, number>;
    if (scope !== '') for (const [k, v] of Object.entries(preferences.thresholds)) if (k in out) out[k as Key] = v;
    return out;
  }, [scope, preferences.thresholds]);

  function changeScope(next: string) {
    setScope(next);
    setDraft(draftOf(next === '' ? preferences.thresholds : preferences.connectionThresholds[next]));
    setError(null);
    setLocalErrors({});
    setSaved(false);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSaved(false);
    const values: Partial<Record<Key, number>> = {};
    const bad: Partial<Record<Key, string>> = {};
    for (const k of KEYS) {
      const text = (draft[k] ?? '').trim();
      if (text === '') continue;
      const n = parseDecimal(text);
      if (n === null) bad[k] = `Enter a number in ${THRESHOLD_LABELS[k][1]}, e.g. ${DEFAULT_THRESHOLDS[k]}, or leave it empty to use ${inherited[k]}`;
      else values[k] = n;
    }
    setLocalErrors(bad);
    if (Object.keys(bad).length > 0) return;
    setBusy(true);
    try {
      const patch =
        scope === ''
          ? { thresholds: values }
          : { connectionThresholds: Object.fromEntries(Object.entries({ ...preferences.connectionThresholds, [scope]: values }).filter(([, v]) => Object.keys(v).length > 0)) };
      const next = await call('settings.setPreferences', { patch });
      setSaved(true);
      onSaved(next);
    } catch (err) {
      setError(formErrorOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card settings-form" onSubmit={submit} aria-label="Thresholds" noValidate data-testid="thresholds-form">
      <h2>Thresholds</h2>
      <p className="hint">
        Limits of the health checks and alert rules. Defaults are the manual’s values (PgHero’s where the manual is silent); global values apply to every
        database, a profile’s values only to it. Empty = inherit. Changes apply to the open workspace at once.
      </p>
      <label htmlFor="thr-scope">Apply to</label>
      <select id="thr-scope" value={scope} onChange={(e) => changeScope(e.target.value)}>
        <option value="">All databases (global)</option>
        {profiles.map((p) => (
          <option key={p.id} value={p.id}>
            Only {p.name}
          </option>
        ))}
      </select>
      <table className="settings-table thresholds-table">
        <thead>
          <tr>
            <th scope="col">Threshold</th>
            <th scope="col">Manual default</th>
            <th scope="col">{scope === '' ? 'Value' : 'Value for this profile'}</th>
          </tr>
        </thead>
        <tbody>
          {KEYS.map((k) => {
            const messages = [...(localErrors[k] ? [localErrors[k]!] : []), ...issuesFor(error, k, `thresholds.${k}`, `connectionThresholds.${scope}.${k}`)];
            const id = `thr-${k}`;
            return (
              <tr key={k} data-testid="threshold-row" data-key={k}>
                <td>
                  <label htmlFor={id}>{THRESHOLD_LABELS[k][0]}</label> <span className="muted">({THRESHOLD_LABELS[k][1]})</span>
                </td>
                <td data-testid="threshold-default">{DEFAULT_THRESHOLDS[k]}</td>
                <td>
                  <input
                    id={id}
                    type="text"
                    inputMode="decimal"
                    value={draft[k] ?? ''}
                    placeholder={String(inherited[k])}
                    onChange={(e) => {
                      setSaved(false);
                      setDraft((d) => ({ ...d, [k]: e.target.value }));
                    }}
                    aria-invalid={messages.length > 0}
                    aria-describedby={messages.length ? `${id}-error` : undefined}
                  />
                  {messages.length ? (
                    <div id={`${id}-error`} data-testid={`${id}-error`}>
                      {messages.map((m) => (
                        <p className="field-error" key={m}>
                          {m}
                        </p>
                      ))}
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {error && error.issues.length === 0 ? (
        <p className="error" role="alert" data-testid="thresholds-error">
          Not saved. {error.message}
        </p>
      ) : error ? (
        <p className="error" role="alert" data-testid="thresholds-error">
          Not saved: {error.issues.map((i) => i.message).join('; ')}
        </p>
      ) : null}
      <div className="row" style={{ marginTop: 14 }}>
        <button className="btn" type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save thresholds'}
        </button>
        {saved ? (
          <span className="settings-saved" role="status" data-testid="thresholds-saved">
            Saved — in effect now.
          </span>
        ) : null}
      </div>
    </form>
  );
}
