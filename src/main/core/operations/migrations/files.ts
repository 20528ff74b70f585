/**
 * SQL migration files in Supabase's layout: `<dir>/<version>_<name>.sql`, version = the digits
 * before the first `_`. A file may hold dbmate-style `-- migrate:up` / `-- migrate:down` sections;
 * without markers the whole file is "up" and there is no down (rollback = restore the backup).
 * `splitStatements` splits SQL like psql does (quotes, dollar quotes, comments), so what we record
 * in supabase_migrations.schema_migrations.statements has the Supabase CLI's shape.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DomainError } from '../../../../shared/result';

export interface MigrationFile {
  version: string;
  name: string;
  file: string;
  /** sha256 of the whole file. */
  checksum: string;
  up: string;
  down: string | null;
  upStatements: string[];
}

const FILE_RE = /^(\d+)_(.+)\.sql$/;
const UP_MARK = /^--\s*migrate:up\b.*$/m;
const DOWN_MARK = /^--\s*migrate:down\b.*$/m;

/** Splits SQL into statements (without the trailing semicolon, trimmed, empty ones dropped). */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === "'" || c === '"') {
      i++;
      while (i < n) {
        if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2;
          else {
            i++;
            break;
          }
        } else i++;
      }
    } else if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (m && !(i > 0 && /[A-Za-z0-9_]/.test(sql[i - 1]))) {
        const tag = m[0];
        const end = sql.indexOf(tag, i + tag.length);
        i = end === -1 ? n : end + tag.length;
      } else i++;
    } else if (c === ';') {
      const s = sql.slice(start, i).trim();
      if (s && !isOnlyComments(s)) out.push(s);
      start = i + 1;
      i++;
    } else i++;
  }
  const last = sql.slice(start).trim();
  if (last && !isOnlyComments(last)) out.push(last);
  return out;
}

function isOnlyComments(s: string): boolean {
  return stripComments(s).trim() === '';
}

function stripComments(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
}

/** Whether two statement lists are the same SQL (comments, whitespace and semicolons aside). */
export function sameStatements(a: string[], b: string[]): boolean {
  const norm = (x: string[]) => x.map((s) => stripComments(s)).join(' ').replace(/[\s;]+/g, '');
  return norm(a) === norm(b);
}

export function parseMigrationText(text: string): { up: string; down: string | null } {
  const up = UP_MARK.exec(text);
  const down = DOWN_MARK.exec(text);
  if (!up && !down) return { up: text, down: null };
  if (!up) throw new DomainError('invalid_input', 'a file with "-- migrate:down" needs a "-- migrate:up" section too');
  if (down && down.index < up.index) throw new DomainError('invalid_input', '"-- migrate:down" must come after "-- migrate:up"');
  const upText = text.slice(up.index + up[0].length, down ? down.index : undefined);
  const downText = down ? text.slice(down.index + down[0].length) : null;
  return { up: upText, down: downText !== null && splitStatements(downText).length > 0 ? downText : null };
}

/** Reads the folder (or its supabase/migrations subfolder), in version order. */
export function readMigrationsDir(dir: string): { dir: string; files: MigrationFile[]; ignored: string[] } {
  let folder = resolve(dir);
  try {
    if (!statSync(folder).isDirectory()) throw new DomainError('invalid_input', `${dir} is not a folder`);
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError('invalid_input', `cannot read the migrations folder ${dir}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (err as Error).message}`);
  }
  const nested = join(folder, 'supabase', 'migrations');
  try {
    if (statSync(nested).isDirectory()) folder = nested;
  } catch {
    // the folder itself holds the files
  }
  const files: MigrationFile[] = [];
  const ignored: string[] = [];
  const seen = new Map<string, string>();
  for (const entry of readdirSync(folder).sort()) {
    const m = FILE_RE.exec(entry);
    if (!m) {
      if (entry.endsWith('.sql')) ignored.push(entry);
      continue;
    }
    const [, version, name] = m;
    if (seen.has(version)) throw new DomainError('invalid_input', `two files have version ${version}: ${seen.get(version)} and ${entry}`);
    seen.set(version, entry);
    const path = join(folder, entry);
    const text = readFileSync(path, 'utf8');
    let sections: { up: string; down: string | null };
    try {
      sections = parseMigrationText(text);
    } catch (err) {
      throw new DomainError('invalid_input', `${entry}: ${(err as Error).message}`);
    }
    files.push({
      version,
      name,
      file: path,
      checksum: createHash('sha256').update(text).digest('hex'),
      up: sections.up,
      down: sections.down,
      upStatements: splitStatements(sections.up),
    });
  }
  files.sort((a, b) => compareVersions(a.version, b.version));
  return { dir: folder, files, ignored };
}

export function compareVersions(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
