/**
 * `npm test`: every check the project has, in order, and one plain total at the end.
 * Static checks (lint, typecheck, layers, build) count as one test each; vitest and Playwright
 * report their own counts. All stages run even when one fails, so a run shows everything at once.
 * The last line is `N passed, N failed[, N skipped]`; the exit code is 1 when anything failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

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

const only = process.argv.slice(2);
const want = (stage) => only.length === 0 || only.includes(stage);

if (want('lint')) check('lint', bin('eslint'), ['.', '--max-warnings=0']);
if (want('typecheck')) {
  check('typecheck (main, preload, CLI, tests)', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit']);
  check('typecheck (renderer)', bin('tsc'), ['-p', 'tsconfig.web.json', '--noEmit']);
}
if (want('layers')) check('layer check', 'node', ['scripts/layers.mjs']);
let built = true;
if (want('build') || want('e2e')) built = check('electron-vite build', bin('electron-vite'), ['build']);

if (want('unit')) {
  const file = join(reports, 'vitest.json');
  suite('vitest (unit, property, integration, CLI)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], file, vitestCounts);
}

if (want('serial')) {
  // Restarts the local Postgres cluster: needs pg_ctlcluster (root). CI always has it.
  const canRestart = spawnSync('sh', ['-c', 'command -v pg_ctlcluster && test -d /etc/postgresql && test "$(id -u)" = 0']).status === 0;
  const file = join(reports, 'vitest-serial.json');
  if (canRestart) {
    suite('vitest (Postgres restart, serial)', bin('vitest'), ['run', '--config', 'vitest.serial.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], file, vitestCounts);
  } else if (process.env.CI === 'true') {
    totals.failed += 1;
    lines.push('✘ vitest (Postgres restart): cannot restart Postgres here (needs pg_ctlcluster as root)');
  } else {
    totals.skipped += 2;
    lines.push('- vitest (Postgres restart): not run — needs pg_ctlcluster as root (runs on CI)');
  }
}

if (want('e2e')) {
  const file = join(reports, 'playwright.json');
  if (!built) {
    totals.failed += 1;
    lines.push('✘ playwright: not run, the build failed');
  } else {
    suite('playwright (renderer in Chromium via the browser host)', bin('playwright'), ['test'], file, (j) => ({
      passed: j.stats?.expected ?? 0,
      failed: (j.stats?.unexpected ?? 0) + (j.stats?.flaky ?? 0) + (j.errors?.length ?? 0),
      skipped: j.stats?.skipped ?? 0,
    }), { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
  }
}

process.stdout.write('\n' + lines.join('\n') + '\n');
const summary = `${totals.passed} passed, ${totals.failed} failed` + (totals.skipped ? `, ${totals.skipped} skipped` : '');
process.stdout.write(summary + '\n');
process.exit(totals.failed > 0 ? 1 : 0);
