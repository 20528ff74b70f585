/**
 * Backup: `pg_dump -Fc` to a file, verified with `pg_restore --list`, its size and its sha256.
 * pg_dump is found like pgAdmin does: a configured path (binary or folder), then PATH; its major
 * version must be at least the server's (an older pg_dump cannot dump a newer server). When no
 * backup can be made, `NoBackupError` says what is missing (the gate turns it into exit 5).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { ConnectionTarget } from '../../../../shared/connections';
import type { BackupInfo, OperationParams } from '../../../../shared/operations';
import type { Executor } from '../types';

export class NoBackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoBackupError';
  }
}

export interface PgTools {
  pgDump: string;
  pgRestore: string;
  major: number;
  version: string;
}

const EXE = process.platform === 'win32' ? '.exe' : '';

function versionOf(bin: string): { major: number; version: string } | null {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0 || !r.stdout) return null;
  const m = /(\d+)(?:\.(\d+))?/.exec(r.stdout.replace(/^[^)]*\)\s*/, ''));
  return m ? { major: Number(m[1]), version: r.stdout.trim() } : null;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const d of (env.PATH ?? '').split(delimiter)) {
    if (!d) continue;
    const p = join(d, name + EXE);
    if (existsSync(p)) return p;
  }
  return null;
}

/**
 * Finds pg_dump and pg_restore: the configured path (a binary or its folder), then PATH. Throws
 * NoBackupError naming what is missing, or when pg_dump is older than the server.
 */
export function findPgTools(serverVersionNum: number, opts: { configured?: string | null; env?: NodeJS.ProcessEnv } = {}): PgTools {
  const env = opts.env ?? process.env;
  const serverMajor = Math.floor(serverVersionNum / 10000);
  let pgDump: string | null = null;
  const configured = opts.configured ?? env.ROMAN_PG_DUMP ?? null;
  if (configured) {
    const asDir = join(configured, 'pg_dump' + EXE);
    if (existsSync(asDir)) pgDump = asDir;
    else if (existsSync(configured) && statSync(configured).isFile()) pgDump = configured;
    else throw new NoBackupError(`the configured pg_dump (${configured}) does not exist; install the PostgreSQL ${serverMajor} client tools or fix the path`);
  }
  pgDump ??= onPath('pg_dump', env);
  if (!pgDump) {
    throw new NoBackupError(`pg_dump was not found (no configured path, not on PATH): install the PostgreSQL ${serverMajor} client tools (e.g. apt install postgresql-client-${serverMajor}) or set ROMAN_PG_DUMP`);
  }
  const sibling = join(dirname(pgDump), 'pg_restore' + EXE);
  const pgRestore = existsSync(sibling) ? sibling : onPath('pg_restore', env);
  if (!pgRestore) throw new NoBackupError(`pg_restore was not found next to ${pgDump} nor on PATH: it is needed to verify the dump`);
  const v = versionOf(pgDump);
  if (!v) throw new NoBackupError(`${pgDump} --version failed: not a usable pg_dump`);
  if (v.major < serverMajor) {
    throw new NoBackupError(`${pgDump} is version ${v.major} but the server is ${serverMajor}: pg_dump must be at least the server's major version; install the PostgreSQL ${serverMajor} client tools`);
  }
  return { pgDump, pgRestore, major: v.major, version: v.version };
}

function pgEnv(target: ConnectionTarget, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: base.PATH, HOME: base.HOME, LANG: 'C', PGCONNECT_TIMEOUT: '10' };
  if (base.PGPASSWORD) env.PGPASSWORD = base.PGPASSWORD;
  if (base.PGPASSFILE) env.PGPASSFILE = base.PGPASSFILE;
  env.PGHOST = target.host;
  env.PGPORT = String(target.port);
  env.PGUSER = target.user;
  env.PGDATABASE = target.database;
  if (target.password) env.PGPASSWORD = target.password;
  env.PGSSLMODE = target.tls.mode;
  if (target.tls.caPath) env.PGSSLROOTCERT = target.tls.caPath;
  return env;
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function backupFileName(database: string, at: Date, grantId: string): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${database.replace(/[^A-Za-z0-9_.-]/g, '_')}_${stamp}_${grantId.slice(0, 8)}.dump`;
}

export function pgDumpCommand(file: string, database: string): string {
  return `pg_dump -Fc --no-password -f ${file} ${database}`;
}

/**
 * Dumps and verifies. Reports bytes written while it runs; a failed or cancelled dump leaves no
 * file behind. Throws NoBackupError when the dump cannot be made or does not verify.
 */
export async function dumpDatabase(opts: {
  tools: PgTools;
  target: ConnectionTarget;
  file: string;
  signal?: AbortSignal;
  onBytes?: (bytes: number) => void;
  env?: NodeJS.ProcessEnv;
}): Promise<BackupInfo> {
  const env = pgEnv(opts.target, opts.env ?? process.env);
  try {
    mkdirSync(dirname(opts.file), { recursive: true });
  } catch (err) {
    throw new NoBackupError(`cannot create the backup folder ${dirname(opts.file)}: ${(err as Error).message}`);
  }
  if (existsSync(opts.file)) throw new NoBackupError(`${opts.file} already exists; refusing to overwrite a backup`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(opts.tools.pgDump, ['-Fc', '--no-password', '-f', opts.file], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-4000)));
    const timer = setInterval(() => {
      try {
        opts.onBytes?.(statSync(opts.file).size);
      } catch {
        // not created yet
      }
    }, 250);
    const abort = () => child.kill('SIGTERM');
    opts.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (err) => {
      clearInterval(timer);
      reject(new NoBackupError(`pg_dump could not start: ${err.message}`));
    });
    child.on('close', (code, sig) => {
      clearInterval(timer);
      opts.signal?.removeEventListener('abort', abort);
      if (code === 0) resolve();
      else reject(new NoBackupError(opts.signal?.aborted ? 'backup cancelled' : `pg_dump failed (${sig ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
    });
  }).catch((err: unknown) => {
    try {
      unlinkSync(opts.file);
    } catch {
      // nothing was written
    }
    throw err;
  });
  const bytes = statSync(opts.file).size;
  opts.onBytes?.(bytes);
  const list = spawnSync(opts.tools.pgRestore, ['--list', opts.file], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (list.status !== 0) throw new NoBackupError(`the dump ${opts.file} does not verify: pg_restore --list failed: ${(list.stderr ?? '').trim().slice(0, 300)}`);
  const toc = list.stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';')).length;
  if (bytes === 0) throw new NoBackupError(`the dump ${opts.file} is empty`);
  return { file: opts.file, bytes, sha256: await sha256File(opts.file), toc_entries: toc, pg_dump: opts.tools.version };
}

/** The backup action itself: its steps are the dump and its verification (run by the gate). */
export const backupExecutor: Executor = {
  kind: 'backup',
  destructive: false,
  lockTarget: () => 'database',
  async plan() {
    return { steps: [], notes: [] };
  },
  async run() {
    // The gate's backup step is the whole action.
  },
};

export function isBackupParams(p: OperationParams): boolean {
  return Object.keys(p).length === 0;
}
