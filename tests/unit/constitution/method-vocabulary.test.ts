/**
 * Fail closed on method_type: the manual's methods and obvious spellings of them are judged (as
 * their canonical method); anything outside the closed vocabulary is invalid input — never a verdict.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isActionCompliant } from '../../../src/main/core/constitution';
import { METHOD_TYPES, normalizeMethodType } from '../../../src/shared/constitution';
import { DomainError } from '../../../src/shared/result';

const base = { entropy_increase: 0, risk_to_life: 0, description: 'Mass delete old sessions' };

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof DomainError ? err.code : 'other';
  }
}

/** Keys of a spelling: letters only, lower case (what the normalizer compares). */
const key = (s: string) => s.toLowerCase().replace(/[-_ ]+/g, '');
const KNOWN_KEYS = new Set(METHOD_TYPES.map(key));

describe('method_type: closed vocabulary', () => {
  it('judges every spelling of brute force as brute force (rejected without the Schumann lock)', () => {
    for (const m of ['brute_force', 'bruteforce', 'brute-force', 'Brute_Force', 'BRUTE FORCE', ' Brute-force ', 'brute  force', 'BruteForce']) {
      const r = isActionCompliant({ ...base, method_type: m }, 0.01);
      expect(r.verdict, m).toBe('reject');
      expect(r.violations.map((v) => v.law), m).toEqual(['harmonic_attraction']);
    }
  });

  it('accepts the manual methods in any case and separator', () => {
    expect(normalizeMethodType('Harmonic-Resonance')).toBe('harmonic_resonance');
    expect(normalizeMethodType('rate limited')).toBe('rate_limited');
    expect(normalizeMethodType('RateLimited')).toBe('rate_limited');
    expect(normalizeMethodType('GRADUAL')).toBe('gradual');
    expect(normalizeMethodType('Transactional')).toBe('transactional');
    expect(isActionCompliant({ ...base, method_type: 'Gradual' }, 0.01).verdict).toBe('approve');
  });

  it('refuses unknown methods as invalid input, naming the field and the vocabulary', () => {
    for (const m of ['teleport', 'brute', 'brute_forc', 'brute.force', 'b r u t e', 'force_brute', 'smash', 'harmonic', 'brute_force!', '', '   ', 'brute\u200bforce', 'brutе_force' /* Cyrillic е */]) {
      let err: unknown;
      try {
        isActionCompliant({ ...base, method_type: m }, 0.01);
      } catch (e) {
        err = e;
      }
      expect(err, m).toBeInstanceOf(DomainError);
      expect((err as DomainError).code, m).toBe('invalid_input');
      expect((err as DomainError).message, m).toMatch(/method_type/);
    }
  });

  it('property: a method_type outside the vocabulary is never judged (no verdict at all)', () => {
    const unknown = fc.string({ maxLength: 30 }).filter((s) => !KNOWN_KEYS.has(key(s.trim())));
    fc.assert(
      fc.property(unknown, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (m, e, inc) => {
        expect(codeOf(() => isActionCompliant({ ...base, entropy_increase: inc, method_type: m }, e))).toBe('invalid_input');
      }),
      { numRuns: 2000 },
    );
  });

  it('property: near-miss spellings of known methods (one letter changed or dropped) are refused, never approved', () => {
    const mutated = fc
      .tuple(fc.constantFrom(...METHOD_TYPES), fc.nat(), fc.constantFrom('drop', 'swap', 'insert'), fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split('')))
      .map(([m, i, op, ch]) => {
        const at = i % m.length;
        if (op === 'drop') return m.slice(0, at) + m.slice(at + 1);
        if (op === 'swap') return m.slice(0, at) + ch + m.slice(at + 1);
        return m.slice(0, at) + ch + m.slice(at);
      })
      .filter((s) => !KNOWN_KEYS.has(key(s)));
    fc.assert(
      fc.property(mutated, (m) => {
        expect(codeOf(() => isActionCompliant({ ...base, method_type: m }, 0))).toBe('invalid_input');
      }),
      { numRuns: 2000 },
    );
  });

  it('property: any spelling that normalizes to brute_force without the lock is rejected by Harmonic Attraction', () => {
    const sep = fc.constantFrom('', '_', '-', ' ', '__', ' - ');
    const spelling = fc
      .tuple(fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), sep)
      .map(([upper, s]) => {
        const word = (w: string, off: number) => [...w].map((c, i) => (upper[(i + off) % 10] ? c.toUpperCase() : c)).join('');
        return `${word('brute', 0)}${s}${word('force', 5)}`;
      });
    fc.assert(
      fc.property(spelling, fc.double({ min: 0, max: 1, noNaN: true }), (m, e) => {
        const r = isActionCompliant({ ...base, method_type: m }, e);
        expect(r.verdict).toBe('reject');
        expect(r.violations.some((v) => v.law === 'harmonic_attraction')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('method_type over IPC (constitution.evaluate)', () => {
  it('is a validation error for an unknown method and judges a spelling variant as its method', async () => {
    const { HandlerRegistry } = await import('../../../src/main/core/api/registry');
    const { registerConstitutionHandlers } = await import('../../../src/main/core/api/constitution');
    const { ManualClock } = await import('../../../src/main/core/clock');
    const r = new HandlerRegistry();
    registerConstitutionHandlers(r);
    const ctx = { clock: new ManualClock('2026-11-24T20:25:00Z'), caller: { channel: 'ui' as const, requestedBy: 'ops' }, emit: () => undefined, services: {} };
    const bad = await r.dispatch('constitution.evaluate', { action: { ...base, method_type: 'teleport' }, systemEntropy: 0.01 }, ctx);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!bad.ok) expect(bad.error.issues!.map((i) => i.path)).toContain('action.method_type');
    const variant = await r.dispatch('constitution.evaluate', { action: { ...base, method_type: 'Brute-Force' }, systemEntropy: 0.01 }, ctx);
    expect(variant).toMatchObject({ ok: true, value: { input: { action: { method_type: 'brute_force' } }, result: { verdict: 'reject' } } });
  });
});
