/**
 * The alert engine: pure state, clock injected, no I/O.
 *
 * - Rule samples → alert instances identified by rule + label set (fingerprint), with Prometheus
 *   semantics: inactive → pending (condition holds, `for` not yet reached) → firing → resolved;
 *   `keep_firing_for` keeps a firing alert firing while the condition flaps off briefly; a rule that
 *   judges its duration from stored history passes `activeSince`, so an incident already 5 minutes
 *   old fires at the first evaluation.
 * - Alertmanager dispatch: alerts are grouped (by rule), a new group waits `group_wait`, changes to a
 *   notified group wait `group_interval`, an unchanged firing group is re-sent after
 *   `repeat_interval` (not when acknowledged); resolutions of notified alerts are sent once.
 * - Inhibition (a firing system_down mutes error_rate_spike), silences with matchers and an expiry,
 *   acknowledgement.
 * Every transition goes to the history sinks (the lead connects the SQLite cache; the alert service
 * writes ops.roman_events).
 * Silences and acknowledgements outlive a restart through an optional AlertStateStore (the
 * workspace passes one on its SQLite cache): loaded when the engine is built, written when they
 * change. An acknowledgement belongs to one incident (fingerprint + startsAt).
 */
import {
  alertFingerprint,
  matchesAll,
  type AlertInstance,
  type AlertSeverity,
  type AlertState,
  type AlertTransition,
  type Labels,
  type Matcher,
  type Silence,
} from '../../../shared/alerts';
import type { Clock } from '../clock';
import type { RuleSample } from './rule';

/** What the engine needs to know about a rule. */
export interface EngineRule {
  name: string;
  title: string;
  severity: AlertSeverity;
  trigger: string;
  action: string;
  forMs: number;
  keepFiringForMs: number;
  historyJudged: boolean;
}

export interface InhibitRule {
  /** Firing alerts matching these mute… */
  source: Matcher[];
  /** …alerts matching these… */
  target: Matcher[];
  /** …when these labels are equal on both. */
  equal: string[];
}

export interface RouteTiming {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

/** Manual: critical alerts are immediate; warnings may wait a little to be batched. */
export const defaultTiming: Record<AlertSeverity, RouteTiming> = {
  critical: { groupWaitMs: 0, groupIntervalMs: 60_000, repeatIntervalMs: 4 * 3_600_000 },
  warning: { groupWaitMs: 30_000, groupIntervalMs: 5 * 60_000, repeatIntervalMs: 4 * 3_600_000 },
};

export const defaultInhibitions: InhibitRule[] = [
  {
    source: [{ name: 'rule', value: 'system_down', isRegex: false, isEqual: true }],
    target: [{ name: 'rule', value: 'error_rate_spike|api_success_rate', isRegex: true, isEqual: true }],
    equal: [],
  },
  {
    source: [{ name: 'rule', value: 'performance_degradation', isRegex: false, isEqual: true }],
    target: [{ name: 'rule', value: 'response_time', isRegex: false, isEqual: true }],
    equal: [],
  },
];

/** Receives every transition (history). Errors thrown here never break evaluation. */
export interface AlertHistorySink {
  record(transition: AlertTransition): void | Promise<void>;
}

export interface AlertNotification {
  groupKey: string;
  /** 'firing' when the group has firing alerts, 'resolved' when it only reports resolutions. */
  status: 'firing' | 'resolved';
  firing: AlertInstance[];
  resolved: AlertInstance[];
  /** A repeat of an unchanged firing group (repeat_interval). */
  repeat: boolean;
  at: string;
}

/** An acknowledgement as stored: of the incident of `fingerprint` that started at `startsAt`. */
export interface AlertAck {
  fingerprint: string;
  by: string;
  at: string;
  /** Start of the acknowledged incident (its activeAt while it was still pending). */
  startsAt: string;
}

/**
 * Where silences and acknowledgements are kept across restarts. Synchronous (SQLite). A failing
 * save throws, and the change it belongs to does not happen.
 */
export interface AlertStateStore {
  /** Silences that ended after `endedAfter` (older ones may be deleted) and every acknowledgement. */
  load(endedAfter: Date): { silences: Silence[]; acks: AlertAck[] };
  saveSilence(silence: Silence): void;
  /** An unsilence at `expiredAt`: the silence now ends at `endsAt`. */
  expireSilence(id: string, endsAt: string, expiredAt: string): void;
  /** Inserts or replaces the acknowledgement of `ack.fingerprint`. */
  saveAck(ack: AlertAck): void;
  deleteAck(fingerprint: string): void;
}

export interface RuleEvaluationInfo {
  rule: string;
  at: string;
  samples: RuleSample[];
  error: string | null;
}

export interface EngineOptions {
  clock: Clock;
  rules: readonly EngineRule[];
  inhibitions?: InhibitRule[];
  timing?: Record<AlertSeverity, RouteTiming>;
  /** Labels (plus `rule`) that form a notification group (default: rule). */
  groupBy?: string[];
  /** How long resolved alerts stay listed (Prometheus: 15 min). */
  resolvedRetentionMs?: number;
  historyLimit?: number;
  sinks?: AlertHistorySink[];
  onSinkError?: (err: unknown) => void;
  /** Keeps silences and acknowledgements across restarts; its state is loaded here. */
  stateStore?: AlertStateStore;
  /** Failures of `stateStore` outside a user's change (loading, forgetting an ended incident's ack). */
  onStateStoreError?: (err: unknown) => void;
}

/** Ended silences stay listed (and stored) this long, then are forgotten. */
const SILENCE_RETENTION_MS = 24 * 3_600_000;

interface AlertRecord {
  fingerprint: string;
  rule: EngineRule;
  state: 'pending' | 'firing' | 'resolved';
  labels: Labels;
  value: number | null;
  summary: string;
  activeAt: number;
  startsAt: number | null;
  endsAt: number | null;
  lastActiveAt: number;
  acknowledged: { by: string; at: string } | null;
}

interface GroupState {
  key: string;
  severity: AlertSeverity;
  firstSeenAt: number;
  lastNotifiedAt: number | null;
  notifiedFiring: Set<string>;
}

let silenceCounter = 0;

export class AlertEngine {
  private readonly clock: Clock;
  private readonly rules = new Map<string, EngineRule>();
  private readonly alerts = new Map<string, AlertRecord>();
  private readonly silenceMap = new Map<string, Silence>();
  private readonly groups = new Map<string, GroupState>();
  private readonly evaluations = new Map<string, RuleEvaluationInfo>();
  private readonly historyRing: AlertTransition[] = [];
  private readonly inhibitions: InhibitRule[];
  private readonly timing: Record<AlertSeverity, RouteTiming>;
  private readonly groupBy: string[];
  private readonly resolvedRetentionMs: number;
  private readonly historyLimit: number;
  private readonly sinks: AlertHistorySink[];
  private readonly onSinkError: (err: unknown) => void;
  private readonly stateStore: AlertStateStore | null;
  private readonly onStateStoreError: (err: unknown) => void;
  /** Acknowledgements as stored, by fingerprint (one incident each). */
  private readonly acks = new Map<string, AlertAck>();

  constructor(opts: EngineOptions) {
    this.clock = opts.clock;
    for (const r of opts.rules) {
      if (this.rules.has(r.name)) throw new Error(`alert rule "${r.name}" is defined twice`);
      this.rules.set(r.name, r);
    }
    this.inhibitions = opts.inhibitions ?? defaultInhibitions;
    this.timing = opts.timing ?? defaultTiming;
    this.groupBy = opts.groupBy ?? [];
    this.resolvedRetentionMs = opts.resolvedRetentionMs ?? 15 * 60_000;
    this.historyLimit = opts.historyLimit ?? 500;
    this.sinks = [...(opts.sinks ?? [])];
    this.onSinkError = opts.onSinkError ?? (() => {});
    this.stateStore = opts.stateStore ?? null;
    this.onStateStoreError = opts.onStateStoreError ?? this.onSinkError;
    if (this.stateStore) this.loadState(this.stateStore);
  }

  /** Restores stored silences and acknowledgements; a store that cannot be read leaves both empty. */
  private loadState(store: AlertStateStore): void {
    let state: { silences: Silence[]; acks: AlertAck[] };
    try {
      state = store.load(new Date(this.clock.now().getTime() - SILENCE_RETENTION_MS));
    } catch (err) {
      this.onStateStoreError(err);
      return;
    }
    for (const s of state.silences) this.silenceMap.set(s.id, { ...s, matchers: s.matchers.map((m) => ({ ...m })) });
    for (const a of state.acks) this.acks.set(a.fingerprint, { ...a });
  }

  addSink(sink: AlertHistorySink): void {
    this.sinks.push(sink);
  }

  ruleNames(): string[] {
    return [...this.rules.keys()];
  }

  /**
   * Applies one evaluation of a rule. Samples with `active` create or keep alerts; alerts of the rule
   * that no active sample mentions see their condition cleared. Returns the transitions.
   */
  ingest(ruleName: string, samples: readonly RuleSample[], at: Date = this.clock.now()): AlertTransition[] {
    const rule = this.rules.get(ruleName);
    if (!rule) throw new Error(`unknown alert rule "${ruleName}"`);
    const now = at.getTime();
    this.evaluations.set(ruleName, { rule: ruleName, at: at.toISOString(), samples: [...samples], error: null });
    const transitions: AlertTransition[] = [];
    const seen = new Set<string>();
    for (const sample of samples) {
      if (!sample.active) continue;
      const labels = { ...sample.labels };
      const fp = alertFingerprint(rule.name, labels);
      if (seen.has(fp)) continue;
      seen.add(fp);
      const since = Math.min(sample.activeSince ? sample.activeSince.getTime() : now, now);
      let rec = this.alerts.get(fp);
      let from: AlertState = rec?.state === 'pending' || rec?.state === 'firing' ? rec.state : 'inactive';
      const created = !rec || rec.state === 'resolved';
      if (!rec || rec.state === 'resolved') {
        rec = {
          fingerprint: fp,
          rule,
          state: 'pending',
          labels,
          value: sample.value,
          summary: sample.summary,
          activeAt: since,
          startsAt: null,
          endsAt: null,
          lastActiveAt: now,
          acknowledged: null,
        };
        this.alerts.set(fp, rec);
        from = 'inactive';
      }
      rec.value = sample.value;
      rec.summary = sample.summary;
      rec.lastActiveAt = now;
      if (rec.state === 'pending' && since < rec.activeAt) rec.activeAt = since;
      if (rec.state === 'pending' && now - rec.activeAt >= rule.forMs) {
        rec.state = 'firing';
        rec.startsAt = rule.historyJudged ? Math.min(rec.activeAt + rule.forMs, now) : now;
        if (!created && rec.acknowledged) this.rekeyAck(rec);
      }
      if (created) this.adoptAck(rec);
      if (rec.state !== from) transitions.push(this.transition(rec, from, rec.state, now));
    }
    for (const rec of this.alerts.values()) {
      if (rec.rule.name !== ruleName || seen.has(rec.fingerprint)) continue;
      if (rec.state === 'pending') {
        this.alerts.delete(rec.fingerprint);
        this.forgetAck(rec.fingerprint);
        transitions.push(this.transition(rec, 'pending', 'inactive', now));
      } else if (rec.state === 'firing') {
        if (rule.keepFiringForMs > 0 && now - rec.lastActiveAt < rule.keepFiringForMs) continue;
        rec.state = 'resolved';
        rec.endsAt = now;
        this.forgetAck(rec.fingerprint);
        transitions.push(this.transition(rec, 'firing', 'resolved', now));
      }
    }
    this.prune(now);
    this.emitHistory(transitions);
    return transitions;
  }

  /**
   * Seeds alerts that were firing (and notified) before this app started — e.g. from
   * ops.roman_events — so a restart neither re-notifies an ongoing incident nor loses its start
   * time. The next evaluation keeps or resolves them as usual. Unknown rules and known
   * fingerprints are skipped. Returns how many were restored.
   */
  restore(
    entries: readonly {
      rule: string;
      labels: Labels;
      activeAt: Date;
      startsAt: Date;
      value: number | null;
      summary: string;
      notifiedAt: Date;
    }[],
    at: Date = this.clock.now(),
  ): number {
    let restored = 0;
    for (const e of entries) {
      const rule = this.rules.get(e.rule);
      if (!rule) continue;
      const fp = alertFingerprint(rule.name, e.labels);
      if (this.alerts.has(fp)) continue;
      const rec: AlertRecord = {
        fingerprint: fp,
        rule,
        state: 'firing',
        labels: { ...e.labels },
        value: e.value,
        summary: e.summary,
        activeAt: e.activeAt.getTime(),
        startsAt: e.startsAt.getTime(),
        endsAt: null,
        lastActiveAt: at.getTime(),
        acknowledged: null,
      };
      this.alerts.set(fp, rec);
      this.adoptAck(rec);
      const key = this.groupKey(rec);
      const group = this.groups.get(key) ?? {
        key,
        severity: rule.severity,
        firstSeenAt: e.notifiedAt.getTime(),
        lastNotifiedAt: e.notifiedAt.getTime(),
        notifiedFiring: new Set<string>(),
      };
      group.notifiedFiring.add(fp);
      group.lastNotifiedAt = Math.max(group.lastNotifiedAt ?? 0, e.notifiedAt.getTime());
      this.groups.set(key, group);
      restored++;
    }
    return restored;
  }

  /** Records that a rule could not be evaluated; alerts keep their state (Prometheus does the same). */
  recordFailure(ruleName: string, message: string, at: Date = this.clock.now()): void {
    if (!this.rules.has(ruleName)) throw new Error(`unknown alert rule "${ruleName}"`);
    const previous = this.evaluations.get(ruleName);
    this.evaluations.set(ruleName, { rule: ruleName, at: at.toISOString(), samples: previous?.samples ?? [], error: message });
  }

  lastEvaluation(ruleName: string): RuleEvaluationInfo | undefined {
    return this.evaluations.get(ruleName);
  }

  /** Every alert the engine knows (pending, firing, recently resolved), as seen now. */
  alertsNow(at: Date = this.clock.now()): AlertInstance[] {
    const now = at.getTime();
    const silences = this.activeSilences(now);
    return [...this.alerts.values()].map((rec) => this.toInstance(rec, silences));
  }

  get(fingerprint: string): AlertInstance | undefined {
    const rec = this.alerts.get(fingerprint);
    return rec ? this.toInstance(rec, this.activeSilences(this.clock.now().getTime())) : undefined;
  }

  history(limit = this.historyLimit): AlertTransition[] {
    return this.historyRing.slice(-limit).reverse();
  }

  /** Acknowledges a pending or firing alert: no more repeat notifications; it stays listed. */
  acknowledge(fingerprint: string, by: string, at: Date = this.clock.now()): AlertInstance {
    const rec = this.alerts.get(fingerprint);
    if (!rec || rec.state === 'resolved') throw new AlertNotFoundError(fingerprint);
    const ack: AlertAck = { fingerprint, by, at: at.toISOString(), startsAt: new Date(rec.startsAt ?? rec.activeAt).toISOString() };
    this.stateStore?.saveAck(ack);
    this.acks.set(fingerprint, ack);
    rec.acknowledged = { by, at: ack.at };
    return this.toInstance(rec, this.activeSilences(at.getTime()));
  }

  addSilence(input: {
    matchers: Matcher[];
    durationMs: number;
    comment: string;
    createdBy: string;
    startsAt?: Date;
  }): Silence {
    if (input.matchers.length === 0) throw new RangeError('a silence needs at least one matcher');
    if (!(input.durationMs > 0)) throw new RangeError('a silence needs a positive duration');
    const start = input.startsAt ?? this.clock.now();
    let id: string;
    do id = `sil-${start.getTime().toString(36)}-${(++silenceCounter).toString(36)}`;
    while (this.silenceMap.has(id));
    const silence: Silence = {
      id,
      matchers: input.matchers.map((m) => ({ ...m })),
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + input.durationMs).toISOString(),
      comment: input.comment,
      createdBy: input.createdBy,
    };
    this.stateStore?.saveSilence(silence);
    this.silenceMap.set(silence.id, silence);
    return silence;
  }

  /** Ends a silence now. Returns false when there was no such silence. */
  expireSilence(id: string, at: Date = this.clock.now()): boolean {
    const s = this.silenceMap.get(id);
    if (!s) return false;
    if (new Date(s.endsAt).getTime() > at.getTime()) {
      this.stateStore?.expireSilence(id, at.toISOString(), at.toISOString());
      s.endsAt = at.toISOString();
    }
    return true;
  }

  /** Silences that have not expired yet (active or scheduled). */
  silences(at: Date = this.clock.now()): Silence[] {
    const now = at.getTime();
    return [...this.silenceMap.values()].filter((s) => new Date(s.endsAt).getTime() > now);
  }

  /**
   * The dispatcher step (Alertmanager): decides which groups notify now. Call it after each
   * evaluation and on a short tick so group_wait / group_interval / repeat_interval elapse.
   */
  flush(at: Date = this.clock.now()): AlertNotification[] {
    const now = at.getTime();
    const silences = this.activeSilences(now);
    const instances = [...this.alerts.values()].map((rec) => ({ rec, inst: this.toInstance(rec, silences) }));
    const byGroup = new Map<string, typeof instances>();
    for (const item of instances) {
      const key = this.groupKey(item.rec);
      const list = byGroup.get(key) ?? [];
      list.push(item);
      byGroup.set(key, list);
    }
    for (const key of this.groups.keys()) if (!byGroup.has(key)) byGroup.set(key, []);
    const out: AlertNotification[] = [];
    for (const [key, items] of byGroup) {
      const eligible = items.filter(
        (i) => i.rec.state === 'firing' && i.inst.silencedBy.length === 0 && i.inst.inhibitedBy.length === 0,
      );
      let group = this.groups.get(key);
      if (!group) {
        if (eligible.length === 0) continue;
        group = {
          key,
          severity: eligible[0]!.rec.rule.severity,
          firstSeenAt: now,
          lastNotifiedAt: null,
          notifiedFiring: new Set(),
        };
        this.groups.set(key, group);
      }
      const timing = this.timing[group.severity];
      const newFiring = eligible.filter((i) => !group.notifiedFiring.has(i.rec.fingerprint));
      const resolved = items.filter((i) => i.rec.state === 'resolved' && group.notifiedFiring.has(i.rec.fingerprint));
      // Notified alerts that vanished without a resolution (pruned) are forgotten.
      for (const fp of [...group.notifiedFiring]) if (!this.alerts.has(fp)) group.notifiedFiring.delete(fp);
      let send = false;
      let repeat = false;
      if (group.lastNotifiedAt === null) {
        send = newFiring.length > 0 && now - group.firstSeenAt >= timing.groupWaitMs;
      } else if ((newFiring.length > 0 || resolved.length > 0) && now - group.lastNotifiedAt >= timing.groupIntervalMs) {
        send = true;
      } else if (
        eligible.some((i) => !i.rec.acknowledged) &&
        newFiring.length === 0 &&
        resolved.length === 0 &&
        now - group.lastNotifiedAt >= timing.repeatIntervalMs
      ) {
        send = true;
        repeat = true;
      }
      if (send) {
        out.push({
          groupKey: key,
          status: eligible.length > 0 ? 'firing' : 'resolved',
          firing: eligible.map((i) => i.inst),
          resolved: resolved.map((i) => i.inst),
          repeat,
          at: at.toISOString(),
        });
        for (const i of eligible) group.notifiedFiring.add(i.rec.fingerprint);
        for (const i of resolved) group.notifiedFiring.delete(i.rec.fingerprint);
        group.lastNotifiedAt = now;
      }
      if (eligible.length === 0 && group.notifiedFiring.size === 0) this.groups.delete(key);
    }
    return out;
  }

  /** Gives a new alert record the stored acknowledgement of its incident; drops one of an older incident. */
  private adoptAck(rec: AlertRecord): void {
    const ack = this.acks.get(rec.fingerprint);
    if (!ack) return;
    const ackedStart = new Date(ack.startsAt).getTime();
    if (ackedStart === rec.activeAt || (rec.startsAt !== null && ackedStart === rec.startsAt)) {
      rec.acknowledged = { by: ack.by, at: ack.at };
      if (rec.startsAt !== null && ackedStart !== rec.startsAt) this.rekeyAck(rec);
    } else {
      this.forgetAck(rec.fingerprint);
    }
  }

  /** An acknowledged pending alert fired: its incident is now known by its startsAt. */
  private rekeyAck(rec: AlertRecord): void {
    const ack = this.acks.get(rec.fingerprint);
    if (!ack || rec.startsAt === null) return;
    const next = { ...ack, startsAt: new Date(rec.startsAt).toISOString() };
    this.acks.set(rec.fingerprint, next);
    try {
      this.stateStore?.saveAck(next);
    } catch (err) {
      this.onStateStoreError(err);
    }
  }

  /** The incident ended (or a new one began): its acknowledgement no longer applies. */
  private forgetAck(fingerprint: string): void {
    if (!this.acks.delete(fingerprint)) return;
    try {
      this.stateStore?.deleteAck(fingerprint);
    } catch (err) {
      this.onStateStoreError(err);
    }
  }

  private groupKey(rec: AlertRecord): string {
    const parts = [`rule=${rec.rule.name}`];
    for (const l of this.groupBy) parts.push(`${l}=${rec.labels[l] ?? ''}`);
    return parts.join(',');
  }

  private activeSilences(now: number): Silence[] {
    return [...this.silenceMap.values()].filter(
      (s) => new Date(s.startsAt).getTime() <= now && new Date(s.endsAt).getTime() > now,
    );
  }

  private toInstance(rec: AlertRecord, silences: Silence[]): AlertInstance {
    const active = rec.state !== 'resolved';
    const silencedBy = active ? silences.filter((s) => matchesAll(s.matchers, rec.rule.name, rec.labels)).map((s) => s.id) : [];
    const inhibitedBy: string[] = [];
    if (active) {
      for (const inh of this.inhibitions) {
        if (!matchesAll(inh.target, rec.rule.name, rec.labels)) continue;
        for (const src of this.alerts.values()) {
          if (src.state !== 'firing' || src.fingerprint === rec.fingerprint) continue;
          if (!matchesAll(inh.source, src.rule.name, src.labels)) continue;
          if (inh.equal.every((l) => (src.labels[l] ?? '') === (rec.labels[l] ?? ''))) inhibitedBy.push(src.fingerprint);
        }
      }
    }
    return {
      fingerprint: rec.fingerprint,
      rule: rec.rule.name,
      title: rec.rule.title,
      severity: rec.rule.severity,
      state: rec.state,
      labels: { ...rec.labels },
      value: rec.value,
      summary: rec.summary,
      trigger: rec.rule.trigger,
      action: rec.rule.action,
      activeAt: new Date(rec.activeAt).toISOString(),
      startsAt: rec.startsAt === null ? null : new Date(rec.startsAt).toISOString(),
      endsAt: rec.endsAt === null ? null : new Date(rec.endsAt).toISOString(),
      lastActiveAt: new Date(rec.lastActiveAt).toISOString(),
      acknowledged: rec.acknowledged ? { ...rec.acknowledged } : null,
      silencedBy,
      inhibitedBy: [...new Set(inhibitedBy)],
    };
  }

  private transition(rec: AlertRecord, from: AlertState, to: AlertState, now: number): AlertTransition {
    const starts = to === 'pending' || to === 'inactive' ? rec.activeAt : (rec.startsAt ?? rec.activeAt);
    return {
      fingerprint: rec.fingerprint,
      rule: rec.rule.name,
      severity: rec.rule.severity,
      labels: { ...rec.labels },
      from,
      to,
      at: new Date(now).toISOString(),
      startsAt: new Date(starts).toISOString(),
      value: rec.value,
      summary: rec.summary,
    };
  }

  private prune(now: number): void {
    for (const rec of this.alerts.values()) {
      if (rec.state === 'resolved' && rec.endsAt !== null && now - rec.endsAt > this.resolvedRetentionMs) {
        this.alerts.delete(rec.fingerprint);
      }
    }
    for (const [id, s] of this.silenceMap) {
      if (now - new Date(s.endsAt).getTime() > SILENCE_RETENTION_MS) this.silenceMap.delete(id);
    }
  }

  private emitHistory(transitions: AlertTransition[]): void {
    for (const t of transitions) {
      this.historyRing.push(t);
      if (this.historyRing.length > this.historyLimit) this.historyRing.shift();
      for (const sink of this.sinks) {
        try {
          const r = sink.record(t);
          if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch(this.onSinkError);
        } catch (err) {
          this.onSinkError(err);
        }
      }
    }
  }
}

export class AlertNotFoundError extends Error {
  constructor(readonly fingerprint: string) {
    super(`no active alert with fingerprint ${fingerprint}`);
    this.name = 'AlertNotFoundError';
  }
}
