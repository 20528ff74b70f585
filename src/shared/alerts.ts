/**
 * Alert domain types shared by the core, the CLI and the renderer: alert states (Prometheus
 * semantics), label sets and fingerprints, silences with matchers (Alertmanager), transitions kept
 * as history, notifier status, and the `roman alerts evaluate --json` record shape.
 */
import { z } from 'zod';

export type AlertSeverity = 'critical' | 'warning';
/** `resolved` is only ever a transition target and a history state; evaluation reports the other three. */
export type AlertState = 'inactive' | 'pending' | 'firing' | 'resolved';
export type Labels = Record<string, string>;

/** One alert instance: a rule plus one label set (identity = fingerprint). */
export interface AlertInstance {
  fingerprint: string;
  rule: string;
  title: string;
  severity: AlertSeverity;
  state: 'pending' | 'firing' | 'resolved';
  labels: Labels;
  value: number | null;
  summary: string;
  /** The manual's trigger and action for the rule. */
  trigger: string;
  action: string;
  /** When the condition started to hold (pending since). ISO. */
  activeAt: string;
  /** When it started firing. ISO, null while pending. */
  startsAt: string | null;
  /** When it resolved. ISO, null while active. */
  endsAt: string | null;
  /** Last evaluation that saw the condition hold. ISO. */
  lastActiveAt: string;
  acknowledged: { by: string; at: string } | null;
  /** Ids of the silences muting it (empty when not silenced). */
  silencedBy: string[];
  /** Fingerprints of the firing alerts inhibiting it. */
  inhibitedBy: string[];
}

export interface AlertTransition {
  fingerprint: string;
  rule: string;
  severity: AlertSeverity;
  labels: Labels;
  from: AlertState;
  to: AlertState;
  at: string;
  /** activeAt for pending, firing time for firing/resolved. */
  startsAt: string;
  value: number | null;
  summary: string;
}

export const matcherSchema = z
  .object({
    name: z.string().min(1).max(100),
    value: z.string().max(500),
    isRegex: z.boolean().default(false),
    isEqual: z.boolean().default(true),
  })
  .strict();
export type Matcher = z.output<typeof matcherSchema>;

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  comment: string;
  createdBy: string;
}

export type NotifierHealth = 'ok' | 'rate_limited' | 'failing' | 'disabled';

export interface NotifierStatus {
  name: string;
  kind: string;
  health: NotifierHealth;
  /** Why it is disabled or failing, never containing secrets. */
  detail: string | null;
  lastSentAt: string | null;
}

/** One entry of `roman alerts evaluate --json` (the CLI contract). */
export interface RuleEvaluation {
  rule: string;
  state: 'inactive' | 'pending' | 'firing';
  severity: AlertSeverity;
  labels: Labels;
  value: number | null;
  summary: string;
}

/** Canonical, order-independent fingerprint of a rule + label set (FNV-1a 64-bit, hex). */
export function alertFingerprint(rule: string, labels: Labels): string {
  const parts = [`alertname\u0000${rule}`];
  for (const key of Object.keys(labels).sort()) parts.push(`${key}\u0000${labels[key]}`);
  const text = parts.join('\u0001');
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * prime) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** Does a label set (plus its rule as `alertname`/`rule`) satisfy every matcher? */
export function matchesAll(matchers: readonly Matcher[], rule: string, labels: Labels): boolean {
  const all: Labels = { alertname: rule, rule, ...labels };
  return matchers.every((m) => {
    const actual = all[m.name] ?? '';
    let hit: boolean;
    if (m.isRegex) {
      try {
        hit = new RegExp(`^(?:${m.value})$`).test(actual);
      } catch {
        hit = false;
      }
    } else hit = actual === m.value;
    return m.isEqual ? hit : !hit;
  });
}
