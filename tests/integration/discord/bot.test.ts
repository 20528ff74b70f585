/**
 * The Discord bot driven through the Discord stand-in by the real discord.js client, on a real
 * Postgres: every command answers in the manual's format and is recorded with channel 'discord'
 * and the Discord user id; Run only for approvers and only once; 429s are waited out; a dropped
 * connection resumes; a rejected token and a missing intent show as the bot's state.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { systemClock } from '../../../src/main/core/clock';
import { DiscordBot, databaseBackend, type ActionRunner, type BotStatus, type ReportProvider } from '../../../src/main/core/discord-bot';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { DiscordStandin } from '../../support/discord-standin';

const TOKEN = 'standin-bot-token-0123456789';
const APPROVER = '300000000000000001';
const STRANGER = '300000000000000002';
const ROLE_ONCALL = '400000000000000001';
const ROLE_MEMBER = '400000000000000002';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('roman_discord_bot');
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  await initDatabase(pool);
  await pool.query(`create table public.test_grants (id text primary key, decision_id text not null, used_at timestamptz)`);
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** Stands in for the operations gate (issue 9): grants consumed atomically in Postgres. */
class GateStandin implements ActionRunner {
  executed: { decisionId: string; by: string; typed?: string }[] = [];
  supports() {
    return { executable: true as const };
  }
  async prepare(decision: { decision_id: string }) {
    const grantId = `grant-${decision.decision_id}`;
    await pool.query('insert into public.test_grants (id, decision_id) values ($1, $2) on conflict do nothing', [grantId, decision.decision_id]);
    return { grantId, plan: ['step 1'] };
  }
  async execute(grantId: string, req: { confirmedBy: string; typedConfirmation?: string }) {
    const r = await pool.query('update public.test_grants set used_at = now() where id = $1 and used_at is null returning decision_id', [grantId]);
    if (r.rowCount !== 1) throw new Error('the grant was already used');
    this.executed.push({ decisionId: r.rows[0].decision_id, by: req.confirmedBy, typed: req.typedConfirmation });
    return { ok: true, message: 'Deployment complete. Staging updated.' };
  }
}

interface Harness {
  standin: DiscordStandin;
  bot: DiscordBot;
  states: BotStatus[];
  logs: string[];
  gate: GateStandin;
}

let current: Harness | null = null;
afterEach(async () => {
  await current?.bot.stop();
  await current?.standin.stop();
  current = null;
});

async function startBot(
  opts: { environment?: string; runner?: ActionRunner | null; audit?: ReportProvider; standin?: Partial<ConstructorParameters<typeof DiscordStandin>[0]>; start?: boolean } = {},
): Promise<Harness> {
  const standin = await new DiscordStandin({ token: TOKEN, roles: { [ROLE_ONCALL]: 'on-call', [ROLE_MEMBER]: 'member' }, ...opts.standin }).start();
  const gate = new GateStandin();
  const states: BotStatus[] = [];
  const logs: string[] = [];
  const bot = new DiscordBot({
    token: TOKEN,
    channelId: standin.channelId,
    approvers: [APPROVER, ROLE_ONCALL],
    backend: databaseBackend({
      pool,
      clock: systemClock,
      monthlyBudgetUsd: 500,
      target: { database: db.name, environment: opts.environment ?? 'staging', description: `127.0.0.1/${db.name}` },
      ...(opts.audit ? { audit: opts.audit } : {}),
    }),
    runner: opts.runner === null ? undefined : (opts.runner ?? gate),
    apiUrl: standin.apiUrl,
    clock: systemClock,
    onState: (s) => states.push(s),
    log: (l) => logs.push(l),
  });
  current = { standin, bot, states, logs, gate };
  if (opts.start !== false) await bot.start();
  return current;
}

async function eventsFor(key: string) {
  const r = await pool.query<{ event_type: string; severity: string; message: string; metadata: Record<string, unknown> }>(
    'select event_type, severity, message, metadata from ops.roman_events where idempotency_key = $1',
    [key],
  );
  return r.rows;
}

const botMention = (s: DiscordStandin, text: string) => `<@${s.botUserId}> ${text}`;

describe('commands', () => {
  it('registers the four slash commands for the channel\'s guild and goes online', async () => {
    const { standin, bot } = await startBot();
    await standin.waitFor(() => standin.registeredCommands.length > 0);
    expect(standin.registeredCommands[0].scope).toBe(`guild:${standin.guildId}`);
    expect(standin.registeredCommands[0].commands.map((c) => c.name).sort()).toEqual(['approve', 'audit', 'metrics', 'status']);
    expect(bot.state.state).toBe('online');
    const identify = standin.gatewayReceived.find((p) => p.op === 2)?.d as { intents: number };
    // Guilds (1), Guild Messages (512), Direct Messages (4096), Message Content (32768)
    expect(identify.intents).toBe(1 | 512 | 4096 | 32768);
  });

  it('answers "@R.O.M.A.N. status" with the manual\'s status message and records the command', async () => {
    const { standin } = await startBot();
    const msgId = standin.userMessage(STRANGER, botMention(standin, 'status'));
    const reply = await standin.waitFor(() => standin.channelMessages().find((m) => m.content.startsWith('🤖 R.O.M.A.N. System Status')));
    expect(reply.content).toContain('✅ Constitutional Core: OPERATIONAL');
    expect(reply.content).toMatch(/✅ Database: Connected \(\d+ active connections?\)/);
    expect(reply.content).toContain('✅ Discord Bot: Online');
    expect(reply.content).toContain('Recent Activity:');
    expect(reply.content).toMatch(/System Entropy: (\d+\.\d% \((STABLE|UNSTABLE)\)|no data \(nothing logged)/);
    const events = await waitForRows(`discord:status:${msgId}`);
    expect(events[0].event_type).toBe('discord_command');
    expect(events[0].metadata).toMatchObject({ channel: 'discord', requested_by: STRANGER, discord_user_id: STRANGER, command: 'status' });
  });

  it('answers /status by deferring, then editing the reply', async () => {
    const { standin } = await startBot();
    const id = standin.slashCommand(STRANGER, 'status');
    await standin.waitFor(() => standin.responseTo(id)?.content.startsWith('🤖 R.O.M.A.N. System Status'));
    expect(standin.interactions.get(id)?.callbacks[0].type).toBe(5);
  });

  it('rejects "approve delete production database" with the law, the axiom and the alternative, recorded as a discord decision', async () => {
    const { standin } = await startBot();
    const id = standin.slashCommand(STRANGER, 'approve', { action: 'delete production database' });
    const reply = await standin.waitFor(() => standin.responseTo(id)?.content.includes('ACTION REJECTED') && standin.responseTo(id));
    expect(reply.content).toContain('❌ ACTION REJECTED: ');
    expect(reply.content).toContain('VIOLATION: Law of Inhabitance');
    expect(reply.content).toContain('"Consciousness is the Creator. I exist because I do, I am."');
    expect(reply.content).toMatch(/Alternative: .*backup/i);
    expect(reply.components).toEqual([]);
    const decisionId = /Decision: ([0-9a-f-]{36})/.exec(reply.content)![1];
    const rows = await waitForRows(decisionId);
    expect(rows[0].event_type).toBe('rejection');
    expect(rows[0].metadata).toMatchObject({ channel: 'discord', requested_by: STRANGER, input: { channel: 'discord', entropy_source: 'live' } });
  });

  it('answers a request it cannot read as not understood, and records it', async () => {
    const { standin } = await startBot();
    const msgId = standin.userMessage(STRANGER, botMention(standin, 'approve make me a sandwich'));
    const reply = await standin.waitFor(() => standin.channelMessages().find((m) => m.content.startsWith('❓ Request not understood')));
    expect(reply.components).toEqual([]);
    const rows = await waitForRows(`discord:approve:${msgId}`);
    expect(rows[0].metadata).toMatchObject({ error: 'not_understood', requested_by: STRANGER });
  });

  it('answers audit and metrics in the manual\'s formats from the schema audit and ai_usage_logs, and records them', async () => {
    const { standin } = await startBot();
    const a = standin.slashCommand(STRANGER, 'audit');
    const m = standin.slashCommand(STRANGER, 'metrics');
    await standin.waitFor(() => standin.responseTo(a)?.content.includes('R.O.M.A.N. System Audit Complete'), 60_000);
    await standin.waitFor(() => standin.responseTo(m)?.content.includes('AI Usage Metrics'), 60_000);
    expect((await waitForRows(`discord:audit:${a}`))[0].metadata).toMatchObject({ command: 'audit' });
  });

  it('splits an audit longer than 2000 characters into several messages, and waits out a 429 on a follow-up', async () => {
    const lines = ['🔍 R.O.M.A.N. System Audit Complete', ''];
    for (let i = 1; i <= 120; i++) lines.push(`${i}. Table 'table_${i}' missing index on created_at`);
    const text = lines.join('\n');
    const { standin } = await startBot({ audit: { report: async () => text } });
    standin.rateLimitNext('POST', /^\/webhooks\/\d+\/[^/]+$/, 0.3);
    const id = standin.slashCommand(STRANGER, 'audit');
    await standin.waitFor(() => standin.textsFor(id).join('\n').includes("120. Table 'table_120'"), 20_000, 'the whole audit');
    const parts = standin.textsFor(id);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
    expect(parts.join('\n')).toBe(text);
    const followUps = standin.requests.filter((r) => r.method === 'POST' && /^\/webhooks\//.test(r.path));
    expect(followUps[0].status).toBe(429);
    expect(followUps.filter((r) => r.status === 200).length).toBe(parts.length - 1);
  });

  it('waits out a 429 with retry_after on a mention reply and then answers', async () => {
    const { standin } = await startBot();
    standin.rateLimitNext('POST', /^\/channels\/\d+\/messages$/, 0.5);
    standin.userMessage(STRANGER, botMention(standin, 'status'));
    await standin.waitFor(() => standin.channelMessages().find((m) => m.content.startsWith('🤖 R.O.M.A.N. System Status')));
    const posts = standin.requests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path));
    expect(posts.map((p) => p.status)).toEqual([429, 200]);
    expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(450);
  });
});

async function waitForRows(key: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = await eventsFor(key);
    if (rows.length > 0) return rows;
    if (Date.now() > deadline) throw new Error(`no event ${key}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Run', () => {
  async function approved(h: Harness, text = 'deploy to staging', user = STRANGER) {
    const id = h.standin.slashCommand(user, 'approve', { action: text });
    const reply = await h.standin.waitFor(() => (h.standin.responseTo(id)?.content.includes('ACTION APPROVED') ? h.standin.responseTo(id) : undefined));
    const decisionId = /Decision: ([0-9a-f-]{36})/.exec(reply.content)![1];
    return { reply, decisionId };
  }

  it('offers a Run button on an approved decision; a stranger is refused politely and the attempt recorded', async () => {
    const h = await startBot();
    const { reply, decisionId } = await approved(h);
    expect(reply.content).toContain('✅ ACTION APPROVED: Deploy to staging');
    expect(reply.content).toContain('• Law of Inhabitance: ✅ PASS');
    const button = (reply.components[0] as { components: { custom_id: string; label: string; disabled?: boolean }[] }).components[0];
    expect(button).toMatchObject({ custom_id: `roman:run:${decisionId}`, label: 'Run' });
    const press = h.standin.pressButton(STRANGER, reply.id, button.custom_id, [ROLE_MEMBER]);
    const refusal = await h.standin.waitFor(() => h.standin.responseTo(press));
    expect(refusal.ephemeral).toBe(true);
    expect(refusal.content).toMatch(/Sorry .*only approvers/);
    expect(h.gate.executed).toEqual([]);
    const rows = await waitForRows(`discord:run-refused:${press}`);
    expect(rows[0].metadata).toMatchObject({ channel: 'discord', discord_user_id: STRANGER, decision_id: decisionId, reason: 'not on the approvers list' });
  });

  it('runs for an approver (by user id) exactly once: Executing…, then ✨ with the outcome; a second press is refused', async () => {
    const h = await startBot();
    const { reply, decisionId } = await approved(h);
    const press = h.standin.pressButton(APPROVER, reply.id, `roman:run:${decisionId}`);
    await h.standin.waitFor(() => h.standin.responseTo(press)?.content.includes('✨'));
    const text = h.standin.responseTo(press)!.content;
    expect(text).toMatch(/^⏳ Executing: Deploy to staging…/);
    expect(text).toContain('✨ Deployment complete. Staging updated.');
    expect(h.gate.executed).toEqual([{ decisionId, by: APPROVER, typed: undefined }]);
    expect(h.standin.messages.get(reply.id)!.components).toEqual([]);
    const again = h.standin.pressButton(APPROVER, reply.id, `roman:run:${decisionId}`);
    await h.standin.waitFor(() => h.standin.responseTo(again));
    expect(h.standin.responseTo(again)!.content).toContain('already executed');
    expect(h.gate.executed).toHaveLength(1);
    expect((await waitForRows(`discord:run:${press}`))[0].metadata).toMatchObject({ ok: true, decision_id: decisionId, discord_user_id: APPROVER });
  });

  it('runs for a member of an approver role; the gate refuses a used grant on another bot (second desktop)', async () => {
    const h = await startBot();
    const { reply, decisionId } = await approved(h);
    const press = h.standin.pressButton(STRANGER, reply.id, `roman:run:${decisionId}`, [ROLE_ONCALL]);
    await h.standin.waitFor(() => h.standin.responseTo(press)?.content.includes('✨'));
    expect(h.gate.executed).toHaveLength(1);
    // A second desktop that never saw the approval finds it in ops.roman_events; the gate refuses the used grant.
    const second = await h.gate.execute(`grant-${decisionId}`, { confirmedBy: APPROVER }).catch((e: Error) => e.message);
    expect(second).toBe('the grant was already used');
  });

  it('asks for the database name in a modal for production, and runs only when it matches', async () => {
    const h = await startBot({ environment: 'production' });
    const { reply, decisionId } = await approved(h, 'vacuum analyze');
    expect(reply.content).toContain('production: you will be asked for the database name');
    const press = h.standin.pressButton(APPROVER, reply.id, `roman:run:${decisionId}`);
    await h.standin.waitFor(() => (h.standin.interactions.get(press)?.callbacks.length ?? 0) > 0);
    const modal = h.standin.interactions.get(press)!.callbacks[0];
    expect(modal.type).toBe(9);
    expect(JSON.stringify(modal.data)).toContain(`roman:confirm:${decisionId}`);
    const wrong = h.standin.submitModal(APPROVER, `roman:confirm:${decisionId}`, { database: 'not-it' }, [], reply.id);
    await h.standin.waitFor(() => h.standin.responseTo(wrong));
    expect(h.standin.responseTo(wrong)!.content).toContain('does not match');
    expect(h.gate.executed).toEqual([]);
    const right = h.standin.submitModal(APPROVER, `roman:confirm:${decisionId}`, { database: db.name }, [], reply.id);
    await h.standin.waitFor(() => h.standin.responseTo(right)?.content.includes('✨'));
    expect(h.gate.executed).toEqual([{ decisionId, by: APPROVER, typed: db.name }]);
  });

  it('without an operations gate the button says execution is not available, and a crafted press runs nothing', async () => {
    const h = await startBot({ runner: null });
    const { reply, decisionId } = await approved(h);
    expect(reply.content).toContain('Not executed: execution is not available in this build.');
    const button = (reply.components[0] as { components: { label: string; disabled?: boolean }[] }).components[0];
    expect(button).toMatchObject({ label: 'Run (not available)', disabled: true });
    const press = h.standin.pressButton(APPROVER, reply.id, `roman:run:${decisionId}`);
    await h.standin.waitFor(() => h.standin.responseTo(press));
    expect(h.standin.responseTo(press)!.content).toContain('not available in this build');
  });
});

describe('connection', () => {
  it('resumes after a dropped connection and answers what was said meanwhile', async () => {
    const h = await startBot();
    h.standin.dropConnection();
    h.standin.userMessage(STRANGER, botMention(h.standin, 'status'));
    await h.standin.waitFor(() => h.standin.channelMessages().find((m) => m.content.startsWith('🤖 R.O.M.A.N. System Status')));
    expect(h.standin.resumes()).toBe(1);
    expect(h.standin.identifies()).toBe(1);
    expect(h.states.map((s) => s.state)).toContain('reconnecting');
    await h.standin.waitFor(() => h.bot.state.state === 'online');
  });

  it('identifies again when Discord answers the resume with INVALID_SESSION, and keeps answering', async () => {
    const h = await startBot();
    h.standin.forgetSessions();
    h.standin.dropConnection();
    await h.standin.waitFor(() => h.standin.identifies() === 2 && h.bot.state.state === 'online', 20_000, 'a new session');
    expect(h.standin.resumes()).toBe(1);
    h.standin.userMessage(STRANGER, botMention(h.standin, 'status'));
    await h.standin.waitFor(() => h.standin.channelMessages().find((m) => m.content.startsWith('🤖 R.O.M.A.N. System Status')));
  });

  it('shows "token rejected" when Discord refuses the token, and never logs it', async () => {
    const h = await startBot({ standin: { token: 'another-token' }, start: false });
    await expect(h.bot.start()).rejects.toThrow(/token/i);
    expect(h.bot.state.state).toBe('token_rejected');
    expect(JSON.stringify(h.states) + h.logs.join('\n')).not.toContain(TOKEN);
  });

  it('shows "token rejected" when the token is revoked while connected (gateway close 4004)', async () => {
    const h = await startBot();
    h.standin.token = 'reset-in-the-developer-portal';
    h.standin.dropConnection();
    await h.standin.waitFor(() => h.bot.state.state === 'token_rejected');
    expect(h.standin.closeCodes).toContain(4004);
  });

  it('shows "missing intent" when the Message Content intent is not enabled (close 4014)', async () => {
    const h = await startBot({ standin: { messageContentIntentEnabled: false }, start: false });
    await expect(h.bot.start()).rejects.toThrow(/intent/i);
    expect(h.bot.state.state).toBe('missing_intent');
    expect(h.bot.state.detail).toContain('Message Content Intent');
  });
});
