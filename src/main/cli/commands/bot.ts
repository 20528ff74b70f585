/**
 * `roman bot --db URL [--environment ENV] [--budget USD]`: runs the Discord bot in the foreground
 * until interrupted (SIGINT/SIGTERM → exit 0). Token from ROMAN_DISCORD_BOT_TOKEN, channel from
 * ROMAN_DISCORD_CHANNEL_ID, approvers (who may press Run) from ROMAN_DISCORD_APPROVERS
 * (comma-separated Discord user or role ids), REST base URL from ROMAN_DISCORD_API_URL (stand-ins;
 * the gateway URL then comes from its /gateway/bot).
 *
 * With several apps on one database exactly one hosts the bot (advisory lock); this command stands
 * by, prints who hosts it, and takes over when the host quits. Exit 2 on bad usage, 4 when the
 * database is unreachable or Discord refuses the token or an intent. The token is never printed.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { parseConnectionUrl, ConnectionConfigError } from '../../../shared/connections';
import { DEFAULT_THRESHOLDS } from '../../../shared/monitoring';
import { systemClock } from '../../core/clock';
import { openPool } from '../../core/db/connection';
import { normalizeEnvironment } from '../../core/actions';
import { DiscordBot, databaseBackend, type BotStatus } from '../../core/discord-bot';
import { createGateRunner } from '../../core/discord-bot/gate-runner';
import { directRecorder } from '../../core/operations';
import { dataDir } from '../../core/store/paths';
import { BOT_APPLICATION_PREFIX, BotHostElection, describeHost, type HostRole } from '../../core/discord-bot/host';
import { EXIT, UsageError, type CliCommand, type CliIO } from '../io';

const USAGE =
  'usage: roman bot --db URL [--environment production|staging|development] [--budget USD]\n' +
  '  env: ROMAN_DISCORD_BOT_TOKEN (required), ROMAN_DISCORD_CHANNEL_ID (required), ROMAN_DISCORD_APPROVERS (user/role ids, comma-separated),\n' +
  '       ROMAN_DISCORD_API_URL (REST base URL of a stand-in), ROMAN_DB_URL (instead of --db)';

const SNOWFLAKE = /^\d{5,25}$/;

/** Comma-separated Discord ids; anything else is a usage error (nothing starts). */
export function parseApprovers(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const ids = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const id of ids) {
    if (!SNOWFLAKE.test(id)) throw new UsageError(`ROMAN_DISCORD_APPROVERS: "${id.slice(0, 40)}" is not a Discord user or role id (digits only)`);
  }
  return [...new Set(ids)];
}

/** The REST base URL discord.js expects (…/api, without the version); http only for loopback. */
export function parseApiUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new UsageError('ROMAN_DISCORD_API_URL is not a valid URL');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new UsageError('ROMAN_DISCORD_API_URL must use https (http only on 127.0.0.1/localhost)');
  }
  return u.toString().replace(/\/+$/, '').replace(/\/v\d+$/, '');
}

function describeState(s: BotStatus): string {
  switch (s.state) {
    case 'online':
      return `online as ${s.user?.name ?? 'the bot'} (${s.user?.id ?? '?'})${s.detail ? ` — ${s.detail}` : ''}`;
    case 'token_rejected':
      return `token rejected: ${s.detail ?? 'Discord refused the bot token'}`;
    case 'missing_intent':
      return `missing intent: ${s.detail ?? ''}`;
    default:
      return `${s.state}${s.detail ? ` (${s.detail})` : ''}`;
  }
}

async function bot(io: CliIO): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: io.args,
      options: { db: { type: 'string' }, environment: { type: 'string' }, budget: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const url = values.db ?? io.env.ROMAN_DB_URL;
  if (!url) throw new UsageError(`--db URL is required\n${USAGE}`);
  let database: string;
  try {
    database = parseConnectionUrl(url).database;
  } catch (err) {
    if (err instanceof ConnectionConfigError) throw new UsageError(err.message);
    throw err;
  }
  const token = io.env.ROMAN_DISCORD_BOT_TOKEN?.trim();
  if (!token) throw new UsageError(`ROMAN_DISCORD_BOT_TOKEN is not set\n${USAGE}`);
  const channelId = io.env.ROMAN_DISCORD_CHANNEL_ID?.trim();
  if (!channelId) throw new UsageError(`ROMAN_DISCORD_CHANNEL_ID is not set\n${USAGE}`);
  if (!SNOWFLAKE.test(channelId)) throw new UsageError('ROMAN_DISCORD_CHANNEL_ID must be a Discord channel id (digits only)');
  const approvers = parseApprovers(io.env.ROMAN_DISCORD_APPROVERS);
  const apiUrl = parseApiUrl(io.env.ROMAN_DISCORD_API_URL);
  const environment = values.environment !== undefined ? normalizeEnvironment(values.environment) : 'unspecified';
  if (!environment) throw new UsageError(`--environment must be production, staging, development, sample or unspecified\n${USAGE}`);
  let monthlyBudgetUsd = DEFAULT_THRESHOLDS.aiMonthlyBudgetUsd;
  const budgetRaw = values.budget ?? io.env.ROMAN_AI_MONTHLY_BUDGET_USD;
  if (budgetRaw !== undefined && budgetRaw !== '') {
    const n = /^[0-9]+(\.[0-9]+)?$/.test(budgetRaw.trim()) ? Number(budgetRaw) : NaN;
    if (!(n > 0)) throw new UsageError(`the budget must be a positive amount of US dollars, got "${budgetRaw.slice(0, 40)}"`);
    monthlyBudgetUsd = n;
  }
  const redactToken = (text: string) => text.split(token).join('***');
  const out = (line: string) => io.stdout(redactToken(`roman bot: ${line}\n`));
  const err = (line: string) => io.stderr(redactToken(`roman bot: ${line}\n`));

  const label = `${hostname()}:${process.pid}`.slice(0, 50);
  const db = openPool(url, { max: 2, lazy: true, connectionTimeoutMillis: 5000, statementTimeoutMs: 15_000 });
  const lockPool = openPool(url, {
    max: 1,
    lazy: true,
    connectionTimeoutMillis: 5000,
    statementTimeoutMs: 0,
    idleTimeoutMillis: 0,
    applicationName: `${BOT_APPLICATION_PREFIX}${label}`,
  });
  const closeAll = async () => {
    await db.close();
    await lockPool.close();
  };
  if (!(await db.probe())) {
    err(`database ${db.description} is unreachable: ${db.redact(db.lastError?.message ?? 'no answer')}`);
    await closeAll();
    return EXIT.unavailable;
  }

  const backend = databaseBackend({
    pool: db.pool,
    clock: systemClock,
    monthlyBudgetUsd,
    target: { database, environment, description: db.description },
  });

  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  let discord: DiscordBot | null = null;
  const stopBot = async () => {
    const b = discord;
    discord = null;
    if (b) await b.stop();
  };

  const election = new BotHostElection({
    connect: () => lockPool.pool.connect(),
    dispose: (c, e) => (c as { release?: (e?: Error | boolean) => void }).release?.(e ?? true),
    pollMs: Number(io.env.ROMAN_BOT_ELECTION_POLL_MS) > 0 ? Number(io.env.ROMAN_BOT_ELECTION_POLL_MS) : 5000,
    onRole: async (role: HostRole) => {
      if (role.role === 'host') {
        out(`this process hosts the Discord bot for ${db.description} (channel ${channelId}, ${approvers.length} approver id${approvers.length === 1 ? '' : 's'})`);
        const b = new DiscordBot({
          token,
          channelId,
          approvers,
          backend,
          apiUrl,
          clock: systemClock,
          // Run presses go through the operations gate, as in the app and `roman execute`.
          runner: createGateRunner({
            workspace: () => ({
              openOperationsPool: () => openPool(url, { max: 3, lazy: true, connectionTimeoutMillis: 10_000, statementTimeoutMs: 0 }),
              connectionTarget: () => parseConnectionUrl(url),
              environment,
              recorder: (pool) => directRecorder(pool.pool),
            }),
            dataDir: dataDir(io.env),
            clock: systemClock,
            env: io.env,
            pgDumpPath: () => io.env.ROMAN_PG_DUMP || null,
          }),
          onState: (s) => out(describeState(s)),
          log: (l) => (/error|could not/.test(l) ? err(l.replace(/^discord bot: /, '')) : undefined),
        });
        discord = b;
        try {
          await b.start();
        } catch {
          const s = b.state;
          discord = null;
          if (s.state === 'token_rejected' || s.state === 'missing_intent') finish(EXIT.unavailable);
        }
        return;
      }
      await stopBot();
      if (role.role === 'standby') out(`standing by: the Discord bot is hosted by ${describeHost(role.host)}; taking over when it quits`);
      else if (role.reason !== 'stopped') err(`not hosting the Discord bot: ${db.redact(role.reason)}`);
    },
  });

  const onSigint = () => finish(EXIT.ok);
  const onSigterm = () => finish(EXIT.ok);
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  try {
    await election.start();
    const code = await finished;
    if (code === EXIT.ok) out('stopping');
    await stopBot();
    await election.stop();
    return code;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    await closeAll();
  }
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'Run the Discord bot (status, approve, audit, metrics) in the foreground; one host per database',
  run: bot,
};
