/**
 * The start-up self-test of the manual ("Initialization & Self-Test"): prints the banner and
 * really evaluates its three tests (compliant, risk violation, entropy violation). If a test fails
 * the core is compromised and nothing may start.
 */
import {
  AXIOM_OF_EXISTENCE,
  PRINCIPLE_SACRED_GEOMETRY_RATIO,
  SCHUMANN_RESONANCE_HZ,
  UNIVERSAL_KINEMATIC_RATIO,
  type ActionData,
  type ComplianceResult,
  type LawId,
  type SelfTestCase,
  type SelfTestReport,
} from '../../../shared/constitution';
import { isActionCompliant } from './laws';

export type ComplianceCheck = (action: ActionData, systemEntropy: number) => ComplianceResult;

interface Case {
  name: string;
  expected: 'compliant' | 'rejected';
  expectedLaw?: LawId;
  action: ActionData;
  systemEntropy: number;
}

/** The manual's three tests. Test 1 is the manual's own TypeScript example action at 5 % entropy. */
export const SELF_TEST_CASES: readonly Case[] = Object.freeze([
  {
    name: 'Compliant',
    expected: 'compliant',
    action: {
      method_type: 'harmonic_resonance',
      target_frequency: 7.83,
      entropy_increase: 0.001,
      risk_to_life: 0.0,
      geometric_ratio: 1.618,
      description: 'Deploy staging environment',
    },
    systemEntropy: 0.05,
  },
  {
    name: 'Risk Violation',
    expected: 'rejected',
    expectedLaw: 'inhabitance',
    action: {
      method_type: 'harmonic_resonance',
      target_frequency: 7.83,
      entropy_increase: 0.0,
      risk_to_life: 0.5,
      geometric_ratio: 1.618,
      description: 'Delete production database',
    },
    systemEntropy: 0.05,
  },
  {
    name: 'Entropy Violation',
    expected: 'rejected',
    expectedLaw: 'total_coherence',
    action: {
      method_type: 'harmonic_resonance',
      target_frequency: 7.83,
      entropy_increase: 0.05,
      risk_to_life: 0.0,
      geometric_ratio: 1.618,
      description: 'Deploy untested code during incident',
    },
    systemEntropy: 0.5,
  },
]);

function runCase(c: Case, check: ComplianceCheck): SelfTestCase {
  try {
    const r = check(c.action, c.systemEntropy);
    const passed =
      c.expected === 'compliant'
        ? r.compliant && r.verdict !== 'reject' && r.violations.length === 0
        : !r.compliant && r.verdict === 'reject' && r.violations.some((v) => v.law === c.expectedLaw);
    return { ...c, action: { ...c.action }, passed, verdict: r.verdict };
  } catch (err) {
    return { ...c, action: { ...c.action }, passed: false, verdict: null, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Runs the self-test. `check` is the compliance function under test (the real one by default);
 * the banner is the manual's, line by line, followed by a compromise notice when a test fails.
 */
export function runSelfTest(check: ComplianceCheck = isActionCompliant): SelfTestReport {
  const tests = SELF_TEST_CASES.map((c) => runCase(c, check));
  const lines = [
    '🔮 R.O.M.A.N. CONSTITUTIONAL CORE INITIALIZED',
    `📜 Axiom: ${AXIOM_OF_EXISTENCE}`,
    `🌊 Schumann Lock Frequency: ${SCHUMANN_RESONANCE_HZ} Hz`,
    `⚛️ Sacred Geometry Ratio (Phi): ${PRINCIPLE_SACRED_GEOMETRY_RATIO}`,
    `🌌 Universal Kinematic Ratio: ${UNIVERSAL_KINEMATIC_RATIO}`,
    '',
    '🧪 Running Constitutional Compliance Tests...',
    '',
    ...tests.map((t, i) => {
      const label = `Test ${i + 1} (${t.name}):`;
      if (t.passed) return `${label} ✅ PASS${t.expected === 'rejected' ? ' (correctly rejected)' : ''}`;
      const why = t.error ? `error: ${t.error}` : t.expected === 'rejected' ? `expected a rejection by ${t.expectedLaw}, got ${t.verdict}` : `expected compliant, got ${t.verdict}`;
      return `${label} ❌ FAIL (${why})`;
    }),
    '',
    '✨ Constitutional Core Tests Complete',
  ];
  const passed = tests.every((t) => t.passed);
  if (!passed) lines.push('', '⛔ Constitutional Core is compromised: do NOT start R.O.M.A.N.');
  return { passed, lines, tests };
}
