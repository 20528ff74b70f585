/**
 * `roman sync --db URL [--cache PATH] [--json]`: pushes this machine's outbox to Postgres, then
 * pulls new rows of ops.roman_events and public.system_logs into the local SQLite cache.
 * Default cache: <data dir>/cache/<host-db>-<hash of the URL without password>.sqlite
 * (ROMAN_DATA_DIR / ROMAN_CACHE respected). Progress goes to stderr (not with --json), the summary
 * to stdout. Exit 0 when everything synced, 4 when the database is unreachable or a table failed,
 * 2 on bad usage or URL.
 */
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type CliCommand } from '../io';
import { redactSecrets } from '../../../shared/connections';
import { isConnectionError, openPool } from '../../core/db/connection';
import { Cache } from '../../core/store/cache';
import { defaultCachePath } from '../../core/store/paths';
import { syncDatabase, type PullProgress, type SyncResult } from '../../core/sync';
import { requireDbUrl } from './db';

const USAGE = 'usage: roman sync --db URL [--cache PATH] [--json]   (URL also from ROMAN_DB_URL)';

function formatSummary(r: SyncResult, cachePath: string, redact: (s: string) => string): string {
  const lines: string[] = [];
  if (r.pushed) {
    const p = r.pushed;
    let line = `Outbox: ${p.delivered} delivered, ${p.remaining} waiting`;
    if (p.busy) line += ' (another process is delivering it)';
    if (p.failed) line += ` — stopped at item ${p.failed.seq}: ${redact(p.failed.error)}`;
    lines.push(line);
  }
  for (const t of r.tables) {
    if (t.status === 'synced') {
      lines.push(
        `${t.table}: ${t.inserted} new, ${t.duplicates} already cached` +
          (t.invalid ? `, ${t.invalid} refused (${t.invalidSamples.join('; ')})` : '') +
          (t.retries ? `, resumed ${t.retries}× after a lost connection` : ''),
      );
    } else {
      lines.push(`${t.table}: ${t.status === 'missing' ? 'skipped' : 'FAILED'} — ${redact(t.message ?? '')}`);
    }
  }
  lines.push(
    `${r.rowsRead} rows read in ${(r.durationMs / 1000).toFixed(1)} s (${r.rowsPerSecond} rows/s); ` +
      `longest event-loop stall ${r.eventLoopMaxDelayMs.toFixed(1)} ms; cache ${cachePath}`,
  );
  return lines.join('\n') + '\n';
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'Push the local outbox and pull new events and logs into the offline cache',
  async run(io) {
    let values: { db?: string; cache?: string; json?: boolean };
    try {
      ({ values } = parseArgs({
        args: io.args,
        options: { db: { type: 'string' }, cache: { type: 'string' }, json: { type: 'boolean', default: false } },
        strict: true,
        allowPositionals: false,
      }));
    } catch (err) {
      throw new UsageError(`${redactSecrets((err as Error).message)}\n${USAGE}`);
    }
    const url = requireDbUrl(values.db, io);
    if (values.cache !== undefined && values.cache.trim() === '') throw new UsageError('--cache needs a file path');
    const cachePath = values.cache ?? defaultCachePath(url, io.env);
    const db = openPool(url, { max: 2, lazy: true });
    let cache: Cache | null = null;
    try {
      try {
        await db.pool.query('select 1');
      } catch (err) {
        io.stderr(`roman sync: cannot reach ${db.description}: ${db.redact((err as Error).message)}\n`);
        return EXIT.unavailable;
      }
      try {
        cache = Cache.open(cachePath);
      } catch (err) {
        io.stderr(`roman sync: cannot open the cache ${cachePath}: ${(err as Error).message}\n`);
        return EXIT.unavailable;
      }
      let lastPrint = 0;
      const onProgress = (p: PullProgress) => {
        const now = Date.now();
        if (values.json || now - lastPrint < 500) return;
        lastPrint = now;
        const pct = p.rowsEstimated > 0 ? ` (~${Math.min(100, Math.round((p.rowsDone / p.rowsEstimated) * 100))}%)` : '';
        io.stderr(`  ${p.table}: ${p.rowsDone}/${p.rowsEstimated} rows${pct}, ${p.rowsPerSecond} rows/s\n`);
      };
      if (!values.json) io.stderr(`Syncing ${db.description} → ${cachePath}\n`);
      let result: SyncResult;
      try {
        result = await syncDatabase(db.pool, cache, { onProgress });
      } catch (err) {
        const msg = db.redact((err as Error).message);
        io.stderr(`roman sync: ${isConnectionError(err) ? `lost ${db.description}: ` : ''}${msg}\n`);
        return EXIT.unavailable;
      }
      for (const t of result.tables) if (t.message) t.message = db.redact(t.message);
      if (result.pushed?.failed) result.pushed.failed.error = db.redact(result.pushed.failed.error);
      io.stdout(values.json ? JSON.stringify({ cache: cachePath, ...result }, null, 2) + '\n' : formatSummary(result, cachePath, (s) => db.redact(s)));
      const hardFailure = result.tables.some((t) => t.status === 'failed') || result.pushed?.failed != null;
      return hardFailure ? EXIT.unavailable : EXIT.ok;
    } finally {
      cache?.close();
      await db.close();
    }
  },
};
