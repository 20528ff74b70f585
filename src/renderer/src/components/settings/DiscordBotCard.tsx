/**
 * The Discord bot: its live state (online, reconnecting, token rejected, missing intent, standing by
 * while another app hosts it, …), the bot token (write-only: a secret, sent once, never shown back),
 * the primary channel id and the approvers (Discord user or role ids allowed to press Run).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { call, CallError, subscribe } from '../../api';
import type { DiscordBotState, DiscordBotView } from '../../../../shared/api/discord-bot';
import type { SecretStoreStatus } from '../../../../shared/settings';

const STATE_TEXT: Record<DiscordBotState, string> = {
  not_configured: 'not configured',
  no_database: 'waiting for a database',
  standby: 'standing by (another app hosts the bot)',
  stopped: 'stopped',
  connecting: 'connecting…',
  online: 'online',
  reconnecting: 'reconnecting…',
  token_rejected: 'token rejected',
  missing_intent: 'missing intent',
  error: 'error',
};

const STATE_CLASS: Partial<Record<DiscordBotState, string>> = {
  online: 'ok',
  token_rejected: 'error',
  missing_intent: 'error',
  error: 'error',
};

export function DiscordBotCard({ secretStore }: { secretStore: SecretStoreStatus }) {
  const [view, setView] = useState<DiscordBotView | null>(null);
  const [token, setToken] = useState('');
  const [channel, setChannel] = useState('');
  const [approvers, setApprovers] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    let alive = true;
    let filled = false;
    const load = () =>
      void call('discordBot.status', {})
        .then((v) => {
          if (!alive) return;
          setView(v);
          // Only the first answer fills the form; later ones must not overwrite what the user types.
          if (!filled) {
            filled = true;
            setChannel(v.channelId ?? '');
            setApprovers(v.approvers.join(', '));
          }
        })
        .catch(() => undefined);
    load();
    const off = subscribe('discordBot.changed', (v) => alive && setView(v));
    const timer = setInterval(load, 5000);
    return () => {
      alive = false;
      off();
      clearInterval(timer);
    };
  }, []);

  const save = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMessage(null);
    const list = approvers
      .split(/[,\s]+/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
    void call('discordBot.configure', {
      ...(token.trim() !== '' ? { token: token.trim() } : {}),
      channelId: channel.trim() === '' ? null : channel.trim(),
      approvers: list,
    })
      .then((v) => {
        setView(v);
        setToken('');
        setMessage({ ok: true, text: 'Discord bot settings saved.' });
      })
      .catch((err: unknown) => setMessage({ ok: false, text: err instanceof CallError ? err.error.message : String(err) }))
      .finally(() => setBusy(false));
  };

  return (
    <section className="card" aria-label="Discord bot" data-testid="discord-bot">
      <h2>Discord bot</h2>
      <p className="muted">
        Answers <code>status</code>, <code>approve &lt;action&gt;</code>, <code>audit</code> and <code>metrics</code> in the channel, as slash commands
        and mentions. One app per database hosts it.
      </p>
      <p data-testid="discord-bot-state" data-state={view?.state ?? 'loading'}>
        Bot:{' '}
        <strong className={view ? (STATE_CLASS[view.state] ?? '') : ''}>{view ? STATE_TEXT[view.state] : 'loading…'}</strong>
        {view?.user ? <span className="muted"> as {view.user.name}</span> : null}
      </p>
      {view?.detail ? (
        <p className="muted" data-testid="discord-bot-detail">
          {view.detail}
        </p>
      ) : null}
      {view?.token.source === 'environment' ? <p className="muted">Token from ROMAN_DISCORD_BOT_TOKEN.</p> : null}
      <form onSubmit={save}>
        <label htmlFor="discord-bot-token">Bot token (write-only){view?.token.stored ? ' — stored' : ''}</label>
        <input id="discord-bot-token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
        {!secretStore.available ? <p className="hint">Without a secret store the token cannot be stored: {secretStore.reason}</p> : null}
        <label htmlFor="discord-bot-channel">Channel id</label>
        <input id="discord-bot-channel" inputMode="numeric" value={channel} onChange={(e) => setChannel(e.target.value)} />
        <label htmlFor="discord-bot-approvers">Approvers (user or role ids, comma-separated)</label>
        <input id="discord-bot-approvers" value={approvers} onChange={(e) => setApprovers(e.target.value)} />
        <div className="row" style={{ marginTop: 8 }}>
          <button className="btn" type="submit" disabled={busy}>
            Save bot settings
          </button>
        </div>
      </form>
      {message ? (
        <p className={message.ok ? 'banner-note' : 'error'} role={message.ok ? 'status' : 'alert'} data-testid="discord-bot-message">
          {message.text}
        </p>
      ) : null}
    </section>
  );
}
