/**
 * API contract of the triage domain (capability 5): error patterns from the local cache (they work
 * offline), playbooks and the guided triage flow against the watched database.
 */
import { z } from 'zod';
import {
  PATTERN_STATUSES,
  PLAYBOOK_NAMES,
  PLAYBOOK_OUTCOMES,
  TRIAGE_SEVERITIES,
  type PatternDetail,
  type PatternSummary,
  type PlaybookInfo,
  type PlaybookRunRecord,
  type PlaybookRunReport,
} from '../triage';

const patternId = z.string().regex(/^p[0-9a-f]{15}$/, 'must be a pattern id (p + 15 hex digits)');

export const triageInputs = {
  'triage.patterns': z
    .object({
      status: z.array(z.enum(PATTERN_STATUSES)).max(PATTERN_STATUSES.length).optional(),
      severity: z.array(z.enum(TRIAGE_SEVERITIES)).max(TRIAGE_SEVERITIES.length).optional(),
      source: z.string().trim().min(1).max(200).optional(),
      text: z.string().max(500).optional(),
      since: z.string().trim().max(64).optional(),
      sort: z.enum(['recent', 'count'], { error: 'sort must be recent or count' }).optional(),
      limit: z.number().int().min(1).max(1000).default(200),
    })
    .strict(),
  'triage.pattern': z.object({ id: patternId }).strict(),
  'triage.setStatus': z
    .object({ id: patternId, status: z.enum(['new', 'acknowledged', 'resolved', 'ignored'], { error: 'status must be new, acknowledged, resolved or ignored' }) })
    .strict(),
  'triage.addNote': z.object({ id: patternId, text: z.string().trim().min(1, 'write the note first').max(10_000) }).strict(),
  'triage.playbooks': z.object({}).strict(),
  'triage.runPlaybook': z.object({ name: z.enum(PLAYBOOK_NAMES), patternId: patternId.nullish() }).strict(),
  'triage.recordOutcome': z
    .object({
      runId: z.string().uuid('must be a playbook run id'),
      outcome: z.enum(PLAYBOOK_OUTCOMES),
      note: z.string().trim().max(4000).nullish(),
    })
    .strict(),
  'triage.runs': z.object({ playbook: z.enum(PLAYBOOK_NAMES).optional(), patternId: patternId.optional(), limit: z.number().int().min(1).max(200).default(20) }).strict(),
  'triage.context': z.object({ id: patternId }).strict(),
  'triage.validation': z
    .object({ id: patternId, since: z.string().datetime({ offset: true, error: 'since must be an ISO-8601 time' }) })
    .strict(),
} satisfies Record<string, z.ZodType>;

export interface TriageContextRow {
  timestamp: string;
  severity: string | null;
  source: string | null;
  message: string;
}

/** The six steps' data: step 1 (context queries pre-run), step 2 (questions answered), step 3 (impact). */
export interface TriageContext {
  pattern: PatternDetail;
  /** Step 1: the manual's three context queries, pre-run against the database. */
  recentErrors: TriageContextRow[] | null;
  romanEvents: TriageContextRow[] | null;
  systemHealth: { timestamp: string; entropy: number | null; errorRate: number | null; failureRate: number | null; latencySpikes: number | null; activeConnections: number | null } | null;
  /** Why step 1 could not run against the database (unreachable, table missing), else null. */
  contextError: string | null;
  /** Step 2: the pattern questions answered from data. */
  questions: Array<{ id: 'recurring' | 'users' | 'deployment' | 'feature'; question: string; answer: string; evidence: string }>;
  /** Step 3: the suggested impact level and why (the admin decides). */
  impact: { level: 'critical' | 'high' | 'medium' | 'low'; reason: string };
}

export interface TriageValidation {
  since: string;
  until: string;
  /** Per minute over the 10 minutes after `since`: the pattern's occurrences (cache) and all errors (database, the manual's query). */
  minutes: Array<{ at: string; pattern: number; errors: number | null }>;
  /** The manual's validation query: errors in the last 10 minutes (null when the database is unreachable). */
  errorsLast10Minutes: number | null;
  complete: boolean;
}

export interface TriageOutputs {
  'triage.patterns': { patterns: PatternSummary[]; indexedAt: string | null };
  'triage.pattern': PatternDetail;
  'triage.setStatus': PatternSummary;
  'triage.addNote': PatternDetail;
  'triage.playbooks': PlaybookInfo[];
  'triage.runPlaybook': PlaybookRunReport;
  'triage.recordOutcome': PlaybookRunRecord;
  'triage.runs': PlaybookRunRecord[];
  'triage.context': TriageContext;
  'triage.validation': TriageValidation;
}

export interface TriageEvents {
  /** New occurrences were fingerprinted (after a sync); pattern lists refresh. */
  'triage.changed': { at: string; indexed: number; newPatterns: number; regressed: string[]; autoStarted: string[] };
}
