/**
 * Settings take effect at once in the open workspace (no switching away and back): the AI budget
 * drives the api_quota rule, an alert-rule threshold set in Settings (global, then per profile)
 * changes what fires, and saving the active profile reopens the workspace with what was saved.
 * Real Postgres, the real core and its handlers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { createCore, type Core } from '../../../src/main/core/app';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { NoSecretVault, Settings } from '../../../src/main/core/settings/settings';
import { JsonFileBackend } from '../../../src/main/core/settings/json-file-backend';
import type { Result } from '../../../src/shared/result';
import type { AlertsListOutput } from '../../../src/shared/api/alerts';
import type { WorkspaceStatus } from '../../../src/shared/workspace';

let db: TestDatabase;
let dir: string;
let core: Core;

async function dispatch<T>(name: string, input: unknown): Promise<T> {
  const r = (await core.registry.dispatch(name, input, core.context({ channel: 'ui', requestedBy: 'alice' }))) as Result<T>;
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value;
}

async function firing(rule: string): Promise<boolean> {
  const list = await dispatch<AlertsListOutput>('alerts.list', {});
  return list.firing.some((a) => a.rule === rule) || list.pending.some((a) => a.rule === rule);
}

beforeAll(async () => {
  db = await createTestDatabase('roman_prefs_live');
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  await initDatabase(pool);
  // $100 spent this month: 20 % of the default $500 budget.
  await pool.query(`insert into public.ai_usage_logs (provider, total_tokens, cost_usd, latency_ms) values ('openai', 1000, 100, 200)`);
  // 3 RLS violations from one IP in the last minute: under the manual's 5.
  await pool.query(
    `insert into public.system_logs (severity, source, message, metadata)
     select 'warning', 'rls_violation', 'row-level security denied', '{"ip":"203.0.113.9"}'::jsonb from generate_series(1, 3)`,
  );
  await pool.end();
  dir = mkdtempSync(join(tmpdir(), 'roman-prefs-live-'));
  const settings = new Settings(new JsonFileBackend(join(dir, 'settings.json')), new NoSecretVault('test'));
  core = await createCore({ dataDir: join(dir, 'data'), settings, workspace: 'none' });
  const u = new URL(db.url);
  await dispatch('settings.saveProfile', {
    profile: { id: 'local', name: 'Local', environment: 'development', kind: 'url', url: `postgres://${u.username}@${u.host}/${db.name}`, tls: { mode: 'prefer' }, hasPassword: false },
  });
  await dispatch('workspace.open', { profileId: 'local' });
});

afterAll(async () => {
  try {
    await core?.close();
  } finally {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('preferences apply to the open workspace at once', () => {
  it('the AI budget set in Settings drives api_quota without reopening', async () => {
    await expect.poll(async () => (await dispatch<AlertsListOutput>('alerts.list', {})).evaluatedAt, { timeout: 30_000 }).not.toBeNull();
    expect(await firing('api_quota')).toBe(false);
    await dispatch('settings.setPreferences', { patch: { monthlyAiBudgetUsd: 110 } });
    await expect.poll(() => firing('api_quota'), { timeout: 20_000 }).toBe(true);
    await dispatch('settings.setPreferences', { patch: { monthlyAiBudgetUsd: 500 } });
    await expect.poll(async () => (await dispatch<AlertsListOutput>('alerts.list', {})).firing.some((a) => a.rule === 'api_quota'), { timeout: 20_000 }).toBe(false);
  });

  it('an alert-rule threshold from Settings changes what fires; a per-profile value wins over the global one', async () => {
    expect(await firing('security_breach')).toBe(false);
    const evaluatedAt = async () => (await dispatch<AlertsListOutput>('alerts.list', {})).evaluatedAt;
    const before = await evaluatedAt();
    await dispatch('settings.setPreferences', { patch: { thresholds: { rlsViolationsPerIpPerMinute: 3 }, connectionThresholds: { local: { rlsViolationsPerIpPerMinute: 50 } } } });
    await expect.poll(evaluatedAt, { timeout: 20_000 }).not.toBe(before);
    expect(await firing('security_breach')).toBe(false); // 3 violations, this profile's limit is 50
    await dispatch('settings.setPreferences', { patch: { connectionThresholds: {} } });
    await expect.poll(() => firing('security_breach'), { timeout: 20_000 }).toBe(true); // the global 3 applies
    const list = await dispatch<AlertsListOutput>('alerts.list', {});
    expect(list.firing.concat(list.pending).find((a) => a.rule === 'security_breach')?.summary).toContain('(threshold 3)');
  });

  it('an invalid threshold is refused and changes nothing', async () => {
    const r = (await core.registry.dispatch('settings.setPreferences', { patch: { thresholds: { errorRateWarning: 0.5, errorRateCritical: 0.1 } } }, core.context({ channel: 'ui', requestedBy: 'alice' }))) as Result<unknown>;
    expect(r.ok).toBe(false);
    const view = await dispatch<{ preferences: { thresholds: Record<string, number> } }>('settings.get', {});
    expect(view.preferences.thresholds).toEqual({ rlsViolationsPerIpPerMinute: 3 });
  });

  it('saving the active profile reopens the workspace with what was saved', async () => {
    const before = await dispatch<WorkspaceStatus>('workspace.status', {});
    expect(before.name).toBe('Local');
    const u = new URL(db.url);
    await dispatch('settings.saveProfile', {
      profile: { id: 'local', name: 'Local (renamed)', environment: 'staging', kind: 'url', url: `postgres://${u.username}@${u.host}/${db.name}`, tls: { mode: 'disable' }, hasPassword: false },
    });
    const after = await dispatch<WorkspaceStatus>('workspace.status', {});
    expect(after.name).toBe('Local (renamed)');
    expect(after.environment).toBe('staging');
    expect(after.tls?.mode).toBe('disable');
  });
});
