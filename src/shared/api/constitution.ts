/** API contract of the constitutional core and action requests (handler inputs + outputs). None executes anything. */
import { z } from 'zod';
import { actionDataSchema, systemEntropySchema, type Decision, type DecisionEntropyWindow, type FiringCriticalAlert, type SelfTestReport } from '../constitution';
import type { EntropyReading } from '../monitoring';
import type { CatalogueEntry, ParsedAction } from '../actions';

const requestText = z.string().trim().min(1, 'must be a non-empty string').max(500, 'must be at most 500 characters');

export const constitutionInputs = {
  'constitution.selftest': z.object({}).strict(),
  'constitution.evaluate': z.object({ action: actionDataSchema, systemEntropy: systemEntropySchema }).strict(),
  /** The decision entropy a decision would use now (no decision is made, nothing is recorded). */
  'constitution.entropy': z.object({}).strict(),
  'actions.catalogue': z.object({}).strict(),
  'actions.parse': z.object({ text: requestText }).strict(),
  'actions.request': z
    .object({
      text: requestText.optional(),
      kind: z.string().min(1).max(64).optional(),
      environment: z.string().min(1).max(32).optional(),
      /** Entered by hand; omitted → measured live from the open workspace's database. */
      systemEntropy: systemEntropySchema.optional(),
    })
    .strict()
    .refine((v) => v.text !== undefined || v.kind !== undefined, { message: 'text or kind is required', path: ['text'] }),
} satisfies Record<string, z.ZodType>;

/** What 'actions.request' answers: the action, its Decision and the explanation. Nothing is executed. */
export interface ActionRequestResult {
  action: ParsedAction;
  decision: Decision;
  /** "✅ ACTION APPROVED: Deploy to staging" / "❌ ACTION REJECTED: …". */
  headline: string;
  /** Every line of the explanation (manual's Discord format). */
  explanation: string[];
  /** Safer alternatives when rejected. */
  alternatives: string[];
}

/** The decision entropy now: the worst window, each window, and the critical alerts firing. */
export interface DecisionEntropyView {
  entropy: number;
  /** STABLE only when the entropy is ≤ 10 % and no critical alert fires (or is unknown). */
  stable: boolean;
  reading: EntropyReading;
  windows: DecisionEntropyWindow[];
  criticalAlerts: FiringCriticalAlert[];
}

export interface ConstitutionOutputs {
  'constitution.selftest': SelfTestReport;
  'constitution.evaluate': Decision;
  'constitution.entropy': DecisionEntropyView;
  'actions.catalogue': CatalogueEntry[];
  'actions.parse': ParsedAction;
  'actions.request': ActionRequestResult;
}
