/** The verdict fails closed at the CLI: unknown vocabulary is exit 2 (invalid input), never a verdict. */
import { describe, expect, it } from 'vitest';
import { roman } from './run-roman';

/** Each case spawns the real CLI several times: a loaded machine needs more than the default 30 s. */
const SLOW = { timeout: 240_000 };

const action = { entropy_increase: 0, risk_to_life: 0, description: 'Mass delete old sessions' };

describe('roman validate: method_type vocabulary', () => {
  it('refuses an unknown method with exit 2 and a message naming method_type', SLOW, () => {
    for (const m of ['teleport', 'brute']) {
      const r = roman(['validate', '--entropy', '0.01', '--json'], JSON.stringify({ ...action, method_type: m }));
      expect(r.status, m).toBe(2);
      expect(r.stdout, m).toBe('');
      expect(r.stderr, m).toMatch(/method_type "[a-z]+" is not a known method: use one of harmonic_resonance, gradual, rate_limited, transactional, brute_force/);
    }
  });

  it('judges spellings of brute force as brute force: rejected, exit 1', SLOW, () => {
    for (const m of ['bruteforce', 'brute-force', 'Brute_Force']) {
      const r = roman(['validate', '--entropy', '0.01', '--json'], JSON.stringify({ ...action, method_type: m }));
      expect(r.status, m).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'reject', violations: [{ law: 'harmonic_attraction' }] });
    }
  });
});

describe('roman validate --entropy with --db', () => {
  it('is allowed (the hand value may only raise the live reading): an unreachable database is exit 4, a bad hand value exit 2', SLOW, () => {
    const action = JSON.stringify({ method_type: 'gradual', entropy_increase: 0.001, risk_to_life: 0, description: 'Deploy' });
    expect(roman(['validate', '--entropy', '0.1', '--db', 'postgres://postgres@127.0.0.1:1/y'], action).status).toBe(4);
    expect(roman(['validate', '--entropy', 'abc', '--db', 'postgres://postgres@127.0.0.1:1/y'], action).status).toBe(2);
  });
});
