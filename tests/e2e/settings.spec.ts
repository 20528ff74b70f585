/**
 * Settings page in the browser host, which has no OS secret store: profiles can be saved without
 * a password, a password is refused with the reason, server-side validation errors appear next to
 * their fields, deletion asks for confirmation.
 */
import { test, expect, type Page } from '@playwright/test';
import { startHost } from './host';

type Host = Awaited<ReturnType<typeof startHost>>;
let host: Host;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  host = await startHost(['--no-workspace']);
});

test.afterAll(async () => {
  await host?.stop();
});

async function openSettings(page: Page): Promise<void> {
  await page.goto(`${host.url}&page=settings`);
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
}

async function startNewProfile(page: Page, name: string, environment: string): Promise<void> {
  await page.getByRole('button', { name: 'Add profile', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Environment').selectOption(environment);
}

test('without a secret store the reason is shown, a password is refused and a profile without one is saved', async ({ page }) => {
  await openSettings(page);
  const secret = page.getByTestId('secret-store');
  await expect(secret).toHaveAttribute('data-available', 'false');
  await expect(secret).toContainText('passwords will not be stored');
  await expect(page.getByTestId('secret-store-reason')).toContainText('no OS secret store');
  await expect(page.getByTestId('active-workspace')).toContainText('Sample workspace');
  await expect(page.getByTestId('no-profiles')).toBeVisible();

  await startNewProfile(page, 'Billing staging', 'staging');
  await page.getByLabel('Connection URL', { exact: true }).fill('postgres://app@db.internal:5432/billing');
  await page.getByLabel('TLS mode').selectOption('require');
  await page.getByLabel('Password', { exact: true }).fill('hunter2-secret');
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'password');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('pf-password-error')).toContainText('Not stored');
  await expect(page.getByTestId('pf-password-error')).toContainText('no OS secret store');
  await expect(page.getByTestId('no-profiles')).toBeVisible();

  await page.getByLabel('Password', { exact: true }).fill('');
  await page.getByRole('button', { name: 'Save profile' }).click();
  const row = page.locator('[data-testid="profile-row"][data-profile-id="billing-staging"]');
  await expect(row).toContainText('Billing staging');
  await expect(row.locator('.pill.staging')).toHaveText('staging');
  await expect(row).toContainText('postgres://app@db.internal:5432/billing');
  await expect(row).toContainText('require');
  await expect(row.getByTestId('profile-password')).toHaveText('none');
  await expect(page.getByTestId('settings-notice')).toContainText('(no password stored)');
  expect(await page.content()).not.toContain('hunter2-secret');
  await page.screenshot({ path: 'test-results/screenshots/settings.png', fullPage: true });
});

test('a bad port and a bad URL are rejected by the core, each shown next to its field', async ({ page }) => {
  await openSettings(page);
  await startNewProfile(page, 'Analytics', 'production');
  await page.getByRole('radio', { name: 'Use separate fields' }).check();
  await page.getByLabel('Host', { exact: true }).fill('analytics.internal');
  await page.getByLabel('Port', { exact: true }).fill('99999');
  await page.getByLabel('Database', { exact: true }).fill('analytics');
  await page.getByLabel('User', { exact: true }).fill('reader');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('pf-port-error')).toContainText(/65535/);
  await expect(page.getByLabel('Port', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('profile-error')).toContainText('port');

  await page.getByRole('radio', { name: 'Use a URL' }).check();
  await page.getByLabel('Connection URL', { exact: true }).fill('mysql://reader@analytics.internal/analytics');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('pf-url-error')).toContainText('unsupported URL scheme "mysql"');
  await expect(page.getByTestId('profile-error')).toContainText('url');

  await page.getByLabel('Connection URL', { exact: true }).fill('postgres://reader:topsecret@analytics.internal/analytics');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('pf-url-error')).toContainText('must not contain a password');
  await expect(page.locator('[data-profile-id="analytics"]')).toHaveCount(0);
});

test('a profile becomes active, and deleting it asks first and returns to the sample workspace', async ({ page }) => {
  await openSettings(page);
  const row = page.locator('[data-testid="profile-row"][data-profile-id="billing-staging"]');
  await row.getByRole('button', { name: 'Use Billing staging' }).click();
  await expect(row).toContainText('active');
  await expect(page.getByTestId('active-workspace')).toContainText('Billing staging');

  await row.getByRole('button', { name: 'Delete Billing staging' }).click();
  const confirm = page.getByTestId('confirm-delete');
  await expect(confirm).toContainText('Delete the profile “Billing staging”');
  await expect(confirm).toContainText('returns to the sample workspace');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(row).toBeVisible();

  await row.getByRole('button', { name: 'Delete Billing staging' }).click();
  await page.getByTestId('confirm-delete').getByRole('button', { name: 'Delete profile' }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId('no-profiles')).toBeVisible();
  await expect(page.getByTestId('active-workspace')).toContainText('Sample workspace');
});

test('preferences are validated by the core and kept', async ({ page }) => {
  await openSettings(page);
  await page.getByLabel('Monthly AI budget (USD)').fill('-5');
  await page.getByRole('button', { name: 'Save preferences' }).click();
  await expect(page.getByTestId('pref-budget-error')).toBeVisible();
  await expect(page.getByTestId('pref-budget-error')).toHaveText('Enter a budget above $0, e.g. 500');
  await expect(page.getByTestId('preferences-error')).toContainText('Monthly AI budget: Enter a budget above $0');
  await page.getByLabel('Monthly AI budget (USD)').fill('five hundred');
  await page.getByRole('button', { name: 'Save preferences' }).click();
  await expect(page.getByTestId('pref-budget-error')).toHaveText('Enter a budget in dollars, e.g. 500');
  await page.getByLabel('Monthly AI budget (USD)').fill('4,2');
  await page.getByRole('button', { name: 'Save preferences' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expect(page.getByLabel('Monthly AI budget (USD)')).toHaveValue('4.2');

  await page.getByLabel('Monthly AI budget (USD)').fill('750');
  await page.getByLabel('Keep cached records for (days)').fill('30');
  await page.getByLabel('Desktop notifications').uncheck();
  await page.getByRole('button', { name: 'Save preferences' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();

  await page.reload();
  await expect(page.getByLabel('Monthly AI budget (USD)')).toHaveValue('750');
  await expect(page.getByLabel('Keep cached records for (days)')).toHaveValue('30');
  await expect(page.getByLabel('Desktop notifications')).not.toBeChecked();
});

test('thresholds: the manual default is shown, bad input is explained, a saved value applies and stays', async ({ page }) => {
  await openSettings(page);
  const form = page.getByTestId('thresholds-form');
  await expect(form.getByLabel('Apply to')).toHaveValue('');
  const rls = form.locator('[data-testid="threshold-row"][data-key="rlsViolationsPerIpPerMinute"]');
  await expect(rls.getByTestId('threshold-default')).toHaveText('5');
  const rlsInput = form.getByLabel('RLS violations from one IP per minute (security_breach)');
  await expect(rlsInput).toHaveAttribute('placeholder', '5');
  await rlsInput.fill('three');
  await form.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(page.getByTestId('thr-rlsViolationsPerIpPerMinute-error')).toContainText('Enter a number');

  // Warning above critical: refused by the core, nothing stored.
  await rlsInput.fill('3');
  await form.getByLabel('Error rate — warning').fill('0,2');
  await form.getByLabel('Error rate — alert (error_rate_spike)').fill('0,1');
  await form.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(page.getByTestId('thresholds-error')).toContainText('errorRateCritical (0.1) must be at least errorRateWarning (0.2)');

  await form.getByLabel('Error rate — warning').fill('');
  await form.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(page.getByTestId('thresholds-saved')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('thresholds-form').getByLabel('RLS violations from one IP per minute (security_breach)')).toHaveValue('3');
  await expect(page.getByTestId('thresholds-form').getByLabel('Error rate — alert (error_rate_spike)')).toHaveValue('0.1');
});
