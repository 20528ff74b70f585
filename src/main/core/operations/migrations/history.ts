/**
 * Migration history in Supabase's own table, supabase_migrations.schema_migrations (version text
 * primary key, statements text[], name text): used when it exists (migrations applied by the
 * Supabase CLI count as applied), created when it does not. Status per version: applied, pending,
 * changed (applied, but the file's statements differ from what was applied), missing_file.
 * The dry run runs the pending migrations in one transaction and rolls it back.
 */
import type pg from 'pg';
import type { MigrationInfo } from '../../../../shared/operations';
import { DomainError } from '../../../../shared/result';
import { compareVersions, readMigrationsDir, sameStatements, type MigrationFile } from './files';

export const HISTORY_TABLE = 'supabase_migrations.schema_migrations';

export interface HistoryRow {
  version: string;
  name: string | null;
  statements: string[] | null;
}

export async function readHistory(c: pg.ClientBase | pg.Pool): Promise<HistoryRow[] | null> {
  const exists = await c.query<{ t: string | null }>(`select to_regclass('${HISTORY_TABLE}')::text as t`);
  if (exists.rows[0].t === null) return null;
  const r = await c.query<HistoryRow>(`select version::text as version, name::text as name, statements from ${HISTORY_TABLE}`);
  return r.rows.sort((a, b) => safeCompare(a.version, b.version));
}

function safeCompare(a: string, b: string): number {
  return /^\d+$/.test(a) && /^\d+$/.test(b) ? compareVersions(a, b) : a.localeCompare(b);
}

/** Creates Supabase's history table when missing (same columns as the Supabase CLI's). */
export async function ensureHistory(c: pg.ClientBase): Promise<void> {
  await c.query('create schema if not exists supabase_migrations');
  await c.query(`create table if not exists ${HISTORY_TABLE} (version text not null primary key, statements text[], name text)`);
}

export interface MigrationsState {
  dir: string;
  files: MigrationFile[];
  history: HistoryRow[];
  historyExists: boolean;
  migrations: MigrationInfo[];
  warnings: string[];
}

export async function migrationsState(c: pg.ClientBase | pg.Pool, dir: string): Promise<MigrationsState> {
  const folder = readMigrationsDir(dir);
  const historyRows = await readHistory(c);
  const history = historyRows ?? [];
  const byVersion = new Map(history.map((h) => [h.version, h]));
  const warnings = folder.ignored.map((f) => `${f} ignored: not named <version>_<name>.sql`);
  const migrations: MigrationInfo[] = [];
  const fileVersions = new Set(folder.files.map((f) => f.version));
  for (const f of folder.files) {
    const h = byVersion.get(f.version);
    const status = !h ? 'pending' : h.statements && !sameStatements(h.statements, f.upStatements) ? 'changed' : 'applied';
    migrations.push({ version: f.version, name: f.name, status, has_down: f.down !== null, file: f.file });
  }
  for (const h of history) {
    if (!fileVersions.has(h.version)) migrations.push({ version: h.version, name: h.name ?? '', status: 'missing_file', has_down: false, file: null });
  }
  migrations.sort((a, b) => safeCompare(a.version, b.version));
  const latestApplied = history.length ? history[history.length - 1].version : null;
  for (const m of migrations) {
    if (m.status === 'pending' && latestApplied && safeCompare(m.version, latestApplied) < 0) {
      warnings.push(`${m.version}_${m.name} is pending but older than the latest applied migration ${latestApplied}`);
    }
    if (m.status === 'changed') warnings.push(`${m.version}_${m.name} was applied with different statements; it is not re-applied`);
  }
  return { dir: folder.dir, files: folder.files, history, historyExists: historyRows !== null, migrations, warnings };
}

/** Pending files in version order, up to and including `to` when given. */
export function pendingFiles(state: MigrationsState, to?: string): MigrationFile[] {
  if (to !== undefined && !/^\d+$/.test(to)) throw new DomainError('invalid_input', `--to must be a migration version (digits), got "${to.slice(0, 40)}"`);
  const pending = new Set(state.migrations.filter((m) => m.status === 'pending').map((m) => m.version));
  return state.files.filter((f) => pending.has(f.version) && (to === undefined || compareVersions(f.version, to) <= 0));
}

/**
 * What a rollback undoes, newest first: the last applied migration, or every applied one newer
 * than `to`. Each needs its file (for the down section).
 */
export function rollbackFiles(state: MigrationsState, opts: { to?: string }): { files: MigrationFile[]; problems: string[] } {
  const applied = state.history.map((h) => h.version);
  let versions: string[];
  if (opts.to !== undefined) {
    if (!/^\d+$/.test(opts.to)) throw new DomainError('invalid_input', `--to must be a migration version (digits), got "${opts.to.slice(0, 40)}"`);
    versions = applied.filter((v) => /^\d+$/.test(v) && compareVersions(v, opts.to!) > 0);
  } else {
    versions = applied.length ? [applied[applied.length - 1]] : [];
  }
  versions.reverse();
  const byVersion = new Map(state.files.map((f) => [f.version, f]));
  const files: MigrationFile[] = [];
  const problems: string[] = [];
  for (const v of versions) {
    const f = byVersion.get(v);
    if (!f) problems.push(`migration ${v} has no file in ${state.dir}: nothing to roll it back with; restore the pre-migration backup instead`);
    else if (f.down === null) problems.push(`${f.version}_${f.name} has no "-- migrate:down" section: roll it back by restoring the pre-migration backup (pg_restore)`);
    else files.push(f);
  }
  return { files, problems };
}

export interface DryRunReport {
  ok: boolean;
  ran: string[];
  error: { version: string; name: string; message: string; code: string | null; statement: string | null } | null;
  /** Locks the migrations took (relation, mode): what a real apply would wait on. */
  locks: { relation: string; mode: string; version: string }[];
}

/** Runs the pending migrations in one transaction and rolls it back. */
export async function dryRun(c: pg.ClientBase, files: MigrationFile[], opts: { lockTimeoutMs?: number } = {}): Promise<DryRunReport> {
  const report: DryRunReport = { ok: true, ran: [], error: null, locks: [] };
  await c.query('begin');
  try {
    await c.query(`set local lock_timeout = '${Math.max(1, Math.floor(opts.lockTimeoutMs ?? 3000))}ms'`);
    for (const f of files) {
      try {
        await c.query('savepoint roman_dry_run');
        await c.query(f.up);
        await c.query('release savepoint roman_dry_run');
        report.ran.push(f.version);
        const locks = await c.query<{ relation: string; mode: string }>(
          `select l.relation::regclass::text as relation, l.mode from pg_locks l
            where l.pid = pg_backend_pid() and l.locktype = 'relation' and l.granted
              and l.mode in ('AccessExclusiveLock', 'ExclusiveLock', 'ShareRowExclusiveLock', 'ShareLock')
              and l.relation is not null`,
        );
        for (const l of locks.rows) {
          if (!report.locks.some((x) => x.relation === l.relation && x.mode === l.mode)) report.locks.push({ ...l, version: f.version });
        }
      } catch (err) {
        const e = err as Error & { code?: string; position?: string };
        report.ok = false;
        report.error = { version: f.version, name: f.name, message: e.message, code: e.code ?? null, statement: statementAt(f.up, e.position) };
        break;
      }
    }
  } finally {
    await c.query('rollback').catch(() => undefined);
  }
  return report;
}

function statementAt(sql: string, position: string | undefined): string | null {
  if (!position) return null;
  const pos = Number(position);
  if (!Number.isFinite(pos)) return null;
  let start = sql.lastIndexOf(';', pos - 2);
  start = start === -1 ? 0 : start + 1;
  let end = sql.indexOf(';', pos - 1);
  if (end === -1) end = sql.length;
  return sql.slice(start, end).trim().slice(0, 500);
}

/** The action parameters that bind a grant to exactly these files. */
export function migrationParams(dir: string, files: MigrationFile[]): { dir: string; versions: string[]; checksums: string[] } {
  return { dir, versions: files.map((f) => f.version), checksums: files.map((f) => f.checksum) };
}
