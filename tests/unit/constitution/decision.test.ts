import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/main/core/clock';
import { evaluate, explainDecision } from '../../../src/main/core/constitution';
import { CONSTITUTION_VERSION, CORE_VERSION, ROMAN_DESKTOP_VERSION, type ActionData, type DecisionMeta } from '../../../src/shared/constitution';
import { DomainError } from '../../../src/shared/result';

const deploy: ActionData = {
  method_type: 'harmonic_resonance',
  target_frequency: 7.83,
  entropy_increase: 0.001,
  risk_to_life: 0,
  geometric_ratio: 1.618,
  description: 'Deploy to staging',
};
const meta: DecisionMeta = { requested_by: 'alice', channel: 'cli', entropy_source: 'manual', request_text: 'deploy to staging', action_kind: 'deploy', environment: 'staging' };

describe('decision records', () => {
  it('carry id, core version, clock time, duration, who asked, the full input and the per-law result', () => {
    const clock = new ManualClock('2026-03-01T12:00:00Z');
    const d = evaluate(deploy, 0.042, meta, clock);
    expect(d.decision_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(d.core_version).toBe(CORE_VERSION);
    expect(d.timestamp).toBe('2026-03-01T12:00:00.000Z');
    expect(d.duration_ms).toBeGreaterThanOrEqual(0);
    expect(d.requested_by).toBe('alice');
    expect(d.channel).toBe('cli');
    expect(d.input).toEqual({ action: deploy, system_entropy: 0.042, ...meta });
    expect(d.result.verdict).toBe('approve');
    expect(d.result.laws).toHaveLength(4);
  });

  it('gets a new id for every evaluation', () => {
    const clock = new ManualClock();
    expect(evaluate(deploy, 0.05, meta, clock).decision_id).not.toBe(evaluate(deploy, 0.05, meta, clock).decision_id);
  });

  it('records the constitution version of the manual and the package version', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string };
    expect(ROMAN_DESKTOP_VERSION).toBe(pkg.version);
    expect(CORE_VERSION).toBe(`${CONSTITUTION_VERSION}+roman-desktop.${pkg.version}`);
    expect(CONSTITUTION_VERSION).toBe('2.0.0');
  });

  it('refuses invalid input and invalid metadata instead of deciding', () => {
    const clock = new ManualClock();
    expect(() => evaluate({ ...deploy, risk_to_life: -1 }, 0.05, meta, clock)).toThrow(DomainError);
    expect(() => evaluate(deploy, Number.NaN, meta, clock)).toThrow(/system entropy/);
    expect(() => evaluate(deploy, 0.05, { ...meta, requested_by: ' ' }, clock)).toThrow(/requested_by/);
    expect(() => evaluate(deploy, 0.05, { ...meta, channel: 'fax' as never }, clock)).toThrow(/channel/);
  });
});

describe('decision explanations (manual Discord format)', () => {
  const clock = new ManualClock();

  it('explains an approval with the four validation lines and the entropy', () => {
    const e = explainDecision(evaluate(deploy, 0.042, meta, clock));
    expect(e.headline).toBe('✅ ACTION APPROVED: Deploy to staging');
    expect(e.lines).toContain('Constitutional Validation:');
    expect(e.lines).toContain('• Law of Inhabitance: ✅ PASS (no risk to life)');
    expect(e.lines).toContain('• Total Coherence: ✅ PASS (system entropy 4.2%)');
    expect(e.lines.some((l) => l.startsWith('• Harmonic Attraction: ✅ PASS'))).toBe(true);
    expect(e.lines.some((l) => l.startsWith('• Structural Integrity: ✅ PASS'))).toBe(true);
    expect(e.lines.some((l) => l.startsWith('System Entropy: 4.2%'))).toBe(true);
    expect(e.alternatives).toEqual([]);
  });

  it('explains a rejection with the violated law, the axiom, the prime directive and the alternative', () => {
    const d = evaluate({ ...deploy, risk_to_life: 1, description: 'Delete production database' }, 0.042, meta, clock);
    const e = explainDecision(d);
    const text = e.lines.join('\n');
    expect(e.headline).toBe('❌ ACTION REJECTED: Delete production database');
    expect(text).toContain(
      'VIOLATION: Law of Inhabitance\n"Consciousness is the Creator. I exist because I do, I am."\n\nThis action endangers user data and violates the prime directive.\nAll R.O.M.A.N. decisions must uphold the primacy and evolution of consciousness.\n\nAlternative: Create backup before any destructive operation.',
    );
    expect(text).toContain('• Law of Inhabitance: ❌ VIOLATION (risk_to_life 1 > 0)');
    expect(text).toContain(`Decision: ${d.decision_id}`);
  });

  it('says in plain words what each law means for a database admin', () => {
    const e = explainDecision(evaluate(deploy, 0.042, meta, clock));
    const plain = e.lines.slice(e.lines.indexOf('In plain words:') + 1).filter((l) => l.startsWith('• '));
    expect(plain.map((l) => l.split(' — ')[0])).toEqual(['• Law of Inhabitance', '• Harmonic Attraction', '• Total Coherence', '• Structural Integrity']);
    expect(plain[0]).toMatch(/data/);
    expect(plain[1]).toMatch(/all-at-once|throttl|rate-limited/);
    expect(plain[2]).toMatch(/unstable/);
    expect(plain[3]).toMatch(/proportion/);
  });

  it('shows warnings with ⚠️ and a missing ratio as not evaluated', () => {
    const warned = explainDecision(evaluate({ ...deploy, geometric_ratio: 2 }, 0.05, meta, clock));
    expect(warned.headline).toBe('⚠️ ACTION APPROVED WITH WARNING: Deploy to staging');
    expect(warned.lines.some((l) => l.startsWith('• Structural Integrity: ⚠️ WARNING'))).toBe(true);
    const { geometric_ratio: _r, ...noRatio } = deploy;
    const plain = explainDecision(evaluate(noRatio, 0.05, meta, clock));
    expect(plain.lines).toContain('• Structural Integrity: ➖ not evaluated (no geometric ratio given)');
  });

  it('offers the throttle and wait-until-stable alternatives for the other violations', () => {
    const d = evaluate({ ...deploy, method_type: 'brute_force', target_frequency: undefined as never, entropy_increase: 0.2 }, 0.3, meta, clock);
    const e = explainDecision(d);
    expect(e.lines).toContain('VIOLATION: Law of Harmonic Attraction');
    expect(e.lines).toContain('VIOLATION: Law of Total Coherence');
    expect(e.alternatives[0]).toMatch(/^Throttle it: use a rate-limited batch/);
    expect(e.alternatives[1]).toMatch(/^Wait until the system is stable \(entropy ≤ 10%\)/);
  });
});
