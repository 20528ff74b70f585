/**
 * `roman execute GRANT_ID --db URL [--confirm DATABASE_NAME] [--backup-dir DIR] [--json]` — runs
 * an approved action's grant through the gate. Exit 0 succeeded, 1 failed or cancelled (outcome
 * recorded), 2 grant unknown, expired, used, rejected or for another database (nothing ran), 5
 * refused by a safety rule (production without --confirm naming the database, no backup possible,
 * the same action already running). Progress on stderr; Ctrl-C cancels.
 */
import { parseArgs } from 'node:util';
import { redactSecrets } from '../../../shared/connections';
import { isConnectionError, openPool } from '../../core/db/connection';
import { EXIT, UsageError, type CliCommand } from '../io';
import { exitForExecution, formatResult, runGrantFromCli } from '../operations';
import { requireDbUrl } from './db';
import { requester } from './validate';

const USAGE = 'Usage: roman execute GRANT_ID --db URL [--confirm DATABASE_NAME] [--backup-dir DIR] [--json]';

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { db: { type: 'string' }, confirm: { type: 'string' }, 'backup-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
    });
  } catch (err) {
    throw new UsageError(`${redactSecrets((err as Error).message)}\n${USAGE}`);
  }
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'Run an approved action: execute GRANT_ID --db URL [--confirm DATABASE_NAME] [--backup-dir DIR] [--json]',
  async run(io) {
    const { values, positionals } = parse(io.args);
    if (positionals.length !== 1) throw new UsageError(`give exactly one GRANT_ID (from roman approve)\n${USAGE}`);
    const url = requireDbUrl(values.db, io);
    const db = openPool(url, { max: 3, lazy: true, statementTimeoutMs: 0, lockTimeoutMs: 0, connectionTimeoutMillis: 10_000 });
    try {
      try {
        await db.pool.query('select 1');
      } catch (err) {
        io.stderr(`roman execute: cannot reach ${db.description}: ${db.redact((err as Error).message)}\n`);
        return EXIT.unavailable;
      }
      const result = await runGrantFromCli(io, db, url, {
        grantId: positionals[0],
        requestedBy: requester(io.env),
        ...(values.confirm !== undefined ? { confirm: values.confirm } : {}),
        ...(values['backup-dir'] !== undefined ? { backupDir: values['backup-dir'] } : {}),
      });
      if (values.json) io.stdout(JSON.stringify(result) + '\n');
      else io.stdout(formatResult(result).join('\n') + '\n');
      if (result.status === 'refused') io.stderr(`roman execute: refused (${result.code}): ${result.message}\n`);
      return exitForExecution(result);
    } catch (err) {
      if (isConnectionError(err)) {
        io.stderr(`roman execute: lost ${db.description}: ${db.redact((err as Error).message)}\n`);
        return EXIT.unavailable;
      }
      throw err;
    } finally {
      await db.close();
    }
  },
};
