/**
 * Handlers of the operations domain. Every execution goes through the gate (`executeGrant`): the
 * handler only forwards the grant id, the typed confirmation and the parameters hash the user saw —
 * it never reaches an executor itself. A grant is only prepared for a decision this core made with
 * the live entropy of the open database (the renderer cannot hand in a decision of its own).
 */
import { join } from 'node:path';
import type { Decision } from '../../../shared/constitution';
import type { ExecutionResult } from '../../../shared/operations';
import { DomainError } from '../../../shared/result';
import type { Clock } from '../clock';
import { isConnectionError, type RomanPool } from '../db/connection';
import {
  cacheRecorder,
  dryRun,
  executeGrant,
  isGrantId,
  listExecutions,
  migrationParams,
  migrationsState,
  pendingFiles,
  prepareExecution,
  rollbackFiles,
} from '../operations';
import type { Workspace } from '../workspace/workspace';
import type { HandlerRegistry } from './registry';

export interface OperationsHandlerDeps {
  workspace: () => Workspace | null;
  dataDir: string;
  clock: Clock;
  /** Configured migrations folder (ROMAN_MIGRATIONS_DIR), used when a call names none. */
  migrationsDir?: () => string | null;
  pgDumpPath?: () => string | null;
  env?: NodeJS.ProcessEnv;
}

/** Decisions this core made (the renderer refers to them by id; it cannot hand one in). */
export class RecentDecisions {
  private readonly byId = new Map<string, Decision>();
  constructor(private readonly max = 200) {}
  remember(d: Decision): void {
    this.byId.set(d.decision_id, d);
    while (this.byId.size > this.max) this.byId.delete(this.byId.keys().next().value as string);
  }
  get(id: string): Decision | undefined {
    return this.byId.get(id);
  }
}

/** Maps a workspace environment to the grant's: 'other' (or anything unknown) counts as production. */
function grantEnvironment(requested: string | undefined, workspaceEnv: string): string {
  const ws = ['production', 'staging', 'development', 'sample'].includes(workspaceEnv) ? workspaceEnv : 'unspecified';
  if (ws === 'production' || requested === 'production') return 'production';
  if (!requested || requested === 'unspecified') return ws;
  if (ws === 'unspecified') return 'unspecified';
  return requested;
}

async function withPool<T>(ws: Workspace, fn: (db: RomanPool) => Promise<T>): Promise<T> {
  const db = ws.openOperationsPool();
  try {
    return await fn(db);
  } catch (err) {
    if (isConnectionError(err)) throw new DomainError('unavailable', `the database cannot be reached: ${db.redact((err as Error).message)}`);
    throw err;
  } finally {
    await db.close();
  }
}

export function registerOperationsHandlers(registry: HandlerRegistry, decisions: RecentDecisions, deps: OperationsHandlerDeps): void {
  const running = new Map<string, AbortController>();
  const backupDir = () => (deps.env ?? process.env).ROMAN_BACKUP_DIR || join(deps.dataDir, 'backups');
  const workspace = (): Workspace => {
    const ws = deps.workspace();
    if (!ws) throw new DomainError('unavailable', 'no database is open: operations run against the watched database');
    return ws;
  };
  const folder = (dir: string | null | undefined): string => {
    const d = dir ?? deps.migrationsDir?.() ?? null;
    if (!d) throw new DomainError('invalid_input', 'no migrations folder: enter one (or set ROMAN_MIGRATIONS_DIR)');
    return d;
  };

  registry.method('operations.prepare', async (input, ctx) => {
    const ws = workspace();
    const decision = decisions.get(input.decisionId);
    if (!decision) throw new DomainError('not_found', `decision ${input.decisionId.slice(0, 80)} was not made here; ask for approval again`);
    if (decision.input.entropy_source !== 'live') {
      return { executable: false as const, reason: 'Executing needs a decision made with the live entropy of the open database (not a hand-entered one).' };
    }
    const kind = decision.input.action_kind;
    if (!kind) return { executable: false as const, reason: 'The decision names no catalogued action.' };
    return withPool(ws, async (db) => {
      let params = input.params ?? null;
      if (input.migration) {
        const state = await migrationsState(db.pool, folder(input.migration.dir));
        const wanted = input.migration.direction === 'apply' ? 'migration' : 'rollback';
        if (kind !== wanted) throw new DomainError('invalid_input', `the decision approved ${kind}, not ${wanted}`);
        if (input.migration.direction === 'apply') {
          const files = pendingFiles(state, input.migration.to ?? undefined);
          if (!files.length) return { executable: false as const, reason: 'No pending migration.' };
          params = migrationParams(state.dir, files);
        } else {
          const r = rollbackFiles(state, input.migration.to ? { to: input.migration.to } : {});
          if (r.problems.length) return { executable: false as const, reason: r.problems.join('; ') };
          if (!r.files.length) return { executable: false as const, reason: 'Nothing to roll back.' };
          params = migrationParams(state.dir, r.files);
        }
      }
      return prepareExecution(db.pool, {
        decision,
        action: { kind: kind as never, environment: (decision.input.environment ?? 'unspecified') as never },
        params,
        text: decision.input.request_text ?? '',
        environment: grantEnvironment(decision.input.environment, ws.spec.environment),
        requestedBy: ctx.caller.requestedBy,
        channel: ctx.caller.channel,
        ...(input.ttlSeconds !== undefined ? { ttlSeconds: input.ttlSeconds } : {}),
        backupDir: backupDir(),
      });
    });
  });

  registry.method('operations.execute', async (input, ctx): Promise<ExecutionResult> => {
    const ws = workspace();
    const ac = new AbortController();
    const key = isGrantId(input.grantId) ? input.grantId.toLowerCase() : null;
    if (key) running.set(key, ac);
    try {
      return await withPool(ws, async (db) => {
        const result = await executeGrant({
          pool: db.pool,
          grantId: input.grantId,
          requestedBy: ctx.caller.requestedBy,
          channel: ctx.caller.channel,
          confirm: input.confirm ?? null,
          expectedParamsHash: input.paramsHash ?? null,
          backupDir: backupDir(),
          dumpTarget: async () => ws.connectionTarget(),
          pgDumpPath: deps.pgDumpPath?.() ?? null,
          recorder: cacheRecorder(ws.cache, db.pool, async () => {
            const r = await ws.cache.sync.push(ws.connectionUrl());
            return { delivered: !r.failed };
          }),
          onProgress: (p) => ctx.emit('operations.progress', p),
          signal: ac.signal,
          clock: deps.clock,
          env: deps.env,
        });
        ctx.emit('operations.changed', { grant_id: input.grantId.slice(0, 100), status: result.status });
        return result;
      });
    } finally {
      if (key && running.get(key) === ac) running.delete(key);
    }
  });

  registry.method('operations.cancel', (input) => {
    const ac = isGrantId(input.grantId) ? running.get(input.grantId.toLowerCase()) : undefined;
    if (!ac) return { cancelled: false };
    ac.abort();
    return { cancelled: true };
  });

  registry.method('operations.executions', async (input) => withPool(workspace(), (db) => listExecutions(db.pool, input.limit)));

  registry.method('operations.migrations', async (input) => {
    const dir = input.dir ?? deps.migrationsDir?.() ?? null;
    if (!dir) return { dir: null, historyExists: false, migrations: [], warnings: [] };
    return withPool(workspace(), async (db) => {
      const s = await migrationsState(db.pool, dir);
      return { dir: s.dir, historyExists: s.historyExists, migrations: s.migrations, warnings: s.warnings };
    });
  });

  registry.method('operations.dryRun', async (input) =>
    withPool(workspace(), async (db) => {
      const state = await migrationsState(db.pool, folder(input.dir));
      const files = pendingFiles(state, input.to ?? undefined);
      const c = await db.pool.connect();
      try {
        return { pending: files.map((f) => f.version), ...(await dryRun(c, files)) };
      } finally {
        c.release();
      }
    }),
  );
}
