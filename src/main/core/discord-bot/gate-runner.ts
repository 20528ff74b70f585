/**
 * The bot's ActionRunner backed by the operations gate (src/main/core/operations): a Run press
 * turns the recorded approval into a plan and a single-use grant (`prepareExecution`) and executes
 * it through `executeGrant` — the same gate as the app and the CLI, with the same refusals
 * (expired, used, foreign, tampered grants; production without the typed database name; no backup).
 * Executions are recorded in the local hash-chained trail and ops.roman_events by the recorder.
 */
import { join } from 'node:path';
import type { ConnectionTarget } from '../../../shared/connections';
import type { Decision } from '../../../shared/constitution';
import type { RomanPool } from '../db/connection';
import { cacheRecorder, executeGrant, isExecutableKind, prepareExecution, verdictOnlyReason, type ExecutionRecorder } from '../operations';
import type { Clock } from '../clock';
import type { ActionRunner, RunnableAction, RunOutcome, RunPlan, RunRequest } from './runner';
import type { BotTarget } from './commands';

export interface GateRunnerWorkspace {
  /** A dedicated pool on the watched database (closed after each call). */
  openOperationsPool(): RomanPool;
  connectionTarget(): ConnectionTarget;
  /** The open workspace's environment (production, staging, …). */
  environment: string;
  recorder(pool: RomanPool): ExecutionRecorder;
}

export interface GateRunnerDeps {
  workspace: () => GateRunnerWorkspace | null;
  dataDir: string;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  pgDumpPath?: () => string | null;
}

function environmentFor(requested: string | undefined, workspaceEnv: string): string {
  const ws = ['production', 'staging', 'development', 'sample'].includes(workspaceEnv) ? workspaceEnv : 'unspecified';
  if (ws === 'production' || requested === 'production') return 'production';
  if (!requested || requested === 'unspecified') return ws;
  return ws === 'unspecified' ? 'unspecified' : requested;
}

export function createGateRunner(deps: GateRunnerDeps): ActionRunner {
  const backupDir = () => (deps.env ?? process.env).ROMAN_BACKUP_DIR || join(deps.dataDir, 'backups');
  const workspace = () => {
    const ws = deps.workspace();
    if (!ws) throw new Error('no database is open in the app hosting the bot');
    return ws;
  };
  return {
    supports(action: RunnableAction) {
      const reason = verdictOnlyReason(action.kind);
      if (reason) return { executable: false, reason };
      if (!isExecutableKind(action.kind)) return { executable: false, reason: `${action.kind} cannot be executed by R.O.M.A.N.` };
      return { executable: true };
    },
    async prepare(decision: Decision, action: RunnableAction, _target: BotTarget): Promise<RunPlan> {
      const ws = workspace();
      const db = ws.openOperationsPool();
      try {
        const prepared = await prepareExecution(db.pool, {
          decision,
          action: { kind: action.kind, environment: action.environment },
          text: decision.input.request_text ?? action.description,
          environment: environmentFor(decision.input.environment ?? action.environment, ws.environment),
          requestedBy: decision.requested_by,
          channel: 'discord',
          backupDir: backupDir(),
        });
        if (!prepared.executable) throw new Error(prepared.reason);
        return { grantId: prepared.grant.id, plan: prepared.plan.steps.map((s, i) => `${i + 1}. ${s.title}${s.destructive ? ' (destructive)' : ''}`) };
      } finally {
        await db.close();
      }
    },
    async execute(grantId: string, request: RunRequest): Promise<RunOutcome> {
      const ws = workspace();
      const db = ws.openOperationsPool();
      try {
        const result = await executeGrant({
          pool: db.pool,
          grantId,
          requestedBy: `discord:${request.confirmedBy}`,
          channel: 'discord',
          confirm: request.typedConfirmation ?? null,
          backupDir: backupDir(),
          dumpTarget: async () => ws.connectionTarget(),
          pgDumpPath: deps.pgDumpPath?.() ?? null,
          recorder: ws.recorder(db),
          onProgress: (p) => request.onProgress?.(`step ${p.step}/${p.steps}: ${p.title}${p.done !== undefined && p.total ? ` (${Math.round((p.done / p.total) * 100)} %)` : ''}`),
          ...(deps.clock ? { clock: deps.clock } : {}),
          ...(deps.env ? { env: deps.env } : {}),
        });
        if (result.status === 'refused') return { ok: false, message: `Refused (${result.code}): ${result.message}` };
        if (result.status === 'succeeded') {
          return { ok: true, message: `Execution succeeded in ${(result.duration_ms / 1000).toFixed(1)} s: ${result.steps.map((s) => s.title).join('; ')}${result.backup ? ` (backup ${result.backup.file}, sha256 ${result.backup.sha256.slice(0, 12)}…)` : ''}` };
        }
        return { ok: false, message: `Execution ${result.status}: ${result.error ?? 'see the Operations page'}` };
      } finally {
        await db.close();
      }
    },
  };
}

/** The workspace adapter the app passes (the open workspace's pool, cache and environment). */
export function workspaceGateAdapter(ws: {
  openOperationsPool(): RomanPool;
  connectionTarget(): ConnectionTarget;
  connectionUrl(): string;
  spec: { environment: string };
  cache: Parameters<typeof cacheRecorder>[0] & { sync: { push(url: string): Promise<{ failed: unknown }> } };
}): GateRunnerWorkspace {
  return {
    openOperationsPool: () => ws.openOperationsPool(),
    connectionTarget: () => ws.connectionTarget(),
    environment: ws.spec.environment,
    recorder: (db) =>
      cacheRecorder(ws.cache, db.pool, async () => {
        const r = await ws.cache.sync.push(ws.connectionUrl());
        return { delivered: !r.failed };
      }),
  };
}
