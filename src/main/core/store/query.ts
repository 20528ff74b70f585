/**
 * Turning a `RecordFilter` into SQL for the cache: full-text queries (the search syntax of
 * text-query.ts, compiled to quoted FTS5), severity/source/type/kind/time predicates that hit the indexes, the opaque
 * (ts, id) keyset cursor, and timestamp parsing shared by inserts, filters and the CLI.
 */
import { RECORD_KINDS, isRecordKind, type RecordFilter } from '../../../shared/store';
import { CacheInputError } from './query-error';
import { buildTextQuery } from './text-query';

export { CacheInputError } from './query-error';
export { buildTextQuery, type TextQuery } from './text-query';

const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Epoch milliseconds from a Date, epoch-ms number or timestamp text (ISO-8601, or Postgres'
 * `2026-01-01 12:00:00.123456+00`). Text without an offset is UTC. NaN when unparseable.
 */
export function toEpochMs(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : NaN;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'string') return NaN;
  const s = v.trim();
  const m = ISO_LIKE.exec(s);
  if (m) {
    const frac = m[3] ? '.' + (m[3] + '00').slice(0, 3) : '';
    let off = m[4] ?? 'Z';
    if (off !== 'Z' && off !== 'z') {
      off = off.replace(':', '');
      off = off.length === 3 ? `${off}:00` : `${off.slice(0, 3)}:${off.slice(3)}`;
    }
    const time = m[2].length === 5 ? `${m[2]}:00` : m[2];
    return Date.parse(`${m[1]}T${time}${frac}${off.toUpperCase()}`);
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return Date.parse(`${s}T00:00:00Z`);
  return NaN;
}

const RELATIVE = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A time bound as users type it: relative to now ('15m', '24h', '7d', '2w') or absolute
 * (ISO-8601 / epoch ms). Throws CacheInputError with the accepted forms otherwise.
 */
export function parseTimeBound(value: string | number, now: Date): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CacheInputError(`invalid time "${value}"`);
    return Math.trunc(value);
  }
  const rel = RELATIVE.exec(value.trim());
  if (rel) return now.getTime() - Math.round(Number(rel[1]) * UNIT_MS[rel[2].toLowerCase()]);
  const ms = /^\d{10,}$/.test(value.trim()) ? Number(value.trim()) : toEpochMs(value);
  if (Number.isNaN(ms)) {
    throw new CacheInputError(`invalid time "${value}": use a duration like 30m, 24h, 7d, 2w or an ISO-8601 time like 2026-01-31T12:00:00Z`);
  }
  return ms;
}

export interface Keyset {
  ts: number;
  id: number;
}

export function encodeCursor(k: Keyset): string {
  return Buffer.from(`v1:${k.ts}:${k.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Keyset {
  let text = '';
  try {
    text = Buffer.from(cursor, 'base64url').toString('utf8');
  } catch {
    text = '';
  }
  const m = /^v1:(-?\d+):(\d+)$/.exec(text);
  if (!m) throw new CacheInputError('invalid cursor (pass back the nextCursor of a previous page unchanged)');
  return { ts: Number(m[1]), id: Number(m[2]) };
}

export interface CompiledFilter {
  /** SQL predicates on alias `r`, joined with AND (may be empty). */
  where: string[];
  params: unknown[];
  /** The FTS5 MATCH expression used, if any (lets the caller pick a plan). */
  match?: string;
}

/**
 * How a full-text predicate is joined to the records:
 * - 'lookup': fetch each matching row by id, then sort (best when few rows match);
 * - 'scan': walk a time-ordered index newest first and keep rows whose id is in the match set,
 *   stopping at the page size (best when many rows match: no big sort);
 * - 'omit': leave the full-text predicate out (the caller checks `match` itself).
 */
export type FtsPlan = 'lookup' | 'scan' | 'omit';

const MAX_TEXT = 1000;

/** SQL predicates for a filter (alias `r` = records). Validates every field. */
export function compileFilter(filter: RecordFilter, now: Date, plan: FtsPlan = 'lookup'): CompiledFilter {
  const where: string[] = [];
  const params: unknown[] = [];
  let match: string | undefined;
  if (filter.text !== undefined && filter.text !== null) {
    if (typeof filter.text !== 'string') throw new CacheInputError('text must be a string');
    if (filter.text.length > MAX_TEXT) throw new CacheInputError(`search text is longer than ${MAX_TEXT} characters`);
    const q = buildTextQuery(filter.text);
    if (q.match) {
      if (plan !== 'omit') {
        // The unary + keeps SQLite from using the id set as the driving rowid lookup.
        where.push(`${plan === 'scan' ? '+' : ''}r.id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)`);
        params.push(q.match);
      }
      match = q.match;
    }
    if (q.exclude) {
      where.push('r.id NOT IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)');
      params.push(q.exclude);
    }
    for (const s of q.substrings) {
      where.push("(instr(r.message, ?) > 0 OR instr(coalesce(r.source, ''), ?) > 0 OR instr(coalesce(r.type, ''), ?) > 0)");
      params.push(s, s, s);
    }
    for (const s of q.notSubstrings) {
      where.push("NOT (instr(r.message, ?) > 0 OR instr(coalesce(r.source, ''), ?) > 0 OR instr(coalesce(r.type, ''), ?) > 0)");
      params.push(s, s, s);
    }
  }
  if (filter.severity && filter.severity.length > 0) {
    const sev = [...new Set(filter.severity.map((s) => String(s).toLowerCase()))];
    where.push(sev.length === 1 ? 'r.severity = ?' : `r.severity IN (${sev.map(() => '?').join(',')})`);
    params.push(...sev);
    // Spelled exactly like the WHERE of the partial index records_severity_ts (schema.ts).
    if (!sev.includes('info')) where.push("r.severity <> 'info'");
  }
  if (filter.source !== undefined && filter.source !== null && filter.source !== '') {
    where.push('r.source = ?');
    params.push(String(filter.source));
  }
  if (filter.type !== undefined && filter.type !== null && filter.type !== '') {
    where.push('r.type = ?');
    params.push(String(filter.type));
  }
  if (filter.kind !== undefined && filter.kind !== null) {
    const kinds = [...new Set(Array.isArray(filter.kind) ? filter.kind : [filter.kind])];
    for (const k of kinds) {
      if (!isRecordKind(k)) throw new CacheInputError(`unknown kind "${String(k)}" (expected one of ${RECORD_KINDS.join(', ')})`);
    }
    if (kinds.length > 0) {
      where.push(kinds.length === 1 ? 'r.kind = ?' : `r.kind IN (${kinds.map(() => '?').join(',')})`);
      params.push(...kinds);
      // Implied by the kinds, and spelled exactly like the WHERE of the partial index records_kind_ts
      // (schema.ts): without it SQLite cannot prove a bound kind is not 'log' and walks records_ts.
      if (!kinds.includes('log')) where.push("r.kind <> 'log'");
    }
  }
  if (filter.origin !== undefined && filter.origin !== null) {
    if (filter.origin !== 'remote' && filter.origin !== 'local') throw new CacheInputError(`unknown origin "${String(filter.origin)}"`);
    where.push('r.origin = ?');
    params.push(filter.origin);
  }
  if (filter.since !== undefined && filter.since !== null && filter.since !== '') {
    where.push('r.ts >= ?');
    params.push(parseTimeBound(filter.since, now));
  }
  if (filter.until !== undefined && filter.until !== null && filter.until !== '') {
    where.push('r.ts < ?');
    params.push(parseTimeBound(filter.until, now));
  }
  return match === undefined ? { where, params } : { where, params, match };
}

/** Appends the keyset predicate for "older than the cursor" in (ts DESC, id DESC) order. */
export function addKeyset(compiled: CompiledFilter, cursor: string | undefined | null): CompiledFilter {
  if (!cursor) return compiled;
  const k = decodeCursor(cursor);
  return {
    ...compiled,
    where: [...compiled.where, 'r.ts <= ? AND (r.ts < ? OR r.id < ?)'],
    params: [...compiled.params, k.ts, k.ts, k.id],
  };
}

export function whereClause(c: CompiledFilter): string {
  return c.where.length ? `WHERE ${c.where.join(' AND ')}` : '';
}
