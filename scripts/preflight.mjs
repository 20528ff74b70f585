/**
 * The preflight of `npm test` (scripts/test.mjs): before any suite runs, find what the suites need —
 * a Chromium (e2e), a Postgres server (unit, e2e, serial), pg_dump/pg_restore matching the server
 * (backup tests), the emoji font the screenshots use, and pg_ctlcluster as root (serial) — and say in
 * one block what is missing and the exact command that installs it.
 *
 * Where it can install without asking (root on Debian with apt-get, as on CI) it does: Debian's
 * chromium, fonts-noto-color-emoji and postgresql-client-<server major> with apt-get, and it starts
 * the local cluster with pg_ctlcluster when Postgres is installed but down. `--no-install` or
 * ROMAN_TEST_NO_INSTALL=1 turns that off.
 *
 * A suite whose needs are missing is "blocked" with a short reason: test.mjs reports it as not run.
 * Something that only degrades a suite (no emoji font, no pg_dump, the embedded engine instead of a
 * server) is a warning in the block. Every program is looked up on the given PATH, so a PATH and
 * environment without a piece simulate a machine without it.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromiumFix, emojiFontFix, pgClientFix, postgresServerFix, serialFix } from './preflight-fixes.mjs';

/** Every stage of `npm test`, in the order it runs them. */
export const SUITES = ['lint', 'typecheck', 'layers', 'build', 'unit', 'serial', 'e2e'];
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** ROMAN_TEST_ALLOW_MISSING=e2e,serial: the suites the user accepts not running; unknown names are listed. */
export function parseAllowMissing(value) {
  const names = String(value ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);
  return { accepted: new Set(names.filter((n) => SUITES.includes(n))), unknown: names.filter((n) => !SUITES.includes(n)) };
}

/** The facts the checks and the install commands depend on. */
export function hostFacts(env = process.env) {
  const platform = process.platform;
  const os = platform === 'linux' ? readOsRelease() : { id: '', idLike: [] };
  const family = [os.id, ...os.idLike];
  return {
    platform,
    arch: process.arch,
    root: typeof process.getuid === 'function' && process.getuid() === 0,
    os,
    debian: os.id === 'debian',
    debianLike: family.includes('debian') || family.includes('ubuntu'),
    fedoraLike: family.some((f) => ['fedora', 'rhel', 'centos'].includes(f)),
    apt: platform === 'linux' ? which('apt-get', env) : null,
  };
}

function readOsRelease() {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const get = (k) => (text.match(new RegExp(`^${k}=("?)([^"\\n]*)\\1$`, 'm')) ?? [])[2] ?? '';
    return { id: get('ID'), idLike: get('ID_LIKE').split(/\s+/).filter(Boolean), pretty: get('PRETTY_NAME') };
  } catch {
    return { id: '', idLike: [], pretty: '' };
  }
}

function isExecutableFile(p) {
  try {
    if (!statSync(p).isFile()) return false;
    if (process.platform !== 'win32') accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable called name on env's PATH (with PATHEXT on Windows), or null. */
export function which(name, env = process.env) {
  const dirs = String(env.PATH ?? env.Path ?? '')
    .split(delimiter)
    .filter(Boolean);
  const exts = process.platform === 'win32' ? ['', ...String(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of dirs) for (const ext of exts) if (isExecutableFile(join(dir, name + ext))) return join(dir, name + ext);
  return null;
}

function runFor(cmd, args, env, timeout = 30_000, cwd = undefined) {
  const r = spawnSync(cmd, args, { env, cwd, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: r.status === 0, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() || (r.error?.message ?? '') };
}

function firstLine(text) {
  return String(text).split('\n').find((l) => l.trim()) ?? '';
}

function lastLine(text) {
  return firstLine(String(text).split('\n').reverse().join('\n'));
}

// ————— Chromium —————

/** Whether path is a Chromium or Chrome that starts (`--version`), with its version. */
function probeBrowser(path, env) {
  if (!existsSync(path)) return { ok: false, reason: 'no such file' };
  if (!isExecutableFile(path)) return { ok: false, reason: 'not an executable file' };
  if (process.platform === 'win32') return { ok: true, version: '' }; // chrome.exe --version opens a window
  const r = runFor(path, ['--version'], env);
  if (!r.ok) return { ok: false, reason: `does not start (${firstLine(r.err) || 'exit non-zero'})` };
  if (!/chrom/i.test(r.out)) return { ok: false, reason: `is not a Chromium (--version says "${firstLine(r.out)}")` };
  return { ok: true, version: firstLine(r.out) };
}

/** Where Playwright keeps the Chromium `npx playwright install chromium` downloads, under env. */
function playwrightChromiumPath(root, env) {
  const r = runFor(process.execPath, ['-e', 'process.stdout.write(require("playwright-core").chromium.executablePath())'], env, 30_000, root);
  return r.ok && r.out ? r.out : null;
}

function appLocations(env) {
  if (process.platform === 'darwin') {
    return ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', join(homedir(), 'Applications/Google Chrome.app/Contents/MacOS/Google Chrome')];
  }
  if (process.platform === 'win32') {
    return [env.ProgramFiles, env['ProgramFiles(x86)'], env.LOCALAPPDATA].filter(Boolean).map((d) => join(d, 'Google', 'Chrome', 'Application', 'chrome.exe'));
  }
  return [];
}

/** CHROMIUM_PATH, then chromium / chromium-browser / google-chrome on PATH, the usual app folders, then Playwright's own. */
export function findChromium(root, env) {
  if (env.CHROMIUM_PATH) {
    const p = probeBrowser(env.CHROMIUM_PATH, env);
    if (p.ok) return { ok: true, path: env.CHROMIUM_PATH, version: p.version, via: 'CHROMIUM_PATH' };
    return { ok: false, explicit: true, tried: [`CHROMIUM_PATH=${env.CHROMIUM_PATH}: ${p.reason}`] };
  }
  const tried = [];
  for (const name of CHROMIUM_NAMES) {
    const path = which(name, env);
    if (!path) continue;
    const p = probeBrowser(path, env);
    if (p.ok) return { ok: true, path, version: p.version, via: 'PATH' };
    tried.push(`${path}: ${p.reason}`);
  }
  if (!tried.length) tried.push(`no ${CHROMIUM_NAMES.join(', ')} on PATH`);
  for (const path of appLocations(env)) {
    if (!existsSync(path)) continue;
    const p = probeBrowser(path, env);
    if (p.ok) return { ok: true, path, version: p.version, via: 'installed app' };
    tried.push(`${path}: ${p.reason}`);
  }
  const own = playwrightChromiumPath(root, env);
  if (own && existsSync(own)) {
    const p = probeBrowser(own, env);
    if (p.ok) return { ok: true, path: own, version: p.version, via: "Playwright's browser" };
    tried.push(`Playwright's Chromium ${own}: ${p.reason}`);
  } else {
    tried.push(own ? `Playwright's Chromium not downloaded (${own})` : "Playwright's Chromium: not available for this platform");
  }
  return { ok: false, explicit: false, tried };
}

function checkChromium(root, env, facts) {
  const found = findChromium(root, env);
  if (found.ok) {
    return { key: 'chromium', label: 'Chromium', state: 'ok', detail: `${found.path}${found.version ? ` (${found.version})` : ''}`, env: { CHROMIUM_PATH: found.path } };
  }
  const fix = chromiumFix(facts, found.explicit);
  return {
    key: 'chromium',
    label: 'Chromium',
    state: 'missing',
    detail: `not found: ${found.tried.join('; ')}`,
    blocks: [{ suite: 'e2e', reason: found.explicit ? 'CHROMIUM_PATH is not a Chromium' : 'no Chromium' }],
    fix: fix.commands,
    apt: fix.apt,
  };
}

// ————— emoji font —————

function hasEmojiFont(env) {
  const fcList = which('fc-list', env);
  if (fcList) {
    const r = runFor(fcList, [':family=Noto Color Emoji', 'family'], env);
    if (r.ok) return r.out.length > 0;
  }
  const dirs = ['/usr/share/fonts', '/usr/local/share/fonts', join(env.HOME ?? homedir(), '.local/share/fonts'), join(env.HOME ?? homedir(), '.fonts')];
  const seen = (dir, depth) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    return entries.some((e) => (e.isDirectory() ? depth < 4 && seen(join(dir, e.name), depth + 1) : /^NotoColorEmoji.*\.(ttf|otf)$/i.test(e.name)));
  };
  return dirs.some((d) => seen(d, 0));
}

function checkEmojiFont(env, facts) {
  // macOS and Windows ship a colour emoji font (Apple Color Emoji, Segoe UI Emoji).
  if (facts.platform !== 'linux' || hasEmojiFont(env)) {
    return { key: 'font', label: 'Emoji font', state: 'ok', detail: facts.platform === 'linux' ? 'Noto Color Emoji' : 'the system emoji font' };
  }
  const fix = emojiFontFix(facts);
  return { key: 'font', label: 'Emoji font', state: 'warn', detail: 'Noto Color Emoji not installed', effect: 'screenshots show boxes instead of emoji', fix: fix.commands, apt: fix.apt };
}

// ————— Postgres —————

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

async function probePostgres(url) {
  let pg;
  try {
    pg = (await import('pg')).default;
  } catch (err) {
    return { ok: false, reason: `the pg module is missing (${err.message}); run npm ci` };
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const r = await client.query(`select current_setting('server_version') as version, current_setting('server_version_num')::int as num`);
    return { ok: true, version: r.rows[0].version, major: Math.floor(r.rows[0].num / 10000) };
  } catch (err) {
    return { ok: false, reason: err.message || String(err) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function isLocalUrl(url) {
  try {
    const u = new URL(url);
    return ['', 'localhost', '127.0.0.1', '[::1]', '::1'].includes(u.hostname);
  } catch {
    return false;
  }
}

function urlPort(url) {
  try {
    return Number(new URL(url).port || 5432);
  } catch {
    return 5432;
  }
}

/** Debian's clusters (pg_lsclusters): version, name, port, status. Empty without postgresql-common. */
function listClusters(env) {
  const bin = which('pg_lsclusters', env);
  if (!bin) return [];
  const r = runFor(bin, ['--no-header'], env);
  if (!r.ok) return [];
  return r.out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4)
    .map(([version, name, port, status]) => ({ version, name, port: Number(port), status }));
}

async function waitForPostgres(url, seconds) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const p = await probePostgres(url);
    if (p.ok || Date.now() > end) return p;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function checkPostgres(env, facts, install, log) {
  const explicit = Boolean(env.ROMAN_TEST_PG_URL);
  const url = env.ROMAN_TEST_PG_URL || DEFAULT_PG_URL;
  const shown = redact(url);
  let probe = await probePostgres(url);
  const clusters = isLocalUrl(url) ? listClusters(env) : [];
  const cluster = clusters.find((c) => c.port === urlPort(url));
  const actions = [];
  if (!probe.ok && cluster && cluster.status !== 'online') {
    const ctl = which('pg_ctlcluster', env);
    if (install.enabled && facts.root && ctl) {
      log(`starting PostgreSQL ${cluster.version}/${cluster.name} (pg_ctlcluster)`);
      const r = runFor(ctl, ['--skip-systemctl-redirect', cluster.version, cluster.name, 'start'], env, 120_000);
      probe = await waitForPostgres(url, 60);
      actions.push(`started PostgreSQL ${cluster.version}/${cluster.name} with pg_ctlcluster${r.ok ? '' : ` (${firstLine(r.err)})`}`);
    }
  }
  const base = { key: 'postgres', label: 'Postgres', actions, url };
  if (probe.ok) return { ...base, state: 'ok', detail: `${shown} (PostgreSQL ${probe.version})`, major: probe.major };
  const fix = postgresServerFix(facts, { explicit, shown, cluster });
  const suites = ['unit', 'e2e', 'serial'];
  if (explicit) {
    const reason = 'ROMAN_TEST_PG_URL does not answer';
    return { ...base, state: 'missing', detail: `ROMAN_TEST_PG_URL=${shown} does not answer: ${probe.reason}`, blocks: suites.map((suite) => ({ suite, reason })), fix: fix.commands };
  }
  if (env.CI === 'true') {
    const reason = 'no Postgres server (CI=true requires one)';
    return { ...base, state: 'missing', detail: `no server at ${shown}: ${probe.reason}; CI=true requires a real server`, blocks: suites.map((suite) => ({ suite, reason })), fix: fix.commands };
  }
  return {
    ...base,
    state: 'warn',
    detail: `no server at ${shown} (${probe.reason}): the tests use the embedded engine (PGlite)`,
    effect: 'tests that need a real server (roles, pg_terminate_backend, replication) fail',
    blocks: [{ suite: 'serial', reason: 'no Postgres server' }],
    fix: fix.commands,
  };
}

// ————— pg_dump / pg_restore —————

function pgToolVersion(bin, env) {
  const r = runFor(bin, ['--version'], env);
  const m = r.out.match(/(\d+)(?:\.(\d+))?/);
  return r.ok && m ? { version: m[0], major: Number(m[1]) } : null;
}

function checkPgClient(env, facts, server) {
  const major = server.state === 'ok' ? server.major : null;
  const problems = [];
  const found = [];
  for (const tool of ['pg_dump', 'pg_restore']) {
    const bin = which(tool, env);
    const v = bin && pgToolVersion(bin, env);
    if (!bin) problems.push(`${tool} not on PATH`);
    else if (!v) problems.push(`${bin} does not run`);
    else if (major && v.major < major) problems.push(`${tool} ${v.version} is older than the server (${major}): it refuses to dump it`);
    else found.push(`${tool} ${v.version}`);
  }
  const label = 'pg_dump/pg_restore';
  if (!problems.length) return { key: 'pgclient', label, state: 'ok', detail: `${found.join(', ')}${major ? ` (server ${major})` : ''}` };
  const fix = pgClientFix(facts, major);
  return { key: 'pgclient', label, state: 'warn', detail: problems.join('; '), effect: 'the backup tests (pg_dump -Fc, pg_restore --list) fail', fix: fix.commands, apt: fix.apt };
}

// ————— serial: restarting the local server —————

function checkSerial(env, facts, server) {
  const label = 'Postgres restart (serial)';
  const problems = [];
  const ctl = which('pg_ctlcluster', env);
  let versions = [];
  try {
    versions = readdirSync('/etc/postgresql');
  } catch {
    // no Debian cluster configuration
  }
  if (!facts.root) problems.push('not root');
  if (!ctl) problems.push('no pg_ctlcluster on PATH');
  if (!versions.length) problems.push('no Debian cluster in /etc/postgresql');
  const cluster = versions.length && ctl ? listClusters(env).find((c) => c.version === versions[0] && c.name === 'main') : null;
  if (!isLocalUrl(server.url) || (cluster && cluster.port !== urlPort(server.url))) {
    problems.push(`the Postgres under test (${redact(server.url)}) is not the local cluster ${versions[0] ?? ''}/main`);
  }
  if (!problems.length) return { key: 'serial', label, state: 'ok', detail: `pg_ctlcluster ${versions[0]} main, as root` };
  return {
    key: 'serial',
    label,
    state: 'missing',
    detail: problems.join('; '),
    blocks: [{ suite: 'serial', reason: 'needs pg_ctlcluster as root on the local cluster' }],
    fix: serialFix(facts),
  };
}

// ————— the whole preflight —————

function checkNodeModules(root) {
  const missing = ['vitest', 'playwright', 'eslint', 'tsc', 'electron-vite'].filter((b) => !existsSync(join(root, 'node_modules', '.bin', b)));
  if (!missing.length) return null;
  return {
    key: 'node_modules',
    label: 'Node dependencies',
    state: 'missing',
    detail: `not installed (no ${missing.join(', ')} in node_modules/.bin)`,
    blocks: SUITES.map((suite) => ({ suite, reason: 'run npm ci first' })),
    fix: ['npm ci'],
  };
}

/** Whether the preflight may install by itself, and why not. */
export function installPolicy(facts, enabled) {
  if (!enabled) return { enabled: false, why: 'automatic installation is off (--no-install or ROMAN_TEST_NO_INSTALL=1)' };
  if (facts.platform !== 'linux' || !facts.debianLike) return { enabled: false, why: 'it installs by itself only on Debian/Ubuntu' };
  if (!facts.root) return { enabled: false, why: 'it installs by itself only as root (CI); not root here' };
  if (!facts.apt) return { enabled: false, why: 'no apt-get on PATH' };
  return { enabled: true, why: '' };
}

async function checkAll(root, stages, env, facts, install, log) {
  const wants = (...s) => s.some((x) => stages.includes(x));
  const items = [];
  const deps = checkNodeModules(root);
  if (deps) return [deps];
  if (wants('e2e')) items.push(checkChromium(root, env, facts), checkEmojiFont(env, facts));
  if (wants('unit', 'serial', 'e2e')) {
    const server = await checkPostgres(env, facts, install, log);
    items.push(server);
    if (wants('unit')) items.push(checkPgClient(env, facts, server));
    if (wants('serial')) items.push(checkSerial(env, facts, server));
  }
  return items;
}

/**
 * `apt-get update` then `apt-get install -y` of the packages, non-interactively; when one package
 * cannot be had (e.g. no postgresql-client for that major in the configured repositories), the
 * others are installed one by one so that one missing package does not block the rest.
 */
function aptInstall(apt, packages, env, log) {
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const actions = [];
  log(`installing ${packages.join(' ')} (apt-get)`);
  const update = runFor(apt, ['update', '-qq'], aptEnv, 600_000);
  if (!update.ok) actions.push(`apt-get update failed (${lastLine(update.err)}); installing from the package lists already present`);
  const all = runFor(apt, ['install', '-y', '-qq', ...packages], aptEnv, 1_200_000);
  if (all.ok) return [...actions, `installed ${packages.join(' ')} with apt-get`];
  if (packages.length === 1) return [...actions, `apt-get install ${packages[0]} failed: ${lastLine(all.err)}`];
  for (const pkg of packages) {
    const one = runFor(apt, ['install', '-y', '-qq', pkg], aptEnv, 1_200_000);
    actions.push(one.ok ? `installed ${pkg} with apt-get` : `apt-get install ${pkg} failed: ${lastLine(one.err)}`);
  }
  return actions;
}

/**
 * Checks what `stages` need. With installation allowed, installs the missing apt packages once and
 * checks again. Returns the items, the blocked suites ({suite: reason}), what it did, and the
 * environment the suites should run with (e.g. CHROMIUM_PATH of the Chromium it found).
 */
export async function preflight({ root, stages, env = process.env, install: allowInstall = true, log = () => undefined }) {
  const facts = hostFacts(env);
  const install = installPolicy(facts, allowInstall);
  let items = await checkAll(root, stages, env, facts, install, log);
  const actions = items.flatMap((i) => i.actions ?? []);
  const packages = [...new Set(items.filter((i) => i.state !== 'ok').flatMap((i) => i.apt ?? []))];
  if (install.enabled && packages.length) {
    actions.push(...aptInstall(facts.apt, packages, env, log));
    items = await checkAll(root, stages, env, facts, install, log);
    actions.push(...items.flatMap((i) => i.actions ?? []));
  }
  const blocked = {};
  for (const item of items) for (const b of item.blocks ?? []) if (stages.includes(b.suite)) blocked[b.suite] ??= b.reason;
  const suiteEnv = Object.assign({}, ...items.map((i) => i.env ?? {}));
  return { items, blocked, actions, install, facts, env: suiteEnv };
}

/** The one block printed before the suites run: what was found, what is missing, and how to install it. */
export function formatPreflight(result, accepted = new Set()) {
  const mark = { ok: '✔', warn: '⚠', missing: '✘' };
  const width = Math.max(...result.items.map((i) => i.label.length), 0) + 2;
  const out = ['Preflight — what the requested suites need:'];
  for (const item of result.items) {
    out.push(`  ${mark[item.state]} ${item.label.padEnd(width)}${item.detail}`);
    if (item.state === 'warn' && item.effect) out.push(`    ${' '.repeat(width)}→ ${item.effect}`);
    const blocks = (item.blocks ?? []).filter((b) => item.state === 'missing' || b.suite === 'serial');
    for (const b of blocks) if (result.blocked[b.suite] === b.reason) out.push(`    ${' '.repeat(width)}→ ${b.suite} cannot run${accepted.has(b.suite) ? ' (accepted by ROMAN_TEST_ALLOW_MISSING)' : ''}`);
  }
  if (!result.items.length) out.push('  (nothing beyond node_modules)');
  for (const a of result.actions) out.push(`  • ${a}`);
  const todo = result.items.filter((i) => i.state !== 'ok' && i.fix?.length);
  if (todo.length) {
    out.push('What is missing, and the command that installs it:');
    for (const item of todo) {
      out.push(`  ${item.label}:`);
      for (const cmd of item.fix) out.push(`    ${cmd}`);
    }
    if (!result.install.enabled && todo.some((i) => i.apt?.length)) out.push(`  npm test runs the apt-get commands itself as root on Debian; it did not here: ${result.install.why}.`);
  }
  const notAccepted = Object.keys(result.blocked).filter((s) => !accepted.has(s));
  if (notAccepted.length) out.push(`To run without them instead: ROMAN_TEST_ALLOW_MISSING=${notAccepted.join(',')} npm test`);
  return out.join('\n');
}

/**
 * The last line of `npm test`: `N passed, N failed[, N skipped]`, then the suites that did not run
 * and why, e.g. `0 passed, 1 failed; not run: e2e (no Chromium), serial (accepted: no root)`.
 */
export function totalsLine(totals, notRun = []) {
  const line = `${totals.passed} passed, ${totals.failed} failed` + (totals.skipped ? `, ${totals.skipped} skipped` : '');
  return notRun.length ? `${line}; ${notRunText(notRun)}` : line;
}

/** `not run: e2e (no Chromium), serial (accepted: …)`. */
export function notRunText(notRun) {
  return 'not run: ' + notRun.map((n) => `${n.suite} (${n.accepted ? 'accepted: ' : ''}${n.reason})`).join(', ');
}
