/**
 * `roman db init --db URL [--json]`: installs or verifies the app's schema in a database and prints
 * the InitReport. Exit 0 on success, 2 on a bad URL or usage, 4 when the database is unreachable.
 */
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type CliCommand, type CliIO } from '../io';
import { ConnectionConfigError, parseConnectionUrl, redactSecrets } from '../../../shared/connections';
import { isConnectionError, openPool } from '../../core/db/connection';
import { initDatabase, type InitReport } from '../../core/db/migrations';

const USAGE = 'usage: roman db init --db URL [--json]   (URL also from ROMAN_DB_URL)';

export function formatInitReport(r: InitReport): string {
  const lines = [`Database ${r.database} (${r.serverVersion})`];
  lines.push(r.created.length ? `Created (${r.created.length}):` : 'Created: nothing (everything was already in place)');
  for (const c of r.created) lines.push(`  + ${c}`);
  if (r.existing.length) lines.push(`Already there (${r.existing.length}):`);
  for (const e of r.existing) lines.push(`  = ${e}`);
  if (r.warnings.length) lines.push(`Warnings (${r.warnings.length}):`);
  for (const w of r.warnings) lines.push(`  ! ${w}`);
  return lines.join('\n') + '\n';
}

/** The --db value (or ROMAN_DB_URL), validated: throws UsageError with a clear message. */
export function requireDbUrl(value: string | undefined, io: CliIO): string {
  const url = value ?? io.env.ROMAN_DB_URL;
  if (!url) throw new UsageError(`--db URL is required\n${USAGE}`);
  try {
    parseConnectionUrl(url);
  } catch (err) {
    if (err instanceof ConnectionConfigError) throw new UsageError(err.message);
    throw err;
  }
  return url;
}

async function init(io: CliIO, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { db: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: false,
  });
  const url = requireDbUrl(values.db, io);
  const db = openPool(url, { max: 1, lazy: true, statementTimeoutMs: 0 });
  try {
    let report: InitReport;
    try {
      report = await initDatabase(db.pool);
    } catch (err) {
      const safe = db.redact((err as Error).message ?? String(err));
      if (isConnectionError(err)) {
        io.stderr(`roman db init: cannot reach ${db.description}: ${safe}\n`);
        return EXIT.unavailable;
      }
      io.stderr(`roman db init: initialisation failed on ${db.description}: ${safe}\n`);
      return EXIT.unavailable;
    }
    io.stdout(values.json ? JSON.stringify(report, null, 2) + '\n' : formatInitReport(report));
    return EXIT.ok;
  } finally {
    await db.close();
  }
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'Database setup: `db init --db URL` installs or verifies the R.O.M.A.N. schema',
  async run(io) {
    const [sub, ...rest] = io.args;
    if (sub === 'init') {
      try {
        return await init(io, rest);
      } catch (err) {
        if (err instanceof UsageError) throw err;
        const code = (err as { code?: string }).code;
        if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
          throw new UsageError(`${redactSecrets((err as Error).message)}\n${USAGE}`);
        }
        throw err;
      }
    }
    throw new UsageError(sub ? `unknown subcommand "${sub}"\n${USAGE}` : USAGE);
  },
};
