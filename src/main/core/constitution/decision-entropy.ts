/**
 * The entropy a decision is made with — defined here, in one place.
 *
 * - Decision entropy = the worst (max) of the system entropy over the last
 *   DECISION_SHORT_WINDOW_MINUTES (5) and over the last ENTROPY_WINDOW_MINUTES (15), each computed
 *   with the manual's formula (errorRate + failureRate + latencySpikes) / 3. A burst that the alert
 *   engine sees (System Down looks at 1 minute) is not averaged away by the 15-minute window.
 * - Stability also needs no critical alert firing: every critical alert rule is evaluated at the
 *   decision time against the database (firing = condition holds and its `for` has elapsed), and
 *   the app's alert engine adds the critical alerts it has firing (keep_firing_for included). A
 *   critical rule that cannot be evaluated makes stability unknown, which counts as unstable.
 * - A hand-typed entropy next to a live reading may only raise it (be more cautious): a lower hand
 *   value is ignored and recorded with the reason, the live value decides.
 *
 * Every figure (both windows, the alerts, the hand value, why one was used) is recorded in the
 * decision (DecisionMeta).
 */
import type { DecisionEntropyWindow, DecisionMeta, FiringCriticalAlert } from '../../../shared/constitution';
import { formatPercent } from '../../../shared/constitution';
import type { EntropyReading } from '../../../shared/monitoring';
import { DomainError } from '../../../shared/result';
import type { AlertService } from '../alerts/service';
import { defaultAlertConfig, type AlertRule, type Queryable } from '../alerts/rule';
import { allAlertRules } from '../alerts/rules';
import type { Clock } from '../clock';
import { isConnectionError } from '../db/connection';
import { ENTROPY_WINDOW_MINUTES, measureSystemEntropy } from '../monitoring/entropy';
import type pg from 'pg';

/** The short window of a decision's entropy, in minutes. */
export const DECISION_SHORT_WINDOW_MINUTES = 5;
/** The long window of a decision's entropy (the dashboard's entropy window), in minutes. */
export const DECISION_LONG_WINDOW_MINUTES = ENTROPY_WINDOW_MINUTES;

export interface DecisionEntropy {
  /** max over the windows: what Total Coherence compares with 10 %. */
  entropy: number;
  /** The reading of the window that gave the worst value (the long one on a tie). */
  reading: EntropyReading;
  windows: DecisionEntropyWindow[];
  /** Critical alerts firing now (and critical rules that could not be evaluated). */
  criticalAlerts: FiringCriticalAlert[];
}

/** The worst of the readings: the decision entropy. Pure; exported for tests and the docs. */
export function worstWindow(readings: readonly EntropyReading[]): { entropy: number; reading: EntropyReading; windows: DecisionEntropyWindow[] } {
  if (readings.length === 0) throw new Error('worstWindow needs at least one reading');
  let worst = readings[0];
  for (const r of readings) if (r.entropy > worst.entropy || (r.entropy === worst.entropy && r.window.minutes > worst.window.minutes)) worst = r;
  return { entropy: worst.entropy, reading: worst, windows: readings.map((r) => ({ minutes: r.window.minutes, entropy: r.entropy })) };
}

/**
 * Evaluates every critical rule at `at`: an active sample whose `for` has elapsed (judged from the
 * rule's own history) is firing. A lost connection is rethrown; any other failure of a rule is an
 * `unknown` entry (stability not known).
 */
export async function firingCriticalAlerts(
  db: Queryable,
  at: Date,
  rules: readonly AlertRule[] = allAlertRules,
): Promise<FiringCriticalAlert[]> {
  const out: FiringCriticalAlert[] = [];
  for (const rule of rules.filter((r) => r.severity === 'critical')) {
    try {
      const samples = await rule.evaluate(db, { at, config: defaultAlertConfig });
      for (const s of samples) {
        if (!s.active) continue;
        const since = s.activeSince;
        const firing = rule.forMs <= 0 || (since !== undefined && at.getTime() - since.getTime() >= rule.forMs);
        if (!firing) continue;
        out.push({ rule: rule.name, title: rule.title, summary: s.summary, seen_by: 'rule', ...(since ? { since: since.toISOString() } : {}) });
      }
    } catch (err) {
      if (isConnectionError(err)) throw err;
      out.push({ rule: rule.name, title: rule.title, summary: err instanceof Error ? err.message : String(err), seen_by: 'rule', unknown: true });
    }
  }
  return out;
}

/** The critical alerts an alert service's engine has firing now (silenced ones included). */
export function engineFiringCriticalAlerts(service: Pick<AlertService, 'engine'> | null | undefined, at?: Date): FiringCriticalAlert[] {
  if (!service) return [];
  return service.engine
    .alertsNow(at)
    .filter((a) => a.state === 'firing' && a.severity === 'critical')
    .map((a) => ({ rule: a.rule, title: a.title, summary: a.summary, seen_by: 'engine' as const, ...(a.startsAt ? { since: a.startsAt } : {}) }));
}

/** Rule results first; engine alerts of a rule the rule evaluation did not see firing are added. */
function mergeAlerts(fromRules: FiringCriticalAlert[], fromEngine: FiringCriticalAlert[]): FiringCriticalAlert[] {
  const seen = new Set(fromRules.filter((a) => !a.unknown).map((a) => a.rule));
  return [...fromRules, ...fromEngine.filter((a) => !seen.has(a.rule))];
}

/**
 * Measures the decision entropy of a database: both windows, and the firing critical alerts.
 * Throws DomainError('unavailable') when it cannot be measured (nothing is decided on a guess).
 */
export async function measureDecisionEntropy(
  pool: pg.Pool,
  clock: Clock,
  options: { engineAlerts?: () => FiringCriticalAlert[]; rules?: readonly AlertRule[] } = {},
): Promise<DecisionEntropy> {
  const at = clock.now();
  const fixed: Clock = { now: () => new Date(at.getTime()) };
  try {
    const short = await measureSystemEntropy(pool, fixed, DECISION_SHORT_WINDOW_MINUTES);
    const long = await measureSystemEntropy(pool, fixed, DECISION_LONG_WINDOW_MINUTES);
    const worst = worstWindow([short, long]);
    const fromRules = await firingCriticalAlerts(pool, at, options.rules);
    const fromEngine = options.engineAlerts ? options.engineAlerts() : [];
    return { ...worst, criticalAlerts: mergeAlerts(fromRules, fromEngine) };
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError('unavailable', `Cannot measure the system entropy: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The entropy a decision uses and the DecisionMeta fields that record how it was chosen. */
export interface EntropyChoiceResult {
  systemEntropy: number;
  meta: Pick<DecisionMeta, 'entropy_source' | 'entropy_reading' | 'entropy_windows' | 'critical_alerts' | 'entropy_hand' | 'entropy_live' | 'entropy_basis'>;
}

/**
 * Chooses the decision's entropy from a hand value and/or a live measurement:
 * - live only: the worst window;
 * - hand only: the hand value (no database to measure);
 * - both: the hand value only when it is higher (more cautious); a lower one is ignored, and both
 *   values and the reason are recorded.
 */
export function chooseDecisionEntropy(hand: number | undefined, live: DecisionEntropy | undefined, liveError?: string): EntropyChoiceResult {
  if (live === undefined) {
    if (hand === undefined) throw new DomainError('invalid_input', 'Give the system entropy: there is no live reading to decide with.', [{ path: 'systemEntropy', message: 'required' }]);
    return {
      systemEntropy: hand,
      meta: {
        entropy_source: 'manual',
        ...(liveError ? { entropy_hand: hand, entropy_basis: `entered by hand (${formatPercent(hand)}); the live reading failed: ${liveError}` } : {}),
      },
    };
  }
  // A database that never had traffic measures no instability: 0 %, recorded as "no data".
  const noData = live.reading.data === 'no_data' ? '; no data: no log row and no request in the window, so nothing measured unstable' : '';
  const windows = live.windows.map((w) => `${w.minutes} min ${formatPercent(w.entropy)}`).join(', ') + noData;
  const liveMeta = { entropy_reading: live.reading, entropy_windows: live.windows, critical_alerts: live.criticalAlerts };
  if (hand === undefined) {
    return {
      systemEntropy: live.entropy,
      meta: { entropy_source: 'live', ...liveMeta, entropy_basis: `measured live: the worst of the windows (${windows})` },
    };
  }
  if (hand > live.entropy) {
    return {
      systemEntropy: hand,
      meta: {
        entropy_source: 'manual',
        ...liveMeta,
        entropy_hand: hand,
        entropy_live: live.entropy,
        entropy_basis: `entered by hand (${formatPercent(hand)}): higher, so more cautious, than the live reading ${formatPercent(live.entropy)} (${windows})`,
      },
    };
  }
  return {
    systemEntropy: live.entropy,
    meta: {
      entropy_source: 'live',
      ...liveMeta,
      entropy_hand: hand,
      entropy_live: live.entropy,
      entropy_basis:
        hand === live.entropy
          ? `measured live (${windows}); the hand value ${formatPercent(hand)} is the same`
          : `measured live (${windows}); the hand value ${formatPercent(hand)} was ignored: it is lower than the live reading ${formatPercent(live.entropy)}, and a hand value may only raise the entropy`,
    },
  };
}
