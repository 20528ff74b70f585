/**
 * What `roman approve`, `roman execute` and `roman migrate` share to run an action through the
 * gate: the pool, the local cache (audit trail + outbox), the backup folder, progress on stderr,
 * Ctrl-C as cancellation, and the exit code of an execution (0 succeeded, 1 failed or cancelled,
 * 2 grant refused, 5 refused by a safety rule).
 */
import { join } from 'node:path';
import type { CliIO } from './io';
import { parseConnectionUrl } from '../../shared/connections';
import type { ExecutionProgress, ExecutionResult, Plan } from '../../shared/operations';
import { systemClock } from '../core/clock';
import type { RomanPool } from '../core/db/connection';
import { cacheRecorder, executeGrant, isGrantRefusal } from '../core/operations';
import { Cache } from '../core/store/cache';
import { dataDir, defaultCachePath } from '../core/store/paths';

export const EXIT_REFUSED = 5;

export function defaultBackupDir(env: NodeJS.ProcessEnv): string {
  return env.ROMAN_BACKUP_DIR || join(dataDir(env), 'backups');
}

export function exitForExecution(r: ExecutionResult): number {
  if (r.status === 'succeeded') return 0;
  if (r.status === 'refused') return isGrantRefusal(r.code) ? 2 : EXIT_REFUSED;
  return 1;
}

function progressLine(p: ExecutionProgress): string {
  const amount =
    p.done !== undefined
      ? ` ${p.unit === 'bytes' ? `${(p.done / 1024).toFixed(0)} KiB` : `${p.done}${p.total ? `/${p.total}` : ''} ${p.unit ?? ''}`}`.trimEnd()
      : '';
  return `[${p.step}/${p.steps}] ${p.title}${p.phase ? ` — ${p.phase}` : ''}${amount}${p.message && !p.phase ? ` (${p.message})` : ''}\n`;
}

export function formatPlan(plan: Plan): string[] {
  const lines = [
    `Plan (${plan.action_kind} on ${plan.target.database}, environment ${plan.environment}${plan.production ? ', production rules' : ''}${plan.destructive ? ', destructive' : ''}):`,
  ];
  plan.steps.forEach((s, k) => {
    lines.push(`  ${k + 1}. [${s.kind}] ${s.title}`);
    for (const l of s.sql.split('\n').slice(0, 12)) lines.push(`       ${l}`);
  });
  for (const n of plan.notes) lines.push(`  note: ${n}`);
  return lines;
}

export function formatResult(r: ExecutionResult): string[] {
  if (r.status === 'refused') return [`Refused (${r.code}): ${r.message}`, 'Nothing was executed.'];
  const lines = [`Execution ${r.status} (${r.action_kind}, ${r.duration_ms} ms; grant ${r.grant_id}, decision ${r.decision_id})`];
  for (const s of r.steps) lines.push(`  ${s.status === 'succeeded' ? '✓' : '✗'} ${s.title} (${s.duration_ms} ms)${s.detail ? ` — ${s.detail}` : ''}${s.error ? ` — ${s.error}` : ''}`);
  if (r.backup) lines.push(`Backup: ${r.backup.file} (${r.backup.bytes} bytes, sha256 ${r.backup.sha256})`);
  if (r.error) lines.push(`Error: ${r.error}`);
  lines.push('Recorded in ops.roman_events and the local audit trail.');
  return lines;
}

/** Runs a grant through the gate from the CLI: progress on stderr, Ctrl-C cancels. */
export async function runGrantFromCli(
  io: CliIO,
  db: RomanPool,
  url: string,
  input: { grantId: string; confirm?: string; backupDir?: string; requestedBy: string },
): Promise<ExecutionResult> {
  const cache = Cache.open(defaultCachePath(url, io.env), { clock: systemClock });
  const ac = new AbortController();
  const onSigint = () => {
    io.stderr('cancelling…\n');
    ac.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    return await executeGrant({
      pool: db.pool,
      grantId: input.grantId,
      requestedBy: input.requestedBy,
      channel: 'cli',
      confirm: input.confirm ?? null,
      backupDir: input.backupDir ?? defaultBackupDir(io.env),
      dumpTarget: async () => parseConnectionUrl(url),
      pgDumpPath: io.env.ROMAN_PG_DUMP ?? null,
      recorder: cacheRecorder(cache, db.pool),
      onProgress: (p) => io.stderr(progressLine(p)),
      signal: ac.signal,
      env: io.env,
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    cache.close();
  }
}
