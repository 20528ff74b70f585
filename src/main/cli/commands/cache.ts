/**
 * `roman cache check | retention`: upkeep of the local cache, offline.
 *   check      PRAGMA integrity_check plus the FTS index's own check; exit 0 ok, 1 with the problems.
 *   retention  deletes records older than --max-age-days and/or the oldest until the file is at most
 *              --max-mb (chained audit records and undelivered outbox items are always kept).
 */
import { parseArgs } from 'node:util';
import { EXIT, UsageError, runSubcommand, type CliCommand, type CliIO } from '../io';
import { openCacheForCli, selfTestPassed } from './events';

const USAGE = `usage:
  roman cache check [--cache PATH | --db URL | --profile NAME] [--json]
  roman cache retention [--max-age-days N] [--max-mb N] [--cache PATH | --db URL | --profile NAME] [--json]`;

const target = {
  cache: { type: 'string' },
  db: { type: 'string' },
  profile: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

function parse(args: string[], extra: Record<string, { type: 'string' }> = {}) {
  try {
    return parseArgs({ args, options: { ...target, ...extra }, strict: true, allowPositionals: false }).values as {
      cache?: string;
      db?: string;
      profile?: string;
      json?: boolean;
      [k: string]: string | boolean | undefined;
    };
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
}

function positiveNumber(raw: string | boolean | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+(\.\d+)?$/.test(raw) || !(n > 0)) throw new UsageError(`${flag} must be a positive number, got "${String(raw)}"`);
  return n;
}

async function check(io: CliIO, args: string[]): Promise<number> {
  const values = parse(args);
  if (!selfTestPassed(io, 'cache')) return EXIT.unavailable;
  const cache = openCacheForCli(values, io);
  try {
    const report = cache.integrityCheck();
    if (values.json) io.stdout(JSON.stringify({ cache: cache.path, ...report }, null, 2) + '\n');
    else if (report.ok) io.stdout(`Cache ${cache.path}: integrity OK (SQLite and full-text index)\n`);
    else io.stdout([`Cache ${cache.path}: DAMAGED`, ...report.problems.map((p) => `  ${p}`)].join('\n') + '\n');
    return report.ok ? EXIT.ok : EXIT.rejected;
  } finally {
    cache.close();
  }
}

async function retention(io: CliIO, args: string[]): Promise<number> {
  const values = parse(args, { 'max-age-days': { type: 'string' }, 'max-mb': { type: 'string' } });
  const maxAgeDays = positiveNumber(values['max-age-days'], '--max-age-days');
  const maxMb = positiveNumber(values['max-mb'], '--max-mb');
  if (maxAgeDays === undefined && maxMb === undefined) throw new UsageError(`give --max-age-days, --max-mb or both\n${USAGE}`);
  if (!selfTestPassed(io, 'cache')) return EXIT.unavailable;
  const cache = openCacheForCli(values, io);
  try {
    const report = await cache.applyRetention({ maxAgeDays, maxBytes: maxMb === undefined ? undefined : Math.round(maxMb * 1024 * 1024) });
    if (values.json) io.stdout(JSON.stringify({ cache: cache.path, ...report }, null, 2) + '\n');
    else {
      io.stdout(
        `Cache ${cache.path}: deleted ${report.deletedByAge} by age and ${report.deletedBySize} by size; ` +
          `${(report.sizeBefore / 1048576).toFixed(1)} MiB → ${(report.sizeAfter / 1048576).toFixed(1)} MiB` +
          (report.overBudget ? ' (still over the size budget: only chained audit records and undelivered writes are left)' : '') +
          '\n',
      );
    }
    return EXIT.ok;
  } finally {
    cache.close();
  }
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'upkeep of the local cache: cache check (integrity) | cache retention',
  run: (io) => runSubcommand(io, USAGE, { check, retention }),
};
