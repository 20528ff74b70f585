import { afterEach, describe, expect, it } from 'vitest';
import { HandlerRegistry } from '../../../src/main/core/api/registry';
import { forwardStoreChanges, registerStoreHandlers } from '../../../src/main/core/api/store';
import type { CoreContext } from '../../../src/main/core/context';
import type { PushEvents } from '../../../src/shared/api';
import { logRow, openTempCacheClient, type TempCacheClient } from './helpers';

// Through the cache worker, as the app runs it: every handler's call crosses the thread boundary.
let t: TempCacheClient | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

async function setup() {
  t = await openTempCacheClient();
  const registry = new HandlerRegistry();
  const cache = t.cache;
  registerStoreHandlers(registry, { cache: () => cache });
  const events: { event: string; payload: unknown }[] = [];
  const ctx: CoreContext = {
    clock: t.clock,
    caller: { channel: 'ui', requestedBy: 'tester' },
    emit: <E extends keyof PushEvents>(event: E, payload: PushEvents[E]) => void events.push({ event, payload }),
    services: {},
  };
  return { registry, ctx, cache, events };
}

describe('store API', () => {
  it('searches with filters and pages with the returned cursor', async () => {
    const { registry, ctx, cache } = await setup();
    await cache.insertRecords(Array.from({ length: 30 }, (_, i) => logRow(i, { severity: i % 2 ? 'error' : 'info' })));
    const first = await registry.dispatch('store.search', { severity: ['error'], limit: 10 }, ctx);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const page = first.value as { rows: { remoteId: string }[]; nextCursor: string };
    expect(page.rows).toHaveLength(10);
    const second = await registry.dispatch('store.search', { severity: ['error'], limit: 10, cursor: page.nextCursor }, ctx);
    expect(second.ok && (second.value as { rows: unknown[]; nextCursor: string | null }).rows).toHaveLength(5);
  });

  it('returns invalid_input for bad filters and cursors, not_found for unknown records', async () => {
    const { registry, ctx } = await setup();
    expect(await registry.dispatch('store.search', { severity: ['fatal'] }, ctx)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await registry.dispatch('store.search', { since: 'someday' }, ctx)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/invalid time "someday"/) },
    });
    expect(await registry.dispatch('store.search', { cursor: 'garbage' }, ctx)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await registry.dispatch('store.search', { text: 'x', extra: 1 }, ctx)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await registry.dispatch('store.record', { id: 12345 }, ctx)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('returns a full record with its metadata', async () => {
    const { registry, ctx, cache } = await setup();
    const { ids } = await cache.insertRecords([logRow(1, { metadata: { ip: '10.1.2.3', status: 502 } })]);
    const r = await registry.dispatch('store.record', { id: ids[0] }, ctx);
    expect(r).toMatchObject({ ok: true, value: { id: ids[0], metadata: { ip: '10.1.2.3', status: 502 } } });
  });

  it('exports bounded text, verifies the audit chain and reports status', async () => {
    const { registry, ctx, cache } = await setup();
    await cache.insertRecords(Array.from({ length: 5 }, (_, i) => logRow(i)));
    await cache.appendAudit({ kind: 'action', message: 'VACUUM ANALYZE' });
    await cache.setSyncCursor('public.system_logs', '5');
    const exp = await registry.dispatch('store.export', { format: 'jsonl', kind: 'log', maxRows: 3 }, ctx);
    expect(exp).toMatchObject({ ok: true, value: { format: 'jsonl', rows: 3, truncated: true } });
    if (exp.ok) expect((exp.value as { text: string }).text.trimEnd().split('\n')).toHaveLength(3);
    expect(await registry.dispatch('store.verifyAudit', {}, ctx)).toMatchObject({ ok: true, value: { valid: true, entries: 1 } });
    expect(await registry.dispatch('store.count', { kind: 'log' }, ctx)).toEqual({ ok: true, value: { total: 5 } });
    expect(await registry.dispatch('store.count', { text: 'request OR vacuum -"request 2"' }, ctx)).toEqual({ ok: true, value: { total: 5 } });
    expect(await registry.dispatch('store.count', { text: 'request OR' }, ctx)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/OR needs a word on each side/) },
    });
    expect(await registry.dispatch('store.status', {}, ctx)).toMatchObject({
      ok: true,
      value: { rows: 6, lastSyncedAt: '2026-03-01T12:00:00.000Z', auditEntries: 1 },
    });
  });

  it('reports an unavailable cache as unavailable', async () => {
    const registry = new HandlerRegistry();
    registerStoreHandlers(registry, {
      cache: () => {
        throw new Error('cache file is locked');
      },
    });
    t = await openTempCacheClient();
    const ctx: CoreContext = { clock: t.clock, caller: { channel: 'ui', requestedBy: 'x' }, emit: () => undefined, services: {} };
    expect(await registry.dispatch('store.status', {}, ctx)).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringMatching(/cache file is locked/) },
    });
  });

  it("pushes 'store.changed' with the kinds that were added", async () => {
    const { cache, events, ctx } = await setup();
    const stop = forwardStoreChanges(cache, ctx.emit);
    await cache.insertRecords([logRow(1)]);
    await cache.appendAudit({ kind: 'decision', message: 'Action approved: deploy to staging' });
    stop();
    await cache.insertRecords([logRow(2)]);
    expect(events).toEqual([
      { event: 'store.changed', payload: { kinds: ['log'] } },
      { event: 'store.changed', payload: { kinds: ['decision'] } },
    ]);
  });
});
