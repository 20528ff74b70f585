/** API contract of the schema audit and AI metrics (handler inputs + outputs). */
import { z } from 'zod';
import type { AuditDismissal, AuditReport } from '../audit';
import type { AiMetricsReport } from '../metrics';

export const auditInputs = {
  /** Runs the audit on the active connection; projectDir overrides Settings' project folder (null: none). */
  'audit.run': z.object({ projectDir: z.string().trim().min(1).max(1000).nullable().optional() }).strict(),
  /** The latest saved report (database first, else the local cache). */
  'audit.latest': z.object({}).strict(),
  'audit.dismiss': z
    .object({
      cache_key: z.string().trim().min(1, 'cache_key is required').max(500, 'cache_key is too long'),
      note: z.string().trim().min(1, 'a note saying why is required').max(2000, 'note is too long'),
    })
    .strict(),
  /** The manual's /metrics: from the database, or from the local cache when it is unreachable. */
  'metrics.ai': z.object({}).strict(),
} satisfies Record<string, z.ZodType>;

export interface AuditRunOutput {
  report: AuditReport;
  /** The manual's /audit message. */
  message: string;
  saved: boolean;
  savedReason?: string;
}

export interface AuditOutputs {
  'audit.run': AuditRunOutput;
  'audit.latest': { report: AuditReport | null; source: 'database' | 'cache' | null };
  'audit.dismiss': AuditDismissal;
  'metrics.ai': { report: AiMetricsReport; message: string };
}
