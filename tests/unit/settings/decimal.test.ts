import { describe, expect, it } from 'vitest';
import { parseDecimal, preferencesSchema } from '../../../src/shared/settings';

describe('parseDecimal: numbers as people type them', () => {
  it('accepts a decimal comma, thousands separators, a dollar sign and spaces', () => {
    expect(parseDecimal('4,2')).toBe(4.2);
    expect(parseDecimal('4.2')).toBe(4.2);
    expect(parseDecimal(' 500 ')).toBe(500);
    expect(parseDecimal('$500')).toBe(500);
    expect(parseDecimal('1,000.50')).toBe(1000.5);
    expect(parseDecimal('1 000')).toBe(1000);
    expect(parseDecimal(',5')).toBe(0.5);
  });
  it('refuses what is not a number', () => {
    for (const t of ['', 'abc', '4,2,1', '1.2.3', '5%', 'five hundred', '--1']) expect(parseDecimal(t)).toBeNull();
  });
});

describe('preference messages speak the user’s language', () => {
  it('a budget that is not a number', () => {
    const r = preferencesSchema.safeParse({ monthlyAiBudgetUsd: 'abc' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('Enter a budget in dollars, e.g. 500');
  });
  it('retention out of range', () => {
    const r = preferencesSchema.safeParse({ retentionDays: 0 });
    expect(r.error!.issues[0]!.message).toBe('Keep records for at least 1 day');
  });
});
