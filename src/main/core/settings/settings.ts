/**
 * Settings and secrets of the core. The core takes settings through two small interfaces so each
 * runtime supplies its own: the Electron shell gives electron-store + safeStorage; the browser host
 * a JSON file and no secret store; the CLI reads flags and environment variables instead.
 *
 * Secrets (database passwords, the Discord webhook URL) are kept only as ciphertext from the
 * SecretVault; when the OS offers no real secret store (Linux `basic_text`), storing a secret is
 * refused with an explanation — never done silently in plain text. Secrets never leave the main
 * process: the views given to the renderer say only whether a secret is stored.
 */
import {
  connectionProfileSchema,
  profileTarget,
  type ConnectionProfile,
  type ConnectionTarget,
} from '../../../shared/connections';
import { DEFAULT_PREFERENCES, preferencesSchema, type Preferences, type SecretStoreStatus } from '../../../shared/settings';
import { DomainError } from '../../../shared/result';

/** Where settings are kept (electron-store in the app, a JSON file in the browser host). */
export interface SettingsBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** Encrypts secrets with the OS's facility (safeStorage in the app). */
export interface SecretVault {
  status(): SecretStoreStatus;
  encrypt(plain: string): string;
  decrypt(cipher: string): string;
}

/** A vault for runtimes without an OS secret store: it stores nothing and says why. */
export class NoSecretVault implements SecretVault {
  constructor(private readonly reason: string) {}
  status(): SecretStoreStatus {
    return { available: false, backend: 'none', reason: this.reason };
  }
  encrypt(): string {
    throw new DomainError('unavailable', `Secrets cannot be stored: ${this.reason}`);
  }
  decrypt(): string {
    throw new DomainError('unavailable', `Secrets cannot be read: ${this.reason}`);
  }
}

const PROFILES = 'connections.profiles';
const PREFERENCES = 'preferences';
const SECRET_PREFIX = 'secrets.';
export const DISCORD_WEBHOOK_SECRET = 'notifiers.discord.webhook';

export class Settings {
  constructor(
    private readonly backend: SettingsBackend,
    private readonly vault: SecretVault,
  ) {}

  secretStore(): SecretStoreStatus {
    return this.vault.status();
  }

  /** Profiles as stored; a stored entry that no longer validates is skipped, not fatal. */
  profiles(): ConnectionProfile[] {
    const raw = this.backend.get(PROFILES);
    if (!Array.isArray(raw)) return [];
    const out: ConnectionProfile[] = [];
    for (const item of raw) {
      const parsed = connectionProfileSchema.safeParse(item);
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }

  profile(id: string): ConnectionProfile {
    const p = this.profiles().find((x) => x.id === id);
    if (!p) throw new DomainError('not_found', `No connection profile "${id}".`);
    return p;
  }

  /**
   * Adds or replaces a profile. `password`: undefined keeps the stored one, null removes it, a
   * string stores it encrypted (refused when the OS has no secret store — nothing is changed then).
   */
  saveProfile(input: unknown, password?: string | null): ConnectionProfile {
    const candidate = connectionProfileSchema.safeParse(input);
    if (!candidate.success) {
      const issues = candidate.error.issues.map((i) => ({ path: i.path.join('.') || 'profile', message: i.message }));
      throw new DomainError('invalid_input', 'Invalid connection profile: ' + issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
    }
    let profile = candidate.data;
    if (profile.id === 'sample') {
      throw new DomainError('invalid_input', 'The profile id "sample" is reserved for the sample workspace.', [{ path: 'id', message: 'reserved for the sample workspace' }]);
    }
    const secretRef = `db.${profile.id}`;
    if (typeof password === 'string') {
      if (password.length === 0 || password.length > 1024) {
        throw new DomainError('invalid_input', 'The password must be 1–1024 characters.', [{ path: 'password', message: 'must be 1–1024 characters' }]);
      }
      this.setSecret(secretRef, password); // throws before anything is written when unavailable
      profile = { ...profile, hasPassword: true, secretRef };
    } else if (password === null) {
      this.backend.delete(SECRET_PREFIX + secretRef);
      profile = { ...profile, hasPassword: false, secretRef: undefined };
    } else {
      const previous = this.profiles().find((p) => p.id === profile.id);
      profile = previous?.hasPassword
        ? { ...profile, hasPassword: true, secretRef: previous.secretRef }
        : { ...profile, hasPassword: false, secretRef: undefined };
    }
    const others = this.profiles().filter((p) => p.id !== profile.id);
    this.backend.set(PROFILES, [...others, profile]);
    return profile;
  }

  /**
   * Where a profile being edited would connect (for "Test connection"), without saving anything.
   * `password`: a string is used as typed, null means none, undefined the stored one of that profile.
   */
  draftTarget(input: unknown, password?: string | null): ConnectionTarget {
    const candidate = connectionProfileSchema.safeParse({ ...(input as object), hasPassword: false, secretRef: undefined });
    if (!candidate.success) {
      const issues = candidate.error.issues.map((i) => ({ path: i.path.join('.') || 'profile', message: i.message }));
      throw new DomainError('invalid_input', 'Invalid connection profile: ' + issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
    }
    const target = profileTarget(candidate.data);
    if (typeof password === 'string' && password !== '') target.password = password;
    else if (password === undefined) {
      const stored = this.profiles().find((p) => p.id === candidate.data.id);
      if (stored?.hasPassword && stored.secretRef) target.password = this.getSecret(stored.secretRef);
    }
    return target;
  }

  deleteProfile(id: string): void {
    const p = this.profile(id);
    if (p.secretRef) this.backend.delete(SECRET_PREFIX + p.secretRef);
    this.backend.set(
      PROFILES,
      this.profiles().filter((x) => x.id !== id),
    );
    const prefs = this.preferences();
    if (prefs.activeProfileId === id) this.setPreferences({ activeProfileId: null });
  }

  /** Where to connect for a profile, with its password (main process only). */
  resolveTarget(id: string): ConnectionTarget {
    const p = this.profile(id);
    const target = profileTarget(p);
    if (p.hasPassword && p.secretRef) target.password = this.getSecret(p.secretRef);
    return target;
  }

  preferences(): Preferences {
    const parsed = preferencesSchema.safeParse(this.backend.get(PREFERENCES) ?? {});
    return parsed.success ? parsed.data : DEFAULT_PREFERENCES;
  }

  setPreferences(patch: Partial<Preferences>): Preferences {
    const next = preferencesSchema.safeParse({ ...this.preferences(), ...patch });
    if (!next.success) {
      const issues = next.error.issues.map((i) => ({ path: i.path.join('.') || 'preferences', message: i.message }));
      throw new DomainError('invalid_input', 'Invalid preferences: ' + issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
    }
    this.backend.set(PREFERENCES, next.data);
    return next.data;
  }

  hasSecret(ref: string): boolean {
    return typeof this.backend.get(SECRET_PREFIX + ref) === 'string';
  }

  setSecret(ref: string, plain: string): void {
    const status = this.vault.status();
    if (!status.available) {
      throw new DomainError('unavailable', `Not stored: ${status.reason ?? 'this system offers no secret store'}.`);
    }
    this.backend.set(SECRET_PREFIX + ref, this.vault.encrypt(plain));
  }

  getSecret(ref: string): string | undefined {
    const cipher = this.backend.get(SECRET_PREFIX + ref);
    return typeof cipher === 'string' ? this.vault.decrypt(cipher) : undefined;
  }

  deleteSecret(ref: string): void {
    this.backend.delete(SECRET_PREFIX + ref);
  }
}
