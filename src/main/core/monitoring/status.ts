/**
 * The manual's `/status` message: builds a SystemStatusReport from the database (active
 * connections, AI spend of the month, approvals/rejections and critical errors of the last 24 h,
 * system entropy) plus the constitutional self-test, and formats it line by line. Used by
 * `roman status` and the Discord bot's status command.
 */
import type pg from 'pg';
import type { Clock } from '../clock';
import { DomainError } from '../../../shared/result';
import type { SystemStatusReport } from '../../../shared/monitoring';
import { measureSystemEntropy } from './entropy';
import { readMonthSpend } from './signals';

/** ⚠️ on the AI usage line above this share of the monthly budget. */
export const AI_USAGE_WARNING_RATIO = 0.75;

export interface StatusInputs {
  selfTest: { passed: boolean };
  discordConfigured: boolean;
  monthlyBudgetUsd: number;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

/** Report when the database could not be reached. */
export function unreachableStatus(inputs: StatusInputs, reason: string): SystemStatusReport {
  return {
    constitutionalCore: coreLine(inputs),
    database: { connected: false, reason },
    discordBot: inputs.discordConfigured ? 'configured' : 'not configured',
    aiUsage: { available: false, reason: 'database unreachable' },
    recentActivity: { available: false, reason: 'database unreachable' },
    entropy: { available: false, reason: 'database unreachable' },
  };
}

function coreLine(inputs: StatusInputs): SystemStatusReport['constitutionalCore'] {
  return inputs.selfTest.passed
    ? { operational: true, message: 'OPERATIONAL' }
    : { operational: false, message: 'COMPROMISED (self-test failed)' };
}

export async function buildSystemStatus(pool: pg.Pool, clock: Clock, inputs: StatusInputs): Promise<SystemStatusReport> {
  const now = clock.now();
  let activeConnections: number;
  try {
    const r = await pool.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active'`);
    activeConnections = Number(r.rows[0].n);
  } catch (err) {
    return unreachableStatus(inputs, message(err));
  }

  let aiUsage: SystemStatusReport['aiUsage'];
  try {
    const m = await readMonthSpend(pool, now);
    if (!m.exists) aiUsage = { available: false, reason: 'table public.ai_usage_logs does not exist (run `roman db init`)' };
    else {
      const ratio = m.spendUsd / inputs.monthlyBudgetUsd;
      aiUsage = {
        available: true,
        monthSpendUsd: Math.round(m.spendUsd * 100) / 100,
        monthlyBudgetUsd: inputs.monthlyBudgetUsd,
        percentOfBudget: Math.round(ratio * 1000) / 10,
        warning: ratio > AI_USAGE_WARNING_RATIO,
      };
    }
  } catch (err) {
    aiUsage = { available: false, reason: message(err) };
  }

  let recentActivity: SystemStatusReport['recentActivity'];
  try {
    const t = await pool.query<{ events: boolean; logs: boolean }>(
      `SELECT to_regclass('ops.roman_events') IS NOT NULL AS events, to_regclass('public.system_logs') IS NOT NULL AS logs`,
    );
    if (!t.rows[0].events || !t.rows[0].logs) {
      const missing = [!t.rows[0].events && 'ops.roman_events', !t.rows[0].logs && 'public.system_logs'].filter(Boolean).join(' and ');
      recentActivity = { available: false, reason: `${missing} missing (run \`roman db init\`)` };
    } else {
      const r = await pool.query(
        `SELECT (SELECT count(*) FROM ops.roman_events WHERE event_type = 'approval'
                   AND "timestamp" > $1::timestamptz - interval '24 hours' AND "timestamp" <= $1) AS approved,
                (SELECT count(*) FROM ops.roman_events WHERE event_type = 'rejection'
                   AND "timestamp" > $1::timestamptz - interval '24 hours' AND "timestamp" <= $1) AS rejected,
                (SELECT count(*) FROM public.system_logs WHERE severity = 'critical'
                   AND "timestamp" > $1::timestamptz - interval '24 hours' AND "timestamp" <= $1) AS critical`,
        [now],
      );
      recentActivity = {
        available: true,
        approved: Number(r.rows[0].approved),
        rejected: Number(r.rows[0].rejected),
        criticalErrors: Number(r.rows[0].critical),
      };
    }
  } catch (err) {
    recentActivity = { available: false, reason: message(err) };
  }

  let entropy: SystemStatusReport['entropy'];
  try {
    entropy = { available: true, reading: await measureSystemEntropy(pool, clock) };
  } catch (err) {
    entropy = { available: false, reason: err instanceof DomainError ? err.message : message(err) };
  }

  return {
    constitutionalCore: coreLine(inputs),
    database: { connected: true, activeConnections },
    discordBot: inputs.discordConfigured ? 'configured' : 'not configured',
    aiUsage,
    recentActivity,
    entropy,
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The manual's /status message. The Discord line appears only when a Discord notifier is configured. */
export function formatSystemStatus(report: SystemStatusReport): string {
  const lines = ['🤖 R.O.M.A.N. System Status', ''];
  const core = report.constitutionalCore;
  lines.push(`${core.operational ? '✅' : '❌'} Constitutional Core: ${core.message}`);
  const db = report.database;
  lines.push(
    db.connected
      ? `✅ Database: Connected (${plural(db.activeConnections, 'active connection', 'active connections')})`
      : `❌ Database: Unreachable: ${db.reason}`,
  );
  if (report.discordBot === 'configured') lines.push('✅ Discord Bot: Webhook configured');
  if (report.discordBot === 'online') lines.push('✅ Discord Bot: Online');
  if (!db.connected) return lines.join('\n') + '\n';
  const ai = report.aiUsage;
  lines.push(
    ai.available
      ? `${ai.warning ? '⚠️' : '✅'} AI Usage: ${Math.round(ai.percentOfBudget)}% of monthly quota ($${ai.monthSpendUsd.toFixed(2)} of $${ai.monthlyBudgetUsd.toFixed(2)})`
      : `⚠️ AI Usage: unavailable (${ai.reason})`,
  );
  lines.push('', 'Recent Activity:');
  const act = report.recentActivity;
  if (act.available) {
    lines.push(`• ${plural(act.approved, 'action', 'actions')} approved (last 24h)`);
    lines.push(`• ${plural(act.rejected, 'action', 'actions')} rejected (Constitutional violations)`);
    lines.push(`• ${plural(act.criticalErrors, 'critical error', 'critical errors')}`);
  } else {
    lines.push(`• unavailable: ${act.reason}`);
  }
  lines.push('');
  const e = report.entropy;
  lines.push(
    e.available && e.reading.data === 'no_data'
      ? `System Entropy: no data (nothing logged and no request in the last ${e.reading.window.minutes} minutes)`
      : e.available
      ? `System Entropy: ${(e.reading.entropy * 100).toFixed(1)}% (${e.reading.stable ? 'STABLE' : 'UNSTABLE'})`
      : `System Entropy: unavailable (${e.reason})`,
  );
  return lines.join('\n') + '\n';
}
