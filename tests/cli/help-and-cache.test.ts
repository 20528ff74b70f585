/**
 * Every command answers --help; `roman events search` reads, by default, the cache the app uses for
 * its active profile, and --profile takes the profile's name as the app shows it; `npm run web`'s
 * --help, --budget and --discord-webhook are known options. Real processes, real SQLite files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './run-roman';
import { Cache } from '../../src/main/core/store/cache';
import { cacheFileStem } from '../../src/main/core/store/paths';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(join(REPO, 'node_modules/.bin/tsx'), [file, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
    input: '',
    env: { ...process.env, NO_COLOR: '1', ROMAN_DB_URL: '', ROMAN_CACHE: '', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const roman = (args: string[], env?: NodeJS.ProcessEnv) => run('src/main/cli/roman.ts', args, env);

const COMMANDS = readdirSync(join(REPO, 'src/main/cli/commands'))
  .filter((f) => /^[a-z][a-z-]*\.ts$/.test(f))
  .map((f) => f.replace(/\.ts$/, ''));

// Each case spawns real processes (tsx); on a busy machine one takes several seconds.
describe('--help', { timeout: 180_000 }, () => {
  it.each(COMMANDS)('roman %s --help prints its usage and exits 0', (name) => {
    const r = roman([name, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^roman ${name} — `));
    expect(r.stdout).toMatch(/usage/i);
    expect(r.stderr).toBe('');
  });

  it('the events usage lists --db and --profile', () => {
    const r = roman(['events', '--help']);
    expect(r.stdout).toContain('--db URL');
    expect(r.stdout).toContain('--profile NAME');
  });

  it('npm run web knows --help, --budget and --discord-webhook', () => {
    const help = run('src/main/host/serve.ts', ['--help']);
    expect(help.status).toBe(0);
    for (const flag of ['--db URL', '--discord-webhook URL', '--budget USD', '--no-workspace', '--help']) expect(help.stdout).toContain(flag);
    const bad = run('src/main/host/serve.ts', ['--budget', 'lots', '--no-workspace']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--budget must be an amount in dollars');
    expect(bad.stderr).not.toMatch(/Unknown option/);
    const badHook = run('src/main/host/serve.ts', ['--discord-webhook', 'http://discord.example/api/webhooks/1/tok', '--no-workspace']);
    expect(badHook.status).not.toBe(0);
    expect(badHook.stderr).not.toMatch(/Unknown option/);
  });
});

describe('roman events search: which cache', { timeout: 180_000 }, () => {
  function appDataDir(activeProfileId: string | null): string {
    const dir = mkdtempSync(join(tmpdir(), 'roman-appcache-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({
        'connections.profiles': [
          { id: 'billing-staging', name: 'Billing staging', environment: 'staging', kind: 'url', url: 'postgres://app@db/billing', tls: { mode: 'prefer' }, hasPassword: false },
          { id: 'analytics', name: 'Analytics', environment: 'production', kind: 'url', url: 'postgres://app@db/analytics', tls: { mode: 'prefer' }, hasPassword: false },
        ],
        preferences: { activeProfileId },
      }),
    );
    mkdirSync(join(dir, 'cache'), { recursive: true });
    for (const [id, message] of [
      ['billing-staging', 'deadlock in billing'],
      ['analytics', 'timeout in analytics'],
      ['sample', 'sample workspace error'],
    ] as const) {
      const cache = Cache.open(join(dir, 'cache', `${cacheFileStem(id)}.sqlite`));
      cache.insertRecord({ kind: 'log', timestamp: new Date().toISOString(), severity: 'error', source: 'api', type: 'error', message, metadata: {} });
      cache.close();
    }
    return dir;
  }

  it('defaults to the cache of the app’s active profile', () => {
    const dir = appDataDir('billing-staging');
    const r = roman(['events', 'search', '--json'], { ROMAN_DATA_DIR: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('deadlock in billing');
    expect(r.stdout).not.toContain('timeout in analytics');
  });

  it('without an active profile, the sample workspace’s cache', () => {
    const dir = appDataDir(null);
    const r = roman(['events', 'search', '--json'], { ROMAN_DATA_DIR: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('sample workspace error');
  });

  it('--profile takes the name shown in the app (any case) or the id; an unknown one lists the names', () => {
    const dir = appDataDir('billing-staging');
    for (const name of ['Analytics', 'analytics']) {
      const r = roman(['events', 'search', '--profile', name, '--json'], { ROMAN_DATA_DIR: dir });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('timeout in analytics');
    }
    const byName = roman(['events', 'search', '--profile', 'billing staging'], { ROMAN_DATA_DIR: dir });
    expect(byName.status).toBe(0);
    expect(byName.stdout).toContain('deadlock in billing');
    const unknown = roman(['events', 'search', '--profile', 'Payments'], { ROMAN_DATA_DIR: dir });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no connection profile named "Payments"');
    expect(unknown.stderr).toContain('"Billing staging"');
  });

  it('a missing cache of the active profile says whose it is and what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roman-appcache-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ 'connections.profiles': [{ id: 'p1', name: 'Prod', environment: 'production', kind: 'url', url: 'postgres://a@b/c', tls: { mode: 'prefer' }, hasPassword: false }], preferences: { activeProfileId: 'p1' } }));
    const r = roman(['events', 'search'], { ROMAN_DATA_DIR: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('the active profile “Prod” (p1)');
    expect(r.stderr).toContain('--profile NAME');
  });
});
