/**
 * The shell's settings: electron-store for profiles and preferences, Electron's safeStorage for
 * secrets. On Linux without a keyring safeStorage falls back to `basic_text` (a hard-coded key):
 * that is not a secret store, so the vault reports itself unavailable and secrets are refused.
 */
import { safeStorage } from 'electron';
import Store from 'electron-store';
import type { SecretVault, SettingsBackend } from './core/settings/settings';
import { secretStoreStatus } from './core/settings/secret-status';

export function electronSettingsBackend(): SettingsBackend {
  const store = new Store<Record<string, unknown>>({ name: 'settings', clearInvalidConfig: false });
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
  };
}

export function safeStorageVault(): SecretVault {
  return {
    status: () =>
      secretStoreStatus(
        process.platform,
        safeStorage.isEncryptionAvailable(),
        process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined,
      ),
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (cipher) => safeStorage.decryptString(Buffer.from(cipher, 'base64')),
  };
}
