import { test, expect, pageUrl } from './seeded';

test.describe('Audit page', () => {
  test('runs the schema audit, shows findings by level with their fix, dismisses one, compares with the last report', async ({ page, quiet }) => {
    test.setTimeout(120_000);
    await quiet.query(`CREATE TABLE public.accounts (id int PRIMARY KEY, owner text)`);
    await quiet.query(`GRANT SELECT ON public.accounts TO PUBLIC`);
    await quiet.query(`CREATE TABLE public.documents (id int PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())`);

    await page.goto(pageUrl(quiet.host, 'audit'));
    await expect(page.getByRole('heading', { level: 1, name: 'Audit' })).toBeVisible();
    await expect(page.getByTestId('audit-empty')).toBeVisible();

    await page.getByTestId('run-audit').click();
    const errors = page.getByTestId('level-ERROR');
    const exposed = errors.locator('[data-cache-key="rls_disabled_in_public_public_accounts"]');
    await expect(exposed).toBeVisible({ timeout: 60_000 });
    await expect(exposed.getByTestId('finding-title')).toHaveText('Table exposed without RLS');
    await expect(exposed.getByTestId('finding-fix')).toContainText('ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY;');
    const createdAt = page.getByTestId('level-WARN').locator('[data-cache-key="created_at_without_index_public_documents"]');
    await expect(createdAt.getByTestId('finding-detail')).toHaveText("Table 'documents' missing index on created_at");
    await expect(createdAt.getByTestId('finding-fix')).toContainText('CREATE INDEX CONCURRENTLY idx_documents_created ON public.documents (created_at DESC);');
    await expect(page.getByTestId('audit-comparison')).toHaveText('First report: nothing to compare with yet');
    await expect(page.getByTestId('audit-inventory')).toContainText('4 tables');

    // dismiss needs a note; then the finding moves to "Dismissed" with who and why
    await expect(createdAt.getByTestId('dismiss-button')).toBeDisabled();
    await createdAt.getByTestId('dismiss-note').fill('append-only table, read by id');
    await createdAt.getByTestId('dismiss-button').click();
    const dismissed = page.getByTestId('level-dismissed').locator('[data-cache-key="created_at_without_index_public_documents"]');
    await expect(dismissed.getByTestId('finding-dismissed')).toHaveText('Dismissed by app: append-only table, read by id');
    await expect(page.getByTestId('level-WARN').getByTestId('finding')).toHaveCount(0);

    // fix the error with its SQL, run again: resolved, nothing new
    await quiet.query(`ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON public.accounts USING (owner = current_user)`);
    await page.getByTestId('run-audit').click();
    await expect(page.getByTestId('audit-comparison')).toContainText(': 0 new, 1 resolved, 0 still open', { timeout: 60_000 });
    await expect(page.getByTestId('audit-resolved')).toContainText('Table public.accounts is exposed');
    await expect(page.getByTestId('level-ERROR').getByTestId('finding')).toHaveCount(0);

    // the report was saved: a reload shows it again
    await page.reload();
    await expect(page.getByTestId('audit-comparison')).toContainText(': 0 new, 1 resolved, 0 still open', { timeout: 30_000 });
    const saved = await quiet.query(`SELECT count(*)::int AS n FROM ops.roman_events WHERE event_type = 'audit'`);
    expect(saved.rows[0].n).toBe(2);
  });
});
