/**
 * The alerts API through the real handler registry (validation + error conversion), backed by an
 * alert service evaluating a real database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandlerRegistry } from '../../../src/main/core/api/registry';
import { registerAlertsHandlers } from '../../../src/main/core/api/alerts';
import { AlertService } from '../../../src/main/core/alerts/service';
import { ManualClock } from '../../../src/main/core/clock';
import type { CoreContext } from '../../../src/main/core/context';
import { inAppNotifier } from '../../../src/main/core/notify/in-app';
import { NotifierRegistry } from '../../../src/main/core/notify/notifier';
import type { AlertsChangedEvent, AlertsListOutput } from '../../../src/shared/api/alerts';
import type { AlertInstance, Silence } from '../../../src/shared/alerts';
import { insertLogs, openAlertsTestDb, secondsBefore, type AlertsTestDb } from './support';

const AT = new Date('2026-03-10T12:00:00Z');
let t: AlertsTestDb;
const clock = new ManualClock(AT);
const events: AlertsChangedEvent[] = [];
let service: AlertService;
const registry = new HandlerRegistry();
const ctx: CoreContext = {
  clock,
  caller: { channel: 'ui', requestedBy: 'alice' },
  emit: (name, payload) => {
    if (name === 'alerts.changed') events.push(payload as AlertsChangedEvent);
  },
  services: {},
};

beforeAll(async () => {
  t = await openAlertsTestDb();
  const notifiers = new NotifierRegistry(clock);
  notifiers.register('in-app', inAppNotifier((e) => ctx.emit('alerts.changed', e)), null);
  service = new AlertService({ db: t.pool, clock, notifiers, emit: (e) => ctx.emit('alerts.changed', e) });
  registerAlertsHandlers(registry, { alerts: () => service });
  await insertLogs(t.pool, [
    ...Array.from({ length: 10 }, (_, i) => ({ at: secondsBefore(AT, 5 + i), severity: 'error' as const })),
    ...Array.from({ length: 6 }, (_, i) => ({ at: secondsBefore(AT, 5 + i), source: 'rls_violation', metadata: { ip: '203.0.113.7' } })),
  ]);
  await service.evaluate();
  await service.drain();
});
afterAll(async () => {
  await t?.close();
});

async function call<T>(name: string, input: unknown): Promise<T> {
  const r = await registry.dispatch(name, input, ctx);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}
const failure = async (name: string, input: unknown) => {
  const r = await registry.dispatch(name, input, ctx);
  return r.ok ? null : r.error;
};

describe('alerts API', () => {
  it('alerts.list shows firing alerts, history and notifier status', async () => {
    const list = await call<AlertsListOutput>('alerts.list', {});
    expect(list.firing.map((a) => a.rule).sort()).toEqual(['security_breach', 'system_down']);
    expect(list.history.map((h) => h.to)).toContain('firing');
    expect(list.notifiers).toEqual([expect.objectContaining({ name: 'in-app', kind: 'in-app', health: 'ok' })]);
    expect(list.evaluatedAt).toBe(AT.toISOString());
    expect(events.some((e) => e.reason === 'notification' && e.notification?.status === 'firing')).toBe(true);
    expect(events.some((e) => e.reason === 'transition')).toBe(true);
  });

  it('alerts.acknowledge marks the alert acknowledged by the caller', async () => {
    const list = await call<AlertsListOutput>('alerts.list', {});
    const fp = list.firing.find((a) => a.rule === 'system_down')!.fingerprint;
    const acked = await call<AlertInstance>('alerts.acknowledge', { fingerprint: fp });
    expect(acked.acknowledged).toEqual({ by: 'alice', at: AT.toISOString() });
    expect(await failure('alerts.acknowledge', { fingerprint: 'ffffffffffffffff' })).toMatchObject({ code: 'not_found' });
    expect(await failure('alerts.acknowledge', { fingerprint: 'nope' })).toMatchObject({ code: 'invalid_input' });
  });

  it('alerts.silence mutes matching alerts; alerts.unsilence ends it', async () => {
    const silence = await call<Silence>('alerts.silence', {
      matchers: [{ name: 'ip', value: '203\\.0\\.113\\..*', isRegex: true }],
      durationMinutes: 60,
      comment: 'known scanner',
    });
    expect(silence).toMatchObject({ createdBy: 'alice', comment: 'known scanner' });
    let list = await call<AlertsListOutput>('alerts.list', {});
    expect(list.silenced.find((a) => a.rule === 'security_breach')!.silencedBy).toEqual([silence.id]);
    expect(list.firing.map((a) => a.rule)).toEqual(['system_down']);
    expect(list.silences.map((s) => s.id)).toEqual([silence.id]);
    await call('alerts.unsilence', { id: silence.id });
    list = await call<AlertsListOutput>('alerts.list', {});
    expect(list.silenced.filter((a) => a.silencedBy.length > 0)).toEqual([]);
    expect(list.firing.map((a) => a.rule).sort()).toEqual(['security_breach', 'system_down']);
    expect(await failure('alerts.unsilence', { id: 'sil-unknown' })).toMatchObject({ code: 'not_found' });
  });

  it('refuses bad silences with a clear error and changes nothing', async () => {
    const before = (await call<AlertsListOutput>('alerts.list', {})).silences.length;
    expect(await failure('alerts.silence', { matchers: [], durationMinutes: 10, comment: 'x' })).toMatchObject({ code: 'invalid_input' });
    expect(await failure('alerts.silence', { matchers: [{ name: 'rule', value: 'x' }], durationMinutes: 0, comment: 'x' })).toMatchObject({
      code: 'invalid_input',
    });
    expect(await failure('alerts.silence', { matchers: [{ name: 'ip', value: '([', isRegex: true }], durationMinutes: 5, comment: 'x' })).toMatchObject({
      code: 'invalid_input',
    });
    expect((await call<AlertsListOutput>('alerts.list', {})).silences.length).toBe(before);
  });

  it('notifiers.test sends through the named notifier, and 404s an unknown one', async () => {
    const before = events.length;
    expect(await call('notifiers.test', { name: 'in-app' })).toEqual({ name: 'in-app', sent: true });
    expect(events.slice(before).some((e) => e.notification?.groupKey === 'test')).toBe(true);
    expect(await failure('notifiers.test', { name: 'pager' })).toMatchObject({ code: 'not_found' });
  });

  it('answers unavailable while no database is monitored', async () => {
    const empty = new HandlerRegistry();
    registerAlertsHandlers(empty, { alerts: () => null });
    const r = await empty.dispatch('alerts.list', {}, ctx);
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('wrote each firing transition to ops.roman_events once, keyed by fingerprint + state + startsAt', async () => {
    const { rows } = await t.pool.query<{ idempotency_key: string; severity: string; message: string }>(
      `SELECT idempotency_key, severity, message FROM ops.roman_events
        WHERE event_type = 'alert' AND metadata->>'to' = 'firing' ORDER BY message`,
    );
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.severity)).toEqual(['critical', 'critical']);
    expect(rows.find((r) => r.message.startsWith('🚨 System Down firing'))).toBeDefined();
    expect(rows[0]!.idempotency_key).toMatch(/^alert:[0-9a-f]{16}:firing:2026-03-10T12:00:00.000Z$/);
  });
});
