import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl, isTrustedSender, APP_CSP } from '../../../src/main/security';
import { secretStoreStatus } from '../../../src/main/core/settings/secret-status';

const prod = { indexFileUrl: 'file:///opt/roman/resources/app.asar/out/renderer/index.html' };
const dev = { devServerOrigin: 'http://localhost:5173' };

describe('IPC sender check', () => {
  it('accepts the main frame showing the packaged renderer', () => {
    expect(isTrustedSender('file:///opt/roman/resources/app.asar/out/renderer/index.html#page=alerts', true, prod)).toBe(true);
  });
  it('refuses a sub-frame, even of our own page', () => {
    expect(isTrustedSender('file:///opt/roman/resources/app.asar/out/renderer/index.html', false, prod)).toBe(false);
  });
  it('refuses another local file and any web page', () => {
    expect(isTrustedSender('file:///tmp/evil.html', true, prod)).toBe(false);
    expect(isTrustedSender('https://example.com/', true, prod)).toBe(false);
  });
  it('accepts only the dev server origin in development', () => {
    expect(isTrustedSender('http://localhost:5173/index.html', true, dev)).toBe(true);
    expect(isTrustedSender('http://localhost:5174/', true, dev)).toBe(false);
    expect(isTrustedSender('file:///opt/roman/out/renderer/index.html', true, dev)).toBe(false);
  });
  it('refuses a missing or malformed URL', () => {
    expect(isTrustedSender(undefined, true, prod)).toBe(false);
    expect(isTrustedSender('not a url', true, prod)).toBe(false);
  });
});

describe('external links', () => {
  it('opens http and https links in the system browser', () => {
    expect(isAllowedExternalUrl('https://status.supabase.com')).toBe(true);
    expect(isAllowedExternalUrl('http://localhost:8080/app')).toBe(true);
  });
  it('never opens other schemes', () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'vscode://x', 'data:text/html,x', '']) {
      expect(isAllowedExternalUrl(url)).toBe(false);
    }
  });
});

describe('content security policy', () => {
  it('allows only the app itself: no inline scripts, no eval, no remote origins', () => {
    expect(APP_CSP).toContain("default-src 'none'");
    expect(APP_CSP).toContain("script-src 'self'");
    expect(APP_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });
});

describe('secret store detection', () => {
  it('treats Linux basic_text as no secret store, and says what to do', () => {
    const s = secretStoreStatus('linux', true, 'basic_text');
    expect(s.available).toBe(false);
    expect(s.reason).toMatch(/keyring/);
  });
  it('accepts a real keyring on Linux and the OS stores elsewhere', () => {
    expect(secretStoreStatus('linux', true, 'gnome_libsecret')).toEqual({ available: true, backend: 'gnome_libsecret' });
    expect(secretStoreStatus('darwin', true, undefined).available).toBe(true);
    expect(secretStoreStatus('win32', true, undefined).available).toBe(true);
  });
  it('refuses when encryption is unavailable at all', () => {
    expect(secretStoreStatus('darwin', false, undefined).available).toBe(false);
  });
});
