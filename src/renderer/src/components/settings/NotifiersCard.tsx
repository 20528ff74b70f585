/**
 * Alert notifiers: the Discord webhook (write-only: the URL is a secret, sent once and never shown
 * back) with "Send test", and the desktop notifications switch lives in the preferences.
 */
import { useState, type FormEvent } from 'react';
import { call, CallError } from '../../api';
import type { NotifierSettingsView, SecretStoreStatus } from '../../../../shared/settings';

export function NotifiersCard({ notifiers, secretStore, onSaved }: { notifiers: NotifierSettingsView; secretStore: SecretStoreStatus; onSaved: () => void }) {
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function run(action: () => Promise<string>) {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ ok: true, text: await action() });
      onSaved();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof CallError ? err.error.message : String(err) });
    } finally {
      setBusy(false);
    }
  }

  const save = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await call('settings.setDiscordWebhook', { url });
      setUrl('');
      return 'Discord webhook saved (encrypted). Alerts now go to Discord.';
    });
  };

  const { discord } = notifiers;
  return (
    <section className="card" aria-label="Notifiers" data-testid="notifiers">
      <h2>Notifiers</h2>
      <p className="muted">
        Firing and resolved alerts go to this app, to native desktop notifications (see preferences) and, when configured, to a Discord webhook —
        sent by one app only when several watch the same database.
      </p>
      <p data-testid="discord-state">
        Discord:{' '}
        {discord.configured ? (
          <strong>configured{discord.source === 'environment' ? ' (from ROMAN_DISCORD_WEBHOOK_URL)' : ''}</strong>
        ) : (
          <span className="muted">not configured</span>
        )}
      </p>
      <form onSubmit={save}>
        <label htmlFor="discord-webhook">Discord webhook URL (write-only)</label>
        <input
          id="discord-webhook"
          type="password"
          autoComplete="off"
          value={url}
          placeholder="https://discord.com/api/webhooks/…"
          onChange={(e) => setUrl(e.target.value)}
        />
        {!secretStore.available ? <p className="hint">Without a secret store the webhook cannot be stored: {secretStore.reason}</p> : null}
        <div className="row" style={{ marginTop: 8 }}>
          <button className="btn" type="submit" disabled={busy || url.trim() === ''}>
            Save webhook
          </button>
          {discord.source === 'settings' ? (
            <button type="button" className="btn secondary" disabled={busy} onClick={() => void run(async () => (await call('settings.setDiscordWebhook', { url: null }), 'Discord webhook removed.'))}>
              Remove
            </button>
          ) : null}
          {discord.configured ? (
            <button type="button" className="btn secondary" disabled={busy} onClick={() => void run(async () => (await call('notifiers.test', { name: 'discord' }), 'Test message sent to Discord.'))}>
              Send test
            </button>
          ) : null}
        </div>
      </form>
      {message ? (
        <p className={message.ok ? 'banner-note' : 'error'} role={message.ok ? 'status' : 'alert'} data-testid="notifier-message">
          {message.text}
        </p>
      ) : null}
    </section>
  );
}
