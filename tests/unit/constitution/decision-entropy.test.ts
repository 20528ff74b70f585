/** The decision entropy rules: worst window, hand value may only raise a live reading, critical alerts destabilise. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HandlerRegistry } from '../../../src/main/core/api/registry';
import { registerConstitutionHandlers } from '../../../src/main/core/api/constitution';
import { ManualClock } from '../../../src/main/core/clock';
import { chooseDecisionEntropy, worstWindow, type DecisionEntropy } from '../../../src/main/core/constitution/decision-entropy';
import { isActionCompliant, evaluateLaws } from '../../../src/main/core/constitution';
import type { EntropyReading } from '../../../src/shared/monitoring';
import type { ActionData, Decision } from '../../../src/shared/constitution';

function reading(minutes: number, entropy: number): EntropyReading {
  return {
    entropy,
    errorRate: entropy * 3,
    failureRate: 0,
    latencySpikes: 0,
    measuredAt: '2026-11-24T20:30:00.000Z',
    stable: entropy <= 0.1,
    window: { start: '2026-11-24T20:15:00.000Z', end: '2026-11-24T20:30:00.000Z', minutes },
    counts: { logs: 10, errorLogs: 1, requests: 0, failedRequests: 0, timedRequests: 0, slowRequests: 0 },
    notes: [],
    data: 'partial',
    noDataTerms: ['failureRate', 'latencySpikes'],
  };
}

function live(short: number, long: number, alerts: DecisionEntropy['criticalAlerts'] = []): DecisionEntropy {
  return { ...worstWindow([reading(5, short), reading(15, long)]), criticalAlerts: alerts };
}

const deploy: ActionData = { method_type: 'gradual', entropy_increase: 0.001, risk_to_life: 0, description: 'Deploy to production' };

describe('worst window', () => {
  it('is the max of the windows, so a burst in the short window is not averaged away', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (s, l) => {
        const w = worstWindow([reading(5, s), reading(15, l)]);
        expect(w.entropy).toBe(Math.max(s, l));
        expect(w.windows).toEqual([{ minutes: 5, entropy: s }, { minutes: 15, entropy: l }]);
      }),
    );
  });
});

describe('hand value next to a live reading', () => {
  it('property: the entropy used is never below the live reading, and both are recorded when a hand value is given', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (h, s, l) => {
        const c = chooseDecisionEntropy(h, live(s, l));
        expect(c.systemEntropy).toBe(Math.max(h, s, l));
        expect(c.meta.entropy_hand).toBe(h);
        expect(c.meta.entropy_live).toBe(Math.max(s, l));
        expect(c.meta.entropy_basis).toBeTruthy();
      }),
    );
  });

  it('without a live reading the hand value decides; a failed live reading is recorded', () => {
    expect(chooseDecisionEntropy(0.042, undefined)).toEqual({ systemEntropy: 0.042, meta: { entropy_source: 'manual' } });
    expect(chooseDecisionEntropy(0.042, undefined, 'connection refused').meta.entropy_basis).toMatch(/live reading failed: connection refused/);
  });
});

describe('Total Coherence and critical alerts', () => {
  const alert = { rule: 'system_down', title: 'System Down', summary: '12 errors in the last minute (threshold 10)', seen_by: 'rule' as const };

  it('property: with a critical alert firing, an entropy-increasing action is never approved, whatever the entropy', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true }), (e, inc) => {
        const r = evaluateLaws({ ...deploy, entropy_increase: inc }, e, { criticalAlerts: [alert] });
        expect(r.verdict).toBe('reject');
        expect(r.violations.find((v) => v.law === 'total_coherence')!.message).toMatch(/System Down/);
      }),
    );
  });

  it('a critical rule that could not be evaluated counts as unstable (stability unknown)', () => {
    const r = evaluateLaws(deploy, 0.01, { criticalAlerts: [{ ...alert, unknown: true, summary: 'relation "ops.roman_events" does not exist' }] });
    expect(r.verdict).toBe('reject');
    expect(r.laws[2].detail).toMatch(/stability unknown: System Down \(could not be evaluated/);
  });

  it('without alerts the law is the manual one', () => {
    expect(isActionCompliant(deploy, 0.05).verdict).toBe('approve');
  });
});

describe('IPC: a live reading always counts', () => {
  const ctx = { clock: new ManualClock('2026-11-24T20:30:00Z'), caller: { channel: 'ui' as const, requestedBy: 'ops' }, emit: () => undefined, services: {} };

  function registry(value: DecisionEntropy | Error) {
    const r = new HandlerRegistry();
    registerConstitutionHandlers(r, { liveEntropy: () => (value instanceof Error ? Promise.reject(value) : Promise.resolve(value)) });
    return r;
  }

  it('"Enter by hand: 4.2" with a live 59 % is rejected: the hand value is ignored and recorded', async () => {
    const res = await registry(live(0.59, 0.3)).dispatch('actions.request', { text: 'deploy to production', systemEntropy: 0.042 }, ctx);
    expect(res.ok).toBe(true);
    const d = (res as { value: { decision: Decision } }).value.decision;
    expect(d.result.verdict).toBe('reject');
    expect(d.input).toMatchObject({ system_entropy: 0.59, entropy_source: 'live', entropy_hand: 0.042, entropy_live: 0.59 });
    expect(d.input.entropy_basis).toMatch(/hand value 4\.2% was ignored/);
  });

  it('constitution.evaluate follows the same rule', async () => {
    const res = await registry(live(0.59, 0.3)).dispatch('constitution.evaluate', { action: deploy, systemEntropy: 0.042 }, ctx);
    expect(res).toMatchObject({ ok: true, value: { input: { system_entropy: 0.59, entropy_hand: 0.042 }, result: { verdict: 'reject' } } });
  });

  it('a firing critical alert rejects with the alert named, even with a calm figure', async () => {
    const res = await registry(live(0.01, 0.02, [{ rule: 'security_breach', title: 'Security Breach', summary: '7 RLS violations from 203.0.113.9', seen_by: 'engine' }])).dispatch(
      'actions.request',
      { text: 'deploy to production' },
      ctx,
    );
    const d = (res as { value: { decision: Decision; explanation: string[] } }).value;
    expect(d.decision.result.verdict).toBe('reject');
    expect(d.explanation.join('\n')).toMatch(/Critical alerts: Security Breach \(7 RLS violations from 203\.0\.113\.9\)/);
  });

  it('when the live reading fails, a hand value decides and the failure is recorded', async () => {
    const res = await registry(new Error('connection refused')).dispatch('actions.request', { text: 'deploy to staging', systemEntropy: 0.042 }, ctx);
    expect(res).toMatchObject({ ok: true, value: { decision: { input: { entropy_source: 'manual', entropy_basis: expect.stringMatching(/live reading failed/) } } } });
  });
});
