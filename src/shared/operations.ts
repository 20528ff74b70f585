/**
 * Operations vocabulary shared by the core, the CLI and the renderer: the parameters of an
 * executable action, its plan (ordered steps with their SQL or command), the grant that allows one
 * execution of that plan, progress reports and the recorded outcome of an execution.
 */
import { z } from 'zod';

/** Action kinds R.O.M.A.N. can really execute (everything else in the catalogue is verdict-only). */
export const EXECUTABLE_KINDS = [
  'backup',
  'vacuum',
  'freeze_writes',
  'restore_writes',
  'cancel_query',
  'create_index',
  'drop_index',
  'block_ip',
  'unblock_ip',
  'migration',
  'rollback',
] as const;
export type ExecutableKind = (typeof EXECUTABLE_KINDS)[number];

/**
 * Parameters of an executable action (flat JSON, bound into the grant by a hash).
 * - backup: {}
 * - vacuum: { table?: "schema.table" } (absent = the whole database)
 * - freeze_writes / restore_writes: { schema: "public", roles: ["authenticated"] }
 * - cancel_query: { pid, terminate, backend_start } (backend_start guards against a reused pid)
 * - create_index: { table, columns: [...], name }
 * - drop_index: { index: "schema.name" }
 * - block_ip / unblock_ip: { ip: "203.0.113.7" or a CIDR, reason? }
 * - migration: { dir, versions: [...], checksums: [...] } (exactly the files to apply)
 * - rollback: { dir, versions: [...], checksums: [...] } (newest first)
 */
export type OperationParams = Record<string, string | number | boolean | null | string[]>;

export const operationParamsSchema = z.record(
  z.string().max(64),
  z.union([z.string().max(4000), z.number(), z.boolean(), z.null(), z.array(z.string().max(4000)).max(1000)]),
);

export type PlanStepKind =
  | 'backup'
  | 'verify_backup'
  | 'sql'
  | 'vacuum'
  | 'freeze_writes'
  | 'restore_writes'
  | 'cancel_backend'
  | 'terminate_backend'
  | 'create_index'
  | 'drop_index'
  | 'block_ip'
  | 'unblock_ip'
  | 'migration_up'
  | 'migration_down';

export interface PlanStep {
  kind: PlanStepKind;
  title: string;
  /** The SQL (or the command line, for pg_dump) this step runs. */
  sql: string;
  destructive: boolean;
}

export interface Plan {
  action_kind: ExecutableKind;
  params: OperationParams;
  /** postgres server identity and database name the plan targets. */
  target: { server: string; database: string };
  /** production | staging | development | sample | unspecified — unspecified counts as production. */
  environment: string;
  /** Whether the safety rules of production apply (production or an unknown environment). */
  production: boolean;
  destructive: boolean;
  backup_first: boolean;
  /** Ordered; when backup_first the first step is the backup. */
  steps: PlanStep[];
  /** What the operator should know (e.g. "the app must call ops.is_ip_blocked for this to take effect"). */
  notes: string[];
}

export interface GrantInfo {
  id: string;
  decision_id: string;
  action_kind: ExecutableKind;
  params_hash: string;
  target_server: string;
  target_database: string;
  environment: string;
  requested_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export const EXECUTION_OUTCOMES = ['succeeded', 'failed', 'cancelled'] as const;
export type ExecutionOutcome = (typeof EXECUTION_OUTCOMES)[number];

export const REFUSAL_CODES = [
  'grant_unknown',
  'grant_expired',
  'grant_used',
  'grant_foreign',
  'grant_tampered',
  'decision_rejected',
  'decision_unknown',
  'confirmation_required',
  'no_backup',
  'busy',
  'not_executable',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Refusals about the grant itself (CLI exit 2); the others are safety rules (exit 5). */
export const GRANT_REFUSALS: readonly RefusalCode[] = [
  'grant_unknown',
  'grant_expired',
  'grant_used',
  'grant_foreign',
  'grant_tampered',
  'decision_rejected',
  'decision_unknown',
];

export interface StepResult {
  kind: PlanStepKind;
  title: string;
  status: 'succeeded' | 'failed' | 'cancelled' | 'skipped';
  duration_ms: number;
  detail?: string;
  error?: string;
}

export interface BackupInfo {
  file: string;
  bytes: number;
  sha256: string;
  toc_entries: number;
  pg_dump: string;
}

export interface ExecutionProgress {
  grant_id: string;
  step: number;
  steps: number;
  title: string;
  /** What Postgres reports (pg_stat_progress_*), or bytes written by pg_dump. */
  phase?: string;
  done?: number;
  total?: number;
  unit?: 'blocks' | 'tuples' | 'bytes' | 'statements';
  message?: string;
}

export type ExecutionResult =
  | {
      status: 'refused';
      code: RefusalCode;
      message: string;
      grant_id: string;
    }
  | {
      status: ExecutionOutcome;
      grant_id: string;
      decision_id: string;
      execution_id: string;
      action_kind: ExecutableKind;
      steps: StepResult[];
      duration_ms: number;
      backup: BackupInfo | null;
      error: string | null;
      /** What the executor found or changed (e.g. the privileges revoked, the backend's query). */
      details: Record<string, unknown>;
    };

export interface ExecutionSummary {
  id: string;
  grant_id: string;
  decision_id: string;
  action_kind: string;
  started_by: string;
  channel: string;
  started_at: string;
  finished_at: string | null;
  outcome: ExecutionOutcome | 'running' | null;
  backup_file: string | null;
  backup_sha256: string | null;
  error: string | null;
}

export const MIGRATION_STATUSES = ['applied', 'pending', 'changed', 'missing_file'] as const;
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number];

export interface MigrationInfo {
  version: string;
  name: string;
  status: MigrationStatus;
  has_down: boolean;
  file: string | null;
}
