/**
 * Silences and acknowledgements outlive an app restart: an engine built on the same cache file (a
 * restarted app, a reopened workspace) restores them. Real SQLite files, ManualClock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertEngine, type EngineRule, type RouteTiming } from '../../../src/main/core/alerts/engine';
import type { RuleSample } from '../../../src/main/core/alerts/rule';
import { ManualClock } from '../../../src/main/core/clock';
import { CacheAlertStateStore } from '../../../src/main/core/store/alert-state';
import { Cache } from '../../../src/main/core/store/cache';
import { alertFingerprint } from '../../../src/shared/alerts';

const MIN = 60_000;
const HOUR = 60 * MIN;

const rule = (name: string, extra: Partial<EngineRule> = {}): EngineRule => ({
  name,
  title: name,
  severity: 'critical',
  trigger: 't',
  action: 'a',
  forMs: 0,
  keepFiringForMs: 0,
  historyJudged: false,
  ...extra,
});
const timing: Record<'critical' | 'warning', RouteTiming> = {
  critical: { groupWaitMs: 0, groupIntervalMs: MIN, repeatIntervalMs: 4 * HOUR },
  warning: { groupWaitMs: 0, groupIntervalMs: MIN, repeatIntervalMs: 4 * HOUR },
};
const RULES = [rule('noisy'), rule('db_errors', { forMs: 5 * MIN, historyJudged: true }), rule('slow', { forMs: 5 * MIN })];
const on = (labels: Record<string, string> = {}, extra: Partial<RuleSample> = {}): RuleSample => ({ labels, active: true, value: 1, summary: 'bad', ...extra });
const off: RuleSample = { labels: {}, active: false, value: 0, summary: 'fine' };

const dirs: string[] = [];
const caches: Cache[] = [];
afterEach(() => {
  for (const c of caches.splice(0)) if (c.isOpen) c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** One "run" of the app: the cache file opened and an engine built on it. */
function startApp(path: string, clock: ManualClock, errors: unknown[] = []) {
  const cache = Cache.open(path, { clock });
  caches.push(cache);
  const engine = new AlertEngine({ clock, rules: RULES, timing, stateStore: new CacheAlertStateStore(cache), onStateStoreError: (e) => errors.push(e) });
  return { cache, engine, stop: () => cache.close() };
}

function setup(now = '2026-03-10T12:00:00Z') {
  const dir = mkdtempSync(join(tmpdir(), 'roman-alert-state-'));
  dirs.push(dir);
  return { path: join(dir, 'cache.sqlite'), clock: new ManualClock(now) };
}

describe('silences across a restart', () => {
  it('a silence keeps muting the matching alert after a restart until it ends, then the alert notifies', () => {
    const { path, clock } = setup();
    const first = startApp(path, clock);
    const silence = first.engine.addSilence({
      matchers: [{ name: 'rule', value: 'noisy', isRegex: false, isEqual: true }],
      durationMs: 4 * HOUR,
      comment: 'flapping, vendor ticket 42',
      createdBy: 'alice',
    });
    first.stop();

    clock.advance(10 * MIN);
    const second = startApp(path, clock);
    expect(second.engine.silences()).toEqual([silence]);
    second.engine.ingest('noisy', [on()]);
    expect(second.engine.alertsNow()[0]!.silencedBy).toEqual([silence.id]);
    expect(second.engine.flush()).toEqual([]);

    clock.set(new Date(new Date(silence.endsAt).getTime() + 1));
    second.engine.ingest('noisy', [on()]);
    expect(second.engine.alertsNow()[0]!.silencedBy).toEqual([]);
    expect(second.engine.flush().map((n) => [n.status, n.firing.map((a) => a.rule)])).toEqual([['firing', ['noisy']]]);
    expect(second.engine.silences()).toEqual([]);
  });

  it('an unsilenced silence stays expired after a restart', () => {
    const { path, clock } = setup();
    const first = startApp(path, clock);
    const silence = first.engine.addSilence({
      matchers: [{ name: 'rule', value: 'noisy', isRegex: false, isEqual: true }],
      durationMs: 4 * HOUR,
      comment: 'maintenance',
      createdBy: 'alice',
    });
    clock.advance(5 * MIN);
    expect(first.engine.expireSilence(silence.id)).toBe(true);
    first.stop();

    clock.advance(MIN);
    const second = startApp(path, clock);
    expect(second.engine.silences()).toEqual([]);
    second.engine.ingest('noisy', [on()]);
    expect(second.engine.alertsNow()[0]!.silencedBy).toEqual([]);
    expect(second.engine.flush()).toHaveLength(1);
    // and a second restart still does not bring it back
    second.stop();
    const third = startApp(path, clock);
    expect(third.engine.silences()).toEqual([]);
    expect(third.engine.expireSilence(silence.id)).toBe(true);
  });

  it('silences that ended more than a day ago are forgotten, in memory and in the cache', () => {
    const { path, clock } = setup();
    const first = startApp(path, clock);
    first.engine.addSilence({ matchers: [{ name: 'rule', value: 'noisy', isRegex: false, isEqual: true }], durationMs: HOUR, comment: '', createdBy: 'bob' });
    first.stop();
    clock.advance(26 * HOUR);
    const second = startApp(path, clock);
    expect(second.engine.expireSilence('anything')).toBe(false);
    expect(second.cache.db.prepare('SELECT count(*) AS n FROM alert_silences').get()).toEqual({ n: 0 });
  });

  it('a silence that cannot be stored is refused and not applied', () => {
    const { path, clock } = setup();
    const app = startApp(path, clock);
    app.stop(); // the cache is gone (workspace closed) while the engine is still referenced
    expect(() =>
      app.engine.addSilence({ matchers: [{ name: 'rule', value: 'noisy', isRegex: false, isEqual: true }], durationMs: HOUR, comment: '', createdBy: 'bob' }),
    ).toThrow();
    expect(app.engine.silences()).toEqual([]);
  });
});

describe('acknowledgements across a restart', () => {
  it('stay on the same incident after a restart and do not carry over to the next incident', () => {
    const { path, clock } = setup();
    const since = new Date(clock.now().getTime() - 10 * MIN);
    const fp = alertFingerprint('db_errors', {});
    const first = startApp(path, clock);
    first.engine.ingest('db_errors', [on({}, { activeSince: since })]);
    const firing = first.engine.get(fp)!;
    expect(firing.state).toBe('firing');
    first.engine.acknowledge(fp, 'alice');
    first.stop();

    clock.advance(30 * MIN);
    const second = startApp(path, clock);
    second.engine.ingest('db_errors', [on({}, { activeSince: since })]);
    expect(second.engine.get(fp)).toMatchObject({ state: 'firing', startsAt: firing.startsAt, acknowledged: { by: 'alice', at: '2026-03-10T12:00:00.000Z' } });

    // the incident ends, and the same alert fires again later: a new incident, not acknowledged
    clock.advance(MIN);
    second.engine.ingest('db_errors', [off]);
    clock.advance(20 * MIN);
    const again = new Date(clock.now().getTime() - 6 * MIN);
    second.engine.ingest('db_errors', [on({}, { activeSince: again })]);
    expect(second.engine.get(fp)).toMatchObject({ state: 'firing', acknowledged: null });
    second.stop();

    const third = startApp(path, clock);
    third.engine.ingest('db_errors', [on({}, { activeSince: again })]);
    expect(third.engine.get(fp)).toMatchObject({ state: 'firing', acknowledged: null });
  });

  it('an incident restored from the event history keeps its acknowledgement; one with another start does not', () => {
    const { path, clock } = setup();
    const fp = alertFingerprint('noisy', { host: 'a' });
    const first = startApp(path, clock);
    first.engine.ingest('noisy', [on({ host: 'a' })]);
    const startsAt = new Date(first.engine.get(fp)!.startsAt!);
    first.engine.acknowledge(fp, 'alice');
    expect(first.engine.flush()).toHaveLength(1);
    first.stop();

    clock.advance(HOUR);
    const entry = { rule: 'noisy', labels: { host: 'a' }, activeAt: startsAt, startsAt, value: 1, summary: 'bad', notifiedAt: startsAt };
    const second = startApp(path, clock);
    expect(second.engine.restore([entry])).toBe(1);
    expect(second.engine.get(fp)!.acknowledged).toEqual({ by: 'alice', at: '2026-03-10T12:00:00.000Z' });
    // acknowledged: no repeat notification once repeat_interval passes
    clock.advance(4 * HOUR);
    second.engine.ingest('noisy', [on({ host: 'a' })]);
    expect(second.engine.flush()).toEqual([]);
    second.stop();

    const otherStart = new Date(startsAt.getTime() + 2 * HOUR);
    const third = startApp(path, clock);
    third.engine.restore([{ ...entry, activeAt: otherStart, startsAt: otherStart }]);
    expect(third.engine.get(fp)!.acknowledged).toBeNull();
    expect(third.cache.db.prepare('SELECT count(*) AS n FROM alert_acks').get()).toEqual({ n: 0 });
  });

  it('an alert acknowledged while pending stays acknowledged once it fires, also after a restart', () => {
    const { path, clock } = setup();
    const fp = alertFingerprint('slow', {});
    const first = startApp(path, clock);
    first.engine.ingest('slow', [on()]);
    expect(first.engine.get(fp)!.state).toBe('pending');
    first.engine.acknowledge(fp, 'bob');
    clock.advance(5 * MIN);
    first.engine.ingest('slow', [on()]);
    const fired = first.engine.get(fp)!;
    expect(fired).toMatchObject({ state: 'firing', acknowledged: { by: 'bob' } });
    first.stop();

    const startsAt = new Date(fired.startsAt!);
    const second = startApp(path, clock);
    second.engine.restore([{ rule: 'slow', labels: {}, activeAt: startsAt, startsAt, value: 1, summary: 'bad', notifiedAt: startsAt }]);
    expect(second.engine.get(fp)!.acknowledged).toMatchObject({ by: 'bob' });
  });

  it('an acknowledgement that cannot be stored is refused and not applied', () => {
    const { path, clock } = setup();
    const app = startApp(path, clock);
    app.engine.ingest('noisy', [on()]);
    const fp = alertFingerprint('noisy', {});
    app.stop();
    expect(() => app.engine.acknowledge(fp, 'alice')).toThrow();
    expect(app.engine.get(fp)!.acknowledged).toBeNull();
  });

  it('a cache that cannot be read starts with no silences or acknowledgements and reports why', () => {
    const { path, clock } = setup();
    const cache = Cache.open(path, { clock });
    cache.close();
    const errors: unknown[] = [];
    const engine = new AlertEngine({ clock, rules: RULES, timing, stateStore: new CacheAlertStateStore(cache), onStateStoreError: (e) => errors.push(e) });
    expect(engine.silences()).toEqual([]);
    expect(errors).toHaveLength(1);
  });
});
