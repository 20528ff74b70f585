/**
 * The bot's commands without Discord: `status`, `approve <action>`, `audit`, `metrics`, each answered
 * by the same handlers and formatters as the app and the CLI (formatSystemStatus, requestAction +
 * explainDecision). What the bot needs from a database is the `BotBackend`; `databaseBackend` builds
 * it from a pg pool (the CLI's `roman bot`, the app's open workspace).
 *
 * Fail closed: a decision needs a measured entropy and a recorded decision; when either is missing
 * the answer says so and no Run button is offered.
 */
import type pg from 'pg';
import type { ParsedAction } from '../../../shared/actions';
import type { Decision, FiringCriticalAlert } from '../../../shared/constitution';
import { DomainError } from '../../../shared/result';
import type { Clock } from '../clock';
import { requestAction, type ActionRequestOutcome } from '../actions';
import { runSelfTest } from '../constitution';
import { recordDecision, recordEvent, type RomanEventInput } from '../db/events';
import { chooseDecisionEntropy, measureDecisionEntropy } from '../constitution/decision-entropy';
import { loadDismissals, loadLatestReport, runAudit } from '../audit/report';
import { formatAuditMessage } from '../audit/format';
import { computeAiMetrics, readAiUsage } from '../metrics/ai-usage';
import { formatMetricsMessage } from '../metrics/format';
import { buildSystemStatus, formatSystemStatus } from '../monitoring/status';

export const BOT_COMMANDS = ['status', 'approve', 'audit', 'metrics'] as const;
export type BotCommandName = (typeof BOT_COMMANDS)[number];

export interface ParsedCommand {
  name: BotCommandName;
  /** The rest of the text (the action for approve). */
  args: string;
}

export const HELP_TEXT = [
  '🤖 R.O.M.A.N. commands:',
  '• `status` — system health check',
  '• `approve <action>` — request approval, e.g. `approve deploy to staging`',
  '• `audit` — system audit',
  '• `metrics` — AI usage metrics (last 30 days)',
].join('\n');

/**
 * Reads "status", "/approve deploy to staging", "Approve  deploy …" (the mention already removed).
 * Returns null for anything that is not one of the four commands.
 */
export function parseCommand(text: string): ParsedCommand | null {
  const m = /^\s*\/?([A-Za-z]+)\b\s*([\s\S]*)$/.exec(text);
  if (!m) return null;
  const name = m[1].toLowerCase();
  if (!(BOT_COMMANDS as readonly string[]).includes(name)) return null;
  return { name: name as BotCommandName, args: m[2].trim() };
}

/** Strips a leading mention of the bot (`<@id>` or `<@!id>`); null when the text does not start with one. */
export function stripMention(content: string, botId: string): string | null {
  const m = new RegExp(`^\\s*<@!?${botId}>\\s*([\\s\\S]*)$`).exec(content);
  return m ? m[1] : null;
}

/** What the bot acts on: the database it was started for. */
export interface BotTarget {
  /** Database name (what the production confirmation asks the user to type). */
  database: string;
  /** Environment of the connection (production when the profile says so). */
  environment: string;
  /** Host/database description without secrets. */
  description: string;
}

export interface ApprovalAnswer {
  outcome: ActionRequestOutcome;
  /** The decision is in ops.roman_events (or the outbox): only then may it be run. */
  recorded: boolean;
}

/** A report the bot can answer with (audit, metrics); null text = not available in this build. */
export interface ReportProvider {
  /** The manual's message, or throws DomainError('unavailable', …). */
  report(): Promise<string>;
}

export const notAvailable = (what: string): ReportProvider => ({
  report: () => Promise.reject(new DomainError('unavailable', `${what} is not available in this build.`)),
});

export interface BotBackend {
  readonly target: BotTarget;
  /** The manual's /status message with live figures. */
  status(): Promise<string>;
  /** Parse → ActionData → verdict with live entropy, recorded with channel 'discord'. */
  approve(text: string, requestedBy: string): Promise<ApprovalAnswer>;
  /** Records a bot event (command, refusal, run) exactly once (keyed by the Discord id). */
  record(event: RomanEventInput): Promise<void>;
  /** A recorded decision by id (for a Run pressed after a restart or on another desktop). */
  findDecision(decisionId: string): Promise<Decision | null>;
  audit: ReportProvider;
  metrics: ReportProvider;
}

export interface DatabaseBackendOptions {
  pool: pg.Pool;
  clock: Clock;
  target: BotTarget;
  monthlyBudgetUsd: number;
  audit?: ReportProvider;
  metrics?: ReportProvider;
  /** How decisions are recorded (default: straight into ops.roman_events; the app uses its outbox). */
  recordDecision?: (decision: Decision) => Promise<boolean>;
  /** Records the bot's own events through the app's outbox (queued when the database is down); default: straight to ops.roman_events. */
  recordEvent?: (event: RomanEventInput) => Promise<void>;
  /** Critical alerts the app's alert engine has firing (added to those evaluated at decision time). */
  engineAlerts?: () => FiringCriticalAlert[];
}

/** The manual's /audit message from the schema audit of the database (not saved: the app's Audit page saves). */
export function auditReports(pool: pg.Pool, clock: Clock, database: string): ReportProvider {
  return {
    async report() {
      const previous = await loadLatestReport(pool).catch(() => null);
      const dismissals = await loadDismissals(pool).catch(() => undefined);
      const report = await runAudit(pool, { clock, database, env: {}, previous, dismissals });
      return formatAuditMessage(report);
    },
  };
}

/** The manual's /metrics message from ai_usage_logs. */
export function metricsReports(pool: pg.Pool, clock: Clock, monthlyBudgetUsd: number): ReportProvider {
  return {
    async report() {
      const now = clock.now();
      try {
        return formatMetricsMessage(computeAiMetrics(await readAiUsage(pool, now), { now, monthlyBudgetUsd, source: 'database' }));
      } catch (err) {
        throw new DomainError('unavailable', err instanceof Error ? err.message : String(err));
      }
    },
  };
}

/** The backend on a live database: the same figures `roman status` and `roman approve --db` use. */
export function databaseBackend(opts: DatabaseBackendOptions): BotBackend {
  const { pool, clock } = opts;
  return {
    target: opts.target,
    async status() {
      const report = await buildSystemStatus(pool, clock, {
        selfTest: runSelfTest(),
        discordConfigured: true,
        monthlyBudgetUsd: opts.monthlyBudgetUsd,
      });
      return formatSystemStatus({ ...report, discordBot: 'online' }).trimEnd();
    },
    async approve(text, requestedBy) {
      // The decision entropy (worst of the short and long windows, firing critical alerts included):
      // the same reading the app and `roman approve --db` decide with.
      let live;
      try {
        live = await measureDecisionEntropy(pool, clock, opts.engineAlerts ? { engineAlerts: opts.engineAlerts } : {});
      } catch (err) {
        if (err instanceof DomainError) throw err;
        throw new DomainError('unavailable', `Cannot measure the system entropy: ${err instanceof Error ? err.message : String(err)}`);
      }
      const c = chooseDecisionEntropy(undefined, live);
      const outcome = requestAction({ text, systemEntropy: c.systemEntropy }, { requested_by: requestedBy, channel: 'discord', ...c.meta }, clock);
      let recorded = false;
      try {
        recorded = opts.recordDecision ? await opts.recordDecision(outcome.decision) : (await recordDecision(pool, outcome.decision), true);
      } catch {
        recorded = false;
      }
      return { outcome, recorded };
    },
    async record(event) {
      if (opts.recordEvent) await opts.recordEvent(event);
      else await recordEvent(pool, event);
    },
    async findDecision(decisionId) {
      const r = await pool.query<{ metadata: Decision }>(
        `select metadata from ops.roman_events where idempotency_key = $1 and event_type in ('approval', 'rejection')`,
        [decisionId],
      );
      return r.rows[0]?.metadata ?? null;
    },
    audit: opts.audit ?? auditReports(pool, clock, opts.target.database),
    metrics: opts.metrics ?? metricsReports(pool, clock, opts.monthlyBudgetUsd),
  };
}

/** The action a recorded decision was about (kind, environment, data), rebuilt without parsing again. */
export function actionOfDecision(decision: Decision): Pick<ParsedAction, 'kind' | 'environment' | 'data'> & { description: string } {
  return {
    kind: decision.input.action_kind as ParsedAction['kind'],
    environment: (decision.input.environment ?? 'unspecified') as ParsedAction['environment'],
    data: decision.input.action,
    description: decision.input.action.description,
  };
}
