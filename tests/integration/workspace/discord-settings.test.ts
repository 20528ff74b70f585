/**
 * The Discord webhook set in Settings: stored only encrypted, used by the open workspace at once
 * ("Send test" reaches a real local HTTP server standing in for Discord), refused without a secret
 * store, and a bad URL changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { createCore, type Core } from '../../../src/main/core/app';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { NoSecretVault, Settings } from '../../../src/main/core/settings/settings';
import { JsonFileBackend } from '../../../src/main/core/settings/json-file-backend';
import type { Result } from '../../../src/shared/result';
import { aesVault } from '../../support/vault';


let db: TestDatabase;
let dir: string;
let server: Server;
let webhook: string;
const received: unknown[] = [];
const cores: Core[] = [];

async function dispatch(core: Core, name: string, input: unknown): Promise<Result<unknown>> {
  return (await core.registry.dispatch(name, input, core.context({ channel: 'ui', requestedBy: 'alice' }))) as Result<unknown>;
}

beforeAll(async () => {
  db = await createTestDatabase('roman_discord_settings');
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  await initDatabase(pool);
  await pool.end();
  dir = mkdtempSync(join(tmpdir(), 'roman-discord-'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/123/secret-token-abc`;
});

afterAll(async () => {
  try {
    for (const c of cores) await c.close();
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  } finally {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('Discord webhook from Settings', () => {
  it('is stored encrypted, used by the open workspace at once, and "Send test" reaches Discord', async () => {
    const file = join(dir, 'with-vault.json');
    const core = await createCore({
      dataDir: join(dir, 'a'),
      settings: new Settings(new JsonFileBackend(file), aesVault()),
      workspace: { url: db.url },
    });
    cores.push(core);
    const saved = await dispatch(core, 'settings.setDiscordWebhook', { url: webhook });
    expect(saved).toEqual({ ok: true, value: { discord: { configured: true, source: 'settings' } } });
    expect(readFileSync(file, 'utf8')).not.toContain('secret-token-abc');
    const view = (await dispatch(core, 'settings.get', {})) as { ok: true; value: unknown };
    expect(JSON.stringify(view.value)).not.toContain('secret-token-abc');
    const sent = await dispatch(core, 'notifiers.test', { name: 'discord' });
    expect(sent).toEqual({ ok: true, value: { name: 'discord', sent: true } });
    expect(received).toHaveLength(1);
    expect(JSON.stringify(received[0])).toMatch(/R\.O\.M\.A\.N\./);
  });

  it('rejects a webhook that is not https (or loopback), storing nothing', async () => {
    const file = join(dir, 'bad-url.json');
    const core = await createCore({ dataDir: join(dir, 'b'), settings: new Settings(new JsonFileBackend(file), aesVault()), workspace: 'none' });
    cores.push(core);
    const r = await dispatch(core, 'settings.setDiscordWebhook', { url: 'http://discord.example/api/webhooks/1/tok' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(r)).not.toContain('/tok');
    const view = (await dispatch(core, 'settings.get', {})) as { ok: true; value: { notifiers: { discord: { configured: boolean } } } };
    expect(view.value.notifiers.discord.configured).toBe(false);
  });

  it('is refused without an OS secret store, with the reason', async () => {
    const core = await createCore({
      dataDir: join(dir, 'c'),
      settings: new Settings(new JsonFileBackend(join(dir, 'no-vault.json')), new NoSecretVault('no keyring (basic_text)')),
      workspace: 'none',
    });
    cores.push(core);
    const r = await dispatch(core, 'settings.setDiscordWebhook', { url: webhook });
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/no keyring/) } });
  });
});
