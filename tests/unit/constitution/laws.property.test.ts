import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isActionCompliant } from '../../../src/main/core/constitution';
import { LAW_IDS, PRINCIPLE_SACRED_GEOMETRY_RATIO, type ActionData } from '../../../src/shared/constitution';
import { DomainError } from '../../../src/shared/result';

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
const methods = fc.constantFrom('harmonic_resonance', 'gradual', 'brute_force', 'rate_limited', 'transactional');

const action: fc.Arbitrary<ActionData> = fc.record(
  {
    method_type: methods,
    target_frequency: fc.oneof(fc.constant(7.83), finite),
    entropy_increase: fc.double({ min: -1, max: 1, noNaN: true }),
    risk_to_life: unit,
    geometric_ratio: fc.oneof(fc.constant(PRINCIPLE_SACRED_GEOMETRY_RATIO), fc.double({ min: 0, max: 10, noNaN: true })),
    description: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
  },
  { requiredKeys: ['method_type', 'entropy_increase', 'risk_to_life', 'description'] },
);

function errorCode(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof DomainError ? err.code : 'other';
  }
}

describe('laws (properties)', () => {
  it('any risk to life above 0 rejects with a Law of Inhabitance violation', () => {
    fc.assert(
      fc.property(action, unit, fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true }), (a, e, risk) => {
        const r = isActionCompliant({ ...a, risk_to_life: risk }, e);
        expect(r.verdict).toBe('reject');
        expect(r.violations.some((v) => v.law === 'inhabitance')).toBe(true);
      }),
    );
  });

  it('a system entropy at or below 10% never violates Total Coherence', () => {
    fc.assert(
      fc.property(action, fc.double({ min: 0, max: 0.1, noNaN: true }), (a, e) => {
        expect(isActionCompliant(a, e).violations.some((v) => v.law === 'total_coherence')).toBe(false);
      }),
    );
  });

  it('an action that does not increase entropy never violates Total Coherence', () => {
    fc.assert(
      fc.property(action, unit, fc.double({ min: -1, max: 0, noNaN: true }), (a, e, inc) => {
        expect(isActionCompliant({ ...a, entropy_increase: inc }, e).violations.some((v) => v.law === 'total_coherence')).toBe(false);
      }),
    );
  });

  it('entropy above 10% with an increase always violates Total Coherence', () => {
    fc.assert(
      fc.property(action, fc.double({ min: 0.1000001, max: 1, noNaN: true }), fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true }), (a, e, inc) => {
        expect(isActionCompliant({ ...a, entropy_increase: inc }, e).violations.some((v) => v.law === 'total_coherence')).toBe(true);
      }),
    );
  });

  it('a ratio within 0.001 of φ never warns, and one beyond it always warns', () => {
    fc.assert(
      fc.property(action, unit, fc.double({ min: -0.000999, max: 0.000999, noNaN: true }), (a, e, d) => {
        const r = isActionCompliant({ ...a, geometric_ratio: PRINCIPLE_SACRED_GEOMETRY_RATIO + d }, e);
        expect(r.warnings).toEqual([]);
        expect(r.laws[3].outcome).toBe('pass');
      }),
    );
    fc.assert(
      fc.property(action, unit, fc.double({ min: 0.001001, max: 100, noNaN: true }), fc.boolean(), (a, e, d, below) => {
        const r = isActionCompliant({ ...a, geometric_ratio: PRINCIPLE_SACRED_GEOMETRY_RATIO + (below ? -d : d) }, e);
        expect(r.warnings.map((w) => w.law)).toEqual(['structural_integrity']);
      }),
    );
  });

  it('brute force locked at exactly 7.83 Hz never violates Harmonic Attraction', () => {
    fc.assert(
      fc.property(action, unit, (a, e) => {
        const r = isActionCompliant({ ...a, method_type: 'brute_force', target_frequency: 7.83 }, e);
        expect(r.violations.some((v) => v.law === 'harmonic_attraction')).toBe(false);
      }),
    );
  });

  it('always reports all four laws in order, and the verdict follows from violations and warnings', () => {
    fc.assert(
      fc.property(action, unit, (a, e) => {
        const r = isActionCompliant(a, e);
        expect(r.laws.map((l) => l.law)).toEqual([...LAW_IDS]);
        const violations = r.laws.filter((l) => l.outcome === 'violation').map((l) => l.law);
        const warnings = r.laws.filter((l) => l.outcome === 'warning').map((l) => l.law);
        expect(r.violations.map((v) => v.law)).toEqual(violations);
        expect(r.warnings.map((w) => w.law)).toEqual(warnings);
        expect(r.compliant).toBe(violations.length === 0);
        expect(r.verdict).toBe(violations.length > 0 ? 'reject' : warnings.length > 0 ? 'approve_with_warning' : 'approve');
      }),
    );
  });

  it('invalid numbers always raise invalid_input instead of a verdict', () => {
    const nonFinite = fc.constantFrom(NaN, Infinity, -Infinity);
    const badRisk = fc.oneof(nonFinite, fc.double({ min: -1e9, max: -Number.MIN_VALUE, noNaN: true }), fc.double({ min: 1.0000001, max: 1e9, noNaN: true }));
    const badEntropy = badRisk;
    fc.assert(fc.property(action, unit, badRisk, (a, e, risk) => {
      expect(errorCode(() => isActionCompliant({ ...a, risk_to_life: risk }, e))).toBe('invalid_input');
    }));
    fc.assert(fc.property(action, badEntropy, (a, e) => {
      expect(errorCode(() => isActionCompliant(a, e))).toBe('invalid_input');
    }));
    fc.assert(
      fc.property(action, unit, fc.constantFrom('entropy_increase', 'target_frequency', 'geometric_ratio'), nonFinite, (a, e, field, bad) => {
        expect(errorCode(() => isActionCompliant({ ...a, [field]: bad }, e))).toBe('invalid_input');
      }),
    );
  });
});
