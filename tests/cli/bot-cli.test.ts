/**
 * `roman bot --db URL` against the Discord stand-in: answers the manual's commands in the
 * foreground, stops on SIGINT, never prints the token; with two processes on one database only one
 * hosts the bot, the other shows who does and takes over when the host quits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initDatabase } from '../../src/main/core/db/migrations';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { DiscordStandin } from '../support/discord-standin';
import { REPO } from './run-roman';

const TOKEN = 'cli-standin-token-abcdef123456';
const APPROVER = '300000000000000001';

let db: TestDatabase;
let pool: pg.Pool;
let standin: DiscordStandin;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase('roman_cli_bot');
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await initDatabase(pool);
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await standin?.stop();
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

interface Running {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function startBot(env: Record<string, string>, args = ['bot', '--db', db.url]): Running {
  const child = spawn(join(REPO, 'node_modules/.bin/tsx'), ['src/main/cli/roman.ts', ...args], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1', ROMAN_BOT_ELECTION_POLL_MS: '300', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => text, exited };
}

// Generous: tsx starts slowly on a loaded machine (never a timing assertion, only a limit).
async function until(check: () => boolean, what: string, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const envFor = (s: DiscordStandin) => ({
  ROMAN_DISCORD_BOT_TOKEN: TOKEN,
  ROMAN_DISCORD_CHANNEL_ID: s.channelId,
  ROMAN_DISCORD_APPROVERS: APPROVER,
  ROMAN_DISCORD_API_URL: s.apiUrl,
});

describe('roman bot', { timeout: 300_000 }, () => {
  it('refuses to start without a token, a channel or with a malformed approver (exit 2)', () => {
    const noToken = spawnSync(join(REPO, 'node_modules/.bin/tsx'), ['src/main/cli/roman.ts', 'bot', '--db', db.url], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, ROMAN_DISCORD_BOT_TOKEN: '' },
    });
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toContain('ROMAN_DISCORD_BOT_TOKEN is not set');
    const bad = spawnSync(join(REPO, 'node_modules/.bin/tsx'), ['src/main/cli/roman.ts', 'bot', '--db', db.url], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, ROMAN_DISCORD_BOT_TOKEN: TOKEN, ROMAN_DISCORD_CHANNEL_ID: '123456789012', ROMAN_DISCORD_APPROVERS: 'alice' },
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"alice" is not a Discord user or role id');
    expect(bad.stderr + bad.stdout).not.toContain(TOKEN);
  });

  it('answers status and approve through the stand-in, records them, and stops on SIGINT without printing the token', async () => {
    standin = await new DiscordStandin({ token: TOKEN }).start();
    const bot = startBot(envFor(standin));
    await until(() => /online as R\.O\.M\.A\.N\./.test(bot.out()), 'online');
    standin.userMessage('300000000000000009', `<@${standin.botUserId}> status`);
    await standin.waitFor(() => standin.channelMessages().find((m) => m.content.startsWith('🤖 R.O.M.A.N. System Status')), 60_000);
    const id = standin.slashCommand('300000000000000009', 'approve', { action: 'deploy to staging' });
    const reply = await standin.waitFor(() => standin.responseTo(id)?.content.includes('ACTION APPROVED') && standin.responseTo(id), 60_000);
    expect(reply.content).toContain('✅ ACTION APPROVED: Deploy to staging');
    const decisionId = /Decision: ([0-9a-f-]{36})/.exec(reply.content)![1];
    const rows = await pool.query('select metadata from ops.roman_events where idempotency_key = $1', [decisionId]);
    expect(rows.rows[0].metadata).toMatchObject({ channel: 'discord', requested_by: '300000000000000009' });
    bot.child.kill('SIGINT');
    expect(await bot.exited).toBe(0);
    expect(bot.out()).not.toContain(TOKEN);
  });

  it('exits 4 and says so when Discord rejects the token', async () => {
    standin = await new DiscordStandin({ token: 'the-real-one' }).start();
    const bot = startBot(envFor(standin));
    expect(await bot.exited).toBe(4);
    expect(bot.out()).toContain('token rejected');
    expect(bot.out()).not.toContain(TOKEN);
  });

  it('with two processes on one database, one hosts the bot, the other shows who does and takes over when it quits', async () => {
    standin = await new DiscordStandin({ token: TOKEN }).start();
    const first = startBot(envFor(standin));
    await until(() => /online as/.test(first.out()), 'first online');
    const second = startBot(envFor(standin));
    await until(() => /standing by: the Discord bot is hosted by .*:\d+ \(Postgres pid \d+/.test(second.out()), 'second standing by');
    expect(standin.identifies()).toBe(1);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    await until(() => /online as/.test(second.out()), 'second takes over');
    expect(standin.identifies()).toBe(2);
    standin.userMessage('300000000000000009', `<@${standin.botUserId}> status`);
    await standin.waitFor(() => standin.channelMessages().find((m) => m.content.startsWith('🤖 R.O.M.A.N. System Status')), 60_000);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
