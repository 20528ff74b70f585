/**
 * The alert service: runs rules against the monitored database, feeds the engine, keeps history
 * (engine sinks + ops.roman_events via recordEvent, only from the leader so each transition is
 * written once), pushes 'alerts.changed', and hands due notifications to the notifier registry.
 * It owns no timers: the scheduler (or the CLI, once) calls `evaluate` and `tick`.
 */
import type { AlertTransition, RuleEvaluation } from '../../../shared/alerts';
import type { AlertsChangedEvent, AlertsListOutput } from '../../../shared/api/alerts';
import type { Clock } from '../clock';
import { isConnectionError } from '../db/connection';
import { recordEvent, type RomanEventInput } from '../db/events';
import type { NotifierRegistry } from '../notify/notifier';
import {
  AlertEngine,
  type AlertHistorySink,
  type AlertNotification,
  type AlertStateStore,
  type InhibitRule,
  type RouteTiming,
} from './engine';
import { defaultAlertConfig, type AlertConfig, type AlertRule, type Queryable } from './rule';
import { allAlertRules } from './rules';
import type pg from 'pg';

export interface AlertServiceOptions {
  db: Queryable;
  clock: Clock;
  notifiers: NotifierRegistry;
  rules?: readonly AlertRule[];
  config?: Partial<AlertConfig>;
  timing?: Record<'critical' | 'warning', RouteTiming>;
  inhibitions?: InhibitRule[];
  sinks?: AlertHistorySink[];
  /** Keeps silences and acknowledgements across restarts (restored when the service is built). */
  stateStore?: AlertStateStore;
  /** Push 'alerts.changed'. */
  emit?: (event: AlertsChangedEvent) => void;
  /** Is this app the one that does once-only work (Discord, ops.roman_events)? Default: yes. */
  isLeader?: () => boolean;
  /**
   * Whether "not the leader" is known (the leader-lock session is up, so another app holds the
   * lock); when it returns false, leadership is 'unknown'. Default: known.
   */
  leadershipKnown?: () => boolean;
  /** Write transitions to ops.roman_events (when leader). Default true. */
  recordEvents?: boolean;
  onTransitions?: (transitions: AlertTransition[]) => void;
  onNotification?: (n: AlertNotification) => void;
  onError?: (err: Error) => void;
}

export interface EvaluationOutcome {
  at: string;
  transitions: AlertTransition[];
  errors: { rule: string; error: string }[];
}

/** The one identity of a transition: ops.roman_events.idempotency_key and the local record's metadata key. */
export function alertTransitionKey(t: Pick<AlertTransition, 'fingerprint' | 'to' | 'startsAt'>): string {
  return `alert:${t.fingerprint}:${t.to}:${t.startsAt}`;
}

/** ops.roman_events row of a transition; the key makes a second app's (or a retry's) write a no-op. */
export function alertTransitionEvent(t: AlertTransition, title: string): RomanEventInput {
  const verb = t.to === 'firing' ? 'firing' : t.to === 'resolved' ? 'resolved' : t.to === 'pending' ? 'pending' : 'cleared before firing';
  const icon = t.to === 'firing' ? (t.severity === 'critical' ? '🚨 ' : '⚠️ ') : t.to === 'resolved' ? '✅ ' : '';
  return {
    event_type: 'alert',
    severity: t.to === 'firing' ? t.severity : 'info',
    message: `${icon}${title} ${verb}: ${t.summary}`,
    metadata: { ...t, title },
    idempotency_key: alertTransitionKey(t),
  };
}

export class AlertService {
  readonly engine: AlertEngine;
  readonly rules: readonly AlertRule[];
  readonly config: AlertConfig;
  private readonly opts: AlertServiceOptions;
  private readonly ruleByName: Map<string, AlertRule>;
  private evaluatedAt: string | null = null;
  private readonly pendingWork = new Set<Promise<unknown>>();

  constructor(opts: AlertServiceOptions) {
    this.opts = opts;
    this.rules = opts.rules ?? allAlertRules;
    this.ruleByName = new Map(this.rules.map((r) => [r.name, r]));
    this.config = { ...defaultAlertConfig, ...(opts.config ?? {}) };
    this.engine = new AlertEngine({
      clock: opts.clock,
      rules: this.rules,
      timing: opts.timing,
      inhibitions: opts.inhibitions,
      sinks: opts.sinks,
      onSinkError: (err) => this.reportError(err),
      stateStore: opts.stateStore,
      onStateStoreError: (err) => this.reportError(new Error(`alert silences/acknowledgements store: ${err instanceof Error ? err.message : String(err)}`)),
    });
  }

  get notifiers(): NotifierRegistry {
    return this.opts.notifiers;
  }

  get clock(): Clock {
    return this.opts.clock;
  }

  isLeader(): boolean {
    return this.opts.isLeader ? this.opts.isLeader() : true;
  }

  /**
   * Evaluates the given rules (default all) once at the clock's time, applies the results, records
   * and pushes the transitions and sends what is due. A rule that fails keeps its alerts as they
   * are; a lost connection is rethrown so the caller can report the database as unreachable.
   */
  async evaluate(ruleNames?: readonly string[]): Promise<EvaluationOutcome> {
    const at = this.opts.clock.now();
    const selected = ruleNames ? ruleNames.map((n) => this.ruleByName.get(n)).filter((r): r is AlertRule => !!r) : this.rules;
    const transitions: AlertTransition[] = [];
    const errors: { rule: string; error: string }[] = [];
    for (const rule of selected) {
      try {
        const samples = await rule.evaluate(this.opts.db, { at, config: this.config });
        transitions.push(...this.engine.ingest(rule.name, samples, at));
      } catch (err) {
        if (isConnectionError(err)) throw err;
        const message = describeRuleError(err);
        this.engine.recordFailure(rule.name, message, at);
        errors.push({ rule: rule.name, error: message });
      }
    }
    this.evaluatedAt = at.toISOString();
    if (transitions.length > 0) {
      this.opts.onTransitions?.(transitions);
      this.opts.emit?.({ at: at.toISOString(), reason: 'transition', transitions });
      if (this.isLeader() && this.opts.recordEvents !== false) this.track(this.writeEvents(transitions));
    }
    this.tick(at);
    return { at: at.toISOString(), transitions, errors };
  }

  /**
   * Restores alerts whose last recorded transition (ops.roman_events, last 24 h) is 'firing', so a
   * restarted app neither re-sends an ongoing incident nor forgets when it started. Malformed rows
   * are ignored. Returns how many alerts were restored (0 when the table is missing).
   */
  async restoreFromEvents(): Promise<number> {
    let rows: { metadata: unknown; timestamp: Date }[];
    try {
      const r = await this.opts.db.query<{ metadata: unknown; timestamp: Date }>(
        `SELECT DISTINCT ON (metadata->>'fingerprint') metadata, timestamp
           FROM ops.roman_events
          WHERE event_type = 'alert' AND timestamp > now() - interval '24 hours'
            AND jsonb_typeof(metadata) = 'object'
          ORDER BY metadata->>'fingerprint', id DESC
          LIMIT 1000`,
      );
      rows = r.rows;
    } catch (err) {
      if (isConnectionError(err)) throw err;
      this.reportError(new Error(`could not restore alerts from ops.roman_events: ${describeRuleError(err)}`));
      return 0;
    }
    const entries = [];
    for (const row of rows) {
      const m = row.metadata as Partial<AlertTransition> | null;
      if (!m || m.to !== 'firing' || typeof m.rule !== 'string' || typeof m.summary !== 'string') continue;
      if (!m.labels || typeof m.labels !== 'object' || Object.values(m.labels).some((v) => typeof v !== 'string')) continue;
      const startsAt = new Date(String(m.startsAt));
      if (Number.isNaN(startsAt.getTime())) continue;
      entries.push({
        rule: m.rule,
        labels: m.labels,
        activeAt: startsAt,
        startsAt,
        value: typeof m.value === 'number' ? m.value : null,
        summary: m.summary,
        notifiedAt: new Date(row.timestamp),
      });
    }
    return this.engine.restore(entries, this.opts.clock.now());
  }

  /** Dispatcher step: sends the notifications that are due (group_wait, group_interval, repeats). */
  tick(at: Date = this.opts.clock.now()): AlertNotification[] {
    const due = this.engine.flush(at);
    for (const n of due) {
      this.opts.onNotification?.(n);
      this.track(
        this.opts.notifiers.notify(n).then((results) => {
          for (const r of results) if (!r.ok) this.reportError(new Error(`notifier ${r.name}: ${r.error}`));
        }),
      );
    }
    return due;
  }

  /** Waits for queued notifications and event writes (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.pendingWork.size > 0) await Promise.allSettled([...this.pendingWork]);
  }

  /** The CLI contract view: one entry per active label set, or one inactive entry per quiet rule. */
  ruleEvaluations(): RuleEvaluation[] {
    const now = this.opts.clock.now();
    const alerts = this.engine.alertsNow(now);
    const out: RuleEvaluation[] = [];
    for (const rule of this.rules) {
      const active = alerts.filter((a) => a.rule === rule.name && (a.state === 'pending' || a.state === 'firing'));
      if (active.length > 0) {
        for (const a of active) {
          out.push({ rule: rule.name, state: a.state as 'pending' | 'firing', severity: rule.severity, labels: a.labels, value: a.value, summary: a.summary });
        }
        continue;
      }
      const info = this.engine.lastEvaluation(rule.name);
      const quiet = info?.samples.find((s) => !s.active) ?? info?.samples[0];
      out.push({
        rule: rule.name,
        state: 'inactive',
        severity: rule.severity,
        labels: {},
        value: info?.error ? null : (quiet?.value ?? null),
        summary: info?.error ? `could not evaluate: ${info.error}` : (quiet?.summary ?? 'not evaluated yet'),
      });
    }
    return out;
  }

  list(): AlertsListOutput {
    const now = this.opts.clock.now();
    const alerts = this.engine.alertsNow(now);
    const muted = (a: (typeof alerts)[number]) => a.silencedBy.length > 0 || a.inhibitedBy.length > 0;
    const active = alerts.filter((a) => a.state !== 'resolved');
    const ruleErrors: { rule: string; error: string }[] = [];
    for (const r of this.rules) {
      const info = this.engine.lastEvaluation(r.name);
      if (info?.error) ruleErrors.push({ rule: r.name, error: info.error });
    }
    const bySeverity = (a: (typeof alerts)[number], b: (typeof alerts)[number]) =>
      (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1) || a.activeAt.localeCompare(b.activeAt);
    return {
      firing: active.filter((a) => a.state === 'firing' && !muted(a)).sort(bySeverity),
      pending: active.filter((a) => a.state === 'pending' && !muted(a)).sort(bySeverity),
      silenced: active.filter(muted).sort(bySeverity),
      resolved: alerts.filter((a) => a.state === 'resolved'),
      silences: this.engine.silences(now),
      history: this.engine.history(200),
      notifiers: this.opts.notifiers.statuses(),
      evaluatedAt: this.evaluatedAt,
      ruleErrors,
      ruleCount: this.rules.length,
      leader: this.isLeader(),
      leadership: this.isLeader() ? 'this' : this.opts.leadershipKnown && !this.opts.leadershipKnown() ? 'unknown' : 'other',
    };
  }

  changed(reason: AlertsChangedEvent['reason']): void {
    this.opts.emit?.({ at: this.opts.clock.now().toISOString(), reason });
  }

  private async writeEvents(transitions: AlertTransition[]): Promise<void> {
    for (const t of transitions) {
      const title = this.ruleByName.get(t.rule)?.title ?? t.rule;
      try {
        await recordEvent(this.opts.db as pg.Pool, alertTransitionEvent(t, title));
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        Object.defineProperty(e, 'job', { value: 'ops.roman_events write', enumerable: false, configurable: true });
        throw e;
      }
    }
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((err: unknown) => this.reportError(err));
    this.pendingWork.add(tracked);
    void tracked.finally(() => this.pendingWork.delete(tracked));
  }

  private reportError(err: unknown): void {
    this.opts.onError?.(err instanceof Error ? err : new Error(String(err)));
  }
}

function describeRuleError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e?.code === '42P01') return `a table it reads is missing (${e.message}); run \`roman db init\``;
  if (e?.code === '42501') return `permission denied (${e.message})`;
  if (e?.code === '57014') return 'the query was cancelled (statement_timeout)';
  return (e?.message ?? String(err)).slice(0, 300);
}
