/**
 * `roman status --db URL [--json] [--budget USD]`: the manual's /status message — constitutional
 * self-test, database connectivity and active connections, AI usage of the monthly quota, recent
 * approvals/rejections and critical errors (24 h), and system entropy. Exit 0 when the status could
 * be read, 4 when the database is unreachable or the core's self-test fails, 2 on bad usage.
 * The "Discord Bot" line appears only when ROMAN_DISCORD_WEBHOOK_URL is set.
 */
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type CliCommand, type CliIO } from '../io';
import { ConnectionConfigError, parseConnectionUrl, redactSecrets } from '../../../shared/connections';
import { openPool } from '../../core/db/connection';
import { runSelfTest } from '../../core/constitution/index';
import { systemClock } from '../../core/clock';
import { discordWebhookFromEnv } from '../../core/notify/discord';
import { buildSystemStatus, formatSystemStatus, unreachableStatus } from '../../core/monitoring/status';
import { DEFAULT_THRESHOLDS, type SystemStatusReport } from '../../../shared/monitoring';

const USAGE = 'usage: roman status --db URL [--json] [--budget USD]   (URL also from ROMAN_DB_URL, budget from ROMAN_AI_MONTHLY_BUDGET_USD)';

function parseBudget(raw: string | undefined, from: string): number {
  if (raw === undefined) return DEFAULT_THRESHOLDS.aiMonthlyBudgetUsd;
  const text = raw.trim();
  const value = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${from} must be a positive amount of US dollars, got "${raw.slice(0, 40)}"`);
  return value;
}

async function status(io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: io.args,
    options: { db: { type: 'string' }, json: { type: 'boolean', default: false }, budget: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const url = values.db ?? io.env.ROMAN_DB_URL;
  if (!url) throw new UsageError(`--db URL is required\n${USAGE}`);
  try {
    parseConnectionUrl(url);
  } catch (err) {
    if (err instanceof ConnectionConfigError) throw new UsageError(err.message);
    throw err;
  }
  const monthlyBudgetUsd =
    values.budget !== undefined
      ? parseBudget(values.budget, '--budget')
      : parseBudget(io.env.ROMAN_AI_MONTHLY_BUDGET_USD || undefined, 'ROMAN_AI_MONTHLY_BUDGET_USD');
  const inputs = {
    selfTest: runSelfTest(),
    discordConfigured: Boolean(discordWebhookFromEnv(io.env)),
    monthlyBudgetUsd,
  };

  const db = openPool(url, { max: 2, lazy: true, connectionTimeoutMillis: 5000, statementTimeoutMs: 10_000 });
  let report: SystemStatusReport;
  try {
    const reachable = await db.probe();
    if (!reachable) {
      report = unreachableStatus(inputs, db.lastError ? db.redact(db.lastError.message) : 'no answer');
    } else {
      report = await buildSystemStatus(db.pool, systemClock, inputs);
      if (!report.database.connected) report = unreachableStatus(inputs, db.redact(report.database.reason));
    }
  } finally {
    await db.close();
  }

  io.stdout(values.json ? JSON.stringify(report, null, 2) + '\n' : formatSystemStatus(report));
  if (!report.database.connected) {
    io.stderr(`roman status: database ${db.description} is unreachable: ${report.database.reason}\n`);
    return EXIT.unavailable;
  }
  if (!report.constitutionalCore.operational) {
    io.stderr('roman status: Constitutional Core self-test failed: the core is compromised.\n');
    return EXIT.unavailable;
  }
  return EXIT.ok;
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'System status like the manual\'s /status: core, database, AI quota, recent activity, entropy',
  async run(io) {
    try {
      return await status(io);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const code = (err as { code?: string }).code;
      if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
        throw new UsageError(`${redactSecrets((err as Error).message)}\n${USAGE}`);
      }
      throw err;
    }
  },
};
