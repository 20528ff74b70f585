import { describe, expect, it } from 'vitest';
import { parseEntropyText } from '../../../src/main/core/constitution';

describe('system entropy typed by a human', () => {
  it('accepts a fraction and a percentage', () => {
    expect(parseEntropyText('0.042')).toBe(0.042);
    expect(parseEntropyText('4.2%')).toBeCloseTo(0.042, 12);
    expect(parseEntropyText(' 0 ')).toBe(0);
    expect(parseEntropyText('1')).toBe(1);
    expect(parseEntropyText('100%')).toBe(1);
    expect(parseEntropyText('.5')).toBe(0.5);
  });

  it('refuses anything else with an invalid_input error', () => {
    for (const bad of ['', 'abc', 'NaN', 'Infinity', '-0.1', '1.5', '150%', '4.2 percent', '0x1', '1e-2']) {
      expect(() => parseEntropyText(bad), bad).toThrow(/Invalid system entropy/);
    }
    expect(() => parseEntropyText('4.2')).toThrow(/did you mean 4.2%/);
  });
});
