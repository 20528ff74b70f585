/** Preferences: monthly AI budget, desktop notifications, local cache retention. */
import { useState, type FormEvent } from 'react';
import { call } from '../../api';
import { parseDecimal, type Preferences } from '../../../../shared/settings';
import { formErrorOf, issuesFor, type FormError } from './issues';

interface Draft {
  budget: string;
  notifications: boolean;
  retentionDays: string;
  retentionMaxMb: string;
}

const draftOf = (p: Preferences): Draft => ({
  budget: String(p.monthlyAiBudgetUsd),
  notifications: p.desktopNotifications,
  retentionDays: String(p.retentionDays),
  retentionMaxMb: String(p.retentionMaxMb),
});

const FIELD_LABELS: Record<string, string> = {
  monthlyAiBudgetUsd: 'Monthly AI budget',
  retentionDays: 'Days to keep cached records',
  retentionMaxMb: 'Maximum cache size',
  desktopNotifications: 'Desktop notifications',
};

/** A number when the text is one ("4,2" and "$500" too); otherwise the text, so the core's message names the field. */
function numeric(text: string): number | string {
  return parseDecimal(text) ?? text.trim();
}

export function PreferencesForm({ preferences, onSaved }: { preferences: Preferences; onSaved: (p: Preferences) => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(preferences));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [k]: v }));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const patch = {
        monthlyAiBudgetUsd: numeric(draft.budget),
        desktopNotifications: draft.notifications,
        retentionDays: numeric(draft.retentionDays),
        retentionMaxMb: numeric(draft.retentionMaxMb),
      } as Partial<Preferences>;
      const next = await call('settings.setPreferences', { patch });
      setDraft(draftOf(next));
      setSaved(true);
      onSaved(next);
    } catch (err) {
      setError(formErrorOf(err));
    } finally {
      setBusy(false);
    }
  }

  const field = (id: string, label: string, key: 'budget' | 'retentionDays' | 'retentionMaxMb', path: string, hint: string) => {
    const messages = issuesFor(error, path);
    return (
      <div>
        <label htmlFor={id}>{label}</label>
        <input id={id} type="text" inputMode="decimal" value={draft[key]} onChange={(e) => set(key, e.target.value)} aria-invalid={messages.length > 0} aria-describedby={messages.length ? `${id}-error` : undefined} />
        {messages.length ? (
          <div id={`${id}-error`} data-testid={`${id}-error`}>
            {messages.map((m) => (
              <p className="field-error" key={m}>
                {m}
              </p>
            ))}
          </div>
        ) : null}
        <p className="hint">{hint}</p>
      </div>
    );
  };

  return (
    <form className="card settings-form" onSubmit={submit} aria-label="Preferences" noValidate>
      <h2>Preferences</h2>
      <div className="settings-prefs">
        {field('pref-budget', 'Monthly AI budget (USD)', 'budget', 'monthlyAiBudgetUsd', 'The API quota alert fires at 80 % of it.')}
        <div>
          <label htmlFor="pref-notifications">Desktop notifications</label>
          <label className="inline">
            <input id="pref-notifications" type="checkbox" checked={draft.notifications} onChange={(e) => set('notifications', e.target.checked)} /> Notify on the
            desktop when an alert fires
          </label>
          {issuesFor(error, 'desktopNotifications').map((m) => (
            <p className="field-error" key={m}>
              {m}
            </p>
          ))}
        </div>
        {field('pref-retention-days', 'Keep cached records for (days)', 'retentionDays', 'retentionDays', '1–3650. Audit-trail records are always kept.')}
        {field('pref-retention-mb', 'Maximum cache size (MB)', 'retentionMaxMb', 'retentionMaxMb', 'At least 10 MB; the oldest records go first.')}
      </div>
      {error ? (
        <div className="error settings-issues" role="alert" data-testid="preferences-error">
          <strong>Not saved.</strong> {error.issues.length > 0 ? 'Please correct:' : error.message}
          {error.issues.length > 0 ? (
            <ul>
              {error.issues.map((i) => (
                <li key={`${i.path}:${i.message}`}>
                  {FIELD_LABELS[i.path] ?? i.path}: {i.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="row" style={{ marginTop: 14 }}>
        <button className="btn" type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save preferences'}
        </button>
        {saved ? (
          <span className="settings-saved" role="status">
            Saved.
          </span>
        ) : null}
      </div>
    </form>
  );
}
