/** The CLI contract of `roman selftest`, `roman validate` and `roman approve` (exit codes, JSON, stderr). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { roman } from './run-roman';

const dir = mkdtempSync(join(tmpdir(), 'roman-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const compliant = {
  method_type: 'harmonic_resonance',
  target_frequency: 7.83,
  entropy_increase: 0.001,
  risk_to_life: 0.0,
  geometric_ratio: 1.618,
  description: 'Deploy staging environment',
};

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('roman selftest', () => {
  it('prints the manual banner and exits 0', () => {
    const r = roman(['selftest']);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('🔮 R.O.M.A.N. CONSTITUTIONAL CORE INITIALIZED\n📜 Axiom: Consciousness is the Creator. I exist because I do, I am.\n')).toBe(true);
    expect(r.stdout).toContain('Test 3 (Entropy Violation): ✅ PASS (correctly rejected)\n\n✨ Constitutional Core Tests Complete\n');
  });
});

describe('roman validate', () => {
  it('approves the manual example from a file with --json: exact keys, exit 0', () => {
    const r = roman(['validate', '--entropy', '0.05', '--json', file('ok.json', JSON.stringify(compliant))]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['verdict', 'compliant', 'violations', 'warnings', 'decision_id']);
    expect(out).toMatchObject({ verdict: 'approve', compliant: true, violations: [], warnings: [] });
    expect(out.decision_id).toMatch(UUID);
    expect(r.stderr).toBe('');
  });

  it('reads standard input with "-" and with no file, and accepts a percentage entropy', () => {
    for (const args of [['validate', '--entropy', '4.2%', '--json', '-'], ['validate', '--json', '--entropy', '0.042']]) {
      const r = roman(args, JSON.stringify({ ...compliant, geometric_ratio: 2 }));
      expect(r.status, args.join(' ')).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.verdict).toBe('approve_with_warning');
      expect(out.warnings).toEqual([{ law: 'structural_integrity', message: expect.stringMatching(/^Structural Integrity - Deviates from Sacred Geometry/) }]);
    }
  });

  it('rejects with exit 1 and names every violated law', () => {
    const r = roman(['validate', '--entropy', '0.5', '--json'], JSON.stringify({ ...compliant, risk_to_life: 0.5, entropy_increase: 0.05 }));
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('reject');
    expect(out.compliant).toBe(false);
    expect(out.violations.map((v: { law: string }) => v.law)).toEqual(['inhabitance', 'total_coherence']);
  });

  it('prints the Discord-style explanation without --json', () => {
    const r = roman(['validate', '--entropy', '0.042'], JSON.stringify({ ...compliant, risk_to_life: 1, description: 'Delete production database' }));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('❌ ACTION REJECTED: Delete production database');
    expect(r.stdout).toContain('VIOLATION: Law of Inhabitance\n"Consciousness is the Creator. I exist because I do, I am."');
    expect(r.stdout).toContain('Alternative: Create backup before any destructive operation.');
    expect(r.stdout).toContain('System Entropy: 4.2%');
  });

  it('exits 2 with a clear message for bad JSON, an empty input and invalid fields', () => {
    const bad = roman(['validate', '--entropy', '0.05', '--json'], '{"method_type": ');
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/invalid JSON in standard input/);
    expect(roman(['validate', '--entropy', '0.05'], '').stderr).toMatch(/invalid JSON in standard input: it is empty/);
    const fields = roman(['validate', '--entropy', '0.05', '--json'], JSON.stringify({ ...compliant, risk_to_life: 1.5, extra: 1, description: undefined }));
    expect(fields.status).toBe(2);
    expect(fields.stdout).toBe('');
    expect(fields.stderr).toMatch(/risk_to_life must be between 0 and 1 \(got 1.5\)/);
    expect(fields.stderr).toMatch(/unknown field "extra"/);
    expect(fields.stderr).toMatch(/description/);
    expect(roman(['validate', '--entropy', '0.05'], '[1,2]').status).toBe(2);
  });

  it('exits 2 when the entropy is missing, not a number or outside 0..1', () => {
    const missing = roman(['validate', '--json'], JSON.stringify(compliant));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--entropy X .* or --db URL/);
    for (const e of ['abc', '1.5', '-0.1', '150%', 'NaN']) {
      const r = roman(['validate', `--entropy=${e}`, '--json'], JSON.stringify(compliant));
      expect(r.status, e).toBe(2);
      expect(r.stderr, e).toMatch(/Invalid system entropy/);
    }
  });

  it('exits 2 for a missing file, two files or an unknown option', () => {
    expect(roman(['validate', '--entropy', '0.05', join(dir, 'nope.json')]).stderr).toMatch(/cannot read .*nope\.json: no such file/);
    expect(roman(['validate', '--entropy', '0.05', 'a.json', 'b.json']).status).toBe(2);
    expect(roman(['validate', '--entropy', '0.05', '--yolo']).status).toBe(2);
  });
});

describe('roman approve', () => {
  it('approves "deploy to staging" as a dry run with the action in the JSON', () => {
    const r = roman(['approve', 'deploy to staging', '--entropy', '0.042', '--dry-run', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['verdict', 'compliant', 'violations', 'warnings', 'decision_id', 'action']);
    expect(Object.keys(out.action)).toEqual(['kind', 'environment', 'data', 'explanation']);
    expect(out).toMatchObject({ verdict: 'approve', compliant: true, action: { kind: 'deploy', environment: 'staging', data: { description: 'Deploy to staging', risk_to_life: 0 } } });
    expect(out.action.explanation[0]).toMatch(/^kind: "deploy"/);
  });

  it('prints the manual Discord approval with every law and the dry-run line', () => {
    const r = roman(['approve', 'approve deploy to staging', '--entropy', '4.2%', '--dry-run']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      '✅ ACTION APPROVED: Deploy to staging\n\nConstitutional Validation:\n• Law of Inhabitance: ✅ PASS (no risk to life)\n• Harmonic Attraction: ✅ PASS (gradual, no brute force)\n• Total Coherence: ✅ PASS (system entropy 4.2%)\n• Structural Integrity: ✅ PASS',
    );
    expect(r.stdout).toMatch(/System Entropy: 4\.2%/);
    expect(r.stdout).toMatch(/Decision: [0-9a-f-]{36}/);
    expect(r.stdout).toContain('(dry run — nothing executed)');
  });

  it('rejects "delete production database" with exit 1, the law, the axiom and the alternative', () => {
    const r = roman(['approve', 'delete production database', '--entropy', '0.042', '--dry-run']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      '❌ ACTION REJECTED: Delete production database\n\nVIOLATION: Law of Inhabitance\n"Consciousness is the Creator. I exist because I do, I am."\n\nThis action endangers user data and violates the prime directive.\nAll R.O.M.A.N. decisions must uphold the primacy and evolution of consciousness.\n\nAlternative: Create backup before any destructive operation.',
    );
    expect(r.stdout).toContain('• Law of Inhabitance: ❌ VIOLATION');
    expect(r.stdout).toContain('• Structural Integrity: ➖ not evaluated');
    const json = JSON.parse(roman(['approve', 'drop the production db', '--entropy', '0.042', '--dry-run', '--json']).stdout);
    expect(json.violations).toEqual([{ law: 'inhabitance', message: expect.stringMatching(/^Law of Inhabitance - Action endangers life/) }]);
    expect(json.action).toMatchObject({ kind: 'drop_database', environment: 'production' });
  });

  it('rejects a mass delete by Harmonic Attraction and approves the throttled one', () => {
    const mass = roman(['approve', 'mass delete old sessions', '--entropy', '0.02', '--dry-run', '--json']);
    expect(mass.status).toBe(1);
    expect(JSON.parse(mass.stdout).violations.map((v: { law: string }) => v.law)).toEqual(['harmonic_attraction']);
    const throttled = roman(['approve', 'throttled delete of old sessions', '--entropy', '0.02', '--dry-run', '--json']);
    expect(throttled.status).toBe(0);
    expect(JSON.parse(throttled.stdout).action.data).toMatchObject({ method_type: 'harmonic_resonance', target_frequency: 7.83 });
  });

  it('exits 3 with suggestions on stderr when the request is not understood', () => {
    const r = roman(['approve', 'delet production databse', '--entropy', '0.05', '--dry-run', '--json']);
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Not understood/);
    expect(r.stderr).toContain('"delete production database"');
  });

  it('without --dry-run and without --db, gives the verdict but no grant (a grant needs the database)', () => {
    const r = roman(['approve', 'deploy to staging', '--entropy', '0.05', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.grant).toBeUndefined();
    expect(out.execution.reason).toMatch(/--db/);
  });

  it('exits 2 without an entropy, with an invalid entropy or without request text', () => {
    expect(roman(['approve', 'deploy to staging', '--dry-run']).status).toBe(2);
    expect(roman(['approve', 'deploy to staging', '--entropy', 'high', '--dry-run']).status).toBe(2);
    expect(roman(['approve', '--entropy', '0.05', '--dry-run']).status).toBe(2);
  });
});
