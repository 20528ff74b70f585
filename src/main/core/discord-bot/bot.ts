/**
 * The Discord bot: a discord.js v14 Client with the manual's intents (Guilds, Guild Messages,
 * Message Content, Direct Messages) that answers `status`, `approve <action>`, `audit`, `metrics`
 * as slash commands (registered for the configured channel's guild) and as mentions
 * (`@R.O.M.A.N. status`), with the handlers of ./commands.
 *
 * - Interactions are deferred at once (Discord's 3-second acknowledgement), then edited; answers
 *   over 2000 characters continue in follow-ups (or replies, for mentions).
 * - Rate limits: every REST call goes through discord.js's queue, which waits out a 429's
 *   `retry_after` and retries.
 * - Reconnect and resume are the library's; its state (connecting, online, reconnecting, token
 *   rejected, missing intent) is reported through `onState`.
 * - Run: an approved, recorded, executable decision gets a Run button. Only Discord users or roles
 *   on the approvers list may press it; others get a polite refusal, recorded. Production asks for
 *   the database name in a modal. Execution goes through the injected ActionRunner (the operations
 *   gate) — by default none, so nothing runs.
 * - The token is given to discord.js and kept nowhere else; it is never logged or reported.
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  ModalBuilder,
  Partials,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { Decision } from '../../../shared/constitution';
import { DomainError } from '../../../shared/result';
import type { Clock } from '../clock';
import { actionOfDecision, HELP_TEXT, parseCommand, stripMention, type BotBackend, type ParsedCommand } from './commands';
import { UNAVAILABLE_RUNNER, type ActionRunner, type RunOutcome, type RunnableAction } from './runner';
import { splitMessage } from './split';

export type BotState = 'stopped' | 'connecting' | 'online' | 'reconnecting' | 'token_rejected' | 'missing_intent' | 'error';

export interface BotStatus {
  state: BotState;
  /** Human detail (never the token). */
  detail: string | null;
  /** The bot's Discord user, once logged in. */
  user: { id: string; name: string } | null;
  guildId: string | null;
  since: string;
}

export const BOT_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.DirectMessages,
] as const;

export interface DiscordBotOptions {
  token: string;
  channelId: string;
  /** Discord user ids or role ids allowed to press Run. Empty: nobody. */
  approvers: readonly string[];
  backend: BotBackend;
  runner?: ActionRunner;
  /** REST base URL (default Discord's); the gateway URL then comes from its /gateway/bot. */
  apiUrl?: string;
  clock: Clock;
  onState?: (status: BotStatus) => void;
  /** Operational log lines (never the token). */
  log?: (line: string) => void;
}

const RUN_PREFIX = 'roman:run:';
const MAX_PENDING = 500;
const CONFIRM_PREFIX = 'roman:confirm:';
const CONFIRM_FIELD = 'database';

interface Who {
  userId: string;
  roles: string[];
  /** The Discord id of the message or interaction (the idempotency key of what it records). */
  sourceId: string;
  via: 'slash' | 'mention' | 'dm';
}

interface Answer {
  text: string;
  components: ActionRowBuilder<ButtonBuilder>[];
}

const SLASH_COMMANDS = [
  { name: 'status', description: 'R.O.M.A.N. system health check' },
  {
    name: 'approve',
    description: 'Request approval of an action (constitutional validation)',
    options: [{ type: 3, name: 'action', description: 'What should be done, e.g. "deploy to staging"', required: true, max_length: 500 }],
  },
  { name: 'audit', description: 'Run the R.O.M.A.N. system audit' },
  { name: 'metrics', description: 'AI usage metrics (last 30 days)' },
];

/** Role ids of an interaction's member, whether discord.js cached it as a GuildMember or not. */
function rolesOf(member: unknown): string[] {
  if (!member || typeof member !== 'object') return [];
  const m = member as { roles?: unknown; _roles?: unknown };
  if (Array.isArray(m.roles)) return m.roles.filter((r): r is string => typeof r === 'string');
  if (Array.isArray(m._roles)) return m._roles.filter((r): r is string => typeof r === 'string');
  return [];
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class DiscordBot {
  private client: Client | null = null;
  private status: BotStatus;
  private readonly runner: ActionRunner;
  private readonly approvers: Set<string>;
  private readonly pending = new Map<string, Decision>();
  private readonly running = new Set<string>();
  private readonly done = new Set<string>();
  private guildId: string | null = null;

  constructor(private readonly opts: DiscordBotOptions) {
    if (!/^\d{5,25}$/.test(opts.channelId)) throw new DomainError('invalid_input', 'The Discord channel id must be a numeric id (snowflake).');
    if (!opts.token.trim()) throw new DomainError('invalid_input', 'The Discord bot token is empty.');
    for (const a of opts.approvers) {
      if (!/^\d{5,25}$/.test(a)) throw new DomainError('invalid_input', `Approver "${a.slice(0, 40)}" is not a Discord user or role id.`);
    }
    this.runner = opts.runner ?? UNAVAILABLE_RUNNER;
    this.approvers = new Set(opts.approvers);
    this.status = { state: 'stopped', detail: null, user: null, guildId: null, since: opts.clock.now().toISOString() };
  }

  get state(): BotStatus {
    return { ...this.status };
  }

  private setState(state: BotState, detail: string | null = null): void {
    if (this.status.state === state && this.status.detail === detail) return;
    const user = this.client?.user ? { id: this.client.user.id, name: this.client.user.username } : this.status.user;
    this.status = { state, detail, user, guildId: this.guildId, since: this.opts.clock.now().toISOString() };
    this.opts.log?.(`discord bot: ${state}${detail ? ` (${detail})` : ''}`);
    this.opts.onState?.(this.state);
  }

  /** Logs in and resolves once online; rejects (with the state set) when the token or intents are refused. */
  async start(): Promise<void> {
    if (this.client) return;
    const client = new Client({
      intents: [...BOT_INTENTS],
      partials: [Partials.Channel],
      allowedMentions: { parse: [], repliedUser: false },
      rest: this.opts.apiUrl ? { api: this.opts.apiUrl } : {},
    });
    this.client = client;
    client.on(Events.ShardReconnecting, () => this.setState('reconnecting', 'connection lost; resuming'));
    client.on(Events.ShardResume, () => this.setState('online'));
    client.on(Events.ShardReady, () => {
      if (this.status.state === 'reconnecting') this.setState('online');
    });
    client.on(Events.ShardDisconnect, (event) => this.onDisconnect(event.code));
    client.on(Events.Error, (err) => this.opts.log?.(`discord bot: error: ${errorText(err)}`));
    client.on(Events.MessageCreate, (m) => void this.onMessage(m).catch((err) => this.opts.log?.(`discord bot: message: ${errorText(err)}`)));
    client.on(Events.InteractionCreate, (i) => void this.onInteraction(i).catch((err) => this.opts.log?.(`discord bot: interaction: ${errorText(err)}`)));
    this.setState('connecting');
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    try {
      await client.login(this.opts.token);
      await ready;
      await this.onReady();
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code === 'TokenInvalid' || /authentication failed|invalid token/i.test(e.message ?? '')) this.setState('token_rejected', 'Discord rejected the bot token');
      else if (e.code === 'DisallowedIntents' || /disallowed intent/i.test(e.message ?? '')) this.setState('missing_intent', MISSING_INTENT);
      else if (this.status.state !== 'token_rejected' && this.status.state !== 'missing_intent') this.setState('error', errorText(err));
      const final = this.status;
      await this.stop(final);
      throw new DomainError('unavailable', `Discord bot could not start: ${final.detail ?? final.state}`);
    }
  }

  async stop(keep?: BotStatus): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.destroy().catch(() => undefined);
    if (keep) {
      this.status = keep;
      this.opts.onState?.(this.state);
    } else this.setState('stopped');
  }

  private onDisconnect(code: number): void {
    if (code === 4004) this.setState('token_rejected', 'Discord rejected the bot token (close code 4004)');
    else if (code === 4014) this.setState('missing_intent', MISSING_INTENT);
    else this.setState('error', `gateway closed with code ${code}`);
  }

  private async onReady(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      const channel = await client.channels.fetch(this.opts.channelId);
      this.guildId = channel && 'guildId' in channel && typeof channel.guildId === 'string' ? channel.guildId : null;
      if (this.guildId && client.application) await client.application.commands.set(SLASH_COMMANDS, this.guildId);
      this.setState('online');
    } catch (err) {
      this.setState('online', `slash commands not registered: ${errorText(err)}`);
    }
  }

  // ---- commands --------------------------------------------------------------------------------

  private async onMessage(m: Message): Promise<void> {
    const client = this.client;
    if (!client?.user || m.author.bot) return;
    const dm = !m.guildId;
    if (!dm && m.channelId !== this.opts.channelId) return;
    const text = dm ? m.content : stripMention(m.content, client.user.id);
    if (text === null) return;
    const who: Who = { userId: m.author.id, roles: rolesOf(m.member), sourceId: m.id, via: dm ? 'dm' : 'mention' };
    const cmd = parseCommand(text);
    const answer = cmd ? await this.answer(cmd, who) : { text: HELP_TEXT, components: [] };
    const chunks = splitMessage(answer.text);
    for (let i = 0; i < chunks.length; i++) {
      const last = i === chunks.length - 1;
      const payload = { content: chunks[i], components: last ? answer.components : [] };
      if (i === 0) await m.reply(payload);
      else if (m.channel.isSendable()) await m.channel.send(payload);
    }
  }

  private async onInteraction(i: Interaction): Promise<void> {
    if (i.isChatInputCommand()) return this.onSlash(i);
    if (i.isButton() && i.customId.startsWith(RUN_PREFIX)) return this.onRunPress(i, i.customId.slice(RUN_PREFIX.length));
    if (i.isModalSubmit() && i.customId.startsWith(CONFIRM_PREFIX)) return this.onConfirm(i, i.customId.slice(CONFIRM_PREFIX.length));
  }

  private async onSlash(i: ChatInputCommandInteraction): Promise<void> {
    await i.deferReply();
    const args = i.commandName === 'approve' ? (i.options.getString('action') ?? '') : '';
    const cmd = parseCommand(`${i.commandName} ${args}`);
    const who: Who = { userId: i.user.id, roles: rolesOf(i.member), sourceId: i.id, via: 'slash' };
    const answer = cmd ? await this.answer(cmd, who) : { text: HELP_TEXT, components: [] };
    const chunks = splitMessage(answer.text);
    for (let n = 0; n < chunks.length; n++) {
      const payload = { content: chunks[n], components: n === chunks.length - 1 ? answer.components : [] };
      if (n === 0) await i.editReply(payload);
      else await i.followUp(payload);
    }
  }

  /** The text (and buttons) of a command's answer; records the command. */
  private async answer(cmd: ParsedCommand, who: Who): Promise<Answer> {
    if (cmd.name === 'approve') return this.approve(cmd.args, who);
    let text: string;
    let ok = true;
    try {
      if (cmd.name === 'status') text = await this.opts.backend.status();
      else if (cmd.name === 'audit') text = await this.opts.backend.audit.report();
      else text = await this.opts.backend.metrics.report();
    } catch (err) {
      ok = false;
      text = `⚠️ ${cmd.name}: ${errorText(err)}`;
    }
    await this.record(who, {
      event_type: 'discord_command',
      severity: ok ? 'info' : 'warning',
      message: `Discord ${cmd.name} by ${who.userId}${ok ? '' : ' (not answered)'}`,
      key: `discord:${cmd.name}:${who.sourceId}`,
      metadata: { command: cmd.name, answered: ok },
    });
    return { text, components: [] };
  }

  private async approve(args: string, who: Who): Promise<Answer> {
    if (!args) return { text: 'Say what should be done, e.g. `approve deploy to staging`.', components: [] };
    let answer;
    try {
      answer = await this.opts.backend.approve(args, who.userId);
    } catch (err) {
      const code = err instanceof DomainError ? err.code : 'unavailable';
      const text =
        code === 'not_understood'
          ? `❓ Request not understood: ${errorText(err)}`
          : code === 'invalid_input'
            ? `❌ Invalid request: ${errorText(err)}`
            : `⚠️ Cannot decide now — nothing was approved: ${errorText(err)}`;
      await this.record(who, {
        event_type: 'discord_command',
        severity: 'warning',
        message: `Discord approve by ${who.userId}: no verdict (${code})`,
        key: `discord:approve:${who.sourceId}`,
        metadata: { command: 'approve', request_text: args, error: code },
      });
      return { text, components: [] };
    }
    const { outcome, recorded } = answer;
    const lines = [...outcome.explanation];
    const components: ActionRowBuilder<ButtonBuilder>[] = [];
    if (outcome.decision.result.verdict !== 'reject') {
      if (!recorded) {
        lines.push('', '⚠️ The decision could not be recorded, so it cannot be run.');
      } else {
        const action = actionOfDecision(outcome.decision);
        const support = this.runner.supports(action);
        const id = outcome.decision.decision_id;
        this.pending.set(id, outcome.decision);
        // Keep the newest approvals in memory; older ones are found again in ops.roman_events.
        if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
        const button = new ButtonBuilder().setCustomId(`${RUN_PREFIX}${id}`).setStyle(ButtonStyle.Primary);
        if (support.executable) {
          button.setLabel('Run');
          lines.push('', `Press **Run** to execute${this.isProduction(action) ? ' (production: you will be asked for the database name)' : ''}. Only approvers may run it.`);
        } else {
          button.setLabel('Run (not available)').setDisabled(true);
          lines.push('', `Not executed: ${support.reason}.`);
        }
        components.push(new ActionRowBuilder<ButtonBuilder>().addComponents(button));
      }
    }
    return { text: lines.join('\n'), components };
  }

  // ---- Run -------------------------------------------------------------------------------------

  private isProduction(action: RunnableAction): boolean {
    return action.environment === 'production' || this.opts.backend.target.environment === 'production';
  }

  private allowed(userId: string, roles: string[]): boolean {
    return this.approvers.has(userId) || roles.some((r) => this.approvers.has(r));
  }

  private async decisionFor(id: string): Promise<Decision | null> {
    const known = this.pending.get(id);
    if (known) return known;
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    try {
      return await this.opts.backend.findDecision(id);
    } catch {
      return null;
    }
  }

  /** Checks who pressed and what; returns the decision to run, or null after answering with a refusal. */
  private async checkRun(i: ButtonInteraction | ModalSubmitInteraction, id: string, who: Who): Promise<Decision | null> {
    const refuse = async (reason: string, text: string) => {
      await this.record(who, {
        event_type: 'discord_run_refused',
        severity: 'warning',
        message: `Run refused for ${who.userId}: ${reason}`,
        key: `discord:run-refused:${who.sourceId}`,
        metadata: { decision_id: id, reason, roles: who.roles },
      });
      await i.reply({ content: text, flags: MessageFlags.Ephemeral });
      return null;
    };
    if (!this.allowed(who.userId, who.roles)) {
      return refuse('not on the approvers list', `🙏 Sorry <@${who.userId}>, only approvers can run actions from Discord. Your attempt was recorded; ask an approver to press Run.`);
    }
    const decision = await this.decisionFor(id);
    if (!decision) return refuse('unknown decision', 'This approval is not known (any more). Ask again with `approve <action>`.');
    if (decision.result.verdict === 'reject') return refuse('rejected decision', 'This action was rejected by the Constitutional Core: it cannot be run.');
    const support = this.runner.supports(actionOfDecision(decision));
    if (!support.executable) return refuse(support.reason, `Not run: ${support.reason}.`);
    if (this.running.has(id)) return refuse('already running', '⏳ This action is already running.');
    if (this.done.has(id)) return refuse('already executed', 'This action was already executed; approve it again to run it again.');
    return decision;
  }

  private async onRunPress(i: ButtonInteraction, id: string): Promise<void> {
    const who: Who = { userId: i.user.id, roles: rolesOf(i.member), sourceId: i.id, via: 'slash' };
    const decision = await this.checkRun(i, id, who);
    if (!decision) return;
    const action = actionOfDecision(decision);
    if (this.isProduction(action)) {
      const input = new TextInputBuilder()
        .setCustomId(CONFIRM_FIELD)
        .setLabel(`Type the database name (${this.opts.backend.target.database}) to confirm`.slice(0, 45))
        .setStyle(TextInputStyle.Short)
        .setRequired(true)
        .setMaxLength(200);
      const modal = new ModalBuilder()
        .setCustomId(`${CONFIRM_PREFIX}${id}`)
        .setTitle(`Production: ${action.description}`.slice(0, 45))
        .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
      await i.showModal(modal);
      return;
    }
    await this.run(i, decision, who, undefined);
  }

  private async onConfirm(i: ModalSubmitInteraction, id: string): Promise<void> {
    const who: Who = { userId: i.user.id, roles: rolesOf(i.member), sourceId: i.id, via: 'slash' };
    const decision = await this.checkRun(i, id, who);
    if (!decision) return;
    let typed = '';
    try {
      typed = i.fields.getTextInputValue(CONFIRM_FIELD).trim();
    } catch {
      typed = '';
    }
    if (typed !== this.opts.backend.target.database) {
      await this.record(who, {
        event_type: 'discord_run_refused',
        severity: 'warning',
        message: `Run refused for ${who.userId}: the production confirmation did not match`,
        key: `discord:run-refused:${who.sourceId}`,
        metadata: { decision_id: id, reason: 'confirmation mismatch' },
      });
      await i.reply({ content: `The database name does not match \`${this.opts.backend.target.database}\`: nothing was run.`, flags: MessageFlags.Ephemeral });
      return;
    }
    await this.run(i, decision, who, typed);
  }

  private async run(i: ButtonInteraction | ModalSubmitInteraction, decision: Decision, who: Who, typed: string | undefined): Promise<void> {
    const id = decision.decision_id;
    const action = actionOfDecision(decision);
    this.running.add(id);
    try {
      const executing = `⏳ Executing: ${action.description}… (run by <@${who.userId}>)`;
      await i.reply({ content: executing });
      // The button has done its job: take it off the approval message (best effort).
      await i.message?.edit({ components: [] }).catch(() => undefined);
      let outcome: RunOutcome;
      let grantId: string | null = null;
      try {
        const plan = await this.runner.prepare(decision, action, this.opts.backend.target);
        grantId = plan.grantId;
        outcome = await this.runner.execute(plan.grantId, { confirmedBy: who.userId, typedConfirmation: typed });
      } catch (err) {
        outcome = { ok: false, message: errorText(err) };
      }
      if (outcome.ok) this.done.add(id);
      await this.record(who, {
        event_type: 'discord_run',
        severity: outcome.ok ? 'info' : 'error',
        message: `${outcome.ok ? 'Executed' : 'Execution failed'}: ${action.description} (run by ${who.userId})`,
        key: `discord:run:${who.sourceId}`,
        metadata: { decision_id: id, grant_id: grantId, ok: outcome.ok, outcome: outcome.message, confirmation: typed !== undefined },
      });
      const final = `${executing}\n${outcome.ok ? `✨ ${outcome.message}` : `❌ Execution failed: ${outcome.message}`}`;
      const chunks = splitMessage(final);
      await i.editReply({ content: chunks[0] });
      for (const c of chunks.slice(1)) await i.followUp({ content: c });
    } finally {
      this.running.delete(id);
    }
  }

  private async record(
    who: Who,
    e: { event_type: string; severity: 'info' | 'warning' | 'error'; message: string; key: string; metadata: Record<string, unknown> },
  ): Promise<void> {
    try {
      await this.opts.backend.record({
        event_type: e.event_type,
        severity: e.severity,
        message: e.message,
        idempotency_key: e.key,
        metadata: { channel: 'discord', requested_by: who.userId, discord_user_id: who.userId, via: who.via, ...e.metadata },
      });
    } catch (err) {
      this.opts.log?.(`discord bot: could not record ${e.event_type}: ${errorText(err)}`);
    }
  }
}

export const MISSING_INTENT =
  'Discord refused a privileged intent: enable "Message Content Intent" for the bot in the Discord developer portal (Bot → Privileged Gateway Intents)';
