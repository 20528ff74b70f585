/** Runs the real `roman` CLI (tsx, cwd /work/main) and returns what a user would see. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function roman(args: string[], input?: string): CliRun {
  const r = spawnSync(join(REPO, 'node_modules/.bin/tsx'), ['src/main/cli/roman.ts', ...args], {
    cwd: REPO,
    input: input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
