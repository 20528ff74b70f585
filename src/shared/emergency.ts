/**
 * Emergency protocols (System Down, Data Loss Risk, Security Breach): guided runbooks with the
 * manual's time targets, assessment queries, gated actions, checklist items and an incident
 * timeline. Shared by the core, the CLI and the renderer.
 */
import { z } from 'zod';
import type { FigureRow } from './runbooks';

export const PROTOCOLS = ['system-down', 'data-loss', 'security-breach'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];
export const protocolNameSchema = z.enum(PROTOCOLS);

/** The alert rule (capability 4, by rule name) that calls for each protocol. */
export const PROTOCOL_FOR_ALERT: Record<string, ProtocolName> = {
  system_down: 'system-down',
  data_loss_risk: 'data-loss',
  security_breach: 'security-breach',
};

export interface ActionStepDef {
  kind: 'action';
  key: string;
  title: string;
  /** Catalogue action kind asked of the operations gate. */
  action: string;
  /** Parameters the admin fills or confirms (pre-filled from the alert where possible). */
  params: Record<string, string>;
  /** Parameters that must be non-empty before the step can be asked for. */
  required: string[];
  destructive: boolean;
  note?: string;
}

export interface ChecklistStepDef {
  kind: 'checklist';
  key: string;
  title: string;
}

export type StepDef = ActionStepDef | ChecklistStepDef;

export interface PhaseDef {
  key: string;
  title: string;
  /** The manual's time target from the incident's start, or null for long-term. */
  targetMs: number | null;
  targetLabel: string;
  steps: StepDef[];
}

export interface ProtocolDef {
  name: ProtocolName;
  title: string;
  indicators: string[];
  phases: PhaseDef[];
}

export interface AssessmentResult {
  key: string;
  title: string;
  status: 'ok' | 'warning' | 'unavailable' | 'failed';
  summary: string;
  rows: FigureRow[];
  sql: string[];
}

export interface StepState {
  key: string;
  /** done: ticked or the action succeeded; attempted: asked, not succeeded. */
  state: 'open' | 'done' | 'attempted';
  outcome: string | null;
  note: string | null;
  by: string | null;
  at: string | null;
  params: Record<string, string>;
}

export interface TimelineEntry {
  at: string;
  who: string;
  what: string;
  outcome: string;
  detail: string;
}

export interface Incident {
  id: string;
  protocol: ProtocolName;
  title: string;
  openedAt: string;
  openedBy: string;
  closedAt: string | null;
  /** The firing alert that opened it, when it did. */
  source: { alert: string; fingerprint: string | null; labels: Record<string, string> } | null;
  steps: Record<string, StepState>;
  assessment: AssessmentResult[];
  timeline: TimelineEntry[];
}

export interface PhaseClock {
  key: string;
  title: string;
  targetLabel: string;
  /** ISO deadline, null for long-term. */
  dueAt: string | null;
  done: boolean;
  overdue: boolean;
  /** ms left until the deadline (negative when overdue), null for long-term. */
  remainingMs: number | null;
}
