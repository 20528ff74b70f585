/** Relative times read right both ways: past ("… ago") and ahead ("in …"), never "just now" for a time 30 min ahead. */
import { describe, expect, it } from 'vitest';
import { ago } from '../../src/renderer/src/components/charts/format';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const min = (n: number) => NOW + n * 60_000;

describe('relative time', () => {
  it('of the past', () => {
    expect(ago(min(0), NOW)).toBe('just now');
    expect(ago(min(-3), NOW)).toBe('3 min ago');
    expect(ago(min(-120), NOW)).toBe('2.0 h ago');
    expect(ago(min(-4 * 1440), NOW)).toBe('4 d ago');
  });
  it('of a time ahead', () => {
    expect(ago(min(30), NOW)).toBe('in 30 min');
    expect(ago(min(120), NOW)).toBe('in 2.0 h');
    expect(ago(new Date(min(2 * 1440)).toISOString(), NOW)).toBe('in 2 d');
  });
});
