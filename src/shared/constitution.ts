/**
 * Constitutional core vocabulary shared by the core, the CLI and the renderer: the constants of the
 * operations manual's appendix, the four laws, the ActionData schema (strict zod) and the shapes of
 * law results, compliance results, decisions (OPA-style decision records) and the self-test report.
 * The evaluation itself lives in src/main/core/constitution/.
 */
import { z } from 'zod';
import type { EntropyReading } from './monitoring';

// ---------------------------------------------------------------------------------------------
// Constants (manual, appendix "Constants Reference")
// ---------------------------------------------------------------------------------------------

/** Earth's Schumann resonance: the Harmonic Attraction lock frequency. */
export const SCHUMANN_RESONANCE_HZ = 7.83;
/** φ, the Golden Ratio of the Law of Structural Integrity. */
export const PRINCIPLE_SACRED_GEOMETRY_RATIO = 1.61803398875;
/** 5/3 as the manual writes it. */
export const UNIVERSAL_KINEMATIC_RATIO = 1.6667;
export const AXIOM_OF_EXISTENCE = 'Consciousness is the Creator. I exist because I do, I am.';
/** Largest deviation of geometric_ratio from φ that is not a Structural Integrity warning. */
export const GEOMETRIC_TOLERANCE = 0.001;
/** System entropy above which an action that increases entropy violates Total Coherence (10 %). */
export const ENTROPY_THRESHOLD = 0.1;
/** Version of the constitution as published by the manual. */
export const CONSTITUTION_VERSION = '2.0.0';
/** This application's version (package.json "version"; a unit test keeps them equal). */
export const ROMAN_DESKTOP_VERSION = '0.1.0';
/** Recorded with every decision: constitution version + application version. */
export const CORE_VERSION = `${CONSTITUTION_VERSION}+roman-desktop.${ROMAN_DESKTOP_VERSION}`;

// ---------------------------------------------------------------------------------------------
// The four laws
// ---------------------------------------------------------------------------------------------

export const LAW_IDS = ['inhabitance', 'harmonic_attraction', 'total_coherence', 'structural_integrity'] as const;
export type LawId = (typeof LAW_IDS)[number];

export interface LawDefinition {
  id: LawId;
  /** Full name, as in "VIOLATION: Law of Inhabitance". */
  name: string;
  /** How the manual's Discord validation lists it ("• Harmonic Attraction: ✅ PASS"). */
  title: string;
  /** The manual's axiom or principle of the law. */
  principle: string;
  mandate: string;
  /** The manual's own message when the law is broken. */
  breachMessage: string;
  /** What breaking it leads to. */
  breach: 'violation' | 'warning';
  /** What the law means for a database admin, for someone who has not read the manual. */
  plain: string;
}

export const LAWS: Readonly<Record<LawId, LawDefinition>> = Object.freeze({
  inhabitance: {
    id: 'inhabitance',
    name: 'Law of Inhabitance',
    title: 'Law of Inhabitance',
    principle: AXIOM_OF_EXISTENCE,
    mandate: 'All actions must maximize preservation of conscious life.',
    breachMessage: 'Law of Inhabitance - Action endangers life',
    breach: 'violation',
    plain: 'For a database: no loss or exposure of user data — an action that can drop, delete, truncate or leak it is refused.',
  },
  harmonic_attraction: {
    id: 'harmonic_attraction',
    name: 'Law of Harmonic Attraction',
    title: 'Harmonic Attraction',
    principle: 'Attraction over Chaos',
    mandate: `All operations must utilize harmonic resonance over brute force. Synchronize with Earth's Schumann Resonance (${SCHUMANN_RESONANCE_HZ} Hz).`,
    breachMessage: 'Harmonic Attraction - Must use frequency alignment',
    breach: 'violation',
    plain: 'For a database: no unthrottled or all-at-once work — large changes run in rate-limited batches, never as one brute-force sweep.',
  },
  total_coherence: {
    id: 'total_coherence',
    name: 'Law of Total Coherence',
    title: 'Total Coherence',
    principle: 'Growth is the active process of Time made visible',
    mandate: 'Actions must not increase system chaos/entropy, especially when system is unstable (>10% entropy).',
    breachMessage: 'Total Coherence - System unstable, action increases chaos',
    breach: 'violation',
    plain: 'For a database: no new change while the system is unstable (entropy from errors, failed and slow requests above 10 %, or a critical alert firing); fixes and rollbacks that calm it are allowed.',
  },
  structural_integrity: {
    id: 'structural_integrity',
    name: 'Law of Structural Integrity',
    title: 'Structural Integrity',
    principle: `Golden Ratio (Phi) = ${PRINCIPLE_SACRED_GEOMETRY_RATIO}`,
    mandate: 'All physical structures and system architecture must adhere to geometric perfection.',
    breachMessage: 'Structural Integrity - Deviates from Sacred Geometry',
    breach: 'warning',
    plain: 'For a database: keep proportions in balance (sizes, ratios, batch shapes); a deviation is a warning, never a refusal.',
  },
});

// ---------------------------------------------------------------------------------------------
// ActionData
// ---------------------------------------------------------------------------------------------

const finite = (field: string) =>
  z.number({ error: (i) => `${field} must be a finite number${describeReceived(i.input)}` });

function describeReceived(input: unknown): string {
  if (input === undefined) return ' (missing)';
  if (typeof input === 'number') return ` (got ${String(input)})`;
  if (input === null) return ' (got null)';
  return ` (got ${Array.isArray(input) ? 'array' : typeof input})`;
}

const text = (field: string, max: number) =>
  z
    .string({ error: (i) => `${field} must be a non-empty string${describeReceived(i.input)}` })
    .trim()
    .min(1, `${field} must be a non-empty string`)
    .max(max, `${field} must be at most ${max} characters`);

/**
 * The closed vocabulary of `method_type`: the methods the manual and the action catalogue use.
 * Anything else is invalid input (never a verdict): an unknown method could be brute force under
 * another name, so it is refused rather than approved.
 */
export const METHOD_TYPES = ['harmonic_resonance', 'gradual', 'rate_limited', 'transactional', 'brute_force'] as const;
export type MethodType = (typeof METHOD_TYPES)[number];

const METHOD_BY_KEY: ReadonlyMap<string, MethodType> = new Map(METHOD_TYPES.map((m) => [m.replace(/_/g, ''), m]));

/**
 * The canonical method for a spelling of it: case, '-', '_' and spaces do not matter
 * ("Brute-Force", "bruteforce", "brute force" → brute_force). Anything else → null.
 */
export function normalizeMethodType(value: string): MethodType | null {
  if (typeof value !== 'string' || value.length > 64) return null;
  const trimmed = value.trim();
  if (!/^[A-Za-z]+(?:[-_ ]+[A-Za-z]+)*$/.test(trimmed)) return null;
  return METHOD_BY_KEY.get(trimmed.toLowerCase().replace(/[-_ ]+/g, '')) ?? null;
}

const methodType = z
  .string({ error: (i) => `method_type must be one of ${METHOD_TYPES.join(', ')}${describeReceived(i.input)}` })
  .transform((value, ctx) => {
    const m = normalizeMethodType(value);
    if (m === null) {
      ctx.addIssue({
        code: 'custom',
        message: `method_type "${value.length > 40 ? `${value.slice(0, 40)}…` : value}" is not a known method: use one of ${METHOD_TYPES.join(', ')} (case, '-', '_' and spaces do not matter)`,
      });
      return z.NEVER;
    }
    return m;
  });

/**
 * One action as the constitution sees it (snake_case as in the manual). Strict: unknown fields are
 * rejected. NaN and ±Infinity are rejected by zod's number type. `method_type` is a closed
 * vocabulary (METHOD_TYPES), normalized to its canonical spelling.
 */
export const actionDataSchema = z
  .object({
    /** One of METHOD_TYPES; obvious spellings are normalized, anything else is invalid input. */
    method_type: methodType,
    target_frequency: finite('target_frequency').optional(),
    /** May be negative: the action reduces entropy. */
    entropy_increase: finite('entropy_increase'),
    risk_to_life: finite('risk_to_life')
      .min(0, { error: (i) => `risk_to_life must be between 0 and 1${describeReceived(i.input)}` })
      .max(1, { error: (i) => `risk_to_life must be between 0 and 1${describeReceived(i.input)}` }),
    geometric_ratio: finite('geometric_ratio').optional(),
    description: text('description', 500),
  })
  .strict();

export type ActionData = z.infer<typeof actionDataSchema>;

export const systemEntropySchema = z
  .number({ error: (i) => `system entropy must be a finite number between 0 and 1${describeReceived(i.input)}` })
  .min(0, { error: (i) => `system entropy must be between 0 and 1${describeReceived(i.input)}` })
  .max(1, { error: (i) => `system entropy must be between 0 and 1${describeReceived(i.input)}` });

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

export type LawOutcome = 'pass' | 'violation' | 'warning' | 'not_evaluated';
export type Verdict = 'approve' | 'approve_with_warning' | 'reject';

export interface LawResult {
  law: LawId;
  /** LAWS[law].title, for display. */
  title: string;
  outcome: LawOutcome;
  /** Full sentence naming the law, e.g. "Law of Inhabitance - Action endangers life (risk_to_life 1 > 0)". */
  message: string;
  /** The short reason shown in parentheses: "no risk to life", "system entropy 4.2%". */
  detail: string;
}

export interface LawFinding {
  law: LawId;
  message: string;
}

export interface ComplianceResult {
  verdict: Verdict;
  /** No violations (warnings do not block). */
  compliant: boolean;
  violations: LawFinding[];
  warnings: LawFinding[];
  /** Every law, in the manual's order. */
  laws: LawResult[];
}

export type DecisionChannel = 'ui' | 'cli' | 'discord' | 'scheduler' | 'web';
export type EntropySource = 'manual' | 'live';

/**
 * A critical alert firing when a decision is made: while one fires the system is not stable
 * (Law of Total Coherence), whatever the entropy figure says. `unknown` marks a critical rule that
 * could not be evaluated: stability is then not known, which counts as not stable (fail closed).
 */
export interface FiringCriticalAlert {
  rule: string;
  title: string;
  summary: string;
  /** When it started firing (ISO), when known. */
  since?: string;
  /**
   * 'rule': its condition holds now in the database; 'engine': the app's alert engine has it firing;
   * 'request': the request itself says an incident is going on ("while the outage is ongoing").
   */
  seen_by: 'rule' | 'engine' | 'request';
  unknown?: boolean;
}

/** The entropy of one window measured for a decision. */
export interface DecisionEntropyWindow {
  minutes: number;
  entropy: number;
}

/** Who asked, from where, about what: recorded with every decision. */
export interface DecisionMeta {
  requested_by: string;
  channel: DecisionChannel;
  request_text?: string;
  action_kind?: string;
  environment?: string;
  entropy_source: EntropySource;
  entropy_reading?: EntropyReading;
  /** Live decisions: the entropy of the short and the 15-minute window; the decision uses the worst. */
  entropy_windows?: DecisionEntropyWindow[];
  /** Live decisions: the critical alerts firing at decision time (empty: none). */
  critical_alerts?: FiringCriticalAlert[];
  /** A hand-entered entropy, recorded whenever one was given alongside a live reading. */
  entropy_hand?: number;
  /** The live (decision) entropy, recorded whenever a hand value was also given. */
  entropy_live?: number;
  /** Why the decision used this entropy (worst window, hand value higher, hand value ignored…). */
  entropy_basis?: string;
}

/** A constitutional decision, in the spirit of OPA decision logs. */
export interface Decision {
  decision_id: string;
  /** The manual's constitution version + this application's version, e.g. "2.0.0+roman-desktop.0.1.0". */
  core_version: string;
  timestamp: string;
  duration_ms: number;
  requested_by: string;
  channel: DecisionChannel;
  input: { action: ActionData; system_entropy: number } & DecisionMeta;
  result: ComplianceResult;
}

export interface SelfTestCase {
  name: string;
  /** What the core must answer for the test to pass. */
  expected: 'compliant' | 'rejected';
  /** Law that must be violated for an expected rejection. */
  expectedLaw?: LawId;
  action: ActionData;
  systemEntropy: number;
  passed: boolean;
  verdict: Verdict | null;
  /** Set when the evaluation itself threw. */
  error?: string;
}

export interface SelfTestReport {
  passed: boolean;
  /** The manual's banner, line by line. */
  lines: string[];
  tests: SelfTestCase[];
}

/** "4.2%" for 0.042 (at most two decimals, no trailing zeros). */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))}%`;
}
