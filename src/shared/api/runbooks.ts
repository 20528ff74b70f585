/**
 * API contract of maintenance runbooks and emergency protocols (capability 8).
 */
import { z } from 'zod';
import { RUNBOOKS, runbookSchedulesSchema, type RunbookProgress, type RunbookReport, type RunbookReportSummary, type RunbookSchedules, type RunbookStatus } from '../runbooks';
import { PROTOCOLS, type Incident, type PhaseClock, type ProtocolDef } from '../emergency';

const id = z.string().uuid('must be an id');
const stepKey = z.string().regex(/^[a-z_]{1,60}$/, 'must be a step key');

export const runbooksInputs = {
  'runbooks.status': z.object({}).strict(),
  'runbooks.run': z.object({ runbook: z.enum(RUNBOOKS) }).strict(),
  'runbooks.reports': z.object({ runbook: z.enum(RUNBOOKS).optional(), limit: z.number().int().min(1).max(200).default(30) }).strict(),
  'runbooks.report': z.object({ id }).strict(),
  'runbooks.settings': z.object({}).strict(),
  'runbooks.setSettings': z
    .object({ schedules: runbookSchedulesSchema, projectDir: z.string().trim().max(1000).nullable(), autoRun: z.boolean() })
    .strict(),
  'emergency.protocols': z.object({}).strict(),
  'emergency.start': z
    .object({
      protocol: z.enum(PROTOCOLS).optional(),
      alert: z
        .object({
          rule: z.string().min(1).max(100),
          title: z.string().max(200).optional(),
          fingerprint: z.string().max(200).nullable().optional(),
          labels: z.record(z.string().max(100), z.string().max(500)).optional(),
        })
        .strict()
        .optional(),
    })
    .strict()
    .refine((v) => v.protocol !== undefined || v.alert !== undefined, 'say which protocol, or which alert calls for it'),
  'emergency.incidents': z.object({ limit: z.number().int().min(1).max(200).default(30) }).strict(),
  'emergency.incident': z.object({ id }).strict(),
  'emergency.act': z.object({ id, step: stepKey, params: z.record(z.string().max(40), z.string().max(2000)).default({}) }).strict(),
  'emergency.tick': z.object({ id, step: stepKey, done: z.boolean(), note: z.string().max(2000).default('') }).strict(),
  'emergency.close': z.object({ id, note: z.string().max(2000).default('') }).strict(),
  'emergency.postMortem': z.object({ id }).strict(),
} satisfies Record<string, z.ZodType>;

export interface RunbookSettings {
  schedules: RunbookSchedules;
  projectDir: string | null;
  /** Run scheduled and missed windows automatically in this app (off for the sample workspace). */
  autoRun: boolean;
}

export interface IncidentView {
  incident: Incident;
  clocks: PhaseClock[];
  protocol: ProtocolDef;
}

export interface RunbooksOutputs {
  'runbooks.status': { statuses: RunbookStatus[]; running: RunbookProgress | null; autoRun: boolean; sample: boolean };
  'runbooks.run': RunbookReport;
  'runbooks.reports': RunbookReportSummary[];
  'runbooks.report': { report: RunbookReport; markdown: string };
  'runbooks.settings': RunbookSettings;
  'runbooks.setSettings': RunbookSettings;
  'emergency.protocols': ProtocolDef[];
  'emergency.start': IncidentView;
  'emergency.incidents': Omit<Incident, 'timeline' | 'assessment'>[];
  'emergency.incident': IncidentView;
  'emergency.act': IncidentView;
  'emergency.tick': IncidentView;
  'emergency.close': IncidentView;
  'emergency.postMortem': { markdown: string; filename: string };
}

export interface RunbooksEvents {
  'runbooks.progress': RunbookProgress;
  'runbooks.finished': { id: string; runbook: string; status: string; late: boolean };
}
