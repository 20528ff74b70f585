/** The executor contract: what the gate hands an executor, and what each executor declares. */
import type pg from 'pg';
import type { BackupInfo, ExecutableKind, ExecutionProgress, OperationParams, Plan, PlanStep, PlanStepKind } from '../../../shared/operations';

export interface PlanContext {
  /** Where backups go (shown in the plan's backup step). */
  backupDir: string;
}

export interface StepRunner {
  /** Runs one step of the plan: times it, reports progress, records its result. */
  <T>(kind: PlanStepKind, title: string, fn: () => Promise<T>, detail?: (value: T) => string | undefined): Promise<T>;
}

export interface RunContext {
  /** The executor's own session (lock_timeout / statement_timeout set, advisory lock held). */
  client: pg.ClientBase;
  /** Its backend pid (what cancellation and progress polling look at). */
  pid: number;
  /** A second connection for progress polling and pg_cancel_backend. */
  side: pg.Pool;
  params: OperationParams;
  plan: Plan;
  grantId: string;
  requestedBy: string;
  signal: AbortSignal;
  step: StepRunner;
  progress(p: Omit<ExecutionProgress, 'grant_id' | 'step' | 'steps' | 'title'> & { title?: string }): void;
  /** Executor findings for the record (privileges revoked, the backend's query, …). */
  details: Record<string, unknown>;
  backup: BackupInfo | null;
}

export interface Executor {
  kind: ExecutableKind;
  /** Destroys or rewrites data or schema: production takes a backup first. */
  destructive: boolean;
  /** The object the advisory lock is taken on (with the action and the database). */
  lockTarget(params: OperationParams): string;
  /** Steps with their SQL, from the live database (validates the parameters against it). */
  plan(
    c: pg.ClientBase | pg.Pool,
    params: OperationParams,
    ctx: PlanContext,
  ): Promise<{ steps: PlanStep[]; notes: string[]; /** Parameters completed from the database (bound into the grant). */ params?: OperationParams }>;
  run(ctx: RunContext): Promise<void>;
}
