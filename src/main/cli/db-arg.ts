/** `--db URL` (or ROMAN_DB_URL) for the read-only report commands (checks, audit, metrics). */
import { UsageError, type CliIO } from './io';
import { ConnectionConfigError, parseConnectionUrl, redactSecrets } from '../../shared/connections';
import { openPool, type RomanPool } from '../core/db/connection';

export function dbUrlFrom(io: CliIO, value: string | undefined, usage: string): string {
  const url = value ?? io.env.ROMAN_DB_URL;
  if (!url) throw new UsageError(`--db URL is required\n${usage}`);
  try {
    parseConnectionUrl(url);
  } catch (err) {
    if (err instanceof ConnectionConfigError) throw new UsageError(err.message);
    throw err;
  }
  return url;
}

/** Opens a small pool and probes it; null (with the redacted reason on stderr) when unreachable. */
export async function openReachable(io: CliIO, command: string, url: string): Promise<RomanPool | null> {
  const db = openPool(url, { max: 2, lazy: true, connectionTimeoutMillis: 5000, statementTimeoutMs: 30_000 });
  if (await db.probe()) return db;
  const reason = db.lastError ? db.redact(db.lastError.message) : 'no answer';
  io.stderr(`roman ${command}: database ${db.description} is unreachable: ${reason}\n`);
  await db.close();
  return null;
}

/** parseArgs errors become usage errors (exit 2) with secrets redacted. */
export function asUsageError(err: unknown, usage: string): unknown {
  if (err instanceof UsageError) return err;
  const code = (err as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return new UsageError(`${redactSecrets((err as Error).message)}\n${usage}`);
  return err;
}
