import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, monitoringThresholdsSchema, resolveThresholds } from '../../../src/shared/monitoring';
import { DomainError } from '../../../src/shared/result';
import { grade } from '../../../src/main/core/monitoring/check';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('default thresholds', () => {
  it('use the manual where it speaks and PgHero where it is silent', () => {
    expect(DEFAULT_THRESHOLDS).toMatchObject({
      errorRateCritical: 0.05,
      responseTimeCriticalMs: 2000,
      connectionsCritical: 0.9,
      apiSuccessCritical: 0.95,
      longRunningQuerySeconds: 60,
      slowQueryMeanMs: 20,
      slowQueryMinCalls: 100,
      cacheHitRateWarning: 0.99,
      replicationLagWarningSeconds: 5,
      replicationLagCriticalSeconds: 300,
      aiMonthlyBudgetUsd: 500,
    });
    expect(monitoringThresholdsSchema.safeParse(DEFAULT_THRESHOLDS).success).toBe(true);
  });
});

describe('resolveThresholds', () => {
  it('layers defaults < global settings < per-connection overrides', () => {
    const t = resolveThresholds(
      DEFAULT_THRESHOLDS,
      { longRunningQuerySeconds: 30, aiMonthlyBudgetUsd: 1000 },
      { longRunningQuerySeconds: 120 },
    );
    expect(t.longRunningQuerySeconds).toBe(120);
    expect(t.aiMonthlyBudgetUsd).toBe(1000);
    expect(t.slowQueryMeanMs).toBe(20);
  });

  it('without overrides returns the defaults unchanged, and does not modify its inputs', () => {
    const global = { errorRateWarning: 0.02 };
    const before = JSON.stringify(DEFAULT_THRESHOLDS);
    expect(resolveThresholds(DEFAULT_THRESHOLDS)).toEqual(DEFAULT_THRESHOLDS);
    expect(resolveThresholds(DEFAULT_THRESHOLDS, global, undefined).errorRateWarning).toBe(0.02);
    expect(JSON.stringify(DEFAULT_THRESHOLDS)).toBe(before);
    expect(global).toEqual({ errorRateWarning: 0.02 });
  });

  it('rejects an out-of-range override, naming the layer and the field', () => {
    const e = errorOf(() => resolveThresholds(DEFAULT_THRESHOLDS, {}, { errorRateCritical: 5 }));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toBe('Invalid per-connection threshold overrides: errorRateCritical: must be between 0 and 1');
    expect(e.issues).toEqual([{ path: 'errorRateCritical', message: 'must be between 0 and 1' }]);
  });

  it('rejects unknown fields and wrong types in the global settings', () => {
    const unknown = errorOf(() => resolveThresholds(DEFAULT_THRESHOLDS, { longRunningQuerySecs: 10 }));
    expect(unknown.message).toMatch(/^Invalid global threshold settings: .*unknown threshold "longRunningQuerySecs"/);
    const wrongType = errorOf(() => resolveThresholds(DEFAULT_THRESHOLDS, { slowQueryMinCalls: '100' }));
    expect(wrongType.message).toMatch(/^Invalid global threshold settings: slowQueryMinCalls: /);
    const notObject = errorOf(() => resolveThresholds(DEFAULT_THRESHOLDS, 'high'));
    expect(notObject.message).toMatch(/^Invalid global threshold settings/);
    expect(() => resolveThresholds(DEFAULT_THRESHOLDS, { slowQueryMinCalls: 1.5 })).toThrow(/whole number/);
    expect(() => resolveThresholds(DEFAULT_THRESHOLDS, { longRunningQuerySeconds: Number.NaN })).toThrow(DomainError);
  });

  it('rejects a critical limit milder than its warning limit after layering', () => {
    const e = errorOf(() => resolveThresholds(DEFAULT_THRESHOLDS, { errorRateWarning: 0.2 }));
    expect(e.message).toBe(
      'Invalid thresholds after applying overrides: errorRateCritical (0.05) must be at least errorRateWarning (0.2)',
    );
    expect(() => resolveThresholds(DEFAULT_THRESHOLDS, { apiSuccessCritical: 0.995 })).toThrow(
      /apiSuccessCritical \(0.995\) must be at most apiSuccessWarning \(0.99\)/,
    );
    // the same pair made consistent in a later layer is fine
    expect(resolveThresholds(DEFAULT_THRESHOLDS, { errorRateWarning: 0.2 }, { errorRateCritical: 0.3 }).errorRateCritical).toBe(0.3);
  });

  it('rejects invalid defaults', () => {
    expect(() => resolveThresholds({ ...DEFAULT_THRESHOLDS, cacheHitRateWarning: 2 })).toThrow(/^Invalid default thresholds: cacheHitRateWarning/);
  });
});

describe('grade', () => {
  it('grades a value against warning and critical limits in either direction', () => {
    const above = { comparison: 'above' as const, warning: 0.8, critical: 0.9 };
    expect(grade(0.8, above)).toBe('ok');
    expect(grade(0.85, above)).toBe('warning');
    expect(grade(0.95, above)).toBe('critical');
    const below = { comparison: 'below' as const, warning: 0.99, critical: 0.95 };
    expect(grade(0.995, below)).toBe('ok');
    expect(grade(0.97, below)).toBe('warning');
    expect(grade(0.9, below)).toBe('critical');
    expect(grade(null, above)).toBe('no_data'); // nothing measured is not ok
  });
});
