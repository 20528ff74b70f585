/** The watch's significance tests: they find real shifts and stay quiet on small or equal samples. */
import { describe, expect, it } from 'vitest';
import { MIN_EVENTS, mannWhitneyGreater, normalUpperTail, proportionIncrease, quantile } from '../../src/main/core/deployments/stats';

describe('deployment watch statistics', () => {
  it('the normal tail matches known values', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 6);
    expect(normalUpperTail(1.6449)).toBeCloseTo(0.05, 4);
    expect(normalUpperTail(2.3263)).toBeCloseTo(0.01, 4);
    expect(normalUpperTail(-1.6449)).toBeCloseTo(0.95, 4);
  });

  it('a proportion test never fires on a handful of requests, however bad they look', () => {
    expect(proportionIncrease(0, 1000, 3, 3).significant).toBe(false);
    expect(proportionIncrease(0, 1000, 3, 3).pValue).toBeNull();
    expect(proportionIncrease(0, 1000, MIN_EVENTS - 1, MIN_EVENTS - 1).significant).toBe(false);
  });

  it('finds a real increase and ignores an equal or lower rate', () => {
    expect(proportionIncrease(5, 1000, 60, 1000).significant).toBe(true);
    expect(proportionIncrease(50, 1000, 52, 1000).significant).toBe(false);
    expect(proportionIncrease(60, 1000, 5, 1000).significant).toBe(false);
    expect(proportionIncrease(0, 500, 0, 500)).toMatchObject({ significant: false, pValue: 1 });
  });

  it('Mann–Whitney sees slower requests after, not equal or faster ones', () => {
    const before = Array.from({ length: 200 }, (_, i) => 100 + (i % 50));
    const slower = Array.from({ length: 200 }, (_, i) => 400 + (i % 50));
    expect(mannWhitneyGreater(before, slower)!).toBeLessThan(0.001);
    expect(mannWhitneyGreater(before, before)!).toBeGreaterThan(0.4);
    expect(mannWhitneyGreater(slower, before)!).toBeGreaterThan(0.99);
    expect(mannWhitneyGreater(before, slower.slice(0, 3))).toBeNull();
  });

  it('quantiles interpolate like percentile_cont', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10], 0.95)).toBe(10);
    expect(quantile([], 0.95)).toBeNull();
  });
});
