/**
 * The Discord webhook notifier against a real local HTTP server (node:http on 127.0.0.1, random
 * port) that answers like Discord: 204, 429 (JSON retry_after or Retry-After header), 404, 5xx.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DiscordWebhookProvider, WebhookDisabledError } from '../../../src/main/core/notify/discord';
import { NotifierRegistry, testNotification } from '../../../src/main/core/notify/notifier';
import { ManualClock } from '../../../src/main/core/clock';

type Reply = (res: ServerResponse) => void;
interface Received {
  at: number;
  path: string;
  body: { content: string; embeds: { title: string }[] };
}

let server: Server;
let base: string;
let received: Received[] = [];
let replies: Reply[] = [];

const TOKEN = 'sEcReT-token-Value';
const ok: Reply = (res) => res.writeHead(204).end();
const status = (code: number, body: unknown = { message: 'x' }): Reply => (res) =>
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ at: performance.now(), path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      (replies.shift() ?? ok)(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received = [];
  replies = [];
});

const clock = new ManualClock('2026-03-10T12:00:00Z');
const webhook = (id: number) => ({ url: `${base}/api/webhooks/${id}/${TOKEN}` });
const provider = () => new DiscordWebhookProvider({ backoffBaseMs: 10, maxBackoffMs: 40, maxAttempts: 3 });

describe('Discord webhook notifier', () => {
  it('posts the alert embed and succeeds on 204', async () => {
    const p = provider();
    await p.send(webhook(1), testNotification(clock.now()));
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe(`/api/webhooks/1/${TOKEN}`);
    expect(received[0]!.body.embeds[0]!.title).toBe('⚠️ Test notification');
    expect(p.health(webhook(1)).health).toBe('ok');
  });

  it('on 429 with JSON retry_after sends nothing to that webhook before it elapses, then delivers', async () => {
    const p = provider();
    replies = [status(429, { message: 'You are being rate limited.', retry_after: 0.4, global: false })];
    const first = p.send(webhook(2), testNotification(clock.now()));
    const second = p.send(webhook(2), testNotification(clock.now()));
    await Promise.all([first, second]);
    expect(received).toHaveLength(3);
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(395);
    expect(received[2]!.at - received[0]!.at).toBeGreaterThanOrEqual(395);
  });

  it('on 429 with only a Retry-After header waits that many seconds', async () => {
    const p = provider();
    replies = [(res) => res.writeHead(429, { 'retry-after': '1' }).end()];
    await p.send(webhook(3), testNotification(clock.now()));
    expect(received).toHaveLength(2);
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(995);
  });

  it('on 404 disables the webhook, reports it, and stops calling it', async () => {
    const p = provider();
    const registry = new NotifierRegistry(clock);
    registry.register('discord', p, webhook(4));
    replies = [status(404, { message: 'Unknown Webhook', code: 10015 })];
    const err = await registry.sendTest('discord').catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/disabled/);
    expect(err!.message).not.toContain(TOKEN);
    expect(registry.statuses()).toEqual([expect.objectContaining({ name: 'discord', kind: 'discord', health: 'disabled' })]);
    expect(registry.statuses()[0]!.detail).toContain('404');
    await expect(p.send(webhook(4), testNotification(clock.now()))).rejects.toBeInstanceOf(WebhookDisabledError);
    expect(received).toHaveLength(1);
  });

  it('retries 5xx with backoff and succeeds when Discord recovers', async () => {
    const p = provider();
    replies = [status(502), status(503)];
    await p.send(webhook(5), testNotification(clock.now()));
    expect(received).toHaveLength(3);
  });

  it('gives up after a bounded number of 5xx attempts, without leaking the token', async () => {
    const p = provider();
    replies = [status(500), status(500), status(500), status(500)];
    const err = await p.send(webhook(6), testNotification(clock.now())).catch((e: unknown) => e as Error);
    expect(err!.message).toMatch(/HTTP 500 after 3 attempts/);
    expect(err!.message).not.toContain(TOKEN);
    expect(received).toHaveLength(3);
    expect(p.health(webhook(6)).health).toBe('failing');
  });
});
