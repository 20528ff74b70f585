/**
 * `npm test`: every check the project has, in order, and one plain total at the end.
 * Static checks (lint, typecheck, layers, build) count as one test each; vitest and Playwright
 * report their own counts. All stages run even when one fails, so a run shows everything at once.
 * The last line is `N passed, N failed[, N skipped]`; the exit code is 1 when anything failed.
 *
 * First the preflight (scripts/preflight.mjs) checks what the requested suites need, installs it
 * where it can (root on Debian) and prints one block with what is missing and how to install it. A
 * suite that cannot run is not run: it counts as one failure and the last line says
 * `; not run: e2e (no Chromium)`, unless ROMAN_TEST_ALLOW_MISSING=e2e (comma-separated suite names)
 * accepts it. `node scripts/test.mjs --preflight [stages]` only checks (exit 1 when a requested suite
 * cannot run); `--no-install` (or ROMAN_TEST_NO_INSTALL=1) never installs anything.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatPreflight, notRunText, parseAllowMissing, preflight, SUITES, totalsLine } from './preflight.mjs';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const reports = join(root, '.cache', 'test-reports');
mkdirSync(reports, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(label, cmd, args, env = {}) {
  process.stdout.write(`\n▶ ${label}: ${[cmd, ...args].join(' ')}\n`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return { ok: r.status === 0, seconds };
}

function check(label, cmd, args) {
  const r = run(label, cmd, args);
  totals[r.ok ? 'passed' : 'failed'] += 1;
  lines.push(`${r.ok ? '✔' : '✘'} ${label} (${r.seconds}s)`);
  return r.ok;
}

function suite(label, cmd, args, reportFile, count, env) {
  rmSync(reportFile, { force: true });
  const r = run(label, cmd, args, env);
  if (!existsSync(reportFile)) {
    totals.failed += 1;
    lines.push(`✘ ${label}: no report (${r.seconds}s, exit ${r.ok ? 0 : 'non-zero'})`);
    return;
  }
  const c = count(JSON.parse(readFileSync(reportFile, 'utf8')));
  // A runner that exits non-zero without a failing test (e.g. a crash between tests) still fails.
  if (!r.ok && c.failed === 0) c.failed = 1;
  totals.passed += c.passed;
  totals.failed += c.failed;
  totals.skipped += c.skipped;
  lines.push(`${c.failed ? '✘' : '✔'} ${label}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped (${r.seconds}s)`);
}

/** Counts from vitest's JSON report; a test file that fails to load has no tests of its own: one failure. */
function vitestCounts(j) {
  return {
    passed: j.numPassedTests ?? 0,
    failed: (j.numFailedTests ?? 0) + (j.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length,
    skipped: (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0),
  };
}

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const only = args.filter((a) => !a.startsWith('--'));
const unknownFlags = [...flags].filter((f) => !['--preflight', '--no-install'].includes(f));
const allow = parseAllowMissing(process.env.ROMAN_TEST_ALLOW_MISSING);
const usageErrors = [
  ...only.filter((s) => !SUITES.includes(s)).map((s) => `unknown stage "${s}"`),
  ...unknownFlags.map((f) => `unknown option ${f}`),
  ...allow.unknown.map((s) => `ROMAN_TEST_ALLOW_MISSING names an unknown suite "${s}"`),
];
if (usageErrors.length) {
  process.stderr.write(`${usageErrors.join('\n')}\nUsage: node scripts/test.mjs [--preflight] [--no-install] [${SUITES.join('|')}]…\n`);
  process.exit(2);
}
const want = (stage) => only.length === 0 || only.includes(stage);

// The preflight: what the requested suites need, installed where possible, in one block.
const pre = await preflight({
  root,
  stages: SUITES.filter(want),
  install: !flags.has('--no-install') && process.env.ROMAN_TEST_NO_INSTALL !== '1',
  log: (msg) => process.stdout.write(`[preflight] ${msg}\n`),
});
process.stdout.write(formatPreflight(pre, allow.accepted) + '\n');
/** Suites that did not run: each unaccepted one counts as one failure; all are named in the last line. */
const notRun = [];
function notRunnable(stage, label) {
  const reason = pre.blocked[stage];
  if (!reason) return false;
  const accepted = allow.accepted.has(stage);
  if (!accepted) totals.failed += 1;
  notRun.push({ suite: stage, reason, accepted });
  lines.push(`${accepted ? '-' : '✘'} ${label}: not run — ${reason}${accepted ? ' (accepted by ROMAN_TEST_ALLOW_MISSING)' : ''}`);
  return true;
}
if (flags.has('--preflight')) {
  const blocked = Object.entries(pre.blocked).map(([suite, reason]) => ({ suite, reason, accepted: allow.accepted.has(suite) }));
  process.stdout.write(`preflight: ${blocked.length ? notRunText(blocked) : 'every requested suite can run'}\n`);
  process.exit(blocked.some((b) => !b.accepted) ? 1 : 0);
}
const suiteEnv = pre.env;

if (want('lint') && !notRunnable('lint', 'lint')) check('lint', bin('eslint'), ['.', '--max-warnings=0']);
if (want('typecheck') && !notRunnable('typecheck', 'typecheck')) {
  check('typecheck (main, preload, CLI, tests)', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit']);
  check('typecheck (renderer)', bin('tsc'), ['-p', 'tsconfig.web.json', '--noEmit']);
}
if (want('layers') && !notRunnable('layers', 'layer check')) check('layer check', 'node', ['scripts/layers.mjs']);
let built = true;
if (want('build') && notRunnable('build', 'electron-vite build')) built = false;
else if (want('build') || (want('e2e') && !pre.blocked.e2e)) built = check('electron-vite build', bin('electron-vite'), ['build']);

if (want('unit') && !notRunnable('unit', 'vitest (unit, property, integration, CLI)')) {
  const file = join(reports, 'vitest.json');
  suite('vitest (unit, property, integration, CLI)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], file, vitestCounts, suiteEnv);
}

if (want('serial') && !notRunnable('serial', 'vitest (Postgres restart, serial)')) {
  // Restarts the local Postgres cluster: the preflight checked pg_ctlcluster, root and the local cluster.
  const file = join(reports, 'vitest-serial.json');
  suite('vitest (Postgres restart, serial)', bin('vitest'), ['run', '--config', 'vitest.serial.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], file, vitestCounts, suiteEnv);
}

if (want('e2e') && !notRunnable('e2e', 'playwright (renderer in Chromium via the browser host)')) {
  const file = join(reports, 'playwright.json');
  if (!built) {
    totals.failed += 1;
    notRun.push({ suite: 'e2e', reason: 'the build failed', accepted: false });
    lines.push('✘ playwright: not run, the build failed');
  } else {
    suite('playwright (renderer in Chromium via the browser host)', bin('playwright'), ['test'], file, (j) => ({
      passed: j.stats?.expected ?? 0,
      failed: (j.stats?.unexpected ?? 0) + (j.stats?.flaky ?? 0) + (j.errors?.length ?? 0),
      skipped: j.stats?.skipped ?? 0,
    }), { ...suiteEnv, PLAYWRIGHT_JSON_OUTPUT_NAME: file });
  }
}

process.stdout.write('\n' + lines.join('\n') + '\n');
process.stdout.write(totalsLine(totals, notRun) + '\n');
process.exit(totals.failed > 0 ? 1 : 0);
