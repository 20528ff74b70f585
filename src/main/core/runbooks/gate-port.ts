/**
 * The OperationsPort of runbooks and emergency protocols, backed by the operations gate: each
 * request is decided by the constitutional core with the live decision entropy (critical alerts
 * included), recorded, granted (single use) and executed through `executeGrant` — the same gate as
 * the app, the CLI and the Discord bot. Nothing here executes SQL itself.
 *
 * Fail closed: a kind the gate cannot execute, parameters it does not accept, a rejected decision,
 * a destructive plan asked by a schedule (standing approval covers non-destructive steps only) and
 * a production plan without the typed database name (`params.confirm`; an enabled schedule's standing
 * approval stands in for it on non-destructive steps) are refused, and say why.
 */
import { join } from 'node:path';
import type pg from 'pg';
import type { ConnectionTarget } from '../../../shared/connections';
import { normalizeEnvironment, requestAction } from '../actions';
import type { Clock } from '../clock';
import { chooseDecisionEntropy, measureDecisionEntropy } from '../constitution/decision-entropy';
import { executeGrant, isExecutableKind, normalizeParams, prepareExecution, verdictOnlyReason, type ExecutionRecorder } from '../operations';
import type { OperationRequest, OperationResult, OperationsPort } from './operations-port';

export interface GatePortDeps {
  /** A dedicated pool per request (the gate holds a session and a progress connection; closed after). */
  openPool: () => { pool: pg.Pool; close(): Promise<void> };
  environment: () => string;
  clock: Clock;
  dataDir: string;
  recorder: () => ExecutionRecorder;
  dumpTarget?: () => Promise<ConnectionTarget>;
  pgDumpPath?: () => string | null;
  env?: NodeJS.ProcessEnv;
}

/** The runbook/protocol vocabulary → the gate's parameters (one request may become several). */
export function gateRequests(action: string, params: Record<string, unknown>): { kind: string; params: Record<string, unknown> }[] {
  const p = { ...params };
  delete p.incident_id;
  delete p.confirm;
  delete p.label;
  switch (action) {
    case 'vacuum':
      return [{ kind: 'vacuum', params: { table: (p.relation ?? p.table ?? null) || null } }];
    case 'freeze_writes':
    case 'restore_writes': {
      const roles = Array.isArray(p.roles) ? p.roles : typeof p.role === 'string' && p.role ? [p.role] : undefined;
      return [{ kind: action, params: { ...(p.schema ? { schema: p.schema } : {}), ...(roles ? { roles } : {}) } }];
    }
    case 'block_ip': {
      const ips = (Array.isArray(p.ips) ? p.ips.map(String) : typeof p.ips === 'string' ? p.ips.split(/[\s,]+/) : typeof p.ip === 'string' ? [p.ip] : []).filter(Boolean);
      return ips.map((ip) => ({ kind: 'block_ip', params: { ip, ...(typeof p.reason === 'string' ? { reason: p.reason } : {}) } }));
    }
    case 'backup':
      return [{ kind: 'backup', params: {} }];
    default:
      return [{ kind: action, params: p }];
  }
}

export function createGatePort(deps: GatePortDeps): OperationsPort {
  const backupDir = () => (deps.env ?? process.env).ROMAN_BACKUP_DIR || join(deps.dataDir, 'backups');
  async function one(kind: string, raw: Record<string, unknown>, request: OperationRequest, confirm: string | null): Promise<OperationResult> {
    const db = deps.openPool();
    try {
      return await oneOn(db.pool, kind, raw, request, confirm);
    } finally {
      await db.close();
    }
  }
  async function oneOn(pool: pg.Pool, kind: string, raw: Record<string, unknown>, request: OperationRequest, confirm: string | null): Promise<OperationResult> {
    if (!isExecutableKind(kind as never)) {
      let verdictOnly: string | null = null;
      try {
        verdictOnly = verdictOnlyReason(kind as never);
      } catch {
        verdictOnly = null; // not in the catalogue at all
      }
      return { outcome: 'refused', detail: verdictOnly ?? `${kind} is not an action the operations gate can execute: do it by hand and tick the step` };
    }
    let params;
    try {
      params = normalizeParams(kind as never, raw as never);
    } catch (err) {
      return { outcome: 'refused', detail: err instanceof Error ? err.message : String(err) };
    }
    // An environment R.O.M.A.N. does not know ('other', a typo) is treated as production.
    const environment = normalizeEnvironment(deps.environment() ?? '') ?? 'unspecified';
    const live = await measureDecisionEntropy(pool, deps.clock);
    const c = chooseDecisionEntropy(undefined, live);
    const o = requestAction(
      { kind, environment, systemEntropy: c.systemEntropy },
      { requested_by: request.requestedBy, channel: request.standing ? 'scheduler' : 'ui', ...c.meta },
      deps.clock,
    );
    if (o.decision.result.verdict === 'reject') {
      return { outcome: 'refused', detail: `rejected by the constitutional core (decision ${o.decision.decision_id}): ${o.decision.result.violations.map((v) => v.message).join('; ')}` };
    }
    let prepared;
    try {
      prepared = await prepareExecution(pool, {
      decision: o.decision,
      action: { kind: o.action.kind, environment: o.action.environment },
      params,
      environment,
      requestedBy: request.requestedBy,
      channel: request.standing ? 'scheduler' : 'ui',
      backupDir: backupDir(),
      });
    } catch (err) {
      // No plan could be made (nothing to act on, the database said no): nothing ran.
      return { outcome: 'refused', detail: err instanceof Error ? err.message : String(err) };
    }
    if (!prepared.executable) return { outcome: 'refused', detail: prepared.reason };
    if (request.standing && (prepared.plan.destructive || prepared.plan.steps.some((s) => s.destructive && s.kind !== 'backup'))) {
      return { outcome: 'refused', detail: 'a destructive step never runs unattended: run it from the Operations page or roman execute' };
    }
    // An enabled schedule is the admin's standing approval of its non-destructive steps: it stands in
    // for the typed database name (checked above: nothing destructive gets here unattended).
    const result = await executeGrant({
      pool,
      grantId: prepared.grant.id,
      requestedBy: request.requestedBy,
      channel: request.standing ? 'scheduler' : 'ui',
      confirm: request.standing ? prepared.plan.target.database : confirm,
      backupDir: backupDir(),
      dumpTarget: deps.dumpTarget ?? null,
      pgDumpPath: deps.pgDumpPath?.() ?? null,
      recorder: deps.recorder(),
      clock: deps.clock,
      ...(deps.env ? { env: deps.env } : {}),
    });
    if (result.status === 'refused') return { outcome: 'refused', detail: `${result.code}: ${result.message}` };
    const summary = result.steps.map((s) => `${s.title}: ${s.status}`).join('; ');
    return {
      outcome: result.status === 'succeeded' ? 'succeeded' : result.status === 'cancelled' ? 'cancelled' : 'failed',
      detail: `${summary}${result.backup ? ` (backup ${result.backup.file}, sha256 ${result.backup.sha256})` : ''}${result.error ? ` — ${result.error}` : ''} [grant ${result.grant_id}]`,
    };
  }
  return {
    async run(request) {
      const confirm = typeof request.params.confirm === 'string' ? request.params.confirm : null;
      const parts = gateRequests(request.action, request.params);
      if (parts.length === 0) return { outcome: 'refused', detail: 'nothing to act on: give the parameters first' };
      const results: OperationResult[] = [];
      for (const part of parts) {
        let r: OperationResult;
        try {
          r = await one(part.kind, part.params, request, confirm);
        } catch (err) {
          r = { outcome: 'failed', detail: err instanceof Error ? err.message : String(err) };
        }
        results.push(r);
        if (r.outcome !== 'succeeded') break;
      }
      const worst = results.find((r) => r.outcome !== 'succeeded') ?? results[results.length - 1]!;
      return { outcome: worst.outcome, detail: results.map((r) => r.detail).join(' | ') };
    },
  };
}
