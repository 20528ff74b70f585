/**
 * The record: a decision made in the UI with no workspace open is not recorded nowhere — it lands
 * in the hash-chained trail of the data folder's default cache, verifiable like any other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { ManualClock } from '../../../src/main/core/clock';
import { Cache } from '../../../src/main/core/store/cache';

let core: Core | null = null;
let dir = '';
afterEach(async () => {
  await core?.close();
  core = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('decisions with no workspace open', () => {
  it('actions.request and constitution.evaluate from the UI land in the local hash-chained trail', async () => {
    dir = mkdtempSync(join(tmpdir(), 'roman-trail-'));
    core = await createCore({ dataDir: dir, workspace: 'none', clock: new ManualClock('2026-11-28T10:00:00Z') });
    const ui = core.context({ channel: 'ui', requestedBy: 'alice' });
    const req = await core.registry.dispatch('actions.request', { text: 'delete production database', systemEntropy: 0.042 }, ui);
    expect(req.ok).toBe(true);
    const ev = await core.registry.dispatch(
      'constitution.evaluate',
      { action: { method_type: 'gradual', entropy_increase: 0.001, risk_to_life: 0, description: 'Deploy to staging' }, systemEntropy: 0.05 },
      ui,
    );
    expect(ev.ok).toBe(true);
    const ids = [req, ev].map((r) => (r.ok ? ((r.value as { decision?: { decision_id: string }; decision_id?: string }).decision?.decision_id ?? (r.value as { decision_id: string }).decision_id) : ''));
    await core.close();
    core = null;
    const cache = Cache.open(join(dir, 'cache', 'default.sqlite'), { create: false });
    try {
      const keys = (cache.db.prepare('SELECT entry_key FROM audit_chain ORDER BY seq').all() as { entry_key: string }[]).map((r) => r.entry_key);
      expect(keys).toEqual(ids.map((id) => `decision:${id}`));
      expect(cache.verifyAuditChain()).toMatchObject({ valid: true, entries: 2 });
      expect(cache.outbox.pendingCount()).toBe(0);
    } finally {
      cache.close();
    }
  });
});
