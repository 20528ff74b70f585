/**
 * Playwright fixture: starts the browser host (`tsx src/main/host/serve.ts --json`, the same program
 * `npm run web` runs) once per worker with its own data folder, and gives each test its URL.
 */
import { test as base } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface HostInfo {
  url: string;
  origin: string;
  dataDir: string;
}

const root = resolve(__dirname, '../..');

export async function startHost(extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<HostInfo & { stop(): Promise<void>; child: ChildProcess }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'roman-e2e-'));
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['src/main/host/serve.ts', '--json', '--data-dir', dataDir, ...extraArgs], {
    cwd: root,
    env: { ...process.env, ROMAN_HOST_EXIT_ON_STDIN_END: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const first = await new Promise<string>((ok, fail) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', ok);
    child.once('exit', (code) => fail(new Error(`browser host exited (${code}): ${stderr}`)));
    setTimeout(() => fail(new Error(`browser host did not start in 60 s: ${stderr}`)), 60_000);
  });
  const info = JSON.parse(first) as { url: string; origin: string };
  return {
    ...info,
    dataDir,
    child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        // The host must stop by itself within its own 10 s limit; never leave it behind.
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<object, { host: HostInfo }>({
  host: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      // The approval dialog needs no database: keep this host light (no sample engine).
      const host = await startHost(['--no-workspace']);
      await use(host);
      await host.stop();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
