import { describe, expect, it } from 'vitest';
import { isActionCompliant } from '../../../src/main/core/constitution';
import {
  AXIOM_OF_EXISTENCE,
  ENTROPY_THRESHOLD,
  GEOMETRIC_TOLERANCE,
  LAW_IDS,
  PRINCIPLE_SACRED_GEOMETRY_RATIO,
  SCHUMANN_RESONANCE_HZ,
  UNIVERSAL_KINEMATIC_RATIO,
  type ActionData,
} from '../../../src/shared/constitution';
import { DomainError } from '../../../src/shared/result';

/** The manual's TypeScript example ("Running Constitutional Validation"). */
const manualExample: ActionData = {
  method_type: 'harmonic_resonance',
  target_frequency: 7.83,
  entropy_increase: 0.001,
  risk_to_life: 0.0,
  geometric_ratio: 1.618,
  description: 'Deploy staging environment',
};

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('constants of the manual appendix', () => {
  it('are exactly the manual values', () => {
    expect(SCHUMANN_RESONANCE_HZ).toBe(7.83);
    expect(PRINCIPLE_SACRED_GEOMETRY_RATIO).toBe(1.61803398875);
    expect(UNIVERSAL_KINEMATIC_RATIO).toBe(1.6667);
    expect(AXIOM_OF_EXISTENCE).toBe('Consciousness is the Creator. I exist because I do, I am.');
    expect(GEOMETRIC_TOLERANCE).toBe(0.001);
    expect(ENTROPY_THRESHOLD).toBe(0.1);
  });
});

describe('isActionCompliant', () => {
  it('approves the manual TypeScript example at 5% entropy with every law passing', () => {
    const r = isActionCompliant(manualExample, 0.05);
    expect(r.verdict).toBe('approve');
    expect(r.compliant).toBe(true);
    expect(r.violations).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.laws.map((l) => [l.law, l.outcome])).toEqual([
      ['inhabitance', 'pass'],
      ['harmonic_attraction', 'pass'],
      ['total_coherence', 'pass'],
      ['structural_integrity', 'pass'],
    ]);
    expect(r.laws[2].detail).toBe('system entropy 5%');
  });

  it('reports every broken law, not only the first one', () => {
    const r = isActionCompliant(
      { method_type: 'brute_force', entropy_increase: 0.3, risk_to_life: 0.2, geometric_ratio: 3, description: 'Everything wrong' },
      0.5,
    );
    expect(r.verdict).toBe('reject');
    expect(r.violations.map((v) => v.law)).toEqual(['inhabitance', 'harmonic_attraction', 'total_coherence']);
    expect(r.warnings.map((w) => w.law)).toEqual(['structural_integrity']);
    expect(r.violations[0].message).toMatch(/^Law of Inhabitance - Action endangers life/);
    expect(r.violations[1].message).toMatch(/^Harmonic Attraction - Must use frequency alignment/);
    expect(r.violations[2].message).toMatch(/^Total Coherence - System unstable, action increases chaos/);
    expect(r.warnings[0].message).toMatch(/^Structural Integrity - Deviates from Sacred Geometry/);
  });

  it('rejects brute force without a target frequency and accepts it locked to 7.83 Hz', () => {
    const base = { method_type: 'brute_force', entropy_increase: 0, risk_to_life: 0, description: 'x' };
    expect(isActionCompliant(base, 0).violations.map((v) => v.law)).toEqual(['harmonic_attraction']);
    expect(isActionCompliant({ ...base, target_frequency: 8 }, 0).verdict).toBe('reject');
    expect(isActionCompliant({ ...base, target_frequency: 7.83 }, 0).verdict).toBe('approve');
  });

  it('does not evaluate Structural Integrity when no ratio is given', () => {
    const { geometric_ratio: _omit, ...noRatio } = manualExample;
    const r = isActionCompliant(noRatio, 0.05);
    expect(r.verdict).toBe('approve');
    expect(r.laws[3]).toMatchObject({ law: 'structural_integrity', outcome: 'not_evaluated' });
    expect(r.laws[3].message).toMatch(/Law of Structural Integrity/);
  });

  it('warns (approve with warning) for a 2:1 ratio', () => {
    const r = isActionCompliant({ ...manualExample, geometric_ratio: 2 }, 0.05);
    expect(r.verdict).toBe('approve_with_warning');
    expect(r.compliant).toBe(true);
    expect(r.warnings).toHaveLength(1);
  });

  it('treats entropy exactly at the 10% threshold as stable', () => {
    expect(isActionCompliant({ ...manualExample, entropy_increase: 0.5 }, 0.1).verdict).toBe('approve');
  });

  it('lets an action that reduces entropy pass while the system is unstable', () => {
    const r = isActionCompliant({ ...manualExample, entropy_increase: -0.05 }, 0.9);
    expect(r.verdict).toBe('approve');
    expect(r.laws[2].detail).toMatch(/does not increase entropy/);
  });

  it('names its law in every per-law message', () => {
    const r = isActionCompliant(manualExample, 0.05);
    for (const l of r.laws) expect(l.message.toLowerCase()).toContain(l.title.toLowerCase().replace('law of ', ''));
    expect(r.laws.map((l) => l.law)).toEqual([...LAW_IDS]);
  });
});

describe('invalid input is an error, never a verdict', () => {
  it('lists every problem of the action and the entropy in one invalid_input error', () => {
    const err = thrown(() => isActionCompliant({ method_type: '', entropy_increase: 'x', risk_to_life: 2, extra: true }, 1.5));
    expect(err.code).toBe('invalid_input');
    const paths = err.issues!.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['method_type', 'entropy_increase', 'risk_to_life', 'description', '(action)', 'system_entropy']));
    expect(err.message).toMatch(/unknown field "extra"/);
    expect(err.message).toMatch(/risk_to_life must be between 0 and 1 \(got 2\)/);
    expect(err.message).toMatch(/system entropy must be between 0 and 1 \(got 1.5\)/);
  });

  it('rejects a missing action, an array and null', () => {
    for (const bad of [undefined, null, [], 'deploy']) expect(thrown(() => isActionCompliant(bad, 0.05)).code).toBe('invalid_input');
  });

  it('rejects NaN and infinite numbers in every numeric field', () => {
    for (const field of ['entropy_increase', 'risk_to_life', 'target_frequency', 'geometric_ratio']) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const err = thrown(() => isActionCompliant({ ...manualExample, [field]: bad }, 0.05));
        expect(err.issues!.map((i) => i.path)).toContain(field);
      }
    }
  });

  it('rejects a blank description and a wrong type of optional field', () => {
    expect(thrown(() => isActionCompliant({ ...manualExample, description: '   ' }, 0.05)).issues![0].path).toBe('description');
    expect(thrown(() => isActionCompliant({ ...manualExample, target_frequency: '7.83' }, 0.05)).issues![0].path).toBe('target_frequency');
  });
});
