/**
 * `npm start`: builds and runs the Electron app. Electron's binary is downloaded on first use; where
 * it is not installed and cannot be downloaded (an offline machine), this says so and points to the
 * browser host (`npm run web`), which serves the same renderer and core in a browser.
 */
import { existsSync, readFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const electronDir = join(root, 'node_modules', 'electron');

function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const full = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(full) ? full : null;
}

let binary = electronBinary();
if (!binary && existsSync(join(electronDir, 'install.js'))) {
  process.stderr.write('Electron binary not installed yet: trying to download it (npx install-electron)…\n');
  // Its output is kept: a failed download prints a raw stack (TypeError: fetch failed …); say it in one line.
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 120_000 });
  if (r.status === 0) binary = electronBinary();
  else {
    const lines = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').map((l) => l.trim());
    const reason =
      lines.find((l) => /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|certificate)\b/.test(l)) ??
      lines.find((l) => /^(\w*Error|RequestError|HTTPError)\b/.test(l)) ??
      (r.error ? r.error.message : 'no reason given');
    process.stderr.write(`Download failed: ${reason.replace(/^\[?cause\]?:?\s*/i, '').slice(0, 200)}\n`);
  }
}
if (!binary) {
  process.stderr.write(
    '\nR.O.M.A.N. Desktop cannot start here: the Electron binary is not installed and could not be downloaded\n' +
      '(no network access to Electron\'s release servers).\n\n' +
      'Run the same app in your browser instead — same core, same screens, loopback only:\n' +
      '  npm run web\n\n' +
      'Or install Electron where a network is available (npx install-electron) and run npm start again.\n',
  );
  process.exit(1);
}

const build = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const app = spawn(binary, [root], { cwd: root, stdio: 'inherit' });
app.on('exit', (code) => process.exit(code ?? 0));
