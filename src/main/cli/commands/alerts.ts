/**
 * `roman alerts evaluate --db URL [--json] [--budget USD]`: one evaluation of every alert rule from
 * the database's current data (durations judged from the stored history). With --json: an array of
 * {rule, state, severity, labels, value, summary} — one entry per rule, one per extra label set
 * (e.g. per IP). Exit 0 when evaluated (firing or not), 4 when the database is unreachable,
 * 2 on bad usage.
 */
import { parseArgs } from 'node:util';
import { ConnectionConfigError, parseConnectionUrl } from '../../../shared/connections';
import { AlertService } from '../../core/alerts/service';
import { formatEvaluation } from '../../core/alerts/format';
import { unmeasurableThresholds } from '../../core/alerts/rules';
import { systemClock } from '../../core/clock';
import { runSelfTest } from '../../core/constitution/index';
import { openPool } from '../../core/db/connection';
import { NotifierRegistry } from '../../core/notify/notifier';
import { EXIT, UsageError, type CliCommand, type CliIO } from '../io';

const USAGE = 'usage: roman alerts evaluate --db URL [--json] [--budget USD]   (URL also from ROMAN_DB_URL)';

export function parseBudget(raw: string | undefined, from: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const text = raw.trim();
  const value = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${from} must be a positive amount of US dollars, got "${raw.slice(0, 40)}"`);
  return value;
}

export function requireDbUrl(raw: string | undefined, usage: string): string {
  if (!raw) throw new UsageError(`--db URL is required\n${usage}`);
  try {
    parseConnectionUrl(raw);
  } catch (err) {
    if (err instanceof ConnectionConfigError) throw new UsageError(err.message);
    throw err;
  }
  return raw;
}

export function requireSelfTest(io: CliIO, name: string): boolean {
  if (runSelfTest().passed) return true;
  io.stderr(`roman ${name}: Constitutional Core self-test failed: refusing to run.\n`);
  return false;
}

async function evaluate(io: CliIO, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { db: { type: 'string' }, json: { type: 'boolean', default: false }, budget: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const url = requireDbUrl(values.db ?? io.env.ROMAN_DB_URL, USAGE);
  const budget = parseBudget(values.budget, '--budget') ?? parseBudget(io.env.ROMAN_AI_MONTHLY_BUDGET_USD, 'ROMAN_AI_MONTHLY_BUDGET_USD');
  if (!requireSelfTest(io, 'alerts')) return EXIT.unavailable;
  const db = openPool(url, { max: 1, lazy: true, connectionTimeoutMillis: 5000, statementTimeoutMs: 15_000 });
  try {
    if (!(await db.probe())) {
      io.stderr(`roman alerts: database ${db.description} is unreachable: ${db.lastError ? db.redact(db.lastError.message) : 'no answer'}\n`);
      return EXIT.unavailable;
    }
    const service = new AlertService({
      db: db.pool,
      clock: systemClock,
      notifiers: new NotifierRegistry(systemClock),
      recordEvents: false,
      config: budget !== undefined ? { monthlyAiBudgetUsd: budget } : {},
    });
    let outcome;
    try {
      outcome = await service.evaluate();
    } catch (err) {
      io.stderr(`roman alerts: database ${db.description} is unreachable: ${db.redact(err instanceof Error ? err.message : String(err))}\n`);
      return EXIT.unavailable;
    }
    for (const e of outcome.errors) io.stderr(`roman alerts: rule ${e.rule} could not be evaluated: ${db.redact(e.error)}\n`);
    const rows = service.ruleEvaluations();
    io.stdout(values.json ? JSON.stringify(rows, null, 2) + '\n' : formatEvaluation(outcome.at, db.description, rows, unmeasurableThresholds, outcome.errors));
    return EXIT.ok;
  } finally {
    await db.close();
  }
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'Alert rules: `alerts evaluate --db URL [--json]` evaluates every rule once',
  async run(io) {
    const [sub, ...rest] = io.args;
    if (sub === 'evaluate') return evaluate(io, rest);
    if (!sub || sub === 'help' || sub === '--help') {
      io.stdout(`${USAGE}\n`);
      return sub ? EXIT.ok : EXIT.invalid;
    }
    throw new UsageError(`unknown subcommand "${sub.slice(0, 40)}"\n${USAGE}`);
  },
};
