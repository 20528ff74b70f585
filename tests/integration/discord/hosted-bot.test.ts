/**
 * The bot hosted by the app (createCore): configured in Settings (token only encrypted), answering
 * from the open workspace's database through the Discord stand-in, its state in the view (never the
 * token); with two apps on one database only one hosts it, the other shows who, and takes over when
 * the host quits.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { JsonFileBackend } from '../../../src/main/core/settings/json-file-backend';
import { NoSecretVault, Settings } from '../../../src/main/core/settings/settings';
import type { DiscordBotView } from '../../../src/shared/api/discord-bot';
import type { Result } from '../../../src/shared/result';
import { DiscordStandin } from '../../support/discord-standin';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { aesVault } from '../../support/vault';

const TOKEN = 'hosted-standin-token-0123456789abcdef';
let db: TestDatabase;
let standin: DiscordStandin;
const cores: Core[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase('roman_hosted_bot');
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  await initDatabase(pool);
  await pool.end();
});

afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
  await standin?.stop();
});

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await db?.drop();
});

async function core(opts: { vault?: 'aes' | 'none'; env?: NodeJS.ProcessEnv } = {}): Promise<{ core: Core; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'roman-hosted-bot-'));
  dirs.push(dir);
  const settings = new Settings(new JsonFileBackend(join(dir, 'settings.json')), opts.vault === 'none' ? new NoSecretVault('no keychain here') : aesVault());
  const c = await createCore({
    dataDir: dir,
    settings,
    workspace: { url: db.url, name: 'Test database', environment: 'staging' },
    env: { ROMAN_DISCORD_API_URL: standin.apiUrl, ...opts.env },
  });
  cores.push(c);
  return { core: c, dir };
}

async function call<T>(c: Core, name: string, input: unknown): Promise<Result<T>> {
  return (await c.registry.dispatch(name, input, c.context({ channel: 'ui', requestedBy: 'alice' }))) as Result<T>;
}

async function view(c: Core): Promise<DiscordBotView> {
  const r = await call<DiscordBotView>(c, 'discordBot.status', {});
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.value;
}

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the bot hosted by the app', () => {
  it('is configured in Settings (token only encrypted), goes online and answers status from the open database', async () => {
    standin = await new DiscordStandin({ token: TOKEN }).start();
    const { core: app, dir } = await core();
    expect((await view(app)).state).toBe('not_configured');
    const r = await call<DiscordBotView>(app, 'discordBot.configure', { token: TOKEN, channelId: standin.channelId, approvers: ['300000000000000001'] });
    expect(r.ok).toBe(true);
    const online = await until(() => view(app), (v) => v.state === 'online', 'online');
    expect(online).toMatchObject({ token: { stored: true, source: 'settings' }, channelId: standin.channelId, approvers: ['300000000000000001'], host: { thisApp: true } });
    expect(JSON.stringify(online)).not.toContain(TOKEN);
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).not.toContain(TOKEN);
    standin.userMessage('300000000000000009', `<@${standin.botUserId}> status`);
    await standin.waitFor(() => standin.channelMessages().find((m) => m.content.startsWith('🤖 R.O.M.A.N. System Status') && m.content.includes('✅ Discord Bot: Online')));
  });

  it('refuses to store the token without a secret store, and changes nothing', async () => {
    standin = await new DiscordStandin({ token: TOKEN }).start();
    const { core: app, dir } = await core({ vault: 'none' });
    const r = await call<DiscordBotView>(app, 'discordBot.configure', { token: TOKEN, channelId: standin.channelId });
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).toContain('no keychain here');
    expect((await view(app)).state).toBe('not_configured');
    expect(existsSync(join(dir, 'settings.json')) ? readFileSync(join(dir, 'settings.json'), 'utf8') : '').not.toContain(TOKEN);
    expect((await view(app)).channelId).toBe(null);
  });

  it('shows "token rejected" when Discord refuses the token', async () => {
    standin = await new DiscordStandin({ token: 'the-one-discord-knows-xxxxxxxxxxxx' }).start();
    const { core: app } = await core({ env: { ROMAN_DISCORD_BOT_TOKEN: TOKEN, ROMAN_DISCORD_CHANNEL_ID: standin.channelId } });
    const v = await until(() => view(app), (x) => x.state === 'token_rejected', 'token rejected');
    expect(v.token.source).toBe('environment');
    expect(JSON.stringify(v)).not.toContain(TOKEN);
  });

  it('with two apps on one database, one hosts the bot, the other shows who does and takes over when it quits', async () => {
    standin = await new DiscordStandin({ token: TOKEN }).start();
    const env = { ROMAN_DISCORD_BOT_TOKEN: TOKEN, ROMAN_DISCORD_CHANNEL_ID: standin.channelId };
    const { core: first } = await core({ env });
    await until(() => view(first), (v) => v.state === 'online', 'first online');
    const { core: second } = await core({ env });
    const standby = await until(() => view(second), (v) => v.state === 'standby', 'second standby');
    expect(standby.host.other).toMatch(/desktop .*:\d+ \(Postgres pid \d+/);
    expect(standin.identifies()).toBe(1);
    cores.splice(cores.indexOf(first), 1);
    await first.close();
    await until(() => view(second), (v) => v.state === 'online', 'second takes over');
    expect(standin.identifies()).toBe(2);
  });
});
