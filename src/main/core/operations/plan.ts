/**
 * Plans before effects (Terraform plan/apply): an approved action + its parameters become a Plan —
 * ordered steps with their SQL or command, the target database and environment, what is
 * destructive, and whether a backup comes first (destructive actions against production, where an
 * unknown environment counts as production). The gate rebuilds the plan at execution time and
 * runs exactly that.
 */
import { join } from 'node:path';
import type pg from 'pg';
import type { ActionKind } from '../../../shared/actions';
import type { OperationParams, Plan, PlanStep } from '../../../shared/operations';
import { DomainError } from '../../../shared/result';
import { catalogueEntry } from '../actions/catalogue';
import { EXECUTORS } from './executors';
import { pgDumpCommand } from './executors/backup';
import { isExecutableKind, normalizeParams } from './params';
import type { DatabaseTarget } from './target';

/** Safety rules of production apply to production and to any environment that is not known. */
export function isProductionLike(environment: string | null | undefined): boolean {
  return !['staging', 'development', 'sample'].includes(String(environment ?? '').toLowerCase());
}

/** Why a catalogued action is verdict-only (null when R.O.M.A.N. can execute it). */
export function verdictOnlyReason(kind: ActionKind): string | null {
  if (isExecutableKind(kind)) return null;
  const label = catalogueEntry(kind).label;
  return `${label} is verdict-only: R.O.M.A.N. judges it but cannot perform it (do it with your deployment or database tooling, then record the outcome).`;
}

export function backupSteps(target: DatabaseTarget, backupDir: string): PlanStep[] {
  const file = join(backupDir, `${target.database}_<timestamp>.dump`);
  return [
    { kind: 'backup', title: `Back up ${target.database} with pg_dump (custom format)`, sql: pgDumpCommand(file, target.database), destructive: false },
    { kind: 'verify_backup', title: 'Verify the dump: pg_restore --list, size, sha256', sql: `pg_restore --list ${file}`, destructive: false },
  ];
}

export interface PlanInput {
  kind: string;
  params: OperationParams;
  environment: string;
  target: DatabaseTarget;
  backupDir: string;
  roles?: string[];
}

export async function buildPlan(c: pg.ClientBase | pg.Pool, input: PlanInput): Promise<Plan> {
  if (!isExecutableKind(input.kind)) {
    throw new DomainError('invalid_input', verdictOnlyReason(input.kind as ActionKind) ?? `${input.kind} cannot be executed`);
  }
  const kind = input.kind;
  const executor = EXECUTORS[kind];
  const params = normalizeParams(kind, input.params, input.roles ? { roles: input.roles } : {});
  const planned = await executor.plan(c, params, { backupDir: input.backupDir });
  const production = isProductionLike(input.environment);
  const destructive = executor.destructive || planned.steps.some((s) => s.destructive);
  const backupFirst = kind === 'backup' || (destructive && production);
  const steps = [...(backupFirst ? backupSteps(input.target, input.backupDir) : []), ...planned.steps];
  const notes = [...planned.notes];
  if (production && input.environment !== 'production') notes.unshift(`Environment "${input.environment}" is not known: every production safety rule applies.`);
  if (backupFirst && kind !== 'backup') notes.unshift('Production and destructive: a verified pg_dump backup is taken first; no backup, no execution.');
  return {
    action_kind: kind,
    params: planned.params ?? params,
    target: { server: input.target.server, database: input.target.database },
    environment: input.environment,
    production,
    destructive,
    backup_first: backupFirst,
    steps,
    notes,
  };
}
