/**
 * Whether what Electron's safeStorage offers on this OS is a real secret store (pure, so it is
 * tested under plain Node; the shell passes in what safeStorage reports).
 */
import type { SecretStoreStatus } from '../../../shared/settings';

export function secretStoreStatus(platform: NodeJS.Platform, encryptionAvailable: boolean, linuxBackend: string | undefined): SecretStoreStatus {
  if (!encryptionAvailable) {
    return { available: false, backend: 'none', reason: 'the operating system offers no encryption for app secrets' };
  }
  if (platform === 'linux') {
    if (!linuxBackend || linuxBackend === 'basic_text' || linuxBackend === 'unknown') {
      return {
        available: false,
        backend: linuxBackend ?? 'unknown',
        reason: 'no keyring (GNOME Keyring / KWallet) is running, so Electron could only obfuscate secrets with a fixed key (basic_text). Start a keyring and restart R.O.M.A.N., or pass the password through ROMAN_DB_URL',
      };
    }
    return { available: true, backend: linuxBackend };
  }
  return { available: true, backend: platform === 'darwin' ? 'keychain' : platform === 'win32' ? 'dpapi' : platform };
}

