import { test, expect } from './host';

test('without an OS secret store the Discord webhook is refused with the reason, and never shown back', async ({ page, host }) => {
  await page.goto(`${host.url}&page=settings`);
  const card = page.getByTestId('notifiers');
  await expect(card.getByTestId('discord-state')).toContainText('not configured');
  await card.getByLabel('Discord webhook URL (write-only)').fill('https://discord.com/api/webhooks/1/very-secret-token');
  await card.getByRole('button', { name: 'Save webhook' }).click();
  await expect(card.getByTestId('notifier-message')).toContainText(/secret store/);
  await expect(card.getByTestId('discord-state')).toContainText('not configured');
  await expect(page.locator('body')).not.toContainText('very-secret-token');
});
