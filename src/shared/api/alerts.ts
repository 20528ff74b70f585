/** API contract of the alerts domain (handler inputs + outputs + push events). */
import { z } from 'zod';
import {
  matcherSchema,
  type AlertInstance,
  type AlertTransition,
  type NotifierStatus,
  type Silence,
} from '../alerts';

export const alertsInputs = {
  'alerts.list': z.object({}).strict(),
  'alerts.acknowledge': z
    .object({ fingerprint: z.string().regex(/^[0-9a-f]{16}$/, 'must be an alert fingerprint (16 hex digits)') })
    .strict(),
  'alerts.silence': z
    .object({
      matchers: z.array(matcherSchema).min(1, 'at least one matcher').max(20),
      durationMinutes: z
        .number()
        .int('must be a whole number of minutes')
        .min(1, 'must be at least 1 minute')
        .max(30 * 24 * 60, 'must be at most 30 days'),
      comment: z.string().trim().min(1, 'say why you silence it').max(500),
    })
    .strict(),
  'alerts.unsilence': z.object({ id: z.string().min(1).max(100) }).strict(),
  'notifiers.test': z.object({ name: z.string().min(1).max(100) }).strict(),
} satisfies Record<string, z.ZodType>;

export interface AlertsListOutput {
  /** Firing, neither silenced nor inhibited. */
  firing: AlertInstance[];
  pending: AlertInstance[];
  /** Pending or firing but muted by a silence or an inhibition (see silencedBy / inhibitedBy). */
  silenced: AlertInstance[];
  /** Resolved in the last 15 minutes. */
  resolved: AlertInstance[];
  silences: Silence[];
  /** Newest first. */
  history: AlertTransition[];
  notifiers: NotifierStatus[];
  /** Last evaluation time, null before the first one. */
  evaluatedAt: string | null;
  /** Rules that could not be evaluated, with the reason. */
  ruleErrors: { rule: string; error: string }[];
  /** How many rules there are (all of them in ruleErrors = nothing can be evaluated). */
  ruleCount?: number;
  /**
   * Who does the once-only work: 'this' app, 'other' (another app holds the leader lock — known
   * only while this app's lock session is up), or 'unknown' (the database cannot be reached).
   */
  leadership?: 'this' | 'other' | 'unknown';
  /** Does this app send the once-only notifications (Discord) for this database? */
  leader: boolean;
}

export interface AlertsOutputs {
  'alerts.list': AlertsListOutput;
  'alerts.acknowledge': AlertInstance;
  'alerts.silence': Silence;
  'alerts.unsilence': { id: string; expired: true };
  'notifiers.test': { name: string; sent: true };
}

export interface AlertsChangedEvent {
  at: string;
  reason: 'transition' | 'notification' | 'silence' | 'acknowledge' | 'notifier';
  /** Present for reason 'transition'. */
  transitions?: AlertTransition[];
  /** Present for reason 'notification' (fingerprints, group, firing or resolved). */
  notification?: {
    groupKey: string;
    status: 'firing' | 'resolved';
    firing: string[];
    resolved: string[];
    repeat: boolean;
    /** What the app shows in its in-app notification (the same text as the native one). */
    display?: { title: string; body: string; severity: 'critical' | 'warning' | 'resolved'; fingerprint: string; test: boolean };
  };
}

export interface AlertsEvents {
  'alerts.changed': AlertsChangedEvent;
}
