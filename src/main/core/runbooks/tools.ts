/** Runs an external tool (pg_dump, pg_restore, npm) with a timeout, never through a shell. */
import { spawn } from 'node:child_process';

export interface ToolResult {
  /** null when the tool could not be started (e.g. not installed: `missing`). */
  code: number | null;
  stdout: string;
  stderr: string;
  missing: boolean;
  timedOut: boolean;
  error: string | null;
}

const MAX_OUTPUT = 4 * 1024 * 1024;

export function runTool(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ToolResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const done = (r: ToolResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    } catch (err) {
      done({ code: null, stdout: '', stderr: '', missing: false, timedOut: false, error: (err as Error).message });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 120_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += d.toString('utf8');
    });
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      done({ code: null, stdout, stderr, missing: err.code === 'ENOENT', timedOut: false, error: err.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, missing: false, timedOut, error: timedOut ? 'timed out' : null });
    });
  });
}

/** Splits a postgres URL into one without its password and the password (for PGPASSWORD). */
export function urlWithoutPassword(url: string): { url: string; password: string | null } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : null;
  u.password = '';
  return { url: u.toString(), password };
}
