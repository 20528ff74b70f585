/** The Discord stand-in speaks enough of the real protocol for the real discord.js client. */
import { afterEach, expect, it } from 'vitest';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { DiscordStandin } from '../../support/discord-standin';

let standin: DiscordStandin | null = null;
let client: Client | null = null;
afterEach(async () => {
  await client?.destroy();
  await standin?.stop();
  client = null;
  standin = null;
});

it('discord.js logs in, answers a message and an interaction, and resumes after a dropped connection', async () => {
  const s = (standin = await new DiscordStandin({ token: 'standin-token' }).start());
  const c = (client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent], rest: { api: s.apiUrl } }));
  const seen: string[] = [];
  c.on(Events.MessageCreate, (m) => {
    seen.push(m.content);
    if (m.content === 'ping') void m.reply('pong');
  });
  c.on(Events.InteractionCreate, async (i) => {
    if (!i.isChatInputCommand()) return;
    await i.deferReply();
    await i.editReply(`done ${i.options.getString('action')}`);
  });
  const ready = new Promise<void>((r) => c.once(Events.ClientReady, () => r()));
  await c.login('standin-token');
  await ready;
  s.userMessage('200', 'ping');
  await s.waitFor(() => s.channelMessages().find((m) => m.content === 'pong'));
  const id = s.slashCommand('200', 'approve', { action: 'deploy' });
  await s.waitFor(() => s.responseTo(id)?.content === 'done deploy');
  expect(s.interactions.get(id)?.callbacks[0].type).toBe(5);

  s.dropConnection();
  s.userMessage('200', 'sent while away');
  await s.waitFor(() => seen.includes('sent while away'));
  expect(s.resumes()).toBe(1);
  expect(s.identifies()).toBe(1);
});

it('a wrong token is refused by the REST API before the gateway', async () => {
  const s = (standin = await new DiscordStandin({ token: 'right' }).start());
  const c = (client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: s.apiUrl } }));
  await expect(c.login('wrong')).rejects.toThrow(/invalid token/i);
});
