/**
 * Settings (capability 11): connection profiles (list, add, edit, delete with confirmation), which
 * one is active (none = the sample workspace), the OS secret store's status, and preferences.
 * Passwords are write-only: the form sends one with a save; profiles only say whether one is stored.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, CallError, subscribe } from '../api';
import { describeTarget, profileTarget, type ConnectionProfile } from '../../../shared/connections';
import type { SettingsView } from '../../../shared/api/settings';
import type { WorkspaceStatus } from '../../../shared/workspace';
import { ProfileForm } from '../components/settings/ProfileForm';
import { PreferencesForm } from '../components/settings/PreferencesForm';
import { ThresholdsForm } from '../components/settings/ThresholdsForm';
import { NotifiersCard } from '../components/settings/NotifiersCard';
import { DiscordBotCard } from '../components/settings/DiscordBotCard';
import { RunbookSchedulesCard } from '../components/settings/RunbookSchedulesCard';
import '../audit.css';

function targetText(p: ConnectionProfile): string {
  try {
    return describeTarget(profileTarget(p));
  } catch (err) {
    return `invalid target: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function messageOf(err: unknown): string {
  return err instanceof CallError ? err.error.message : err instanceof Error ? err.message : String(err);
}

/** What is open right now, in words (the preference says what opens at start). */
function workspaceState(ws: WorkspaceStatus): string {
  if (ws.opening) return `Opening ${ws.name ?? 'the workspace'}…`;
  if (!ws.open) return ws.openError ? `No database is open: ${ws.openError}` : 'No database is open.';
  const where = `${ws.name ?? 'Workspace'}${ws.target ? ` (${ws.target})` : ''}`;
  if (ws.connection === 'connected') return `Open: ${where} — connected.`;
  if (ws.connection === 'down' || ws.offlineSince) {
    return `Open: ${where} — unreachable${ws.offlineSince ? ` since ${new Date(ws.offlineSince).toLocaleString()}` : ''}${ws.lastError ? `: ${ws.lastError}` : ''}. Its cached records stay readable in the Audit log.`;
  }
  return `Open: ${where} — connecting…`;
}

type Editing = { mode: 'new' } | { mode: 'edit'; profile: ConnectionProfile } | null;

export function SettingsPage() {
  const [view, setView] = useState<SettingsView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [confirmDelete, setConfirmDelete] = useState<ConnectionProfile | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [workspace, setWorkspace] = useState<WorkspaceStatus | null>(null);

  const reload = useCallback(() => {
    call('settings.get', {}).then(
      (v) => {
        setView(v);
        setLoadError(null);
      },
      (err: unknown) => setLoadError(messageOf(err)),
    );
  }, []);

  useEffect(() => {
    reload();
    call('workspace.status', {}).then(setWorkspace, () => setWorkspace(null));
    const offSettings = subscribe('settings.changed', reload);
    const offWorkspace = subscribe('workspace.changed', setWorkspace);
    return () => {
      offSettings();
      offWorkspace();
    };
  }, [reload]);

  async function remove(p: ConnectionProfile) {
    setBusy(true);
    setActionError(null);
    try {
      await call('settings.deleteProfile', { id: p.id });
      setConfirmDelete(null);
      if (editing?.mode === 'edit' && editing.profile.id === p.id) setEditing(null);
      setNotice(`Profile “${p.name}” deleted${p.hasPassword ? ' with its stored password' : ''}.`);
      reload();
    } catch (err) {
      setActionError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function activate(id: string | null) {
    setBusy(true);
    setActionError(null);
    try {
      // Opens the workspace and, once it is open, remembers it as the active profile.
      setWorkspace(await call('workspace.open', { profileId: id }));
      reload();
    } catch (err) {
      setActionError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  if (!view) {
    return (
      <div className="settings-page">
        <h1>Settings</h1>
        {loadError ? (
          <p className="error" role="alert">
            Settings could not be read: {loadError}
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>
    );
  }

  const { profiles, preferences, secretStore, notifiers } = view;
  const active = profiles.find((p) => p.id === preferences.activeProfileId) ?? null;

  return (
    <div className="settings-page">
      <div>
        <h1>Settings</h1>
        <p className="subtitle">Connection profiles, the secret store and preferences. Passwords are write-only: they are never shown again.</p>
      </div>

      {secretStore.available ? (
        <div className="settings-secret available" data-testid="secret-store" data-available="true">
          <span>
            🔐 Secret store: <strong>{secretStore.backend}</strong> — passwords are encrypted by the operating system and never written in plain text.
          </span>
        </div>
      ) : (
        <div className="settings-secret unavailable" role="alert" data-testid="secret-store" data-available="false">
          <strong>⚠ No secret store: passwords will not be stored.</strong>
          <span data-testid="secret-store-reason">{secretStore.reason ?? 'This system offers no way to keep secrets encrypted.'}</span>
          <span className="hint">
            Saving a profile with a password is refused rather than writing the password in plain text. You can still save profiles without one (for trust or
            certificate authentication, or give the password in ROMAN_DB_URL).
          </span>
        </div>
      )}

      <section className="card" aria-label="Active workspace" data-testid="active-workspace">
        <h2>Active workspace</h2>
        {active ? (
          <div className="row">
            <strong>{active.name}</strong>
            <span className={`pill ${active.environment}`}>{active.environment}</span>
            <code>{targetText(active)}</code>
            <button type="button" className="btn secondary small" disabled={busy} onClick={() => void activate(null)}>
              Switch to the sample workspace
            </button>
          </div>
        ) : (
          <div className="row">
            <strong>Sample workspace</strong>
            <span className="pill sample">sample</span>
            <span className="muted">An embedded Postgres with generated, realistic data. Add a profile below and choose “Use” to monitor a real database.</span>
          </div>
        )}
        {workspace ? (
          <p className="hint" data-testid="workspace-state">
            {workspaceState(workspace)}
          </p>
        ) : null}
        {preferences.activeProfileId !== null && !active ? (
          <p className="error">The active profile “{preferences.activeProfileId}” no longer exists; the sample workspace is used.</p>
        ) : null}
      </section>

      <section className="card" aria-label="Connection profiles">
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <h2>Connection profiles</h2>
          <button
            type="button"
            className="btn"
            onClick={() => {
              setNotice(null);
              setEditing({ mode: 'new' });
            }}
          >
            Add profile
          </button>
        </div>
        {profiles.length === 0 ? (
          <p className="muted" data-testid="no-profiles">
            No connection profiles yet. The app uses the sample workspace.
          </p>
        ) : (
          <table className="settings-table" data-testid="profiles">
            <thead>
              <tr>
                <th>Name</th>
                <th>Environment</th>
                <th>Target</th>
                <th>TLS</th>
                <th>Password</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {profiles.map((p) => {
                const isActive = p.id === preferences.activeProfileId;
                return (
                  <tr key={p.id} className={isActive ? 'active' : undefined} data-testid="profile-row" data-profile-id={p.id}>
                    <td>
                      <strong>{p.name}</strong> {isActive ? <span className="pill active">active</span> : null}
                    </td>
                    <td>
                      <span className={`pill ${p.environment}`}>{p.environment}</span>
                    </td>
                    <td className="target">{targetText(p)}</td>
                    <td>
                      {p.tls.mode}
                      {p.tls.caPath ? <div className="hint">CA {p.tls.caPath}</div> : null}
                    </td>
                    <td data-testid="profile-password">{p.hasPassword ? 'stored (encrypted)' : 'none'}</td>
                    <td>
                      <div className="settings-actions">
                        {isActive ? null : (
                          <button type="button" className="btn secondary small" disabled={busy} onClick={() => void activate(p.id)} aria-label={`Use ${p.name}`}>
                            Use
                          </button>
                        )}
                        <button
                          type="button"
                          className="btn secondary small"
                          onClick={() => {
                            setNotice(null);
                            setEditing({ mode: 'edit', profile: p });
                          }}
                          aria-label={`Edit ${p.name}`}
                        >
                          Edit
                        </button>
                        <button type="button" className="btn secondary small" onClick={() => setConfirmDelete(p)} aria-label={`Delete ${p.name}`}>
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {confirmDelete ? (
          <div className="settings-confirm" role="alertdialog" aria-labelledby="confirm-delete-title" data-testid="confirm-delete">
            <p id="confirm-delete-title">
              Delete the profile <strong>“{confirmDelete.name}”</strong> ({confirmDelete.environment})?
              {confirmDelete.hasPassword ? ' Its stored password is deleted too.' : ''}
              {confirmDelete.id === preferences.activeProfileId ? ' It is the active profile: the app returns to the sample workspace.' : ''} The local cache
              of its records is kept.
            </p>
            <div className="row">
              <button type="button" className="btn danger" disabled={busy} onClick={() => void remove(confirmDelete)}>
                Delete profile
              </button>
              <button type="button" className="btn secondary" disabled={busy} onClick={() => setConfirmDelete(null)}>
                Cancel
              </button>
            </div>
          </div>
        ) : null}
        {notice ? (
          <p className="settings-saved" role="status" data-testid="settings-notice">
            {notice}
          </p>
        ) : null}
        {actionError ? (
          <p className="error" role="alert" data-testid="settings-action-error">
            {actionError}
          </p>
        ) : null}
      </section>

      <div className="grid-2">
        <PreferencesForm preferences={preferences} onSaved={reload} />
        {editing ? (
          <ProfileForm
            key={editing.mode === 'edit' ? `edit:${editing.profile.id}` : 'new'}
            profile={editing.mode === 'edit' ? editing.profile : null}
            takenIds={profiles.map((p) => p.id)}
            secretStore={secretStore}
            onSaved={(saved) => {
              setEditing(null);
              setNotice(`Profile “${saved.name}” saved${saved.hasPassword ? ' (password stored encrypted)' : ' (no password stored)'}.`);
              reload();
            }}
            onCancel={() => setEditing(null)}
          />
        ) : (
          <section className="card" aria-label="About connection profiles">
            <h2>About profiles</h2>
            <p className="muted">
              A profile tells the app how to reach a monitored Postgres: a postgres:// URL or host, port, database and user; its environment (production
              profiles get extra care: destructive actions always take a backup first); and how TLS is verified.
            </p>
            <p className="muted">Each profile has its own local cache, so its audit log stays readable offline.</p>
            <button
              type="button"
              className="btn secondary"
              onClick={() => {
                setNotice(null);
                setEditing({ mode: 'new' });
              }}
            >
              Add a profile
            </button>
          </section>
        )}
      </div>
      <div className="grid-2" style={{ marginTop: 16 }}>
        <NotifiersCard notifiers={notifiers} secretStore={secretStore} onSaved={reload} />
        <DiscordBotCard secretStore={secretStore} />
      </div>
      <div className="grid-2" style={{ marginTop: 16 }}>
        <RunbookSchedulesCard />
      </div>
      <div style={{ marginTop: 16 }}>
        <ThresholdsForm preferences={preferences} profiles={profiles} onSaved={reload} />
      </div>
    </div>
  );
}
