/**
 * A local stand-in for Discord, driven by the real discord.js client: one HTTP server answers the
 * REST API under /api/v10 (what the bot calls is recorded) and upgrades /gateway to a WebSocket that
 * speaks the gateway's opcodes — HELLO, IDENTIFY → READY + GUILD_CREATE, HEARTBEAT/ACK, DISPATCH of
 * MESSAGE_CREATE and INTERACTION_CREATE, RESUME → replay + RESUMED, INVALID_SESSION — and closes
 * with 4004 for a token it does not know and 4014 when a privileged intent is not enabled.
 *
 * Tests only: the product never ships it. It keeps the channel's messages (created, edited,
 * interaction responses and follow-ups) so a test reads what a Discord user would see.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

export interface StandinOptions {
  token: string;
  guildId?: string;
  channelId?: string;
  applicationId?: string;
  botUserId?: string;
  heartbeatIntervalMs?: number;
  /** false: IDENTIFY with Message Content (1 << 15) is closed with 4014 (Disallowed intents). */
  messageContentIntentEnabled?: boolean;
  /** Roles that exist in the guild (id → name). */
  roles?: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  auth: string | null;
  body: unknown;
  status: number;
  at: number;
}

export interface StandinMessage {
  id: string;
  channel_id: string;
  content: string;
  components: unknown[];
  embeds: unknown[];
  attachments: unknown[];
  /** Interaction this message answers (original response or follow-up), if any. */
  interactionId: string | null;
  ephemeral: boolean;
  edits: number;
  author_id: string;
}

export interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  userId: string;
  callbacks: { type: number; data: unknown }[];
  originalMessageId: string | null;
}

interface RateLimitRule {
  method: string;
  path: RegExp;
  retryAfter: number;
  remaining: number;
}

const MESSAGE_CONTENT_INTENT = 1 << 15;
let snowflakeCounter = 0n;
export function snowflake(): string {
  snowflakeCounter += 1n;
  return ((BigInt(Date.now() - 1420070400000) << 22n) + snowflakeCounter).toString();
}

export class DiscordStandin {
  readonly guildId: string;
  readonly channelId: string;
  readonly applicationId: string;
  readonly botUserId: string;
  readonly requests: RecordedRequest[] = [];
  /** Every payload the bot sent on the gateway (op, d). */
  readonly gatewayReceived: { op: number; d: unknown }[] = [];
  readonly messages = new Map<string, StandinMessage>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly registeredCommands: { scope: string; commands: { name: string; description?: string; options?: unknown[] }[] }[] = [];
  readonly closeCodes: number[] = [];
  private server!: Server;
  private wss!: WebSocketServer;
  private socket: WebSocket | null = null;
  private readonly sessions = new Map<string, { seq: number; sent: { s: number; t: string; d: unknown }[]; pending: { t: string; d: unknown }[] }>();
  private currentSession: string | null = null;
  private rateLimits: RateLimitRule[] = [];
  private port = 0;
  private waiters: (() => void)[] = [];
  token: string;
  messageContentIntentEnabled: boolean;
  readonly roles: Record<string, string>;

  constructor(private readonly options: StandinOptions) {
    this.token = options.token;
    this.guildId = options.guildId ?? '100000000000000001';
    this.channelId = options.channelId ?? '100000000000000002';
    this.applicationId = options.applicationId ?? '100000000000000003';
    this.botUserId = options.botUserId ?? this.applicationId;
    this.messageContentIntentEnabled = options.messageContentIntentEnabled ?? true;
    this.roles = options.roles ?? {};
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.onHttp(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/gateway')) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- driving the bot -------------------------------------------------------------------------

  /** The next `times` requests matching method and path get a 429 with retry_after (seconds). */
  rateLimitNext(method: string, path: RegExp, retryAfter: number, times = 1): void {
    this.rateLimits.push({ method: method.toUpperCase(), path, retryAfter, remaining: times });
  }

  /** A user writes in the channel (e.g. "<@bot> status"). */
  userMessage(userId: string, content: string, opts: { roles?: string[]; dm?: boolean } = {}): string {
    const id = snowflake();
    const mentions = content.includes(`<@${this.botUserId}>`) ? [this.botUser()] : [];
    this.dispatch('MESSAGE_CREATE', {
      id,
      channel_id: this.channelId,
      guild_id: this.guildId,
      author: this.user(userId),
      member: this.member(userId, opts.roles ?? []),
      content: this.messageContentIntentEnabled ? content : '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions,
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
    });
    return id;
  }

  /** A user runs a slash command; returns the interaction id. */
  slashCommand(userId: string, name: string, options: Record<string, string> = {}, roles: string[] = []): string {
    return this.interaction(2, userId, roles, {
      data: {
        id: snowflake(),
        name,
        type: 1,
        options: Object.entries(options).map(([n, value]) => ({ name: n, type: 3, value })),
      },
    });
  }

  /** A user presses a button on a message the bot posted. */
  pressButton(userId: string, messageId: string, customId: string, roles: string[] = []): string {
    const msg = this.messages.get(messageId);
    if (!msg) throw new Error(`no message ${messageId}`);
    return this.interaction(3, userId, roles, {
      data: { custom_id: customId, component_type: 2 },
      message: this.messageJson(msg),
    }, msg);
  }

  /** A user submits a modal the bot showed. */
  submitModal(userId: string, customId: string, fields: Record<string, string>, roles: string[] = [], messageId?: string): string {
    const msg = messageId ? this.messages.get(messageId) : undefined;
    return this.interaction(5, userId, roles, {
      data: {
        custom_id: customId,
        components: Object.entries(fields).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] })),
      },
      ...(msg ? { message: this.messageJson(msg) } : {}),
    }, msg);
  }

  /** Drops the gateway connection without a close frame; the session can be resumed. */
  dropConnection(): void {
    this.socket?.terminate();
    this.socket = null;
  }

  /** Forgets every session: a RESUME is answered with INVALID_SESSION (d: false). */
  forgetSessions(): void {
    this.sessions.clear();
    this.currentSession = null;
  }

  identifies(): number {
    return this.gatewayReceived.filter((p) => p.op === 2).length;
  }

  resumes(): number {
    return this.gatewayReceived.filter((p) => p.op === 6).length;
  }

  /** Messages in order, as a Discord user sees them. */
  channelMessages(): StandinMessage[] {
    return [...this.messages.values()];
  }

  /** Resolves when `check` returns a value other than undefined/false (re-checked on every change). */
  async waitFor<T>(check: () => T | undefined | false | null, timeoutMs = 30_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined && v !== false && v !== null) return v;
      if (Date.now() > deadline) throw new Error(`stand-in: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The response a Discord user sees for an interaction: its original message (after edits). */
  responseTo(interactionId: string): StandinMessage | undefined {
    const rec = this.interactions.get(interactionId);
    return rec?.originalMessageId ? this.messages.get(rec.originalMessageId) : undefined;
  }

  followUps(interactionId: string): StandinMessage[] {
    const rec = this.interactions.get(interactionId);
    return this.channelMessages().filter((m) => m.interactionId === interactionId && m.id !== rec?.originalMessageId);
  }

  /** Every text Discord shows for an interaction (original + follow-ups), in order. */
  textsFor(interactionId: string): string[] {
    const out: string[] = [];
    const o = this.responseTo(interactionId);
    if (o) out.push(o.content);
    for (const f of this.followUps(interactionId)) out.push(f.content);
    return out;
  }

  // ---- gateway ---------------------------------------------------------------------------------

  private onSocket(ws: WebSocket): void {
    this.socket?.terminate();
    this.socket = ws;
    ws.on('message', (raw) => {
      let payload: { op: number; d: unknown };
      try {
        payload = JSON.parse(String(raw)) as { op: number; d: unknown };
      } catch {
        ws.close(4002, 'Decode error');
        return;
      }
      this.gatewayReceived.push(payload);
      this.onGateway(ws, payload);
      this.notify();
    });
    ws.on('close', (code) => {
      this.closeCodes.push(code);
      if (this.socket === ws) this.socket = null;
      this.notify();
    });
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs ?? 30_000 }, s: null, t: null }));
  }

  private onGateway(ws: WebSocket, p: { op: number; d: unknown }): void {
    switch (p.op) {
      case 1:
        ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
        return;
      case 2: {
        const d = p.d as { token: string; intents: number };
        if (d.token !== this.token) {
          ws.close(4004, 'Authentication failed.');
          return;
        }
        if ((d.intents & MESSAGE_CONTENT_INTENT) !== 0 && !this.messageContentIntentEnabled) {
          ws.close(4014, 'Disallowed intent(s).');
          return;
        }
        const sessionId = randomBytes(16).toString('hex');
        this.sessions.set(sessionId, { seq: 0, sent: [], pending: [] });
        this.currentSession = sessionId;
        this.send(ws, 'READY', {
          v: 10,
          user: this.botUser(),
          guilds: [{ id: this.guildId, unavailable: true }],
          session_id: sessionId,
          resume_gateway_url: `ws://127.0.0.1:${this.port}/gateway`,
          shard: [0, 1],
          application: { id: this.applicationId, flags: 0 },
          private_channels: [],
        });
        this.send(ws, 'GUILD_CREATE', this.guildJson());
        return;
      }
      case 6: {
        const d = p.d as { token: string; session_id: string; seq: number };
        const session = this.sessions.get(d.session_id);
        if (d.token !== this.token) {
          ws.close(4004, 'Authentication failed.');
          return;
        }
        if (!session) {
          ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
          return;
        }
        this.currentSession = d.session_id;
        for (const e of session.sent.filter((x) => x.s > d.seq)) ws.send(JSON.stringify({ op: 0, ...e }));
        const pending = session.pending.splice(0);
        for (const e of pending) this.send(ws, e.t, e.d);
        this.send(ws, 'RESUMED', {});
        return;
      }
      default:
        return;
    }
  }

  private send(ws: WebSocket, t: string, d: unknown): void {
    const session = this.currentSession ? this.sessions.get(this.currentSession) : undefined;
    const s = session ? ++session.seq : 1;
    session?.sent.push({ s, t, d });
    ws.send(JSON.stringify({ op: 0, s, t, d }));
  }

  /** Sends an event; while the bot is disconnected it is kept for the resume. */
  private dispatch(t: string, d: unknown): void {
    const session = this.currentSession ? this.sessions.get(this.currentSession) : undefined;
    if (this.socket && this.socket.readyState === this.socket.OPEN) this.send(this.socket, t, d);
    else if (session) session.pending.push({ t, d });
    else throw new Error('stand-in: the bot is not connected');
  }

  private interaction(type: number, userId: string, roles: string[], extra: Record<string, unknown>, componentMessage?: StandinMessage): string {
    const id = snowflake();
    const token = `itoken-${randomBytes(12).toString('hex')}`;
    this.interactions.set(id, { id, token, type, userId, callbacks: [], originalMessageId: null });
    if (componentMessage) this.componentMessages.set(id, componentMessage);
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      guild_id: this.guildId,
      channel_id: this.channelId,
      channel: { id: this.channelId, type: 0, guild_id: this.guildId, name: 'roman-ops' },
      member: { ...this.member(userId, roles), user: this.user(userId), permissions: '0' },
      app_permissions: '0',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': this.guildId },
      context: 0,
      ...extra,
    });
    return id;
  }

  // ---- REST ------------------------------------------------------------------------------------

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const method = (req.method ?? 'GET').toUpperCase();
    let body: unknown = null;
    if (raw) {
      const ct = req.headers['content-type'] ?? '';
      if (ct.includes('application/json')) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      } else if (ct.includes('multipart/form-data')) {
        const m = /name="payload_json"\r\n(?:Content-Type: application\/json\r\n)?\r\n([\s\S]*?)\r\n--/.exec(raw);
        body = m ? JSON.parse(m[1]) : raw;
        (body as Record<string, unknown>).__multipart = raw.length;
      } else body = raw;
    }
    const rec: RecordedRequest = { method, path, query: url.search, auth: (req.headers.authorization as string) ?? null, body, status: 0, at: Date.now() };
    this.requests.push(rec);
    const reply = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      rec.status = status;
      res.writeHead(status, { ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...headers });
      res.end(json !== undefined ? JSON.stringify(json) : undefined);
      this.notify();
    };

    const limit = this.rateLimits.find((r) => r.remaining > 0 && r.method === method && r.path.test(path));
    if (limit) {
      limit.remaining -= 1;
      reply(
        429,
        { message: 'You are being rate limited.', retry_after: limit.retryAfter, global: false },
        { 'retry-after': String(limit.retryAfter), 'x-ratelimit-scope': 'user', 'x-ratelimit-bucket': 'standin' },
      );
      return;
    }

    const isInteractionRoute = /^\/interactions\/|^\/webhooks\//.test(path);
    if (!isInteractionRoute && rec.auth !== `Bot ${this.token}`) {
      reply(401, { message: '401: Unauthorized', code: 0 });
      return;
    }

    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      reply(200, { url: `ws://127.0.0.1:${this.port}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    } else if (method === 'GET' && path === '/users/@me') {
      reply(200, this.botUser());
    } else if (method === 'GET' && (m = /^\/channels\/(\d+)$/.exec(path))) {
      if (m[1] !== this.channelId) reply(404, { message: 'Unknown Channel', code: 10003 });
      else reply(200, this.channelJson());
    } else if (method === 'PUT' && (m = /^\/applications\/(\d+)\/(?:guilds\/(\d+)\/)?commands$/.exec(path))) {
      const commands = (body as { name: string }[]).map((c) => ({ ...c, id: snowflake(), application_id: this.applicationId, version: snowflake() }));
      this.registeredCommands.push({ scope: m[2] ? `guild:${m[2]}` : 'global', commands });
      reply(200, commands);
    } else if (method === 'POST' && (m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      const ir = this.interactions.get(m[1]);
      if (!ir || ir.token !== m[2]) {
        reply(404, { message: 'Unknown interaction', code: 10062 });
        return;
      }
      if (ir.callbacks.length > 0) {
        reply(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
        return;
      }
      const b = body as { type: number; data?: Record<string, unknown> };
      ir.callbacks.push({ type: b.type, data: b.data ?? null });
      if (b.type === 4 || b.type === 5) {
        const msg = this.store({
          content: b.type === 4 ? String(b.data?.content ?? '') : '',
          components: (b.data?.components as unknown[]) ?? [],
          interactionId: ir.id,
          ephemeral: ((Number(b.data?.flags ?? 0)) & 64) !== 0,
        });
        ir.originalMessageId = msg.id;
      } else if (b.type === 7) {
        const target = this.messageOfInteraction(ir.id);
        if (target) this.edit(target, b.data ?? {});
      }
      if (url.searchParams.get('with_response') === 'true') {
        const original = ir.originalMessageId ? this.messages.get(ir.originalMessageId) : undefined;
        reply(200, { interaction: { id: ir.id, type: ir.type }, resource: { type: b.type, ...(original ? { message: this.messageJson(original) } : {}) } });
      } else reply(204);
    } else if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/.exec(path))) {
      const ir = [...this.interactions.values()].find((i) => i.token === m![2]);
      if (!ir || m[1] !== this.applicationId) {
        reply(404, { message: 'Unknown Webhook', code: 10015 });
        return;
      }
      const b = (body ?? {}) as Record<string, unknown>;
      if (method === 'POST' && !m[3]) {
        const msg = this.store({ content: String(b.content ?? ''), components: (b.components as unknown[]) ?? [], interactionId: ir.id, ephemeral: ((Number(b.flags ?? 0)) & 64) !== 0 });
        reply(200, this.messageJson(msg));
      } else if (method === 'PATCH' && m[3]) {
        const id = m[3] === '@original' ? ir.originalMessageId : m[3];
        const msg = id ? this.messages.get(id) : undefined;
        if (!msg) {
          reply(404, { message: 'Unknown Message', code: 10008 });
          return;
        }
        this.edit(msg, b);
        reply(200, this.messageJson(msg));
      } else if (method === 'GET' && m[3]) {
        const id = m[3] === '@original' ? ir.originalMessageId : m[3];
        const msg = id ? this.messages.get(id) : undefined;
        if (msg) reply(200, this.messageJson(msg));
        else reply(404, { message: 'Unknown Message', code: 10008 });
      } else reply(405, { message: '405: Method Not Allowed', code: 0 });
    } else if (method === 'POST' && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const b = (body ?? {}) as Record<string, unknown>;
      if (String(b.content ?? '').length > 2000) {
        reply(400, { message: 'Invalid Form Body', code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } } });
        return;
      }
      const msg = this.store({ content: String(b.content ?? ''), components: (b.components as unknown[]) ?? [], interactionId: null, ephemeral: false });
      reply(200, this.messageJson(msg));
    } else if (method === 'PATCH' && (m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) {
      const msg = this.messages.get(m[2]);
      if (!msg) {
        reply(404, { message: 'Unknown Message', code: 10008 });
        return;
      }
      this.edit(msg, (body ?? {}) as Record<string, unknown>);
      reply(200, this.messageJson(msg));
    } else if (method === 'POST' && /^\/channels\/(\d+)\/typing$/.test(path)) {
      reply(204);
    } else {
      reply(404, { message: `stand-in: no route ${method} ${path}`, code: 0 });
    }
  }

  /** A component interaction's UPDATE_MESSAGE edits the message that carries the component. */
  private messageOfInteraction(interactionId: string): StandinMessage | undefined {
    return this.componentMessages.get(interactionId);
  }

  private readonly componentMessages = new Map<string, StandinMessage>();

  private store(init: { content: string; components: unknown[]; interactionId: string | null; ephemeral: boolean }): StandinMessage {
    if (init.content.length > 2000) throw new Error('stand-in: content over 2000 characters');
    const msg: StandinMessage = { id: snowflake(), channel_id: this.channelId, embeds: [], attachments: [], edits: 0, author_id: this.botUserId, ...init };
    this.messages.set(msg.id, msg);
    return msg;
  }

  private edit(msg: StandinMessage, b: Record<string, unknown>): void {
    if (typeof b.content === 'string') msg.content = b.content;
    if (Array.isArray(b.components)) msg.components = b.components;
    if (Array.isArray(b.attachments)) msg.attachments = b.attachments;
    msg.edits += 1;
  }

  private notify(): void {
    const w = this.waiters.splice(0);
    for (const f of w) f();
  }

  // ---- JSON shapes -----------------------------------------------------------------------------

  private botUser() {
    return { id: this.botUserId, username: 'R.O.M.A.N.', discriminator: '0', global_name: null, avatar: null, bot: true };
  }

  private user(id: string) {
    return { id, username: `user${id.slice(-4)}`, discriminator: '0', global_name: `User ${id.slice(-4)}`, avatar: null, bot: false };
  }

  private member(userId: string, roles: string[]) {
    return { roles, joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0, nick: null, user: this.user(userId) };
  }

  private channelJson() {
    return { id: this.channelId, type: 0, guild_id: this.guildId, name: 'roman-ops', position: 0, permission_overwrites: [], nsfw: false, parent_id: null };
  }

  private guildJson() {
    return {
      id: this.guildId,
      name: 'Odyssey Ops',
      icon: null,
      owner_id: '1',
      features: [],
      roles: [
        { id: this.guildId, name: '@everyone', permissions: '0', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
        ...Object.entries(this.roles).map(([id, name], i) => ({ id, name, permissions: '0', position: i + 1, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 })),
      ],
      emojis: [],
      stickers: [],
      channels: [this.channelJson()],
      threads: [],
      members: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      member_count: 3,
      large: false,
      unavailable: false,
      joined_at: new Date(0).toISOString(),
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      preferred_locale: 'en-US',
      system_channel_flags: 0,
    };
  }

  messageJson(msg: StandinMessage) {
    return {
      id: msg.id,
      channel_id: msg.channel_id,
      guild_id: this.guildId,
      author: msg.author_id === this.botUserId ? this.botUser() : this.user(msg.author_id),
      content: msg.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: msg.edits > 0 ? new Date().toISOString() : null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: msg.attachments,
      embeds: msg.embeds,
      components: msg.components,
      pinned: false,
      type: msg.interactionId ? 20 : 0,
      flags: msg.ephemeral ? 64 : 0,
      application_id: this.applicationId,
      webhook_id: msg.interactionId ? this.applicationId : undefined,
    };
  }
}
