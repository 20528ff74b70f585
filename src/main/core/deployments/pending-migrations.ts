/**
 * What the pre-deployment checklist needs to know about a migrations folder (Supabase layout:
 * `<version>_<name>.sql`, optional dbmate-style `-- migrate:up` / `-- migrate:down` sections):
 * which files are not yet in supabase_migrations.schema_migrations, whether they are destructive,
 * whether each has a down section, and whether they apply cleanly (a dry run in one transaction that
 * is rolled back). Read-only: the dry run never commits.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';

export interface PendingMigration {
  version: string;
  name: string;
  file: string;
  hasDown: boolean;
  destructive: string[];
}

export interface MigrationFacts {
  pending: PendingMigration[];
  applied: number;
  dryRun: { ok: true } | { ok: false; version: string; error: string } | null;
}

const FILE = /^(\d+)_(.+)\.sql$/;

/** Statements that lose data or break readers when applied. */
const DESTRUCTIVE: [RegExp, string][] = [
  [/\bdrop\s+(table|schema|column|database|materialized\s+view|view|type|function|index)\b/i, 'DROP'],
  [/\btruncate\b/i, 'TRUNCATE'],
  [/\bdelete\s+from\b/i, 'DELETE FROM'],
  [/\balter\s+table\b[^;]*\balter\s+column\b[^;]*\btype\b/i, 'ALTER COLUMN … TYPE'],
  [/\balter\s+table\b[^;]*\brename\b/i, 'RENAME'],
  [/\bupdate\s+[\w."]+\s+set\b/i, 'UPDATE … SET'],
];

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

export function splitSections(text: string): { up: string; down: string | null } {
  const up = /^--\s*migrate:up\b.*$/im.exec(text);
  const down = /^--\s*migrate:down\b.*$/im.exec(text);
  if (!up && !down) return { up: text, down: null };
  const upStart = up ? up.index + up[0].length : 0;
  const upEnd = down && (!up || down.index > up.index) ? down.index : text.length;
  const downText = down ? text.slice(down.index + down[0].length, up && up.index > down.index ? up.index : text.length) : null;
  return { up: text.slice(upStart, upEnd), down: downText !== null && stripComments(downText).trim() ? downText : null };
}

export function destructiveStatements(sql: string): string[] {
  const body = stripComments(sql);
  return [...new Set(DESTRUCTIVE.filter(([re]) => re.test(body)).map(([, label]) => label))];
}

export class MigrationsFolderError extends Error {}

export async function inspectMigrations(db: pg.Pool, dir: string): Promise<MigrationFacts> {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new MigrationsFolderError(`${dir} is not a folder`);
    names = readdirSync(dir).filter((f) => FILE.test(f)).sort((a, b) => {
      const va = BigInt(FILE.exec(a)![1]!);
      const vb = BigInt(FILE.exec(b)![1]!);
      return va < vb ? -1 : va > vb ? 1 : 0;
    });
  } catch (err) {
    if (err instanceof MigrationsFolderError) throw err;
    throw new MigrationsFolderError(`cannot read the migrations folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const hist = await db.query<{ ok: boolean }>(`SELECT to_regclass('supabase_migrations.schema_migrations') IS NOT NULL AS ok`);
  const applied = new Set<string>();
  if (hist.rows[0]!.ok) {
    const r = await db.query<{ version: string }>('SELECT version FROM supabase_migrations.schema_migrations');
    for (const row of r.rows) applied.add(String(row.version));
  }
  const pending: (PendingMigration & { up: string })[] = [];
  for (const f of names) {
    const [, version, name] = FILE.exec(f)!;
    if (applied.has(version!)) continue;
    const text = readFileSync(join(dir, f), 'utf8');
    const { up, down } = splitSections(text);
    pending.push({ version: version!, name: name!, file: f, hasDown: down !== null, destructive: destructiveStatements(up), up });
  }
  let dryRun: MigrationFacts['dryRun'] = null;
  if (pending.length) {
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '60s'`);
      dryRun = { ok: true };
      for (const m of pending) {
        try {
          await client.query(m.up);
        } catch (err) {
          dryRun = { ok: false, version: m.version, error: (err as Error).message };
          break;
        }
      }
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }
  return { pending: pending.map(({ up: _up, ...m }) => m), applied: applied.size, dryRun };
}
