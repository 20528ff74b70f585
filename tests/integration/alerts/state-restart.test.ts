/**
 * An app restart end to end: an admin silences and acknowledges through the alerts API of a service
 * evaluating a real database; a new service on the same cache file (restored from ops.roman_events
 * as the scheduler does at start) still shows both, for as long as they apply.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAlertsHandlers } from '../../../src/main/core/api/alerts';
import { HandlerRegistry } from '../../../src/main/core/api/registry';
import { AlertService } from '../../../src/main/core/alerts/service';
import { ManualClock } from '../../../src/main/core/clock';
import type { CoreContext } from '../../../src/main/core/context';
import { NotifierRegistry } from '../../../src/main/core/notify/notifier';
import { CacheAlertStateStore } from '../../../src/main/core/store/alert-state';
import { Cache } from '../../../src/main/core/store/cache';
import type { AlertsListOutput } from '../../../src/shared/api/alerts';
import type { AlertInstance, Silence } from '../../../src/shared/alerts';
import { insertLogs, openAlertsTestDb, secondsBefore, type AlertsTestDb } from './support';

const AT = new Date('2026-03-10T12:00:00Z');
const clock = new ManualClock(AT);
let t: AlertsTestDb;
let dir: string;
const ctx: CoreContext = { clock, caller: { channel: 'ui', requestedBy: 'alice' }, emit: () => {}, services: {} };

beforeAll(async () => {
  t = await openAlertsTestDb();
  dir = mkdtempSync(join(tmpdir(), 'roman-alert-restart-'));
});
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** One run of the app on the watched database: cache, service (restored like the scheduler does), API. */
async function startApp(file = 'cache.sqlite') {
  const cache = Cache.open(join(dir, file), { clock });
  const errors: Error[] = [];
  const service = new AlertService({
    db: t.pool,
    clock,
    notifiers: new NotifierRegistry(clock),
    stateStore: new CacheAlertStateStore(cache),
    onError: (e) => errors.push(e),
  });
  await service.restoreFromEvents();
  const registry = new HandlerRegistry();
  registerAlertsHandlers(registry, { alerts: () => service });
  const call = async <T>(name: string, input: unknown): Promise<T> => {
    const r = await registry.dispatch(name, input, ctx);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value as T;
  };
  const stop = async () => {
    await service.drain();
    cache.close();
  };
  return { service, call, stop, errors };
}

const errorBurst = (at: Date) => Array.from({ length: 10 }, (_, i) => ({ at: secondsBefore(at, 5 + i), severity: 'error' as const }));

describe('alert silences and acknowledgements across an app restart', () => {
  it('keeps the silence until it ends and the acknowledgement for the same incident only', async () => {
    await insertLogs(t.pool, [
      ...errorBurst(AT),
      ...Array.from({ length: 6 }, (_, i) => ({ at: secondsBefore(AT, 5 + i), source: 'rls_violation', metadata: { ip: '203.0.113.7' } })),
    ]);
    const first = await startApp();
    await first.service.evaluate();
    let list = await first.call<AlertsListOutput>('alerts.list', {});
    const down = list.firing.find((a) => a.rule === 'system_down')!;
    await first.call<AlertInstance>('alerts.acknowledge', { fingerprint: down.fingerprint });
    const silence = await first.call<Silence>('alerts.silence', {
      matchers: [{ name: 'rule', value: 'security_breach' }],
      durationMinutes: 30,
      comment: 'pen test in progress',
    });
    await first.stop();

    // restart 20 s later: both incidents are still going on
    clock.set(new Date(AT.getTime() + 20_000));
    const second = await startApp();
    await second.service.evaluate();
    list = await second.call<AlertsListOutput>('alerts.list', {});
    expect(list.silences).toEqual([silence]);
    expect(list.silenced.filter((a) => a.silencedBy.length > 0).map((a) => [a.rule, a.silencedBy])).toEqual([['security_breach', [silence.id]]]);
    expect(list.firing.map((a) => [a.rule, a.startsAt, a.acknowledged])).toEqual([
      ['system_down', AT.toISOString(), { by: 'alice', at: AT.toISOString() }],
    ]);

    // system_down resolves; a new burst 5 minutes later is a new incident, not acknowledged
    clock.set(new Date(AT.getTime() + 3 * 60_000));
    await second.service.evaluate();
    const later = new Date(AT.getTime() + 5 * 60_000);
    await insertLogs(t.pool, errorBurst(later));
    clock.set(later);
    await second.service.evaluate();
    list = await second.call<AlertsListOutput>('alerts.list', {});
    expect(list.firing.map((a) => [a.rule, a.startsAt, a.acknowledged])).toEqual([['system_down', later.toISOString(), null]]);
    await second.stop();

    // restart once more after the silence ended: nothing is silenced, nothing acknowledged
    clock.set(new Date(AT.getTime() + 31 * 60_000));
    const third = await startApp();
    list = await third.call<AlertsListOutput>('alerts.list', {});
    expect(list.silences).toEqual([]);
    expect(list.firing.map((a) => [a.rule, a.acknowledged])).toEqual([['system_down', null]]);
    await third.stop();
    expect([...first.errors, ...second.errors, ...third.errors]).toEqual([]);
  });

  it('an unsilenced silence stays expired after a restart', async () => {
    const first = await startApp('unsilenced.sqlite');
    const silence = await first.call<Silence>('alerts.silence', { matchers: [{ name: 'rule', value: 'system_down' }], durationMinutes: 240, comment: 'noisy' });
    expect((await first.call<AlertsListOutput>('alerts.list', {})).silences.map((s) => s.id)).toEqual([silence.id]);
    await first.call('alerts.unsilence', { id: silence.id });
    await first.stop();

    clock.advance(60_000);
    const second = await startApp('unsilenced.sqlite');
    expect((await second.call<AlertsListOutput>('alerts.list', {})).silences).toEqual([]);
    await second.stop();
  });
});
