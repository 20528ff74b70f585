/**
 * `roman events` — offline review of the local cache (works with the database unreachable):
 *   roman events search [TEXT] [--severity S]... [--source S] [--type T] [--kind K]... [--since 24h|7d|ISO]
 *                       [--until …] [--limit N] [--cursor C] [--json] [--cache PATH | --db URL | --profile NAME]
 *   roman events export --format csv|jsonl [same filters] [--out FILE]
 *   roman events show ID [--json]
 * Exit 0 on success, 2 on bad usage (bad --since, unknown severity, missing cache file), 4 when the
 * cache cannot be used (e.g. written by a newer version).
 */
import { parseArgs } from 'node:util';
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { SEVERITIES, RECORD_KINDS, isRecordKind, isSeverity, type RecordFilter, type RecordKind, type StoredRecord } from '../../../shared/store';
import { Cache, CacheInputError, CacheNotFoundError } from '../../core/store/cache';
import { defaultCachePath, resolveCachePath } from '../../core/store/paths';
import { activeAppCache, knownProfileNames, profileCache } from '../../core/store/app-cache';
import { parseTimeBound } from '../../core/store/query';
import { systemClock } from '../../core/clock';
import { runSelfTest } from '../../core/constitution/index';
import { EXIT, UsageError, runSubcommand, type CliCommand, type CliIO } from '../io';

const FILTER_OPTIONS = {
  severity: { type: 'string', multiple: true },
  source: { type: 'string' },
  type: { type: 'string' },
  kind: { type: 'string', multiple: true },
  since: { type: 'string' },
  until: { type: 'string' },
  cache: { type: 'string' },
  db: { type: 'string' },
  profile: { type: 'string' },
} as const;

const USAGE = `usage:
  roman events search [TEXT] [--severity S]... [--source S] [--type T] [--kind K]... [--since 24h|7d|ISO]
                      [--until 1h|ISO] [--limit N] [--cursor C] [--json] [--cache PATH | --db URL | --profile NAME]
  roman events export --format csv|jsonl [filters as for search] [--out FILE]
  roman events show ID [--json] [--cache PATH | --db URL | --profile NAME]
severities: ${SEVERITIES.join(', ')}; kinds: ${RECORD_KINDS.join(', ')}
cache: --cache PATH; --db URL (that database's cache); --profile NAME (the profile's name as shown in the app, or its id);
       else $ROMAN_CACHE, $ROMAN_DB_URL's cache, else the cache the app uses for its active profile (the sample workspace's
       when none is active), looked up in $ROMAN_DATA_DIR, else ~/.local/share/roman-desktop and the desktop app's folder`;

interface CacheLocationArgs {
  cache?: string;
  db?: string;
  profile?: string;
}

/**
 * Which cache a command reads: --cache, --db, --profile (the name shown in the app, or the id),
 * $ROMAN_CACHE, $ROMAN_DB_URL's cache, else the cache the app uses for its active profile (the
 * sample workspace's when none), else a legacy default.sqlite. `describes` says whose it is.
 */
export function cacheLocationForCli(values: CacheLocationArgs, env: NodeJS.ProcessEnv): { path: string; describes: string | null } {
  if (values.profile && !values.cache && !values.db) {
    const found = profileCache(values.profile, env);
    if (!found) {
      const names = knownProfileNames(env);
      throw new UsageError(
        `no connection profile named "${values.profile}"${names.length ? ` (profiles: ${names.map((n) => `"${n}"`).join(', ')})` : ' (no profiles are saved in the app)'}`,
      );
    }
    return found;
  }
  if (values.cache || values.db || env.ROMAN_CACHE || env.ROMAN_DB_URL) return { path: resolveCachePath(values, env), describes: null };
  const app = activeAppCache(env);
  if (!existsSync(app.path)) {
    const legacy = defaultCachePath(undefined, env);
    if (existsSync(legacy)) return { path: legacy, describes: null };
  }
  return app;
}

/** Opens an existing cache for a CLI command; a missing file is a usage error (exit 2). */
export function openCacheForCli(values: CacheLocationArgs, io: CliIO): Cache {
  const { path, describes } = cacheLocationForCli(values, io.env);
  try {
    return Cache.open(path, { create: false, clock: systemClock });
  } catch (err) {
    if (err instanceof CacheNotFoundError) {
      throw new UsageError(
        describes
          ? `no cache yet for ${describes} at ${path}: open it in the app (or run \`roman sync --db URL\`) first, or name one with --cache PATH, --db URL or --profile NAME`
          : err.message,
      );
    }
    throw err;
  }
}

/** The CLI refuses to run when the constitutional core's self-test fails (SPEC capability 1). */
export function selfTestPassed(io: CliIO, name: string): boolean {
  if (runSelfTest().passed) return true;
  io.stderr(`roman ${name}: Constitutional Core self-test failed: refusing to run.\n`);
  return false;
}

type CliOptions = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;
type CliValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

function parseCli(args: string[], options: CliOptions): { values: CliValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { values: values as CliValues, positionals };
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
}

function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** Validates the filter flags (exit 2 with the accepted values on any mistake). */
export function filterFromArgs(
  values: { severity?: string[]; source?: string; type?: string; kind?: string[]; since?: string; until?: string },
  text: string | undefined,
  now: Date,
): RecordFilter {
  const severity = splitList(values.severity).map((s) => s.toLowerCase());
  for (const s of severity) {
    if (!isSeverity(s)) throw new UsageError(`unknown severity "${s}" (expected one of ${SEVERITIES.join(', ')})`);
  }
  const kinds = splitList(values.kind);
  for (const k of kinds) {
    if (!isRecordKind(k)) throw new UsageError(`unknown kind "${k}" (expected one of ${RECORD_KINDS.join(', ')})`);
  }
  const bound = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    try {
      return parseTimeBound(v, now);
    } catch (err) {
      throw new UsageError(`--${flag}: ${(err as Error).message}`);
    }
  };
  const filter: RecordFilter = {};
  if (text !== undefined && text.trim() !== '') filter.text = text;
  if (severity.length) filter.severity = severity;
  if (values.source) filter.source = values.source;
  if (values.type) filter.type = values.type;
  if (kinds.length) filter.kind = kinds as RecordKind[];
  const since = bound('since', values.since);
  const until = bound('until', values.until);
  if (since !== undefined) filter.since = since;
  if (until !== undefined) filter.until = until;
  if (since !== undefined && until !== undefined && since >= until) throw new UsageError('--since must be earlier than --until');
  return filter;
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

export function formatRow(r: StoredRecord): string {
  const what = [r.source, r.type].filter(Boolean).join(' / ');
  return `${r.timestamp}  ${(r.severity ?? '-').padEnd(8)} ${r.kind.padEnd(12)} #${String(r.id).padEnd(7)} ${what ? what + '  ' : ''}${oneLine(r.message, 160)}${r.chainSeq !== null ? `  [audit #${r.chainSeq}]` : ''}`;
}

function withCacheErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CacheInputError) throw new UsageError(err.message);
    throw err;
  }
}

async function search(io: CliIO, args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, {
    ...FILTER_OPTIONS,
    limit: { type: 'string' },
    cursor: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const limitText = (values.limit as string | undefined) ?? '50';
  if (!/^\d+$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 1000) {
    throw new UsageError(`--limit must be a whole number between 1 and 1000, got "${limitText}"`);
  }
  const filter = filterFromArgs(values as unknown as Parameters<typeof filterFromArgs>[0], positionals.join(' '), systemClock.now());
  if (!selfTestPassed(io, 'events')) return EXIT.unavailable;
  const cache = openCacheForCli(values as CacheLocationArgs, io);
  try {
    const page = withCacheErrors(() =>
      cache.search({ ...filter, limit: Number(limitText), cursor: (values.cursor as string | undefined) ?? null, withMetadata: Boolean(values.json) }),
    );
    if (values.json) {
      // The exact number of matching records (all pages), next to this page.
      const total = withCacheErrors(() => cache.count(filter));
      io.stdout(JSON.stringify({ total, ...page }, null, 2) + '\n');
      return EXIT.ok;
    }
    if (page.rows.length === 0) {
      io.stdout(`No cached records match (cache: ${cache.path}).\n`);
      return EXIT.ok;
    }
    io.stdout(page.rows.map(formatRow).join('\n') + '\n');
    if (page.nextCursor) io.stdout(`… more (${withCacheErrors(() => cache.count(filter))} matching in all): add --cursor ${page.nextCursor}\n`);
    return EXIT.ok;
  } finally {
    cache.close();
  }
}

function stdoutWritable(io: CliIO): Writable {
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _enc, cb) {
      io.stdout(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      setImmediate(cb);
    },
  });
}

async function exportCmd(io: CliIO, args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, {
    ...FILTER_OPTIONS,
    format: { type: 'string' },
    out: { type: 'string' },
    text: { type: 'string' },
  });
  const format = values.format as string | undefined;
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format csv|jsonl is required${format ? ` (got "${format}")` : ''}`);
  const text = [(values.text as string | undefined) ?? '', ...positionals].join(' ').trim();
  const filter = filterFromArgs(values as unknown as Parameters<typeof filterFromArgs>[0], text || undefined, systemClock.now());
  if (!selfTestPassed(io, 'events')) return EXIT.unavailable;
  const cache = openCacheForCli(values as CacheLocationArgs, io);
  try {
    // Same validation as the export itself, before any output is written.
    withCacheErrors(() => cache.search({ ...filter, limit: 1 }));
    const out = values.out as string | undefined;
    if (!out) {
      const sink = stdoutWritable(io);
      await cache.exportRecords(filter, format, sink);
      await new Promise<void>((resolve) => sink.end(resolve));
      return EXIT.ok;
    }
    // Write beside the target and rename, so an interrupted export never leaves a half file.
    const tmp = `${out}.partial-${process.pid}`;
    const file = createWriteStream(tmp, { flags: 'wx' });
    try {
      await new Promise<void>((resolve, reject) => {
        file.once('open', () => resolve());
        file.once('error', reject);
      });
      const result = await cache.exportRecords(filter, format, file);
      await new Promise<void>((resolve, reject) => {
        file.once('error', reject);
        file.end(resolve);
      });
      renameSync(tmp, out);
      io.stderr(`exported ${result.rows} record(s) to ${out} (${format}, ${result.bytes} bytes)\n`);
      return EXIT.ok;
    } catch (err) {
      file.destroy();
      rmSync(tmp, { force: true });
      throw err;
    }
  } finally {
    cache.close();
  }
}

async function show(io: CliIO, args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, {
    cache: { type: 'string' },
    db: { type: 'string' },
    profile: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const idText = positionals[0];
  if (!idText || !/^\d+$/.test(idText) || positionals.length > 1) throw new UsageError(`show takes one record id\n${USAGE}`);
  if (!selfTestPassed(io, 'events')) return EXIT.unavailable;
  const cache = openCacheForCli(values as CacheLocationArgs, io);
  try {
    const record = cache.getRecord(Number(idText));
    if (!record) {
      io.stderr(`roman events: no cached record with id ${idText} (cache: ${cache.path})\n`);
      return EXIT.rejected;
    }
    if (values.json) io.stdout(JSON.stringify(record, null, 2) + '\n');
    else io.stdout(`${formatRow(record)}\n${record.message}\n${JSON.stringify(record.metadata, null, 2)}\n`);
    return EXIT.ok;
  } finally {
    cache.close();
  }
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'search, show and export the local cache (offline): events search|export|show',
  run: (io) => runSubcommand(io, USAGE, { search, export: exportCmd, show }),
};
