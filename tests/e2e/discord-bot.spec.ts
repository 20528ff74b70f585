/**
 * Settings shows the Discord bot's state as the app hosts it, against the Discord stand-in: online,
 * then "token rejected" when the token is revoked; "missing intent" when the Message Content intent
 * is not enabled. The token is never shown.
 */
import { test, expect } from './host';
import { withMonitoredDatabase } from './seeded';
import { DiscordStandin } from '../support/discord-standin';

const TOKEN = 'e2e-standin-token-0123456789abcdef';

// Each test starts a database and a browser host: give a loaded machine room (a limit, not a timing check).
test.describe.configure({ timeout: 180_000 });

test('Settings shows the bot online, then "token rejected" when Discord revokes the token', async ({ page }) => {
  const standin = await new DiscordStandin({ token: TOKEN }).start();
  try {
    await withMonitoredDatabase(
      'roman_e2e_bot',
      async () => undefined,
      async ({ host }) => {
        await page.goto(`${host.url}&page=settings`);
        const card = page.getByTestId('discord-bot');
        await expect(card.getByTestId('discord-bot-state')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
        await expect(card.getByTestId('discord-bot-state')).toContainText('online as R.O.M.A.N.');
        await expect(card).toContainText('Token from ROMAN_DISCORD_BOT_TOKEN.');
        await expect(card.getByLabel('Channel id')).toHaveValue(standin.channelId);
        standin.token = 'reset-in-the-developer-portal';
        standin.dropConnection();
        await expect(card.getByTestId('discord-bot-state')).toHaveAttribute('data-state', 'token_rejected', { timeout: 30_000 });
        await expect(card.getByTestId('discord-bot-state')).toContainText('token rejected');
        await expect(page.locator('body')).not.toContainText(TOKEN);
        await page.screenshot({ path: 'test-results/screenshots/discord-bot-token-rejected.png', fullPage: true });
      },
      { ROMAN_DISCORD_BOT_TOKEN: TOKEN, ROMAN_DISCORD_CHANNEL_ID: standin.channelId, ROMAN_DISCORD_API_URL: standin.apiUrl },
    );
  } finally {
    await standin.stop();
  }
});

test('Settings shows "missing intent" with what to enable when Message Content is not allowed', async ({ page }) => {
  const standin = await new DiscordStandin({ token: TOKEN, messageContentIntentEnabled: false }).start();
  try {
    await withMonitoredDatabase(
      'roman_e2e_bot',
      async () => undefined,
      async ({ host }) => {
        await page.goto(`${host.url}&page=settings`);
        const card = page.getByTestId('discord-bot');
        await expect(card.getByTestId('discord-bot-state')).toHaveAttribute('data-state', 'missing_intent', { timeout: 30_000 });
        await expect(card.getByTestId('discord-bot-detail')).toContainText('Message Content Intent');
        // The browser host has no OS secret store: a token typed here is refused, never kept.
        await card.getByLabel('Bot token (write-only)').fill('typed-in-the-browser-0123456789');
        await card.getByRole('button', { name: 'Save bot settings' }).click();
        await expect(card.getByTestId('discord-bot-message')).toContainText(/secret store|keeps no passwords/);
        await expect(page.locator('body')).not.toContainText('typed-in-the-browser-0123456789');
      },
      { ROMAN_DISCORD_BOT_TOKEN: TOKEN, ROMAN_DISCORD_CHANNEL_ID: standin.channelId, ROMAN_DISCORD_API_URL: standin.apiUrl },
    );
  } finally {
    await standin.stop();
  }
});
