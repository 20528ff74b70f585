/**
 * An emergency incident: a protocol opened (from a firing alert, the Operations page or the CLI),
 * its assessment queries run at once, its actions asked of the operations gate (never executed
 * here), its checklist items ticked with a note, and everything on a timeline (who, what, when,
 * outcome) kept in the local cache and in ops.roman_events (event_type 'incident'; queued in the
 * outbox when the database cannot take it — a System Down incident often starts that way).
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type pg from 'pg';
import type { Clock } from '../clock';
import { recordEvent, type RomanEventInput } from '../db/events';
import { DomainError } from '../../../shared/result';
import {
  PROTOCOL_FOR_ALERT,
  PROTOCOLS,
  type ActionStepDef,
  type Incident,
  type PhaseClock,
  type ProtocolName,
  type StepState,
  type TimelineEntry,
} from '../../../shared/emergency';
import { runOperation, unavailableOperations, type OperationsPort } from '../runbooks/operations-port';
import type { RunbookStore } from '../runbooks/store';
import { protocolDef } from './protocols';
import { runAssessment } from './assessment';

export interface EmergencyDeskOptions {
  pool: pg.Pool;
  clock: Clock;
  operations?: OperationsPort;
  store?: RunbookStore | null;
  /** For the outbox when ops.roman_events cannot be written. */
  /** Where an event that cannot be written now is queued (the cache's outbox: the Cache or its worker client). */
  cache?: { outbox: { enqueue(item: { topic: 'event'; idempotencyKey: string; payload: unknown }): unknown } } | null;
  host?: string | null;
}

export interface OpenRequest {
  protocol: string;
  openedBy: string;
  /** The firing alert that calls for the protocol. */
  alert?: { rule: string; title?: string; fingerprint?: string | null; labels?: Record<string, string> } | null;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
const RELATION = /^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/;

function validIpList(v: string): boolean {
  const parts = v.split(',').map((s) => s.trim()).filter(Boolean);
  return parts.length > 0 && parts.length <= 100 && parts.every((p) => {
    const [addr, mask, extra] = p.split('/');
    if (extra !== undefined || !addr) return false;
    const family = isIP(addr);
    if (family === 0) return false;
    if (mask === undefined) return true;
    const n = Number(mask);
    return /^\d{1,3}$/.test(mask) && n >= 0 && n <= (family === 4 ? 32 : 128);
  });
}

/** Validates an action step's parameters; a clear error and nothing done. */
export function validateParams(step: ActionStepDef, given: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = { ...step.params };
  for (const [k, v] of Object.entries(given ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(step.params, k)) throw new DomainError('invalid_input', `${step.title}: unknown parameter "${k.slice(0, 40)}"`);
    if (typeof v !== 'string' || v.length > 2000) throw new DomainError('invalid_input', `${step.title}: parameter "${k}" must be text`);
    out[k] = v.trim();
  }
  for (const k of step.required) if (!out[k]) throw new DomainError('invalid_input', `${step.title}: "${k}" is required`);
  if (out.relation !== undefined && out.relation !== '' && !RELATION.test(out.relation)) throw new DomainError('invalid_input', `"${out.relation.slice(0, 80)}" is not a relation name (schema.table)`);
  for (const k of ['schema', 'role']) if (out[k] !== undefined && !IDENT.test(out[k]!)) throw new DomainError('invalid_input', `"${out[k]!.slice(0, 80)}" is not a valid ${k} name`);
  if (out.ips !== undefined && !validIpList(out.ips)) throw new DomainError('invalid_input', `"${out.ips.slice(0, 80)}" is not a comma-separated list of IP addresses`);
  return out;
}

export function protocolForAlert(rule: string): ProtocolName | null {
  return PROTOCOL_FOR_ALERT[rule] ?? null;
}

function parseProtocol(name: string): ProtocolName {
  if (!(PROTOCOLS as readonly string[]).includes(name)) throw new DomainError('invalid_input', `Unknown protocol "${String(name).slice(0, 40)}" (${PROTOCOLS.join(', ')})`);
  return name as ProtocolName;
}

export function phaseClocks(incident: Incident, now: Date): PhaseClock[] {
  const opened = Date.parse(incident.openedAt);
  return protocolDef(incident.protocol).phases.map((p) => {
    const done = p.steps.every((s) => incident.steps[s.key]?.state === 'done');
    const doneAt = done ? Math.max(opened, ...p.steps.map((s) => Date.parse(incident.steps[s.key]?.at ?? incident.openedAt))) : null;
    const due = p.targetMs === null ? null : opened + p.targetMs;
    const reference = doneAt ?? now.getTime();
    return {
      key: p.key,
      title: p.title,
      targetLabel: p.targetLabel,
      dueAt: due === null ? null : new Date(due).toISOString(),
      done,
      overdue: due !== null && reference > due,
      remainingMs: due === null ? null : due - now.getTime(),
    };
  });
}

export class EmergencyDesk {
  private readonly open = new Map<string, Incident>();

  constructor(private readonly opts: EmergencyDeskOptions) {}

  private get operations(): OperationsPort {
    return this.opts.operations ?? unavailableOperations;
  }

  /** Opens a protocol and runs its assessment queries before returning. */
  async start(req: OpenRequest): Promise<Incident> {
    let protocol: ProtocolName;
    if (req.alert) {
      const p = protocolForAlert(req.alert.rule);
      if (!p) throw new DomainError('invalid_input', `The alert "${String(req.alert.rule).slice(0, 60)}" does not call for an emergency protocol`);
      if (req.protocol && req.protocol !== p) throw new DomainError('invalid_input', `The alert ${req.alert.rule} calls for ${p}, not ${req.protocol}`);
      protocol = p;
    } else {
      protocol = parseProtocol(req.protocol);
    }
    if (typeof req.openedBy !== 'string' || req.openedBy.trim() === '') throw new DomainError('invalid_input', 'who opens the protocol is required');
    const def = protocolDef(protocol);
    const now = this.opts.clock.now();
    const labels = { ...(req.alert?.labels ?? {}) };
    const steps: Record<string, StepState> = {};
    for (const phase of def.phases) {
      for (const s of phase.steps) {
        const params = s.kind === 'action' ? { ...s.params } : {};
        if (s.kind === 'action' && s.action === 'block_ip' && labels.ip && validIpList(labels.ip)) params.ips = labels.ip;
        steps[s.key] = { key: s.key, state: 'open', outcome: null, note: null, by: null, at: null, params };
      }
    }
    const incident: Incident = {
      id: randomUUID(),
      protocol,
      title: def.title,
      openedAt: now.toISOString(),
      openedBy: req.openedBy,
      closedAt: null,
      source: req.alert ? { alert: req.alert.title ?? req.alert.rule, fingerprint: req.alert.fingerprint ?? null, labels } : null,
      steps,
      assessment: [],
      timeline: [],
    };
    this.open.set(incident.id, incident);
    this.persist(incident);
    await this.log(incident, { who: req.openedBy, what: `opened ${def.title}${incident.source ? ` from the firing alert ${incident.source.alert}` : ''}`, outcome: 'opened', detail: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ') });
    incident.assessment = await runAssessment(this.opts.pool, protocol, { clock: this.opts.clock, host: this.opts.host ?? null });
    this.persist(incident);
    await this.log(incident, {
      who: 'roman',
      what: 'ran the assessment queries',
      outcome: incident.assessment.some((a) => a.status === 'failed') ? 'partly failed' : 'done',
      detail: incident.assessment.map((a) => `${a.title}: ${a.status} — ${a.summary}`).join('\n'),
    });
    return incident;
  }

  get(id: string): Incident | null {
    return this.open.get(id) ?? this.opts.store?.getIncident(id) ?? null;
  }

  private require(id: string): Incident {
    const inc = this.get(id);
    if (!inc) throw new DomainError('not_found', `No incident ${String(id).slice(0, 60)}`);
    this.open.set(inc.id, inc);
    return inc;
  }

  /** Asks the operations gate to take one of the protocol's actions (always an explicit, attended request). */
  async act(id: string, stepKey: string, params: Record<string, unknown>, by: string): Promise<Incident> {
    const incident = this.require(id);
    if (incident.closedAt) throw new DomainError('invalid_input', 'This incident is closed');
    const step = protocolDef(incident.protocol).phases.flatMap((p) => p.steps).find((s) => s.key === stepKey);
    if (!step) throw new DomainError('invalid_input', `No step "${String(stepKey).slice(0, 40)}" in ${incident.title}`);
    if (step.kind !== 'action') throw new DomainError('invalid_input', `${step.title} is a checklist item: tick it`);
    if (typeof by !== 'string' || by.trim() === '') throw new DomainError('invalid_input', 'who acts is required');
    const p = validateParams(step, { ...incident.steps[stepKey]!.params, ...params });
    const r = await runOperation(this.operations, { action: step.action, params: { ...p, incident_id: incident.id }, requestedBy: by, standing: false });
    const at = this.opts.clock.now().toISOString();
    incident.steps[stepKey] = { key: stepKey, state: r.outcome === 'succeeded' ? 'done' : 'attempted', outcome: r.outcome, note: r.detail, by, at, params: p };
    this.persist(incident);
    await this.log(incident, { who: by, what: `${step.title} (${Object.entries(p).filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join(', ')})`, outcome: r.outcome === 'refused' ? 'not run (refused)' : r.outcome, detail: r.detail });
    return incident;
  }

  /** Ticks (or unticks) a checklist item with a note. */
  async tick(id: string, stepKey: string, done: boolean, note: string, by: string): Promise<Incident> {
    const incident = this.require(id);
    if (incident.closedAt) throw new DomainError('invalid_input', 'This incident is closed');
    const step = protocolDef(incident.protocol).phases.flatMap((p) => p.steps).find((s) => s.key === stepKey);
    if (!step) throw new DomainError('invalid_input', `No step "${String(stepKey).slice(0, 40)}" in ${incident.title}`);
    if (step.kind !== 'checklist') throw new DomainError('invalid_input', `${step.title} is an action: it is taken through the operations gate`);
    if (typeof note !== 'string' || note.length > 2000) throw new DomainError('invalid_input', 'the note must be text of at most 2000 characters');
    if (typeof by !== 'string' || by.trim() === '') throw new DomainError('invalid_input', 'who ticks is required');
    const at = this.opts.clock.now().toISOString();
    incident.steps[stepKey] = { ...incident.steps[stepKey]!, state: done ? 'done' : 'open', outcome: done ? 'done' : null, note: note.trim() || null, by, at };
    this.persist(incident);
    await this.log(incident, { who: by, what: `${done ? 'ticked' : 'unticked'}: ${step.title}`, outcome: done ? 'done' : 'reopened', detail: note.trim() });
    return incident;
  }

  async close(id: string, by: string, note = ''): Promise<Incident> {
    const incident = this.require(id);
    if (incident.closedAt) return incident;
    incident.closedAt = this.opts.clock.now().toISOString();
    this.persist(incident);
    await this.log(incident, { who: by, what: 'closed the incident', outcome: 'closed', detail: note });
    return incident;
  }

  private persist(incident: Incident): void {
    try {
      this.opts.store?.saveIncident(incident);
    } catch {
      // the cache is best effort here; ops.roman_events has the timeline
    }
  }

  private async log(incident: Incident, e: Omit<TimelineEntry, 'at'>): Promise<void> {
    const entry: TimelineEntry = { at: this.opts.clock.now().toISOString(), ...e };
    incident.timeline.push(entry);
    try {
      this.opts.store?.appendTimeline(incident.id, entry);
    } catch {
      // see persist
    }
    const event: RomanEventInput = {
      event_type: 'incident',
      severity: /failed|refused/.test(e.outcome) ? 'warning' : e.outcome === 'opened' ? 'critical' : 'info',
      message: `${incident.title}: ${e.what} — ${e.outcome}`,
      metadata: { incident_id: incident.id, protocol: incident.protocol, seq: incident.timeline.length, ...entry },
      idempotency_key: `incident:${incident.id}:${incident.timeline.length}`,
    };
    try {
      await recordEvent(this.opts.pool, event);
    } catch {
      try {
        this.opts.cache?.outbox.enqueue({ topic: 'event', idempotencyKey: event.idempotency_key, payload: event });
      } catch {
        // nothing more can be done; the local timeline has it
      }
    }
  }
}
