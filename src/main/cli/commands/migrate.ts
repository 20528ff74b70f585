/**
 * `roman migrate status|dry-run|apply|rollback --db URL --dir DIR [--environment ENV]
 * [--confirm NAME | --yes] [--last | --to VERSION] [--backup-dir DIR] [--json]` — SQL migrations in
 * Supabase's layout, history in supabase_migrations.schema_migrations.
 * - status: applied / pending / changed / missing_file per version (exit 0).
 * - dry-run: the pending ones in one transaction, rolled back; the first error and the locks taken
 *   (exit 0 clean, 1 error).
 * - apply / rollback: action requests like any other — decided by the core with the live entropy,
 *   granted, confirmed, run through the gate and recorded (backup first in production). Production
 *   (or no --environment) needs --confirm naming the database; --yes is accepted outside production
 *   only. Exit 0 succeeded, 1 failed or rejected, 2 usage, 4 unreachable, 5 refused by a safety rule.
 */
import { parseArgs } from 'node:util';
import { redactSecrets } from '../../../shared/connections';
import { DomainError } from '../../../shared/result';
import { requestAction } from '../../core/actions';
import { systemClock } from '../../core/clock';
import { decideWithLiveEntropy } from '../../core/constitution/live-decision';
import { chooseDecisionEntropy } from '../../core/constitution/decision-entropy';
import { explainDecision } from '../../core/constitution';
import { isConnectionError, openPool, type RomanPool } from '../../core/db/connection';
import {
  dryRun,
  isProductionLike,
  migrationParams,
  migrationsState,
  pendingFiles,
  prepareExecution,
  rollbackFiles,
  type MigrationFile,
} from '../../core/operations';
import { normalizeEnvironment } from '../../core/actions/parser';
import { EXIT, UsageError, type CliCommand, type CliIO } from '../io';
import { EXIT_REFUSED, defaultBackupDir, exitForExecution, formatPlan, formatResult, runGrantFromCli } from '../operations';
import { requireDbUrl } from './db';
import { requester } from './validate';

const USAGE =
  'Usage: roman migrate status|dry-run|apply|rollback --db URL --dir DIR [--environment ENV] [--confirm NAME | --yes] [--last | --to VERSION] [--backup-dir DIR] [--json]';

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        db: { type: 'string' },
        dir: { type: 'string' },
        environment: { type: 'string' },
        confirm: { type: 'string' },
        yes: { type: 'boolean', default: false },
        last: { type: 'boolean', default: false },
        to: { type: 'string' },
        'backup-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${redactSecrets((err as Error).message)}\n${USAGE}`);
  }
}

type Values = ReturnType<typeof parse>['values'];

async function status(io: CliIO, db: RomanPool, values: Values): Promise<number> {
  const state = await migrationsState(db.pool, values.dir!);
  if (values.json) {
    io.stdout(JSON.stringify({ dir: state.dir, history: state.historyExists ? 'supabase_migrations.schema_migrations' : null, migrations: state.migrations, warnings: state.warnings }) + '\n');
  } else {
    const lines = [`Migrations in ${state.dir} (history: ${state.historyExists ? 'supabase_migrations.schema_migrations' : 'none yet — created on the first apply'})`];
    for (const m of state.migrations) lines.push(`  ${m.status.padEnd(12)} ${m.version}_${m.name}${m.has_down ? '' : m.file ? '  (no down section)' : ''}`);
    if (state.migrations.length === 0) lines.push('  (no migration files)');
    for (const w of state.warnings) lines.push(`  ! ${w}`);
    io.stdout(lines.join('\n') + '\n');
  }
  return EXIT.ok;
}

async function dryRunCommand(io: CliIO, db: RomanPool, values: Values): Promise<number> {
  const state = await migrationsState(db.pool, values.dir!);
  const files = pendingFiles(state, values.to);
  const c = await db.pool.connect();
  let report;
  try {
    report = await dryRun(c, files);
  } finally {
    c.release();
  }
  if (values.json) io.stdout(JSON.stringify({ pending: files.map((f) => f.version), ...report }) + '\n');
  else {
    const lines = [`Dry run of ${files.length} pending migration${files.length === 1 ? '' : 's'} in one transaction, rolled back:`];
    for (const v of report.ran) lines.push(`  ✓ ${v}`);
    if (report.error) lines.push(`  ✗ ${report.error.version}_${report.error.name}: ${report.error.message}${report.error.statement ? `\n      at: ${report.error.statement}` : ''}`);
    if (report.locks.length) lines.push('Locks it takes (a real apply waits for these):', ...report.locks.map((l) => `  ${l.mode} on ${l.relation} (${l.version})`));
    lines.push('Nothing was changed.');
    io.stdout(lines.join('\n') + '\n');
  }
  return report.ok ? EXIT.ok : EXIT.rejected;
}

async function act(io: CliIO, db: RomanPool, url: string, values: Values, kind: 'migration' | 'rollback'): Promise<number> {
  const environment = values.environment === undefined ? 'unspecified' : normalizeEnvironment(values.environment);
  if (!environment) throw new UsageError(`unknown environment "${values.environment}": use production, staging, development or sample`);
  const production = isProductionLike(environment);
  if (production && values.yes && values.confirm === undefined) {
    io.stderr(`roman migrate: refused: --yes is not accepted in production${environment === 'unspecified' ? ' (no --environment counts as production)' : ''}; confirm with --confirm DATABASE_NAME\n`);
    return EXIT_REFUSED;
  }
  if (!production && !values.yes && values.confirm === undefined) {
    io.stderr('roman migrate: refused: confirm with --yes (or --confirm DATABASE_NAME)\n');
    return EXIT_REFUSED;
  }
  if (values.last && values.to !== undefined) throw new UsageError('give --last or --to VERSION, not both');
  const state = await migrationsState(db.pool, values.dir!);
  let files: MigrationFile[];
  if (kind === 'migration') {
    files = pendingFiles(state, values.to);
    if (files.length === 0) {
      io.stdout(values.json ? JSON.stringify({ status: 'nothing_to_do', migrations: state.migrations }) + '\n' : 'Nothing to apply: no pending migration.\n');
      return EXIT.ok;
    }
  } else {
    const r = rollbackFiles(state, values.to !== undefined ? { to: values.to } : {});
    if (r.problems.length) {
      const backup = await lastMigrationBackup(db);
      io.stderr(`roman migrate rollback: ${r.problems.join('; ')}${backup ? `\nLatest pre-migration backup: ${backup} (pg_restore -d DATABASE ${backup})` : ''}\n`);
      return EXIT.rejected;
    }
    files = r.files;
    if (files.length === 0) {
      io.stdout(values.json ? JSON.stringify({ status: 'nothing_to_do' }) + '\n' : 'Nothing to roll back.\n');
      return EXIT.ok;
    }
  }
  const who = requester(io.env);
  const live = await decideWithLiveEntropy(url, systemClock, (reading) => {
    const c = chooseDecisionEntropy(undefined, reading);
    const o = requestAction({ kind, environment, systemEntropy: c.systemEntropy }, { requested_by: who, channel: 'cli', ...c.meta }, systemClock);
    return { value: o, decision: o.decision };
  });
  const decision = live.value.decision;
  if (decision.result.verdict === 'reject') {
    const lines = explainDecision(decision).lines;
    if (values.json) io.stdout(JSON.stringify({ verdict: 'reject', decision_id: decision.decision_id, explanation: lines }) + '\n');
    else io.stdout(lines.join('\n') + '\nNothing executed.\n');
    return EXIT.rejected;
  }
  const backupDir = values['backup-dir'] ?? defaultBackupDir(io.env);
  const prepared = await prepareExecution(db.pool, {
    decision,
    action: live.value.action,
    params: migrationParams(state.dir, files),
    environment,
    requestedBy: who,
    channel: 'cli',
    backupDir,
  });
  if (!prepared.executable) throw new DomainError('invalid_input', prepared.reason);
  if (!values.json) io.stderr(formatPlan(prepared.plan).join('\n') + '\n');
  const result = await runGrantFromCli(io, db, url, {
    grantId: prepared.grant.id,
    requestedBy: who,
    backupDir,
    ...(values.confirm !== undefined ? { confirm: values.confirm } : {}),
  });
  if (values.json) io.stdout(JSON.stringify({ decision_id: decision.decision_id, plan: prepared.plan, grant: { id: prepared.grant.id, expires_at: prepared.grant.expires_at }, result }) + '\n');
  else io.stdout(formatResult(result).join('\n') + '\n');
  if (result.status === 'refused') io.stderr(`roman migrate: refused (${result.code}): ${result.message}\n`);
  return exitForExecution(result);
}

async function lastMigrationBackup(db: RomanPool): Promise<string | null> {
  const r = await db.pool
    .query<{ f: string | null }>(
      `select metadata->>'backup_file' as f from ops.roman_events
        where event_type = 'execution' and metadata->>'action_kind' = 'migration' and metadata->>'backup_file' is not null
        order by id desc limit 1`,
    )
    .catch(() => ({ rows: [] as { f: string | null }[] }));
  return r.rows[0]?.f ?? null;
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'SQL migrations (Supabase layout): migrate status|dry-run|apply|rollback --db URL --dir DIR [--environment ENV] [--confirm NAME | --yes] …',
  async run(io) {
    const { values, positionals } = parse(io.args);
    const sub = positionals[0];
    if (!sub || sub === 'help') {
      io.stdout(USAGE + '\n');
      return sub ? EXIT.ok : EXIT.invalid;
    }
    if (!['status', 'dry-run', 'apply', 'rollback'].includes(sub)) throw new UsageError(`unknown subcommand "${sub.slice(0, 40)}"\n${USAGE}`);
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${String(positionals[1]).slice(0, 40)}"\n${USAGE}`);
    if (!values.dir) throw new UsageError(`--dir DIR is required (the folder with supabase/migrations)\n${USAGE}`);
    const url = requireDbUrl(values.db, io);
    const db = openPool(url, { max: 3, lazy: true, statementTimeoutMs: 0, lockTimeoutMs: 0, connectionTimeoutMillis: 10_000 });
    try {
      try {
        await db.pool.query('select 1');
      } catch (err) {
        io.stderr(`roman migrate: cannot reach ${db.description}: ${db.redact((err as Error).message)}\n`);
        return EXIT.unavailable;
      }
      switch (sub) {
        case 'status':
          return await status(io, db, values);
        case 'dry-run':
          return await dryRunCommand(io, db, values);
        case 'apply':
          return await act(io, db, url, values, 'migration');
        default:
          return await act(io, db, url, values, 'rollback');
      }
    } catch (err) {
      if (err instanceof DomainError) {
        io.stderr(`roman migrate: ${err.message}\n`);
        return err.code === 'invalid_input' ? EXIT.invalid : EXIT.unavailable;
      }
      if (isConnectionError(err)) {
        io.stderr(`roman migrate: lost ${db.description}: ${db.redact((err as Error).message)}\n`);
        return EXIT.unavailable;
      }
      throw err;
    } finally {
      await db.close();
    }
  },
};
