import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoSecretVault, Settings } from '../../../src/main/core/settings/settings';
import { JsonFileBackend } from '../../../src/main/core/settings/json-file-backend';
import { aesVault } from '../../support/vault';


const profile = {
  id: 'prod-eu',
  name: 'Production EU',
  environment: 'production',
  kind: 'fields',
  host: 'db.example.internal',
  port: 5432,
  database: 'app',
  user: 'roman',
  tls: { mode: 'require' },
  hasPassword: false,
};

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roman-settings-'));
  file = join(dir, 'settings.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('connection profiles and secrets', () => {
  it('stores the password only as ciphertext and gives it back to the main process', () => {
    const settings = new Settings(new JsonFileBackend(file), aesVault());
    const saved = settings.saveProfile(profile, 'correct horse battery staple');
    expect(saved.hasPassword).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('correct horse');
    expect(settings.resolveTarget('prod-eu').password).toBe('correct horse battery staple');
  });

  it('keeps the stored password when the profile is edited without one, and removes it on request', () => {
    const settings = new Settings(new JsonFileBackend(file), aesVault());
    settings.saveProfile(profile, 's3cret-pass');
    settings.saveProfile({ ...profile, name: 'Production (EU)' });
    expect(settings.profile('prod-eu').name).toBe('Production (EU)');
    expect(settings.resolveTarget('prod-eu').password).toBe('s3cret-pass');
    settings.saveProfile(profile, null);
    expect(settings.resolveTarget('prod-eu').password).toBeUndefined();
    expect(readFileSync(file, 'utf8')).not.toMatch(/secrets\.db\.prod-eu/);
  });

  it('refuses to store a secret without an OS secret store, says why, and changes nothing', () => {
    const settings = new Settings(new JsonFileBackend(file), new NoSecretVault('no keyring (basic_text)'));
    expect(() => settings.saveProfile(profile, 'hunter2')).toThrow(/Not stored: no keyring/);
    expect(settings.profiles()).toEqual([]);
    expect(() => readFileSync(file, 'utf8')).toThrow();
  });

  it('rejects an invalid profile with the field that is wrong, and stores nothing', () => {
    const settings = new Settings(new JsonFileBackend(file), aesVault());
    expect(() => settings.saveProfile({ ...profile, port: 70000 })).toThrow(/port/);
    expect(() => settings.saveProfile({ ...profile, kind: 'url', host: undefined, port: undefined, database: undefined, user: undefined, url: 'postgres://u:pw@h/db' })).toThrow(/must not contain a password/);
    expect(settings.profiles()).toEqual([]);
  });

  it('deleting the active profile falls back to the sample workspace and drops its secret', () => {
    const backend = new JsonFileBackend(file);
    const settings = new Settings(backend, aesVault());
    settings.saveProfile(profile, 'pw');
    settings.setPreferences({ activeProfileId: 'prod-eu' });
    settings.deleteProfile('prod-eu');
    expect(settings.preferences().activeProfileId).toBeNull();
    expect(settings.hasSecret('db.prod-eu')).toBe(false);
  });
});

describe('preferences', () => {
  it('defaults to the manual’s $500 monthly AI budget', () => {
    expect(new Settings(new JsonFileBackend(file), aesVault()).preferences().monthlyAiBudgetUsd).toBe(500);
  });
  it('rejects a bad value with a clear message and keeps the previous ones', () => {
    const settings = new Settings(new JsonFileBackend(file), aesVault());
    settings.setPreferences({ monthlyAiBudgetUsd: 750 });
    expect(() => settings.setPreferences({ monthlyAiBudgetUsd: -1 })).toThrow(/monthlyAiBudgetUsd/);
    expect(settings.preferences().monthlyAiBudgetUsd).toBe(750);
  });
  it('reports a damaged settings file instead of silently resetting it', () => {
    writeFileSync(file, '{ not json');
    expect(() => new JsonFileBackend(file)).toThrow(/damaged/);
    expect(readFileSync(file, 'utf8')).toBe('{ not json');
  });
});
