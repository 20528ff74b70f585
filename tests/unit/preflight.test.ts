/**
 * The preflight's decisions that depend on the platform (scripts/preflight.mjs and
 * preflight-fixes.mjs): which exact command installs what, when it may install by itself, how the
 * totals line names suites that did not run, and that a plain `npm ci` never downloads Electron.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error -- plain ESM script without type declarations
import { chromiumFix, emojiFontFix, pgClientFix, postgresServerFix, serialFix } from '../../scripts/preflight-fixes.mjs';
// @ts-expect-error -- plain ESM script without type declarations
import { installPolicy, parseAllowMissing, totalsLine } from '../../scripts/preflight.mjs';

interface Facts {
  platform: string;
  arch: string;
  root: boolean;
  debian: boolean;
  debianLike: boolean;
  fedoraLike: boolean;
  apt: string | null;
}
const linux = { platform: 'linux', arch: 'x64', fedoraLike: false, apt: '/usr/bin/apt-get' };
const debianRoot: Facts = { ...linux, root: true, debian: true, debianLike: true };
const debianUser: Facts = { ...debianRoot, root: false };
const ubuntu: Facts = { ...linux, root: true, debian: false, debianLike: true };
const fedora: Facts = { ...linux, root: false, debian: false, debianLike: false, fedoraLike: true, apt: null };
const mac: Facts = { platform: 'darwin', arch: 'arm64', root: false, debian: false, debianLike: false, fedoraLike: false, apt: null };
const windows: Facts = { ...mac, platform: 'win32', arch: 'x64' };

describe('install commands per platform', () => {
  it('Chromium: apt-get on Debian (installable), Playwright elsewhere, a fix of CHROMIUM_PATH when it was given', () => {
    expect(chromiumFix(debianRoot, false)).toEqual({ commands: ['apt-get install -y chromium'], apt: ['chromium'] });
    expect(chromiumFix(debianUser, false).commands).toEqual(['sudo apt-get install -y chromium']);
    expect(chromiumFix(ubuntu, false)).toEqual({ commands: ['npx playwright install --with-deps chromium'], apt: [] });
    expect(chromiumFix(mac, false).commands).toEqual(['npx playwright install chromium']);
    expect(chromiumFix(windows, false).commands).toEqual(['npx playwright install chromium']);
    expect(chromiumFix({ ...fedora, arch: 'riscv64' }, false).commands[0]).toMatch(/^export CHROMIUM_PATH=/);
    const explicit = chromiumFix(debianRoot, true);
    expect(explicit.apt).toEqual([]);
    expect(explicit.commands[0]).toMatch(/^export CHROMIUM_PATH=.*unset CHROMIUM_PATH/);
  });

  it('pg_dump/pg_restore of the server major version', () => {
    expect(pgClientFix(debianRoot, 15)).toEqual({ commands: ['apt-get install -y postgresql-client-15'], apt: ['postgresql-client-15'] });
    expect(pgClientFix(debianUser, null)).toEqual({ commands: ['sudo apt-get install -y postgresql-client'], apt: ['postgresql-client'] });
    expect(pgClientFix(mac, 16).commands).toEqual(['brew install libpq && brew link --force libpq']);
    expect(pgClientFix(windows, 16).commands[0]).toBe('winget install PostgreSQL.PostgreSQL.16');
    expect(pgClientFix(fedora, 15).apt).toEqual([]);
  });

  it('the emoji font and a Postgres server', () => {
    expect(emojiFontFix(debianUser)).toEqual({ commands: ['sudo apt-get install -y fonts-noto-color-emoji'], apt: ['fonts-noto-color-emoji'] });
    expect(emojiFontFix(fedora).apt).toEqual([]);
    const down = postgresServerFix(debianRoot, { explicit: false, shown: 'x', cluster: { version: '15', name: 'main', port: 5432, status: 'down' } });
    expect(down.commands).toEqual(['pg_ctlcluster --skip-systemctl-redirect 15 main start']);
    const none = postgresServerFix(debianUser, { explicit: false, shown: 'x', cluster: undefined });
    expect(none.commands).toEqual([
      'sudo apt-get install -y postgresql',
      `sudo -u postgres psql -c "ALTER ROLE postgres PASSWORD 'postgres'"`,
      'export ROMAN_TEST_PG_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres',
    ]);
    expect(postgresServerFix(mac, { explicit: false }).commands[0]).toBe('brew install postgresql@17 && brew services start postgresql@17');
    expect(postgresServerFix(windows, { explicit: false }).commands[0]).toBe('winget install PostgreSQL.PostgreSQL.17');
    expect(postgresServerFix(debianRoot, { explicit: true, shown: 'postgres://a:***@db/x' }).commands[0]).toMatch(/postgres:\/\/a:\*\*\*@db\/x.*unset ROMAN_TEST_PG_URL/);
    expect(serialFix(debianUser)[0]).toMatch(/^sudo npm test -- serial/);
  });
});

describe('when the preflight installs by itself', () => {
  it('only as root on Debian/Ubuntu with apt-get, and never when turned off', () => {
    expect(installPolicy(debianRoot, true)).toEqual({ enabled: true, why: '' });
    expect(installPolicy(debianRoot, false).enabled).toBe(false);
    expect(installPolicy(debianRoot, false).why).toMatch(/--no-install or ROMAN_TEST_NO_INSTALL=1/);
    expect(installPolicy(debianUser, true)).toEqual({ enabled: false, why: expect.stringMatching(/only as root/) });
    expect(installPolicy({ ...debianRoot, apt: null }, true)).toEqual({ enabled: false, why: 'no apt-get on PATH' });
    expect(installPolicy(mac, true).enabled).toBe(false);
    expect(installPolicy(fedora, true).enabled).toBe(false);
  });
});

describe('suites that did not run', () => {
  it('ROMAN_TEST_ALLOW_MISSING takes comma- or space-separated suite names and lists unknown ones', () => {
    const a = parseAllowMissing('e2e, serial');
    expect([...a.accepted]).toEqual(['e2e', 'serial']);
    expect(a.unknown).toEqual([]);
    expect(parseAllowMissing('e2e playwright').unknown).toEqual(['playwright']);
    expect(parseAllowMissing(undefined).accepted.size).toBe(0);
  });

  it('the totals line keeps "N passed, N failed[, N skipped]" first and names each suite not run with its reason', () => {
    expect(totalsLine({ passed: 12, failed: 0, skipped: 0 })).toBe('12 passed, 0 failed');
    expect(totalsLine({ passed: 12, failed: 1, skipped: 3 }, [{ suite: 'e2e', reason: 'no Chromium', accepted: false }])).toBe(
      '12 passed, 1 failed, 3 skipped; not run: e2e (no Chromium)',
    );
    expect(
      totalsLine({ passed: 5, failed: 0, skipped: 0 }, [
        { suite: 'serial', reason: 'needs pg_ctlcluster as root on the local cluster', accepted: true },
        { suite: 'e2e', reason: 'no Chromium', accepted: true },
      ]),
    ).toBe('5 passed, 0 failed; not run: serial (accepted: needs pg_ctlcluster as root on the local cluster), e2e (accepted: no Chromium)');
  });
});

describe('a fresh clone', () => {
  it('plain `npm ci` never downloads the Electron binary: the locked electron has no install script', () => {
    const lock = JSON.parse(readFileSync(join(__dirname, '../../package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean; version?: string }> };
    const electron = lock.packages['node_modules/electron']!;
    expect(electron.version).toBeDefined();
    expect(electron.hasInstallScript).toBeUndefined();
  });
});
