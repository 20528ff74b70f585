/**
 * API contract of the operations domain (capability 8): plan + grant for an approved decision, the
 * gate (execute), cancellation, the executions history and the migrations of a folder.
 */
import { z } from 'zod';
import { operationParamsSchema, type ExecutionProgress, type ExecutionResult, type ExecutionSummary, type GrantInfo, type MigrationInfo, type Plan } from '../operations';

const migrationRequest = z
  .object({
    dir: z.string().trim().min(1).max(4000).nullish(),
    direction: z.enum(['apply', 'rollback']),
    to: z.string().regex(/^\d+$/, 'must be a migration version (digits)').nullish(),
  })
  .strict();

export const operationsInputs = {
  'operations.prepare': z
    .object({
      decisionId: z.string().trim().min(1).max(200),
      params: operationParamsSchema.nullish(),
      migration: migrationRequest.nullish(),
      ttlSeconds: z.number().int().min(1).max(3600).optional(),
    })
    .strict(),
  'operations.execute': z
    .object({
      grantId: z.string().max(200),
      confirm: z.string().max(200).nullish(),
      paramsHash: z.string().max(128).nullish(),
    })
    .strict(),
  'operations.cancel': z.object({ grantId: z.string().max(200) }).strict(),
  'operations.executions': z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(),
  'operations.migrations': z.object({ dir: z.string().trim().max(4000).nullish() }).strict(),
  'operations.dryRun': z.object({ dir: z.string().trim().max(4000).nullish(), to: z.string().regex(/^\d+$/).nullish() }).strict(),
} satisfies Record<string, z.ZodType>;

export type PrepareResult = { executable: true; plan: Plan; grant: GrantInfo } | { executable: false; reason: string };

export interface MigrationsView {
  dir: string | null;
  historyExists: boolean;
  migrations: MigrationInfo[];
  warnings: string[];
}

export interface DryRunView {
  pending: string[];
  ok: boolean;
  ran: string[];
  error: { version: string; name: string; message: string; code: string | null; statement: string | null } | null;
  locks: { relation: string; mode: string; version: string }[];
}

export interface OperationsOutputs {
  'operations.prepare': PrepareResult;
  'operations.execute': ExecutionResult;
  'operations.cancel': { cancelled: boolean };
  'operations.executions': ExecutionSummary[];
  'operations.migrations': MigrationsView;
  'operations.dryRun': DryRunView;
}

export interface OperationsEvents {
  'operations.progress': ExecutionProgress;
  'operations.changed': { grant_id: string; status: string };
}
