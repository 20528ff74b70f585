/**
 * `roman audit --db URL [--project DIR] [--json] [--fail-on error|warn|info] [--no-save]`: the
 * manual's /audit — schema lints (splinter's record shape) with the SQL that fixes each finding, the
 * schema inventory, and with a project folder its files, missing environment variables (names only)
 * and Edge Functions. The report is saved in ops.roman_events (unless --no-save) and compared with
 * the previous one. Exit 1 when an open (not dismissed) finding is at or above --fail-on (default
 * error), 0 otherwise; 4 when the database is unreachable; 2 on bad usage.
 *
 * `roman audit dismiss CACHE_KEY --note TEXT --db URL [--by NAME]` dismisses a finding.
 */
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { EXIT, UsageError, type CliCommand, type CliIO } from '../io';
import { asUsageError, dbUrlFrom, openReachable } from '../db-arg';
import { systemClock } from '../../core/clock';
import { AuditInputError, dismissFinding, loadDismissals, loadLatestReport, runAudit, saveAuditReport } from '../../core/audit/report';
import { ProjectDirError } from '../../core/audit/project';
import { formatAuditMessage } from '../../core/audit/format';
import { LEVEL_RANK, type AuditLevel } from '../../../shared/audit';
import { statSync } from 'node:fs';

const USAGE = `usage: roman audit --db URL [--project DIR] [--json] [--fail-on error|warn|info] [--no-save]
       roman audit dismiss CACHE_KEY --note TEXT --db URL [--by NAME]
  (URL also from ROMAN_DB_URL, DIR from ROMAN_PROJECT_DIR)`;

const FAIL_ON: Record<string, AuditLevel> = { error: 'ERROR', warn: 'WARN', info: 'INFO' };

async function audit(io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: io.args,
    options: {
      db: { type: 'string' },
      project: { type: 'string' },
      json: { type: 'boolean', default: false },
      'fail-on': { type: 'string' },
      'no-save': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const failOnRaw = (values['fail-on'] ?? 'error').toLowerCase();
  const failOn = FAIL_ON[failOnRaw];
  if (!failOn) throw new UsageError(`--fail-on must be error, warn or info (got "${String(values['fail-on']).slice(0, 20)}")\n${USAGE}`);
  const projectDir = values.project ?? (io.env.ROMAN_PROJECT_DIR || undefined);
  if (projectDir !== undefined) {
    let ok = false;
    try {
      ok = statSync(projectDir).isDirectory();
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`--project ${projectDir}: not a folder`);
  }
  const url = dbUrlFrom(io, values.db, USAGE);
  const db = await openReachable(io, 'audit', url);
  if (!db) return EXIT.unavailable;
  let report;
  try {
    const [previous, dismissals] = [await loadLatestReport(db.pool), await loadDismissals(db.pool)];
    report = await runAudit(db.pool, { clock: systemClock, database: db.description, projectDir, env: io.env, previous, dismissals });
    if (!values['no-save']) {
      const saved = await saveAuditReport(db.pool, report);
      if (!saved.saved) io.stderr(`roman audit: report not saved: ${saved.reason}\n`);
    }
  } catch (err) {
    if (err instanceof ProjectDirError) throw new UsageError(err.message);
    throw new Error(db.redact(err instanceof Error ? err.message : String(err)));
  } finally {
    await db.close();
  }
  if (values.json) io.stdout(JSON.stringify({ findings: report.findings, inventory: report.inventory }, null, 2) + '\n');
  else io.stdout(formatAuditMessage(report));
  const failing = report.findings.filter((f) => !f.dismissed && LEVEL_RANK[f.level] >= LEVEL_RANK[failOn]);
  return failing.length > 0 ? EXIT.rejected : EXIT.ok;
}

async function dismiss(io: CliIO, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { db: { type: 'string' }, note: { type: 'string' }, by: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError(`dismiss takes exactly one CACHE_KEY\n${USAGE}`);
  if (!values.note || values.note.trim() === '') throw new UsageError(`--note TEXT is required: say why the finding is dismissed\n${USAGE}`);
  const url = dbUrlFrom(io, values.db, USAGE);
  const db = await openReachable(io, 'audit', url);
  if (!db) return EXIT.unavailable;
  try {
    const by = values.by ?? `cli:${safeUser()}`;
    const d = await dismissFinding(db.pool, { cache_key: positionals[0], note: values.note }, by, systemClock);
    io.stdout(`Dismissed ${d.cache_key} (${d.note}) by ${d.by}\n`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof AuditInputError) throw new UsageError(err.message);
    throw err;
  } finally {
    await db.close();
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'Schema audit like the manual\'s /audit: findings with their fix SQL, inventory, compared with the last report',
  async run(io) {
    try {
      if (io.args[0] === 'dismiss') return await dismiss(io, io.args.slice(1));
      if (io.args[0] === 'help' || io.args[0] === '--help' || io.args[0] === '-h') {
        io.stdout(USAGE + '\n');
        return EXIT.ok;
      }
      return await audit(io);
    } catch (err) {
      throw asUsageError(err, USAGE);
    }
  },
};
