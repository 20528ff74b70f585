/**
 * The bot as the desktop app hosts it: configuration from Settings (the token only through the
 * secret store; channel and approvers in the preferences) or the environment (ROMAN_DISCORD_BOT_TOKEN,
 * ROMAN_DISCORD_CHANNEL_ID, ROMAN_DISCORD_APPROVERS, ROMAN_DISCORD_API_URL — like `roman bot`), the
 * open workspace's database for its answers, and the host election on that database so that one app
 * at a time hosts the bot. It follows the open workspace and the configuration (checked every
 * `pollMs`), and reports a `DiscordBotView` — never the token.
 */
import { hostname } from 'node:os';
import type { DiscordBotView } from '../../../shared/api/discord-bot';
import { DISCORD_SNOWFLAKE } from '../../../shared/api/discord-bot';
import { DomainError } from '../../../shared/result';
import type { Clock } from '../clock';
import type { Emit } from '../context';
import { openPool, type RomanPool } from '../db/connection';
import type { Settings } from '../settings/settings';
import type { Workspace, Workspaces } from '../workspace';
// discord.js is loaded only when this app hosts the bot (it is heavy for every other user of the core).
import type { BotStatus, DiscordBot } from './bot';
import { databaseBackend, type ReportProvider } from './commands';
import { BOT_APPLICATION_PREFIX, BotHostElection, describeHost, type HostRole } from './host';
import type { ActionRunner } from './runner';

export const DISCORD_BOT_TOKEN_SECRET = 'discord.bot.token';

export interface BotServiceOptions {
  settings: Settings;
  workspaces: Workspaces;
  clock: Clock;
  emit: Emit;
  env?: NodeJS.ProcessEnv;
  runner?: ActionRunner;
  audit?: ReportProvider;
  metrics?: ReportProvider;
  /** How often the configuration and the open workspace are checked, and the election polled (default 3 s). */
  pollMs?: number;
  /** Who this app is in the host election (default "desktop <hostname>:<pid>"). */
  label?: string;
}

interface Config {
  token: string;
  tokenSource: 'settings' | 'environment';
  channelId: string;
  approvers: string[];
  apiUrl?: string;
}

function envList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => DISCORD_SNOWFLAKE.test(s));
}

export class BotService {
  private timer: NodeJS.Timeout | null = null;
  private running: { key: string; workspace: Workspace; election: BotHostElection; lockPool: RomanPool } | null = null;
  private bot: DiscordBot | null = null;
  private botStatus: BotStatus | null = null;
  private role: HostRole = { role: 'unknown', reason: 'not started' };
  private view_: DiscordBotView;
  private busy: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly opts: BotServiceOptions) {
    this.view_ = this.compute();
  }

  private get env(): NodeJS.ProcessEnv {
    return this.opts.env ?? process.env;
  }

  start(): void {
    if (this.timer || this.closed) return;
    const tick = () => {
      void this.sync().finally(() => {
        if (!this.closed) {
          this.timer = setTimeout(tick, this.opts.pollMs ?? 3000);
          this.timer.unref?.();
        }
      });
    };
    tick();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.busy) await this.busy.catch(() => undefined);
    await this.teardown();
  }

  view(): DiscordBotView {
    return this.view_;
  }

  /** Stores the configuration (token only in the secret store) and applies it at once. */
  async configure(input: { token?: string | null; channelId?: string | null; approvers?: string[] }): Promise<DiscordBotView> {
    if (typeof input.token === 'string') {
      if (/\s/.test(input.token)) throw new DomainError('invalid_input', 'The bot token cannot contain spaces.', [{ path: 'token', message: 'no spaces' }]);
      this.opts.settings.setSecret(DISCORD_BOT_TOKEN_SECRET, input.token); // refused without a secret store; nothing changes
    } else if (input.token === null) this.opts.settings.deleteSecret(DISCORD_BOT_TOKEN_SECRET);
    const patch: { discordBotChannelId?: string | null; discordBotApprovers?: string[] } = {};
    if (input.channelId !== undefined) patch.discordBotChannelId = input.channelId;
    if (input.approvers !== undefined) patch.discordBotApprovers = [...new Set(input.approvers)];
    if (Object.keys(patch).length > 0) this.opts.settings.setPreferences(patch);
    await this.sync();
    return this.view_;
  }

  private config(): Config | null {
    const prefs = this.opts.settings.preferences();
    let token: string | undefined;
    let tokenSource: Config['tokenSource'] = 'settings';
    try {
      token = this.opts.settings.hasSecret(DISCORD_BOT_TOKEN_SECRET) ? this.opts.settings.getSecret(DISCORD_BOT_TOKEN_SECRET) : undefined;
    } catch {
      token = undefined;
    }
    if (!token && this.env.ROMAN_DISCORD_BOT_TOKEN?.trim()) {
      token = this.env.ROMAN_DISCORD_BOT_TOKEN.trim();
      tokenSource = 'environment';
    }
    const envChannel = this.env.ROMAN_DISCORD_CHANNEL_ID?.trim();
    const channelId = prefs.discordBotChannelId ?? (envChannel && DISCORD_SNOWFLAKE.test(envChannel) ? envChannel : null);
    if (!token || !channelId) return null;
    const approvers = prefs.discordBotApprovers.length > 0 ? prefs.discordBotApprovers : envList(this.env.ROMAN_DISCORD_APPROVERS);
    const api = this.env.ROMAN_DISCORD_API_URL?.trim();
    return { token, tokenSource, channelId, approvers, ...(api ? { apiUrl: api.replace(/\/+$/, '').replace(/\/v\d+$/, '') } : {}) };
  }

  /** Brings the running bot in line with the configuration and the open workspace. */
  sync(): Promise<void> {
    if (this.busy) return this.busy;
    this.busy = this.syncOnce().finally(() => {
      this.busy = null;
    });
    return this.busy;
  }

  private async syncOnce(): Promise<void> {
    if (this.closed) return;
    const cfg = this.config();
    const ws = this.opts.workspaces.open;
    const key = cfg && ws ? JSON.stringify([cfg.token.length, hashish(cfg.token), cfg.channelId, cfg.approvers, cfg.apiUrl ?? '']) : '';
    if (this.running && (this.running.workspace !== ws || this.running.key !== key || !cfg)) await this.teardown();
    if (cfg && ws && !this.running) {
      const url = ws.connectionUrl();
      const lockPool = openPool(url, {
        max: 1,
        lazy: true,
        connectionTimeoutMillis: 5000,
        statementTimeoutMs: 0,
        idleTimeoutMillis: 0,
        applicationName: `${BOT_APPLICATION_PREFIX}${this.opts.label ?? `desktop ${hostname()}:${process.pid}`}`.slice(0, 63),
      });
      const election = new BotHostElection({
        connect: () => lockPool.pool.connect(),
        dispose: (c, e) => (c as { release?: (e?: Error | boolean) => void }).release?.(e ?? true),
        pollMs: this.opts.pollMs ?? 3000,
        onRole: (role) => this.onRole(role, cfg, ws),
      });
      this.running = { key, workspace: ws, election, lockPool };
      await election.start();
    }
    this.publish();
  }

  private async onRole(role: HostRole, cfg: Config, ws: Workspace): Promise<void> {
    this.role = role;
    if (role.role === 'host') {
      if (!this.bot) {
        const prefs = this.opts.settings.preferences();
        const { DiscordBot: Bot } = await import('./bot');
        if (this.bot || this.running?.workspace !== ws) return;
        const bot = new Bot({
          token: cfg.token,
          channelId: cfg.channelId,
          approvers: cfg.approvers,
          apiUrl: cfg.apiUrl,
          clock: this.opts.clock,
          runner: this.opts.runner,
          backend: databaseBackend({
            pool: ws.db.pool,
            clock: this.opts.clock,
            monthlyBudgetUsd: prefs.monthlyAiBudgetUsd,
            target: { database: ws.databaseName(), environment: ws.spec.environment, description: ws.db.description },
            recordDecision: async (d) => {
              ws.recordDecision(d);
              return true;
            },
            recordEvent: (e) => ws.recordEvent(e, 'discord'),
            ...(this.opts.audit ? { audit: this.opts.audit } : {}),
            ...(this.opts.metrics ? { metrics: this.opts.metrics } : {}),
          }),
          onState: (s) => {
            this.botStatus = s;
            this.publish();
          },
        });
        this.bot = bot;
        // A refused token or intent stays visible in the state; the bot is not retried until the configuration changes.
        await bot.start().catch(() => undefined);
      }
    } else if (this.bot) {
      const b = this.bot;
      this.bot = null;
      this.botStatus = null;
      await b.stop();
    }
    this.publish();
  }

  private async teardown(): Promise<void> {
    const r = this.running;
    this.running = null;
    if (this.bot) {
      const b = this.bot;
      this.bot = null;
      await b.stop();
    }
    this.botStatus = null;
    if (r) {
      await r.election.stop();
      await r.lockPool.close();
    }
    this.role = { role: 'unknown', reason: 'stopped' };
    this.publish();
  }

  private compute(): DiscordBotView {
    const prefs = this.opts.settings.preferences();
    const cfg = this.config();
    const stored = this.opts.settings.hasSecret(DISCORD_BOT_TOKEN_SECRET);
    const fromEnv = !stored && Boolean(this.env.ROMAN_DISCORD_BOT_TOKEN?.trim());
    const base = {
      token: { stored: stored || fromEnv, source: stored ? ('settings' as const) : fromEnv ? ('environment' as const) : null },
      channelId: cfg?.channelId ?? prefs.discordBotChannelId,
      approvers: cfg?.approvers ?? prefs.discordBotApprovers,
      since: this.opts.clock.now().toISOString(),
    };
    if (!cfg) {
      return { ...base, state: 'not_configured', detail: 'Give the bot token and the channel id.', user: null, host: { thisApp: false, other: null } };
    }
    if (!this.running) {
      return { ...base, state: 'no_database', detail: 'The bot answers from the open database: open one.', user: null, host: { thisApp: false, other: null } };
    }
    if (this.role.role === 'standby') {
      return { ...base, state: 'standby', detail: `Hosted by ${describeHost(this.role.host)}.`, user: null, host: { thisApp: false, other: describeHost(this.role.host) } };
    }
    if (this.role.role === 'unknown') {
      return { ...base, state: 'stopped', detail: `Not hosting: ${this.role.reason}`, user: null, host: { thisApp: false, other: null } };
    }
    const s = this.botStatus;
    return {
      ...base,
      state: s ? s.state : 'connecting',
      detail: s?.detail ?? null,
      user: s?.user ?? null,
      host: { thisApp: true, other: null },
      since: s?.since ?? base.since,
    };
  }

  private publish(): void {
    const next = this.compute();
    const { since: _a, ...a } = next;
    const { since: _b, ...b } = this.view_;
    void _a;
    void _b;
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    this.view_ = next;
    this.opts.emit('discordBot.changed', next);
  }
}

/** A short non-reversible fingerprint, so a changed token restarts the bot without keeping it in a key. */
function hashish(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
