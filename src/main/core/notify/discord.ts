/**
 * Discord webhook notifier.
 *
 * - Message: the manual's wording ("🚨 System Down", Action: "Send Discord alert, page on-call
 *   engineer"), one embed per alert with a severity colour (critical red, warning amber, resolved
 *   green), `<t:unix:F>` timestamps; Discord's limits enforced by truncation (content 2000, 10 embeds,
 *   title 256, description 4096, 25 fields, field name 256 / value 1024, footer 2048, 6000 in total).
 *   Mentions are never parsed from alert data (allowed_mentions), only from the configured `mention`.
 * - Delivery: one queue per webhook. A 429 blocks that webhook for `retry_after` (JSON, seconds, may
 *   be fractional) or `Retry-After` (header) — nothing is sent to it before that elapses — then the
 *   message is retried; an exhausted bucket (X-RateLimit-Remaining: 0) is honoured the same way. A
 *   404 disables the webhook (Discord deleted it) and reports it; 5xx and network errors are retried
 *   with exponential backoff, bounded; any other error throws at once.
 * - The webhook URL is a secret: messages only ever contain it with its token redacted.
 */
import type { AlertInstance, NotifierHealth } from '../../../shared/alerts';
import type { AlertNotification } from '../alerts/engine';
import type { NotifierProvider } from './notifier';

export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
} as const;

export const DISCORD_COLOURS = { critical: 0xe74c3c, warning: 0xffbf00, resolved: 0x2ecc71 } as const;

export interface DiscordWebhookConfig {
  url: string;
  /** Prepended to critical firing messages, e.g. "@here" or "<@&roleId>" (page on-call). */
  mention?: string;
  username?: string;
}

export interface DiscordEmbed {
  title: string;
  description?: string;
  color: number;
  fields: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
  timestamp?: string;
}

export interface DiscordPayload {
  content: string;
  username?: string;
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: ('everyone' | 'roles' | 'users')[]; roles?: string[]; users?: string[] };
}

export class WebhookDisabledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookDisabledError';
  }
}

export class DiscordDeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'DiscordDeliveryError';
  }
}

/** https://discord.com/api/webhooks/123/abcdef → https://discord.com/api/webhooks/123/*** (query dropped). */
export function redactWebhookUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const parts = u.pathname.split('/');
    const last = parts.length - 1;
    if (last >= 1 && parts[last]) parts[last] = '***';
    u.pathname = parts.join('/');
    u.search = '';
    u.hash = '';
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid webhook URL)';
  }
}

/** Throws a clear error for a URL that cannot be a webhook; http only for loopback (tests, proxies). */
export function validateWebhookUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error('the Discord webhook URL is not a valid URL');
  }
  const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new Error(`the Discord webhook URL must use https (got ${u.protocol.replace(':', '')} for ${redactWebhookUrl(raw)})`);
  }
  return u;
}

/** Cuts to at most `max` UTF-16 units, ending with "…", never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut + '…';
}

const unix = (iso: string): number => Math.floor(new Date(iso).getTime() / 1000);
const fmtLabels = (labels: Record<string, string>): string =>
  Object.keys(labels).length === 0
    ? '—'
    : Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');

function fmtValue(a: AlertInstance): string {
  if (a.value === null) return '—';
  return Number.isInteger(a.value) ? String(a.value) : a.value.toFixed(3);
}

function alertTitle(a: AlertInstance, resolved: boolean): string {
  if (resolved) return `✅ Resolved: ${a.title}`;
  return `${a.severity === 'critical' ? '🚨' : '⚠️'} ${a.title}`;
}

function embedFor(a: AlertInstance, resolved: boolean): DiscordEmbed {
  const fields: DiscordEmbed['fields'] = [
    { name: 'Severity', value: resolved ? `${a.severity.toUpperCase()} (resolved)` : a.severity.toUpperCase(), inline: true },
    { name: 'Value', value: fmtValue(a), inline: true },
    { name: 'Labels', value: fmtLabels(a.labels), inline: true },
    { name: 'Trigger', value: a.trigger },
    { name: 'Action', value: a.action },
  ];
  const started = a.startsAt ?? a.activeAt;
  fields.push({ name: 'Started', value: `<t:${unix(started)}:F> (<t:${unix(started)}:R>)`, inline: true });
  if (resolved && a.endsAt) fields.push({ name: 'Resolved', value: `<t:${unix(a.endsAt)}:F>`, inline: true });
  if (a.acknowledged) fields.push({ name: 'Acknowledged', value: `by ${a.acknowledged.by} <t:${unix(a.acknowledged.at)}:R>`, inline: true });
  return {
    title: truncate(alertTitle(a, resolved), DISCORD_LIMITS.title),
    description: truncate(a.summary, DISCORD_LIMITS.description),
    color: resolved ? DISCORD_COLOURS.resolved : DISCORD_COLOURS[a.severity],
    fields: fields.slice(0, DISCORD_LIMITS.fields).map((f) => ({
      ...f,
      name: truncate(f.name, DISCORD_LIMITS.fieldName),
      value: truncate(f.value || '—', DISCORD_LIMITS.fieldValue),
    })),
    footer: { text: truncate(`R.O.M.A.N. Desktop · ${a.rule} · ${a.fingerprint}`, DISCORD_LIMITS.footer) },
    timestamp: resolved && a.endsAt ? a.endsAt : started,
  };
}

function embedLength(e: DiscordEmbed): number {
  return (
    e.title.length +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

function mentionsOf(mention: string | undefined): DiscordPayload['allowed_mentions'] {
  if (!mention) return { parse: [] };
  const roles = [...mention.matchAll(/<@&(\d+)>/g)].map((m) => m[1]!);
  const users = [...mention.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!);
  const everyone = /@(here|everyone)\b/.test(mention);
  return { parse: everyone ? ['everyone'] : [], ...(roles.length ? { roles } : {}), ...(users.length ? { users } : {}) };
}

/** Builds the webhook body for a notification, within every Discord limit. Pure. */
export function buildDiscordPayload(n: AlertNotification, config: Pick<DiscordWebhookConfig, 'mention' | 'username'> = {}): DiscordPayload {
  const items = [...n.firing.map((a) => ({ a, resolved: false })), ...n.resolved.map((a) => ({ a, resolved: true }))];
  const embeds = items.map((i) => embedFor(i.a, i.resolved));
  let shown = Math.min(embeds.length, DISCORD_LIMITS.embeds);
  const total = (k: number) => embeds.slice(0, k).reduce((s, e) => s + embedLength(e), 0);
  while (shown > 0 && total(shown) > DISCORD_LIMITS.total) shown--;
  if (shown === 0 && embeds.length > 0) {
    // One embed alone over 6000: shorten its description until it fits.
    const e = embeds[0]!;
    const over = embedLength(e) - DISCORD_LIMITS.total;
    e.description = truncate(e.description ?? '', Math.max(1, (e.description?.length ?? 0) - over));
    shown = 1;
  }
  const hidden = embeds.length - shown;
  const firingTitles = n.firing.slice(0, 10).map((a) => truncate(alertTitle(a, false), 100));
  if (n.firing.length > 10) firingTitles.push(`+${n.firing.length - 10} more`);
  const resolvedTitles = n.resolved.slice(0, 10).map((a) => truncate(alertTitle(a, true), 100));
  if (n.resolved.length > 10) resolvedTitles.push(`+${n.resolved.length - 10} more`);
  // Each line has its own budget so the total stays under 2000 and the last lines survive.
  const lines: string[] = [];
  const critical = n.firing.some((a) => a.severity === 'critical');
  if (config.mention && critical) lines.push(truncate(config.mention, 100));
  if (n.firing.length > 0) {
    const head = n.firing.length === 1 ? `**${firingTitles[0]}**` : `**${n.firing.length} alerts firing**: ${firingTitles.join(', ')}`;
    lines.push(truncate(n.repeat ? `${head} (still firing)` : head, 1100));
    if (critical) lines.push(truncate(`Action: ${n.firing.find((a) => a.severity === 'critical')!.action}`, 300));
  }
  if (resolvedTitles.length > 0) lines.push(truncate(resolvedTitles.join(', '), 300));
  if (hidden > 0) lines.push(`…and ${hidden} more alert${hidden === 1 ? '' : 's'} not shown (Discord allows ${DISCORD_LIMITS.embeds} embeds / ${DISCORD_LIMITS.total} characters per message)`);
  const payload: DiscordPayload = {
    content: truncate(lines.join('\n'), DISCORD_LIMITS.content),
    embeds: embeds.slice(0, shown),
    allowed_mentions: mentionsOf(config.mention),
  };
  if (config.username) payload.username = truncate(config.username, 80);
  return payload;
}

interface WebhookState {
  queue: Promise<void>;
  /** performance.now() before which nothing may be sent to this webhook. */
  blockedUntil: number;
  disabled: string | null;
  lastError: string | null;
}

export interface DiscordProviderOptions {
  fetch?: typeof fetch;
  /** Attempts for 5xx / network errors (default 4). */
  maxAttempts?: number;
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  /** 429s tolerated for one message before giving up (default 5). */
  maxRateLimitRetries?: number;
  /** Longest 429 wait accepted (default 10 min); longer → the message fails, the block stays. */
  maxRetryAfterMs?: number;
  requestTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export class DiscordWebhookProvider implements NotifierProvider<DiscordWebhookConfig> {
  readonly kind = 'discord';
  private readonly webhooks = new Map<string, WebhookState>();
  private readonly fetchFn: typeof fetch;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxRateLimitRetries: number;
  private readonly maxRetryAfterMs: number;
  private readonly requestTimeoutMs: number;

  constructor(opts: DiscordProviderOptions = {}) {
    this.fetchFn = opts.fetch ?? fetch;
    this.maxAttempts = opts.maxAttempts ?? 4;
    this.backoffBaseMs = opts.backoffBaseMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 8_000;
    this.maxRateLimitRetries = opts.maxRateLimitRetries ?? 5;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 10 * 60_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  }

  health(config: DiscordWebhookConfig): { health: NotifierHealth; detail: string | null } {
    const s = this.webhooks.get(config.url);
    if (!s) return { health: 'ok', detail: null };
    if (s.disabled) return { health: 'disabled', detail: s.disabled };
    if (s.blockedUntil > performance.now()) {
      return { health: 'rate_limited', detail: `rate limited by Discord for ${Math.ceil((s.blockedUntil - performance.now()) / 1000)} s more` };
    }
    if (s.lastError) return { health: 'failing', detail: s.lastError };
    return { health: 'ok', detail: null };
  }

  /** Re-enables a webhook disabled after a 404 (e.g. after the user pasted the same URL again). */
  enable(config: DiscordWebhookConfig): void {
    const s = this.webhooks.get(config.url);
    if (s) s.disabled = null;
  }

  send(config: DiscordWebhookConfig, notification: AlertNotification): Promise<void> {
    validateWebhookUrl(config.url);
    const payload = buildDiscordPayload(notification, config);
    const state = this.state(config.url);
    const run = state.queue.then(() => this.deliver(config.url, state, payload));
    state.queue = run.catch(() => {});
    return run;
  }

  private state(url: string): WebhookState {
    let s = this.webhooks.get(url);
    if (!s) {
      s = { queue: Promise.resolve(), blockedUntil: 0, disabled: null, lastError: null };
      this.webhooks.set(url, s);
    }
    return s;
  }

  private async deliver(url: string, state: WebhookState, payload: DiscordPayload): Promise<void> {
    const safe = redactWebhookUrl(url);
    let attempt = 0;
    let rateLimited = 0;
    for (;;) {
      if (state.disabled) throw new WebhookDisabledError(`Discord webhook ${safe} is disabled: ${state.disabled}`);
      const wait = state.blockedUntil - performance.now();
      if (wait > 0) await sleep(wait);
      let res: Response;
      try {
        res = await this.fetchFn(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(this.requestTimeoutMs),
        });
      } catch (err) {
        attempt++;
        const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        // undici messages never contain the URL's token, but be defensive.
        const message = `Discord webhook ${safe} unreachable: ${reason.split(url).join(safe)}`;
        if (attempt >= this.maxAttempts) return this.fail(state, new DiscordDeliveryError(message, null));
        await sleep(this.backoff(attempt));
        continue;
      }
      const text = await res.text().catch(() => '');
      if (res.ok) {
        state.lastError = null;
        const remaining = res.headers.get('x-ratelimit-remaining');
        const resetAfter = Number(res.headers.get('x-ratelimit-reset-after'));
        if (remaining === '0' && Number.isFinite(resetAfter) && resetAfter > 0) {
          state.blockedUntil = Math.max(state.blockedUntil, performance.now() + resetAfter * 1000);
        }
        return;
      }
      const body = parseJson(text);
      if (res.status === 429) {
        rateLimited++;
        const waitMs = retryAfterMs(body, res.headers);
        state.blockedUntil = Math.max(state.blockedUntil, performance.now() + waitMs);
        if (rateLimited > this.maxRateLimitRetries || waitMs > this.maxRetryAfterMs) {
          return this.fail(
            state,
            new DiscordDeliveryError(`Discord webhook ${safe} is rate limited (retry after ${(waitMs / 1000).toFixed(1)} s); message dropped`, 429),
          );
        }
        continue;
      }
      const detail = typeof body?.message === 'string' ? `: ${truncate(body.message, 200)}` : '';
      if (res.status === 404) {
        state.disabled = `Discord answered 404 (webhook deleted or URL wrong)${detail}; set a new webhook URL`;
        return this.fail(state, new WebhookDisabledError(`Discord webhook ${safe} is disabled: ${state.disabled}`));
      }
      if (res.status >= 500) {
        attempt++;
        if (attempt >= this.maxAttempts) {
          return this.fail(state, new DiscordDeliveryError(`Discord webhook ${safe} failed with HTTP ${res.status} after ${attempt} attempts${detail}`, res.status));
        }
        await sleep(this.backoff(attempt));
        continue;
      }
      return this.fail(state, new DiscordDeliveryError(`Discord webhook ${safe} rejected the message with HTTP ${res.status}${detail}`, res.status));
    }
  }

  private fail(state: WebhookState, err: Error): never {
    state.lastError = err.message;
    throw err;
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.backoffBaseMs * 2 ** (attempt - 1), this.maxBackoffMs);
    return base / 2 + Math.random() * (base / 2);
  }
}

function parseJson(text: string): { retry_after?: unknown; message?: unknown } | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as { retry_after?: unknown; message?: unknown }) : null;
  } catch {
    return null;
  }
}

/** Discord's 429: JSON retry_after (seconds, may be fractional), else Retry-After (seconds), else 1 s. */
export function retryAfterMs(body: { retry_after?: unknown } | null, headers: Headers): number {
  const raw = body?.retry_after;
  const fromBody = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (Number.isFinite(fromBody) && fromBody >= 0) return Math.ceil(fromBody * 1000);
  const header = headers.get('retry-after');
  if (header !== null) {
    const secs = Number(header);
    if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs * 1000);
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  const resetHeader = headers.get('x-ratelimit-reset-after');
  const reset = resetHeader === null ? NaN : Number(resetHeader);
  if (Number.isFinite(reset) && reset >= 0) return Math.ceil(reset * 1000);
  return 1000;
}

/** The Discord webhook given in the environment: ROMAN_DISCORD_WEBHOOK_URL, or ROMAN_DISCORD_WEBHOOK. */
export function discordWebhookFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.ROMAN_DISCORD_WEBHOOK_URL || env.ROMAN_DISCORD_WEBHOOK || undefined;
}
