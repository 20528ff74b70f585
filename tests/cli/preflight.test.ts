/**
 * `npm test`'s preflight on a machine that lacks Chromium: runs the real `scripts/test.mjs` with a
 * PATH and environment without one (nothing is uninstalled; every program is looked up on PATH) and
 * checks what a new contributor reads and the exit code. `--no-install` and a PATH without apt-get
 * make sure nothing is installed; `--preflight`, or only a blocked stage, runs no real suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error -- plain ESM script without type declarations
import { hostFacts, preflight } from '../../scripts/preflight.mjs';
// @ts-expect-error -- plain ESM script without type declarations
import { chromiumFix } from '../../scripts/preflight-fixes.mjs';
import { REPO } from './run-roman';

let dir: string;
let emptyBin: string;
let home: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'roman-preflight-'));
  emptyBin = join(dir, 'bin-empty');
  home = join(dir, 'home');
  mkdirSync(emptyBin);
  mkdirSync(home);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A machine without Chromium: an empty PATH, a HOME and Playwright folder without a downloaded browser. */
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: emptyBin, HOME: home, PLAYWRIGHT_BROWSERS_PATH: join(dir, 'no-browsers'), NO_COLOR: '1' };
  if (process.env.ROMAN_TEST_PG_URL) env.ROMAN_TEST_PG_URL = process.env.ROMAN_TEST_PG_URL;
  return { ...env, ...extra };
}

function testMjs(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, ['scripts/test.mjs', ...args], { cwd: REPO, env, encoding: 'utf8', timeout: 200_000 });
  const lines = r.stdout.trimEnd().split('\n');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, last: lines[lines.length - 1] };
}

function executable(name: string, script: string): string {
  const folder = mkdtempSync(join(dir, 'bin-'));
  const path = join(folder, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('npm test preflight without Chromium', { timeout: 120_000 }, () => {
  it('says in one block that Chromium is missing, where it looked, the command that installs it, and exits 1', () => {
    const r = testMjs(['--preflight', '--no-install', 'e2e'], bareEnv());
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/✘ Chromium\s+not found: no chromium, chromium-browser, google-chrome/);
    expect(r.stdout).toMatch(/Playwright's Chromium not downloaded/);
    expect(r.stdout).toMatch(/→ e2e cannot run/);
    expect(r.stdout).toContain('What is missing, and the command that installs it:');
    // The exact command for this machine (apt-get on Debian, Playwright's download elsewhere).
    const expected = (chromiumFix(hostFacts(bareEnv()), false) as { commands: string[] }).commands[0]!;
    expect(r.stdout).toContain(`    ${expected}\n`);
    expect(r.stdout).toContain('ROMAN_TEST_ALLOW_MISSING=e2e npm test');
    expect(r.last).toBe('preflight: not run: e2e (no Chromium)');
    // One block: the message is said once, before anything runs.
    expect(r.stdout.match(/✘ Chromium/g)).toHaveLength(1);
    expect(r.stdout).not.toContain('▶');
  });

  it('with CHROMIUM_PATH pointing at nothing, names that path and says how to fix it instead of looking elsewhere', () => {
    const r = testMjs(['--preflight', '--no-install', 'e2e'], bareEnv({ CHROMIUM_PATH: join(dir, 'nowhere', 'chromium') }));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`CHROMIUM_PATH=${join(dir, 'nowhere', 'chromium')}: no such file`);
    expect(r.stdout).toMatch(/export CHROMIUM_PATH=\/path\/to\/chromium/);
    expect(r.last).toBe('preflight: not run: e2e (CHROMIUM_PATH is not a Chromium)');
  });

  it('refuses a CHROMIUM_PATH that is not executable, does not start, or is not a Chromium', () => {
    const plain = join(dir, 'plain-file');
    writeFileSync(plain, 'not a program');
    const failing = executable('chromium', 'echo "cannot open display" >&2; exit 3');
    const other = executable('chromium', 'echo "Firefox 140.0"');
    const cases: Array<[string, RegExp]> = [
      [plain, /: not an executable file/],
      [failing, /: does not start \(cannot open display\)/],
      [other, /: is not a Chromium \(--version says "Firefox 140\.0"\)/],
    ];
    for (const [path, why] of cases) {
      const r = testMjs(['--preflight', '--no-install', 'e2e'], bareEnv({ CHROMIUM_PATH: path }));
      expect(r.status, path).toBe(1);
      expect(r.stdout).toMatch(why);
    }
  });

  it('finds a Chromium on PATH and hands its path to the suites', async () => {
    const fake = executable('chromium-browser', 'echo "Chromium 999.0.1"');
    const env = bareEnv({ PATH: `${emptyBin}:${join(fake, '..')}` });
    const r = testMjs(['--preflight', '--no-install', 'e2e'], env);
    expect(r.stdout).toContain(`✔ Chromium    ${fake} (Chromium 999.0.1)`);
    expect(r.last).toBe('preflight: every requested suite can run');
    expect(r.status).toBe(0);
    // Playwright gets it as CHROMIUM_PATH (playwright.config.ts launches that executable).
    const result = (await preflight({ root: REPO, stages: ['e2e'], env, install: false })) as { env: Record<string, string>; blocked: object };
    expect(result.env).toEqual({ CHROMIUM_PATH: fake });
    expect(result.blocked).toEqual({});
  });

  it('accepts the missing suite with ROMAN_TEST_ALLOW_MISSING=e2e: reported, exit 0', () => {
    const r = testMjs(['--preflight', '--no-install', 'e2e'], bareEnv({ ROMAN_TEST_ALLOW_MISSING: 'e2e' }));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/→ e2e cannot run \(accepted by ROMAN_TEST_ALLOW_MISSING\)/);
    expect(r.last).toBe('preflight: not run: e2e (accepted: no Chromium)');
  });

  it('a full run reports the suite as not run in the totals line — one failure, no build, no browser launch', () => {
    const r = testMjs(['e2e'], bareEnv({ ROMAN_TEST_NO_INSTALL: '1' }));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('✘ playwright (renderer in Chromium via the browser host): not run — no Chromium');
    expect(r.stdout).not.toContain('▶ electron-vite build');
    expect(r.stdout).not.toContain('▶ playwright');
    expect(r.last).toBe('0 passed, 1 failed; not run: e2e (no Chromium)');
    expect(r.last).toMatch(/^(\d+) passed, (\d+) failed(, (\d+) skipped)?/);

    const accepted = testMjs(['e2e'], bareEnv({ ROMAN_TEST_NO_INSTALL: '1', ROMAN_TEST_ALLOW_MISSING: 'serial,e2e' }));
    expect(accepted.status).toBe(0);
    expect(accepted.last).toBe('0 passed, 0 failed; not run: e2e (accepted: no Chromium)');
  });

  it('refuses unknown stage names and unknown suites in ROMAN_TEST_ALLOW_MISSING (exit 2) instead of running nothing', () => {
    const stage = testMjs(['--preflight', 'e2', '--no-install'], bareEnv());
    expect(stage.status).toBe(2);
    expect(stage.stderr).toContain('unknown stage "e2"');
    const allow = testMjs(['--preflight', '--no-install', 'e2e'], bareEnv({ ROMAN_TEST_ALLOW_MISSING: 'e2e,playwright' }));
    expect(allow.status).toBe(2);
    expect(allow.stderr).toContain('ROMAN_TEST_ALLOW_MISSING names an unknown suite "playwright"');
  });

  it('a ROMAN_TEST_PG_URL that does not answer blocks the Postgres suites, with the password hidden', () => {
    const r = testMjs(['--preflight', '--no-install', 'unit'], bareEnv({ ROMAN_TEST_PG_URL: 'postgres://postgres:hunter2@127.0.0.1:1/postgres' }));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/✘ Postgres\s+ROMAN_TEST_PG_URL=postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/postgres does not answer/);
    expect(r.stdout).not.toContain('hunter2');
    expect(r.stdout).toMatch(/⚠ pg_dump\/pg_restore\s+pg_dump not on PATH; pg_restore not on PATH/);
    expect(r.last).toBe('preflight: not run: unit (ROMAN_TEST_PG_URL does not answer)');
  });
});

/**
 * Installing without asking, as root on Debian. The machine's own apt-get and Postgres are never
 * touched: apt-get, pg_lsclusters and pg_ctlcluster on PATH are stand-ins that log their arguments;
 * the stand-in apt-get "installs" a Chromium and pg_dump/pg_restore into that PATH, and the stand-in
 * pg_ctlcluster starts a real Postgres-protocol server (PGlite's pglite-server) on a free port.
 */
const facts = hostFacts(process.env) as { root: boolean; debianLike: boolean };
const rootOnDebian = facts.root && facts.debianLike;

describe.runIf(rootOnDebian)('npm test preflight as root on Debian (installs by itself)', { timeout: 240_000 }, () => {
  function freePort(): Promise<number> {
    return new Promise((ok, fail) => {
      const srv = createServer();
      srv.once('error', fail);
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as AddressInfo;
        srv.close(() => ok(port));
      });
    });
  }

  async function standIns(options: { noPgClientPackage?: boolean } = {}) {
    const folder = mkdtempSync(join(dir, 'debian-'));
    const bin = join(folder, 'bin');
    mkdirSync(bin);
    const log = join(folder, 'calls.log');
    const port = await freePort();
    const server = realpathSync(join(REPO, 'node_modules/.bin/pglite-server'));
    const write = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    write(
      'apt-get',
      `echo "apt-get $* DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> ${log}
${options.noPgClientPackage ? `case "$*" in *postgresql-client-*) echo "E: Unable to locate package postgresql-client-99" >&2; exit 100;; esac` : ''}
if [ "$1" = install ]; then
  for p in "$@"; do
    case "$p" in
      chromium) printf '#!/bin/sh\\necho "Chromium 999.0"\\n' > ${bin}/chromium; /bin/chmod +x ${bin}/chromium;;
      postgresql-client-*) for t in pg_dump pg_restore; do printf '#!/bin/sh\\necho "%s (PostgreSQL) 99.1"\\n' $t > ${bin}/$t; /bin/chmod +x ${bin}/$t; done;;
    esac
  done
fi`,
    );
    write('pg_lsclusters', `echo "15  main    ${port} down   postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log"`);
    // Like the real one, returns once the server accepts connections (or gives up after 120 s).
    write(
      'pg_ctlcluster',
      `echo "pg_ctlcluster $*" >> ${log}
"${process.execPath}" "${server}" --port=${port} > ${folder}/pglite.log 2>&1 &
echo $! > ${folder}/pglite.pid
for i in $(/usr/bin/seq 1 240); do /bin/grep -q listening ${folder}/pglite.log && exit 0; /bin/sleep 0.5; done
exit 1`,
    );
    const stop = () => {
      const pidFile = join(folder, 'pglite.pid');
      if (existsSync(pidFile)) {
        try {
          process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
        } catch {
          // already gone
        }
      }
    };
    const calls = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    return { bin, port, calls, stop, url: `postgres://postgres@127.0.0.1:${port}/postgres` };
  }

  it('starts the installed cluster that is down, installs Chromium and pg_dump of the server major with apt-get, then everything can run', async () => {
    const s = await standIns();
    try {
      const r = testMjs(['--preflight', 'e2e', 'unit'], bareEnv({ PATH: s.bin, ROMAN_TEST_PG_URL: s.url }));
      const calls = s.calls();
      expect(calls).toContain('pg_ctlcluster --skip-systemctl-redirect 15 main start');
      expect(calls).toContain('apt-get update -qq DEBIAN_FRONTEND=noninteractive');
      expect(calls).toMatch(/apt-get install -y -qq chromium( fonts-noto-color-emoji)? postgresql-client-(\d+) DEBIAN_FRONTEND=noninteractive/);
      const major = calls.match(/postgresql-client-(\d+)/)![1];
      expect(r.stdout).toContain('• started PostgreSQL 15/main with pg_ctlcluster');
      expect(r.stdout).toMatch(/• installed chromium .*postgresql-client-\d+ with apt-get/);
      expect(r.stdout).toContain(`${join(s.bin, 'chromium')} (Chromium 999.0)`);
      expect(r.stdout).toContain(`pg_dump 99.1, pg_restore 99.1 (server ${major})`);
      expect(r.last).toBe('preflight: every requested suite can run');
      expect(r.status).toBe(0);
    } finally {
      s.stop();
    }
  });

  it('when one package cannot be had, installs the others one by one and says which failed', async () => {
    const s = await standIns({ noPgClientPackage: true });
    try {
      const r = testMjs(['--preflight', 'e2e', 'unit'], bareEnv({ PATH: s.bin, ROMAN_TEST_PG_URL: s.url }));
      expect(r.stdout).toContain('• installed chromium with apt-get');
      expect(r.stdout).toMatch(/• apt-get install postgresql-client-\d+ failed: E: Unable to locate package/);
      expect(r.stdout).toMatch(/✔ Chromium\s+\S+chromium \(Chromium 999\.0\)/);
      expect(r.stdout).toMatch(/⚠ pg_dump\/pg_restore\s+pg_dump not on PATH/);
      expect(r.stdout).toMatch(/ {4}apt-get install -y postgresql-client-\d+\n/);
      // Missing pg_dump degrades the unit suite (its backup tests fail) without blocking it.
      expect(r.last).toBe('preflight: every requested suite can run');
      expect(r.status).toBe(0);
    } finally {
      s.stop();
    }
  });

  it('with --no-install touches nothing and says which commands would have done it', async () => {
    const s = await standIns();
    try {
      const r = testMjs(['--preflight', '--no-install', 'e2e', 'unit'], bareEnv({ PATH: s.bin, ROMAN_TEST_PG_URL: s.url }));
      expect(s.calls()).toBe('');
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('    apt-get install -y chromium\n');
      expect(r.stdout).toContain('    pg_ctlcluster --skip-systemctl-redirect 15 main start\n');
      expect(r.stdout).toContain('automatic installation is off');
      expect(r.last).toBe('preflight: not run: e2e (no Chromium), unit (ROMAN_TEST_PG_URL does not answer)');
    } finally {
      s.stop();
    }
  });
});
