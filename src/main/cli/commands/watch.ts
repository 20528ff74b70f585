/**
 * `roman watch --db URL [--discord-webhook URL] [--budget USD]`: runs the alert scheduler against
 * one database — rules on their intervals plus the LISTEN/NOTIFY fast path — and prints one line
 * per alert that fires or resolves (time, state, rule, severity, labels, summary). With a Discord
 * webhook (flag or ROMAN_DISCORD_WEBHOOK), notifications also go there — from one app only when
 * several watch the same database (advisory-lock leader). Stops cleanly on SIGINT/SIGTERM (exit 0).
 * Uses two connections: one pool connection and one LISTEN client.
 */
import { parseArgs } from 'node:util';
import { createAlerting } from '../../core/alerts';
import { formatLabels, formatTransition } from '../../core/alerts/format';
import { systemClock } from '../../core/clock';
import { openPool } from '../../core/db/connection';
import { discordWebhookFromEnv, redactWebhookUrl, validateWebhookUrl } from '../../core/notify/discord';
import { EXIT, UsageError, type CliCommand, type CliIO } from '../io';
import { parseBudget, requireDbUrl, requireSelfTest } from './alerts';

const USAGE =
  'usage: roman watch --db URL [--discord-webhook URL] [--budget USD]   (URL also from ROMAN_DB_URL, webhook from ROMAN_DISCORD_WEBHOOK_URL, budget from ROMAN_AI_MONTHLY_BUDGET_USD)\nPrints the alerts already firing at start ("firing since …"), then one line per alert that fires or resolves.';

async function watch(io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: io.args,
    options: { db: { type: 'string' }, 'discord-webhook': { type: 'string' }, budget: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const url = requireDbUrl(values.db ?? io.env.ROMAN_DB_URL, USAGE);
  const webhook = values['discord-webhook'] ?? discordWebhookFromEnv(io.env);
  if (webhook) {
    try {
      validateWebhookUrl(webhook);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const budget = parseBudget(values.budget, '--budget') ?? parseBudget(io.env.ROMAN_AI_MONTHLY_BUDGET_USD, 'ROMAN_AI_MONTHLY_BUDGET_USD');
  if (!requireSelfTest(io, 'watch')) return EXIT.unavailable;

  const db = openPool(url, { max: 1, lazy: true, connectionTimeoutMillis: 5000, statementTimeoutMs: 15_000 });
  const listenPool = openPool(url, { max: 1, lazy: true, connectionTimeoutMillis: 5000, statementTimeoutMs: 0, idleTimeoutMillis: 0 });
  const redact = (text: string) => {
    const t = db.redact(text);
    return webhook ? t.split(webhook).join(redactWebhookUrl(webhook)) : t;
  };
  const closeAll = async () => {
    await db.close();
    await listenPool.close();
  };
  if (!(await db.probe())) {
    io.stderr(`roman watch: database ${db.description} is unreachable: ${redact(db.lastError?.message ?? 'no answer')}\n`);
    await closeAll();
    return EXIT.unavailable;
  }

  // Alerts already firing when watch starts (restored from ops.roman_events, so no transition) are
  // printed once after the first evaluation, as "firing since …"; then every transition.
  const printedFiring = new Set<string>();
  const alerting = createAlerting({
    db,
    listen: listenPool,
    clock: systemClock,
    ...(webhook ? { discord: { url: webhook } } : {}),
    config: budget !== undefined ? { monthlyAiBudgetUsd: budget } : {},
    onTransitions: (ts) => {
      for (const t of ts) {
        if (t.to === 'firing') printedFiring.add(t.fingerprint);
        if (t.to === 'firing' || t.to === 'resolved') io.stdout(formatTransition(t) + '\n');
      }
    },
    onListenState: (s) => io.stderr(`roman watch: LISTEN roman_signals: ${s}\n`),
    onLeaderChange: (leader) =>
      io.stderr(
        `roman watch: ${leader ? 'this app sends the once-only notifications (leader)' : 'this app does not send the once-only notifications (another app holds the leader lock, or the LISTEN link is down)'}\n`,
      ),
    onError: (err) => io.stderr(`roman watch: ${redact(err.message)}\n`),
  });

  let stop!: (signal: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const onSigint = () => stop('SIGINT');
  const onSigterm = () => stop('SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  try {
    io.stderr(
      `roman watch: watching ${db.description}${webhook ? ` (Discord: ${redactWebhookUrl(webhook)})` : ''}; Ctrl+C to stop\n`,
    );
    await alerting.start();
    const now = systemClock.now().toISOString();
    const current = alerting.service.list();
    for (const a of [...current.firing, ...current.silenced.filter((x) => x.state === 'firing')]) {
      if (printedFiring.has(a.fingerprint)) continue;
      const labels = Object.keys(a.labels).length ? formatLabels(a.labels) : '{}';
      io.stdout(`${now} FIRING   ${a.rule} ${a.severity} ${labels} ${a.summary} (firing since ${a.startsAt ?? a.activeAt}${a.silencedBy.length ? ', silenced' : ''})\n`);
    }
    const signal = await stopped;
    io.stderr(`roman watch: ${signal} received, stopping\n`);
    await alerting.stop();
    return EXIT.ok;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    await closeAll();
  }
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'Watch a database: run the alert scheduler and print alerts as they fire and resolve',
  run: watch,
};
