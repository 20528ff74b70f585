/**
 * A real AES-256-GCM secret vault with an in-memory key: stands in for the OS keychain (Electron's
 * safeStorage) in tests under plain Node. It encrypts for real, so "never in plain text" is checked.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretVault } from '../../src/main/core/settings/settings';

export function aesVault(): SecretVault {
  const key = randomBytes(32);
  return {
    status: () => ({ available: true, backend: 'test-aes-gcm' }),
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
    },
    decrypt(cipher) {
      const buf = Buffer.from(cipher, 'base64');
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    },
  };
}
