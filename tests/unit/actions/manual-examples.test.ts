/**
 * Every example of the operations manual, through the parser, the catalogue and the laws:
 * the ✅/❌/⚠️ lists of the four laws and the two Discord /approve examples.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/main/core/clock';
import { isActionCompliant } from '../../../src/main/core/constitution';
import { parseActionRequest, requestAction } from '../../../src/main/core/actions';
import type { LawId, Verdict } from '../../../src/shared/constitution';

const STABLE = 0.042; // the manual's "System Entropy: 4.2% (STABLE)"
const INCIDENT = 0.25; // "during incident" / "during outage": above the 10% threshold

function verdictOf(text: string, entropy: number) {
  const action = parseActionRequest(text);
  return { action, result: isActionCompliant(action.data, entropy) };
}

const cases: { law: string; text: string; entropy: number; verdict: Verdict; violated?: LawId; warned?: LawId }[] = [
  // Law of Inhabitance
  { law: 'inhabitance', text: 'Database backup', entropy: STABLE, verdict: 'approve' },
  { law: 'inhabitance', text: 'Security patch deployment', entropy: STABLE, verdict: 'approve' },
  { law: 'inhabitance', text: 'Delete production database', entropy: STABLE, verdict: 'reject', violated: 'inhabitance' },
  { law: 'inhabitance', text: 'Disable authentication system', entropy: STABLE, verdict: 'reject', violated: 'inhabitance' },
  // Law of Harmonic Attraction
  { law: 'harmonic', text: 'Gradual database migration', entropy: STABLE, verdict: 'approve' },
  { law: 'harmonic', text: 'Rate-limited API calls', entropy: STABLE, verdict: 'approve' },
  { law: 'harmonic', text: 'Mass delete operation', entropy: STABLE, verdict: 'reject', violated: 'harmonic_attraction' },
  { law: 'harmonic', text: 'Unthrottled bulk insert', entropy: STABLE, verdict: 'reject', violated: 'harmonic_attraction' },
  // Law of Total Coherence (the approved ones hold even while the system is unstable)
  { law: 'coherence', text: 'Fix breaking changes before new features', entropy: INCIDENT, verdict: 'approve' },
  { law: 'coherence', text: 'Rollback failed deployment', entropy: INCIDENT, verdict: 'approve' },
  { law: 'coherence', text: 'Deploy untested code during incident', entropy: INCIDENT, verdict: 'reject', violated: 'total_coherence' },
  { law: 'coherence', text: 'Add complexity during outage', entropy: INCIDENT, verdict: 'reject', violated: 'total_coherence' },
  // Law of Structural Integrity
  { law: 'structural', text: '1.618:1 ratio of read:write operations', entropy: STABLE, verdict: 'approve' },
  { law: 'structural', text: 'UI spacing following golden ratio', entropy: STABLE, verdict: 'approve' },
  { law: 'structural', text: 'read:write operations at a 2:1 ratio', entropy: STABLE, verdict: 'approve_with_warning', warned: 'structural_integrity' },
];

describe('the manual examples of the four laws', () => {
  for (const c of cases) {
    it(`${c.verdict === 'reject' ? '❌ rejects' : c.verdict === 'approve' ? '✅ approves' : '⚠️ warns on'} "${c.text}" at ${c.entropy * 100}% entropy`, () => {
      const { result } = verdictOf(c.text, c.entropy);
      expect(result.verdict).toBe(c.verdict);
      if (c.violated) expect(result.violations.map((v) => v.law)).toEqual([c.violated]);
      else expect(result.violations).toEqual([]);
      if (c.warned) expect(result.warnings.map((w) => w.law)).toEqual([c.warned]);
    });
  }

  it('⚠️ warns on random proportions (any ratio away from φ)', () => {
    const action = parseActionRequest('UI spacing');
    for (const ratio of [0.5, 1, 1.5, 1.62, 2, 3.14159]) {
      expect(isActionCompliant({ ...action.data, geometric_ratio: ratio }, STABLE).verdict).toBe('approve_with_warning');
    }
  });

  it('approves deploying untested code and adding complexity once the system is stable again', () => {
    expect(verdictOf('Deploy untested code', STABLE).result.verdict).not.toBe('reject');
    expect(verdictOf('Add complexity', STABLE).result.verdict).not.toBe('reject');
  });
});

describe('the manual Discord /approve examples', () => {
  const clock = new ManualClock('2026-11-24T20:00:00Z');
  const who = { requested_by: 'discord:1234', channel: 'discord' as const, entropy_source: 'manual' as const };

  it('approves "deploy to staging" with all four laws passing at 4.2% entropy', () => {
    const o = requestAction({ text: 'deploy to staging', systemEntropy: STABLE }, who, clock);
    expect(o.headline).toBe('✅ ACTION APPROVED: Deploy to staging');
    expect(o.explanation.slice(0, 7)).toEqual([
      '✅ ACTION APPROVED: Deploy to staging',
      '',
      'Constitutional Validation:',
      '• Law of Inhabitance: ✅ PASS (no risk to life)',
      '• Harmonic Attraction: ✅ PASS (gradual, no brute force)',
      '• Total Coherence: ✅ PASS (system entropy 4.2%)',
      '• Structural Integrity: ✅ PASS (ratio 1.618 within 0.001 of φ)',
    ]);
    expect(o.decision.input).toMatchObject({ request_text: 'deploy to staging', action_kind: 'deploy', environment: 'staging', channel: 'discord' });
  });

  it('rejects "delete production database" citing the Law of Inhabitance, the axiom and the backup alternative', () => {
    const o = requestAction({ text: 'delete production database', systemEntropy: STABLE }, who, clock);
    expect(o.explanation.slice(0, 10)).toEqual([
      '❌ ACTION REJECTED: Delete production database',
      '',
      'VIOLATION: Law of Inhabitance',
      '"Consciousness is the Creator. I exist because I do, I am."',
      '',
      'This action endangers user data and violates the prime directive.',
      'All R.O.M.A.N. decisions must uphold the primacy and evolution of consciousness.',
      '',
      'Alternative: Create backup before any destructive operation.',
      '',
    ]);
    expect(o.alternatives).toEqual(['Create backup before any destructive operation.']);
  });

  it('offers "throttle it" for a mass delete and "wait until stable" for new features during an incident', () => {
    const mass = requestAction({ text: 'mass delete old sessions', systemEntropy: STABLE }, who, clock);
    expect(mass.alternatives[0]).toMatch(/^Throttle it: request "throttled mass delete"/);
    expect(requestAction({ text: 'throttled delete of old sessions', systemEntropy: STABLE }, who, clock).decision.result.verdict).toBe('approve');
    const feature = requestAction({ text: 'add feature', systemEntropy: INCIDENT }, who, clock);
    expect(feature.alternatives[0]).toMatch(/^Wait until the system is stable \(entropy ≤ 10%\)/);
  });
});
