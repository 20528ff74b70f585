/** Runs the real `roman` CLI (tsx, cwd /work/main) and returns what a user would see. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Each test process gets its own data folder: decisions land in a local trail there, never in the user's. */
export const CLI_DATA_DIR = process.env.ROMAN_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'roman-cli-data-'));

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
    env: { ...process.env, ROMAN_DATA_DIR: CLI_DATA_DIR, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
