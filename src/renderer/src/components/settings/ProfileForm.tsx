/**
 * Add / edit form of a connection profile: a postgres:// URL or separate fields, the environment,
 * the TLS mode and a write-only password (sent once with the save, never shown back; the profile
 * afterwards says only whether one is stored). The core validates; each of its errors is shown
 * under the field it names.
 */
import { useState, type FormEvent } from 'react';
import { call } from '../../api';
import { DEFAULT_TLS_MODE, ENVIRONMENTS, TLS_MODES, verifiesCertificate, type ConnectionProfile, type Environment, type TlsMode } from '../../../../shared/connections';
import type { SecretStoreStatus } from '../../../../shared/settings';
import { formErrorOf, issuesFor, type FormError } from './issues';
import { ConnectionTestResult } from './ConnectionTestResult';
import type { ConnectionTestReport } from '../../../../shared/connection-test';

interface Draft {
  name: string;
  environment: Environment;
  kind: 'url' | 'fields';
  url: string;
  host: string;
  port: string;
  database: string;
  user: string;
  tlsMode: TlsMode;
  caPath: string;
  password: string;
  removePassword: boolean;
}

const TLS_LABELS: Record<TlsMode, string> = {
  prefer: 'prefer — TLS when the server offers it, otherwise plain (default, as in psql)',
  disable: 'disable — no TLS (local or trusted network only)',
  require: 'require — encrypted, certificate not verified',
  'verify-ca': 'verify-ca — encrypted, certificate checked against the CA',
  'verify-full': 'verify-full — encrypted, certificate and host name verified',
};

function draftOf(p: ConnectionProfile | null): Draft {
  return {
    name: p?.name ?? '',
    environment: p?.environment ?? 'staging',
    kind: p?.kind ?? 'url',
    url: p?.kind === 'url' ? p.url : '',
    host: p?.kind === 'fields' ? p.host : '',
    port: p?.kind === 'fields' ? String(p.port) : '5432',
    database: p?.kind === 'fields' ? p.database : '',
    user: p?.kind === 'fields' ? p.user : '',
    tlsMode: p?.tls.mode ?? DEFAULT_TLS_MODE,
    caPath: p?.tls.caPath ?? '',
    password: '',
    removePassword: false,
  };
}

/** A settings id from a name: lower-case letters, digits, '-', unique among `taken`. */
export function profileIdFor(name: string, taken: readonly string[]): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 60) || 'profile';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

function FieldErrors({ id, messages }: { id: string; messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <div id={id} data-testid={id}>
      {messages.map((m) => (
        <p key={m} className="field-error">
          {m}
        </p>
      ))}
    </div>
  );
}

export function ProfileForm({
  profile,
  takenIds,
  secretStore,
  onSaved,
  onCancel,
}: {
  /** null = a new profile. */
  profile: ConnectionProfile | null;
  takenIds: readonly string[];
  secretStore: SecretStoreStatus;
  onSaved: (p: ConnectionProfile) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(profile));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<ConnectionTestReport | null>(null);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const id = profile?.id ?? profileIdFor(draft.name, takenIds);

  function bodyOf() {
    const tls = verifiesCertificate(draft.tlsMode) && draft.caPath.trim() ? { mode: draft.tlsMode, caPath: draft.caPath.trim() } : { mode: draft.tlsMode };
    const base = { id, name: draft.name, environment: draft.environment, tls, hasPassword: false };
    const port = draft.port.trim();
    const body =
      draft.kind === 'url'
        ? { ...base, kind: 'url', url: draft.url.trim() }
        : {
            ...base,
            kind: 'fields',
            host: draft.host.trim(),
            // A non-number goes as typed, so the core's message names the port.
            port: /^\d+$/.test(port) ? Number(port) : port,
            database: draft.database.trim(),
            user: draft.user.trim(),
          };
    const password = draft.removePassword ? null : draft.password !== '' ? draft.password : undefined;
    return { body, password };
  }

  async function runTest() {
    setTesting(true);
    setTest(null);
    setError(null);
    const { body, password } = bodyOf();
    try {
      setTest(await call('settings.testConnection', password === undefined ? { profile: body } : { profile: body, password }));
    } catch (err) {
      setError(formErrorOf(err));
    } finally {
      setTesting(false);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const { body, password } = bodyOf();
    try {
      const saved = await call('settings.saveProfile', password === undefined ? { profile: body } : { profile: body, password });
      setDraft((d) => ({ ...d, password: '', removePassword: false }));
      onSaved(saved);
    } catch (err) {
      const fe = formErrorOf(err);
      // A refused password (no secret store) belongs to the password field.
      if (fe.code === 'unavailable' && typeof password === 'string') fe.issues.push({ path: 'password', message: fe.message });
      setError(fe);
    } finally {
      setBusy(false);
    }
  }

  const errs = (...paths: string[]) => issuesFor(error, ...paths);
  const invalid = (...paths: string[]) => errs(...paths).length > 0;
  const described = (name: string, ...paths: string[]) => (invalid(...paths) ? `pf-${name}-error` : undefined);

  return (
    <form className="card settings-form" onSubmit={submit} aria-label={profile ? `Edit profile ${profile.name}` : 'New connection profile'} noValidate>
      <h2>{profile ? `Edit “${profile.name}”` : 'Add a connection profile'}</h2>

      <label htmlFor="pf-name">Name</label>
      <input id="pf-name" type="text" value={draft.name} maxLength={100} placeholder="e.g. Billing staging" onChange={(e) => set('name', e.target.value)} aria-invalid={invalid('name', 'id')} aria-describedby={described('name', 'name', 'id')} />
      <FieldErrors id="pf-name-error" messages={errs('name', 'id')} />
      <p className="hint">Id: {id}</p>

      <label htmlFor="pf-environment">Environment</label>
      <select id="pf-environment" value={draft.environment} onChange={(e) => set('environment', e.target.value as Environment)} aria-invalid={invalid('environment')}>
        {ENVIRONMENTS.map((env) => (
          <option key={env} value={env}>
            {env}
          </option>
        ))}
      </select>
      <FieldErrors id="pf-environment-error" messages={errs('environment')} />
      {draft.environment === 'production' ? <p className="hint">Destructive actions against production always take a backup first.</p> : null}

      <fieldset>
        <legend>Target</legend>
        <label className="radio">
          <input type="radio" name="pf-kind" checked={draft.kind === 'url'} onChange={() => set('kind', 'url')} /> Use a URL
        </label>
        <label className="radio">
          <input type="radio" name="pf-kind" checked={draft.kind === 'fields'} onChange={() => set('kind', 'fields')} /> Use separate fields
        </label>
      </fieldset>

      {draft.kind === 'url' ? (
        <>
          <label htmlFor="pf-url">Connection URL</label>
          <input
            id="pf-url"
            type="text"
            value={draft.url}
            placeholder="postgres://user@host:5432/database"
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => set('url', e.target.value)}
            aria-invalid={invalid('url')}
            aria-describedby={described('url', 'url')}
          />
          <FieldErrors id="pf-url-error" messages={errs('url')} />
          <p className="hint">Without the password (use the password field below). The TLS mode below wins over sslmode in the URL.</p>
        </>
      ) : (
        <>
          <div className="settings-fields">
            <div>
              <label htmlFor="pf-host">Host</label>
              <input id="pf-host" type="text" value={draft.host} spellCheck={false} placeholder="db.example.com" onChange={(e) => set('host', e.target.value)} aria-invalid={invalid('host')} aria-describedby={described('host', 'host')} />
              <FieldErrors id="pf-host-error" messages={errs('host')} />
            </div>
            <div>
              <label htmlFor="pf-port">Port</label>
              <input id="pf-port" type="text" inputMode="numeric" value={draft.port} onChange={(e) => set('port', e.target.value)} aria-invalid={invalid('port')} aria-describedby={described('port', 'port')} />
              <FieldErrors id="pf-port-error" messages={errs('port')} />
            </div>
          </div>
          <div className="settings-fields">
            <div>
              <label htmlFor="pf-database">Database</label>
              <input id="pf-database" type="text" value={draft.database} spellCheck={false} onChange={(e) => set('database', e.target.value)} aria-invalid={invalid('database')} aria-describedby={described('database', 'database')} />
              <FieldErrors id="pf-database-error" messages={errs('database')} />
            </div>
            <div>
              <label htmlFor="pf-user">User</label>
              <input id="pf-user" type="text" value={draft.user} spellCheck={false} autoComplete="off" onChange={(e) => set('user', e.target.value)} aria-invalid={invalid('user')} aria-describedby={described('user', 'user')} />
              <FieldErrors id="pf-user-error" messages={errs('user')} />
            </div>
          </div>
        </>
      )}

      <label htmlFor="pf-tls">TLS mode</label>
      <select id="pf-tls" value={draft.tlsMode} onChange={(e) => set('tlsMode', e.target.value as TlsMode)} aria-invalid={invalid('tls')}>
        {TLS_MODES.map((m) => (
          <option key={m} value={m}>
            {TLS_LABELS[m]}
          </option>
        ))}
      </select>
      {verifiesCertificate(draft.tlsMode) ? (
        <>
          <label htmlFor="pf-ca">CA certificate (PEM file path, optional)</label>
          <input id="pf-ca" type="text" value={draft.caPath} spellCheck={false} placeholder="/etc/ssl/certs/db-ca.pem" onChange={(e) => set('caPath', e.target.value)} aria-invalid={invalid('tls')} />
        </>
      ) : null}
      <FieldErrors id="pf-tls-error" messages={errs('tls')} />

      <label htmlFor="pf-password">Password</label>
      <input
        id="pf-password"
        type="password"
        value={draft.password}
        autoComplete="new-password"
        maxLength={1024}
        disabled={draft.removePassword}
        placeholder={profile?.hasPassword ? 'stored — type a new one to replace it' : 'not stored'}
        onChange={(e) => set('password', e.target.value)}
        aria-invalid={invalid('password')}
        aria-describedby={described('password', 'password')}
      />
      <FieldErrors id="pf-password-error" messages={errs('password')} />
      {profile?.hasPassword ? (
        <label className="inline">
          <input type="checkbox" checked={draft.removePassword} onChange={(e) => set('removePassword', e.target.checked)} /> Remove the stored password
        </label>
      ) : null}
      <p className="hint">
        {secretStore.available
          ? `Write-only: encrypted with the OS secret store (${secretStore.backend}) and never shown again. Leave empty to keep the current one.`
          : 'Passwords cannot be stored here (see the secret store notice above). Save without a password, or provide it in ROMAN_DB_URL.'}
      </p>

      {error ? (
        <div className="error settings-issues" role="alert" data-testid="profile-error">
          <strong>Not saved.</strong> {error.issues.length > 0 ? 'The core rejected these fields:' : error.message}
          {error.issues.length > 0 ? (
            <ul>
              {error.issues.map((i) => (
                <li key={`${i.path}:${i.message}`}>
                  <code>{i.path}</code>: {i.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <div className="row" style={{ marginTop: 14 }}>
        <button className="btn" type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save profile'}
        </button>
        <button className="btn secondary" type="button" onClick={() => void runTest()} disabled={busy || testing} data-testid="test-connection">
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        <button className="btn secondary" type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
      {test ? <ConnectionTestResult report={test} /> : null}
    </form>
  );
}
