/**
 * The alert engine on a ManualClock: Prometheus states and durations, Alertmanager grouping and
 * repeats, inhibition, silences, acknowledgement, history.
 */
import { describe, expect, it } from 'vitest';
import { AlertEngine, type EngineRule, type RouteTiming } from '../../../src/main/core/alerts/engine';
import type { RuleSample } from '../../../src/main/core/alerts/rule';
import { ManualClock } from '../../../src/main/core/clock';
import { alertFingerprint, type AlertTransition } from '../../../src/shared/alerts';

const SEC = 1000;
const MIN = 60 * SEC;

const rule = (name: string, extra: Partial<EngineRule> = {}): EngineRule => ({
  name,
  title: name.replace(/_/g, ' '),
  severity: 'critical',
  trigger: 't',
  action: 'a',
  forMs: 0,
  keepFiringForMs: 0,
  historyJudged: false,
  ...extra,
});

const timing: Record<'critical' | 'warning', RouteTiming> = {
  critical: { groupWaitMs: 0, groupIntervalMs: 1 * MIN, repeatIntervalMs: 4 * 60 * MIN },
  warning: { groupWaitMs: 30 * SEC, groupIntervalMs: 5 * MIN, repeatIntervalMs: 4 * 60 * MIN },
};

const on = (labels: Record<string, string> = {}, extra: Partial<RuleSample> = {}): RuleSample => ({
  labels,
  active: true,
  value: 1,
  summary: 'bad',
  ...extra,
});
const off: RuleSample = { labels: {}, active: false, value: 0, summary: 'fine' };

function setup(rules: EngineRule[]) {
  const clock = new ManualClock('2026-03-10T12:00:00Z');
  const recorded: AlertTransition[] = [];
  const engine = new AlertEngine({ clock, rules, timing, sinks: [{ record: (tr) => void recorded.push(tr) }] });
  return { clock, engine, recorded };
}

describe('states (Prometheus semantics)', () => {
  it('goes pending, then firing once the condition held for `for`, then resolved', () => {
    const { clock, engine } = setup([rule('slow', { forMs: 5 * MIN, severity: 'warning' })]);
    expect(engine.ingest('slow', [on()]).map((t) => t.to)).toEqual(['pending']);
    clock.advance(4 * MIN);
    expect(engine.ingest('slow', [on()])).toEqual([]);
    expect(engine.alertsNow()[0]!.state).toBe('pending');
    clock.advance(1 * MIN);
    const fired = engine.ingest('slow', [on()]);
    expect(fired.map((t) => [t.from, t.to])).toEqual([['pending', 'firing']]);
    clock.advance(1 * MIN);
    expect(engine.ingest('slow', [off]).map((t) => [t.from, t.to])).toEqual([['firing', 'resolved']]);
    expect(engine.alertsNow()[0]).toMatchObject({ state: 'resolved', endsAt: clock.now().toISOString() });
  });

  it('drops a pending alert whose condition clears before `for` (never fires)', () => {
    const { clock, engine } = setup([rule('slow', { forMs: 5 * MIN })]);
    engine.ingest('slow', [on()]);
    clock.advance(2 * MIN);
    expect(engine.ingest('slow', [off]).map((t) => t.to)).toEqual(['inactive']);
    expect(engine.alertsNow()).toEqual([]);
    clock.advance(10 * MIN);
    expect(engine.flush()).toEqual([]);
  });

  it('fires at once when the stored history shows the condition held for the whole `for`', () => {
    const { clock, engine } = setup([rule('perf', { forMs: 5 * MIN, historyJudged: true })]);
    const since = new Date(clock.now().getTime() - 5 * MIN);
    const ts = engine.ingest('perf', [on({}, { activeSince: since })]);
    expect(ts.map((t) => [t.from, t.to])).toEqual([['inactive', 'firing']]);
    expect(ts[0]!.startsAt).toBe(clock.now().toISOString());
    expect(engine.alertsNow()[0]!.activeAt).toBe(since.toISOString());
  });

  it('identifies alerts by rule + label set, whatever the label order', () => {
    expect(alertFingerprint('r', { a: '1', b: '2' })).toBe(alertFingerprint('r', { b: '2', a: '1' }));
    expect(alertFingerprint('r', { ip: '1.1.1.1' })).not.toBe(alertFingerprint('r', { ip: '1.1.1.2' }));
    expect(alertFingerprint('r', {})).not.toBe(alertFingerprint('s', {}));
    const { engine } = setup([rule('breach')]);
    engine.ingest('breach', [on({ ip: '1.1.1.1' }), on({ ip: '2.2.2.2' })]);
    expect(engine.alertsNow().map((a) => a.labels.ip).sort()).toEqual(['1.1.1.1', '2.2.2.2']);
    // One IP calms down: only its alert resolves.
    const ts = engine.ingest('breach', [on({ ip: '2.2.2.2' })]);
    expect(ts).toEqual([expect.objectContaining({ to: 'resolved', labels: { ip: '1.1.1.1' } })]);
  });

  it('keeps its state when an evaluation fails', () => {
    const { clock, engine } = setup([rule('down')]);
    engine.ingest('down', [on()]);
    clock.advance(30 * SEC);
    engine.recordFailure('down', 'statement timeout');
    expect(engine.alertsNow()[0]!.state).toBe('firing');
    expect(engine.lastEvaluation('down')!.error).toBe('statement timeout');
  });
});

describe('notifications (Alertmanager grouping)', () => {
  it('a flapping condition produces exactly one notification and one resolve (keep_firing_for)', () => {
    const { clock, engine } = setup([rule('down', { keepFiringForMs: 2 * MIN })]);
    const sent = [];
    for (let i = 0; i < 20; i++) {
      engine.ingest('down', [i % 2 === 0 ? on() : off]);
      sent.push(...engine.flush());
      clock.advance(15 * SEC);
    }
    for (let i = 0; i < 12; i++) {
      engine.ingest('down', [off]);
      sent.push(...engine.flush());
      clock.advance(15 * SEC);
    }
    expect(sent.map((n) => [n.status, n.firing.length, n.resolved.length])).toEqual([
      ['firing', 1, 0],
      ['resolved', 0, 1],
    ]);
  });

  it('waits group_wait before the first warning notification and batches alerts of the group', () => {
    const { clock, engine } = setup([rule('breach', { severity: 'warning' })]);
    engine.ingest('breach', [on({ ip: 'a' })]);
    expect(engine.flush()).toEqual([]);
    clock.advance(10 * SEC);
    engine.ingest('breach', [on({ ip: 'a' }), on({ ip: 'b' })]);
    expect(engine.flush()).toEqual([]);
    clock.advance(20 * SEC);
    const [n, ...rest] = engine.flush();
    expect(rest).toEqual([]);
    expect(n!.firing.map((a) => a.labels.ip).sort()).toEqual(['a', 'b']);
  });

  it('re-sends an unchanged firing group after repeat_interval, but not when acknowledged', () => {
    const { clock, engine } = setup([rule('down')]);
    engine.ingest('down', [on()]);
    expect(engine.flush()).toHaveLength(1);
    clock.advance(4 * 60 * MIN);
    engine.ingest('down', [on()]);
    const repeats = engine.flush();
    expect(repeats).toEqual([expect.objectContaining({ repeat: true })]);
    engine.acknowledge(engine.alertsNow()[0]!.fingerprint, 'alice');
    clock.advance(4 * 60 * MIN);
    engine.ingest('down', [on()]);
    expect(engine.flush()).toEqual([]);
    expect(engine.alertsNow()[0]!.acknowledged).toMatchObject({ by: 'alice' });
  });

  it('does not notify the resolution of an alert it never notified', () => {
    const { clock, engine } = setup([rule('warn', { severity: 'warning' })]);
    engine.ingest('warn', [on()]);
    clock.advance(10 * SEC);
    engine.ingest('warn', [off]);
    clock.advance(60 * SEC);
    expect(engine.flush()).toEqual([]);
  });
});

describe('inhibition', () => {
  it('a firing system_down mutes error_rate_spike, which notifies once system_down resolves', () => {
    const { clock, engine } = setup([rule('system_down'), rule('error_rate_spike', { severity: 'warning' })]);
    engine.ingest('system_down', [on()]);
    engine.ingest('error_rate_spike', [on()]);
    const spike = engine.alertsNow().find((a) => a.rule === 'error_rate_spike')!;
    expect(spike.inhibitedBy).toEqual([alertFingerprint('system_down', {})]);
    clock.advance(1 * MIN);
    const first = engine.flush();
    expect(first.flatMap((n) => n.firing.map((a) => a.rule))).toEqual(['system_down']);
    engine.ingest('system_down', [off]);
    engine.ingest('error_rate_spike', [on()]);
    clock.advance(1 * MIN);
    const later = engine.flush();
    expect(later.flatMap((n) => n.resolved.map((a) => a.rule))).toEqual(['system_down']);
    // The spike's group starts now, unmuted: it is sent after the warning group_wait (30 s).
    expect(later.flatMap((n) => n.firing.map((a) => a.rule))).toEqual([]);
    clock.advance(30 * SEC);
    engine.ingest('error_rate_spike', [on()]);
    expect(engine.flush().flatMap((n) => n.firing.map((a) => a.rule))).toEqual(['error_rate_spike']);
  });
});

describe('silences', () => {
  it('mutes matching alerts until it expires, then the still-firing alert is notified', () => {
    const { clock, engine } = setup([rule('security_breach')]);
    const silence = engine.addSilence({
      matchers: [
        { name: 'rule', value: 'security_breach', isRegex: false, isEqual: true },
        { name: 'ip', value: '10\\..*', isRegex: true, isEqual: true },
      ],
      durationMs: 30 * MIN,
      comment: 'pen test',
      createdBy: 'alice',
    });
    engine.ingest('security_breach', [on({ ip: '10.0.0.9' }), on({ ip: '8.8.8.8' })]);
    const muted = engine.alertsNow().find((a) => a.labels.ip === '10.0.0.9')!;
    expect(muted.silencedBy).toEqual([silence.id]);
    expect(engine.flush().flatMap((n) => n.firing.map((a) => a.labels.ip))).toEqual(['8.8.8.8']);
    clock.advance(29 * MIN);
    engine.ingest('security_breach', [on({ ip: '10.0.0.9' }), on({ ip: '8.8.8.8' })]);
    expect(engine.flush()).toEqual([]);
    clock.advance(1 * MIN);
    engine.ingest('security_breach', [on({ ip: '10.0.0.9' }), on({ ip: '8.8.8.8' })]);
    expect(engine.silences()).toEqual([]);
    const after = engine.flush();
    expect(after.flatMap((n) => n.firing.map((a) => a.labels.ip)).sort()).toEqual(['10.0.0.9', '8.8.8.8']);
  });

  it('can be ended early', () => {
    const { engine } = setup([rule('down')]);
    const s = engine.addSilence({ matchers: [{ name: 'rule', value: 'down', isRegex: false, isEqual: true }], durationMs: MIN, comment: 'x', createdBy: 'a' });
    engine.ingest('down', [on()]);
    expect(engine.flush()).toEqual([]);
    expect(engine.expireSilence(s.id)).toBe(true);
    expect(engine.flush()).toHaveLength(1);
    expect(engine.expireSilence('nope')).toBe(false);
  });

  it('refuses a silence without matchers or duration', () => {
    const { engine } = setup([rule('down')]);
    expect(() => engine.addSilence({ matchers: [], durationMs: MIN, comment: '', createdBy: 'a' })).toThrow(/matcher/);
    expect(() =>
      engine.addSilence({ matchers: [{ name: 'rule', value: 'down', isRegex: false, isEqual: true }], durationMs: 0, comment: '', createdBy: 'a' }),
    ).toThrow(/duration/);
  });
});

describe('history', () => {
  it('writes every transition to the sinks and keeps it newest first', () => {
    const { clock, engine, recorded } = setup([rule('down')]);
    engine.ingest('down', [on()]);
    clock.advance(MIN);
    engine.ingest('down', [off]);
    expect(recorded.map((t) => t.to)).toEqual(['firing', 'resolved']);
    expect(engine.history().map((t) => t.to)).toEqual(['resolved', 'firing']);
    expect(recorded[1]!.startsAt).toBe(recorded[0]!.startsAt);
  });

  it('a throwing sink never breaks evaluation', () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    const engine = new AlertEngine({
      clock,
      rules: [rule('down')],
      sinks: [{ record: () => { throw new Error('disk full'); } }],
      onSinkError: (e) => errors.push(e),
    });
    expect(engine.ingest('down', [on()])).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });
});
