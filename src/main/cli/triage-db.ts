/**
 * The database-facing halves of `roman triage` (patterns, playbook), loaded only when used so that
 * `roman triage fingerprint` starts fast.
 */
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type CliIO } from './io';
import { redactSecrets } from '../../shared/connections';
import { isConnectionError, openPool } from '../core/db/connection';
import { Cache } from '../core/store/cache';
import { defaultCachePath } from '../core/store/paths';
import { syncDatabase } from '../core/sync';
import { PlaybookError, playbookOf, recordOutcome, runPlaybook } from '../core/triage/playbooks';
import { TriageInputError } from '../core/store/triage';
import { systemClock } from '../core/clock';
import { requireDbUrl } from './commands/db';
import { defaultRequester } from '../core/app';
import { OUTCOME_LABEL, PATTERN_STATUSES, type PatternStatus, type PatternSummary, type PlaybookRunReport } from '../../shared/triage';

function parse(args: string[], usage: string, options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`${redactSecrets((err as Error).message)}\n${usage}`);
  }
}

function spark(counts: number[]): string {
  const bars = '▁▂▃▄▅▆▇█';
  const max = Math.max(...counts);
  return counts.map((c) => (max === 0 ? ' ' : c === 0 ? '·' : bars[Math.min(7, Math.floor((c / max) * 7.999))])).join('');
}

function formatPatterns(list: PatternSummary[], cachePath: string): string {
  if (list.length === 0) return `No error patterns (cache ${cachePath}).\n`;
  const lines = [`${list.length} pattern${list.length === 1 ? '' : 's'} (cache ${cachePath}); last 24 h per hour →`];
  for (const p of list) {
    lines.push(
      `${p.id}  ${p.severity.padEnd(8)} ${p.status.padEnd(12)} ${String(p.count).padStart(6)}×  ${spark(p.sparkline.counts)}  ${p.overdue ? 'OVERDUE' : ''}`.trimEnd(),
      `    ${p.template}`,
      `    first ${p.firstSeen}  last ${p.lastSeen}  respond ${p.responseTime}${p.dueAt ? ` (due ${p.dueAt})` : ''}  sources ${p.sources.join(', ') || '—'}  users ${p.users}  IPs ${p.ips}` +
        (p.deployment ? `  deployment ${p.deployment.correlationId}${p.deployment.startedAfter ? ' (started after it)' : ''}` : '') +
        (p.playbook ? `  playbook ${p.playbook}` : ''),
    );
  }
  return lines.join('\n') + '\n';
}

export async function runPatternsCommand(io: CliIO, args: string[], usage: string): Promise<number> {
  const { values, positionals } = parse(args, usage, {
    db: { type: 'string' },
    cache: { type: 'string' },
    json: { type: 'boolean' },
    status: { type: 'string', multiple: true },
    since: { type: 'string' },
    limit: { type: 'string' },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${String(positionals[0]).slice(0, 40)}"\n${usage}`);
  const url = requireDbUrl(values.db as string | undefined, io);
  const statuses = ((values.status as string[] | undefined) ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const s of statuses) if (!(PATTERN_STATUSES as readonly string[]).includes(s)) throw new UsageError(`--status must be one of ${PATTERN_STATUSES.join(', ')}, got "${s.slice(0, 40)}"`);
  const limitRaw = values.limit as string | undefined;
  if (limitRaw !== undefined && !/^\d{1,4}$/.test(limitRaw)) throw new UsageError('--limit must be a number from 1 to 1000');
  const cachePath = (values.cache as string | undefined) ?? defaultCachePath(url, io.env);
  const db = openPool(url, { max: 2, lazy: true, connectionTimeoutMillis: 5000 });
  let cache: Cache | null = null;
  try {
    try {
      await db.pool.query('select 1');
    } catch (err) {
      io.stderr(`roman triage patterns: cannot reach ${db.description}: ${db.redact((err as Error).message)}\n`);
      return EXIT.unavailable;
    }
    cache = Cache.open(cachePath, { clock: systemClock });
    try {
      const r = await syncDatabase(db.pool, cache, { push: false });
      const failed = r.tables.find((t) => t.status === 'failed');
      if (failed) {
        io.stderr(`roman triage patterns: sync of ${failed.table} failed: ${db.redact(failed.message ?? '')}\n`);
        return EXIT.unavailable;
      }
    } catch (err) {
      io.stderr(`roman triage patterns: ${isConnectionError(err) ? `lost ${db.description}: ` : ''}${db.redact((err as Error).message)}\n`);
      return EXIT.unavailable;
    }
    await cache.triage.index();
    let list: PatternSummary[];
    try {
      list = await cache.triage.list({
        ...(statuses.length ? { status: statuses as PatternStatus[] } : {}),
        ...(values.since ? { since: values.since as string } : {}),
        limit: limitRaw ? Math.max(1, Math.min(1000, Number(limitRaw))) : 200,
      });
    } catch (err) {
      if (err instanceof TriageInputError) throw new UsageError(err.message);
      throw err;
    }
    io.stdout(values.json ? JSON.stringify({ cache: cachePath, patterns: list }, null, 2) + '\n' : formatPatterns(list, cachePath));
    return EXIT.ok;
  } finally {
    cache?.close();
    await db.close();
  }
}

function pct(x: number | null): string {
  return x === null ? 'no data' : `${Math.round(x * 100)} %`;
}

export function formatPlaybookRun(r: PlaybookRunReport): string {
  const icon = { ok: 'OK  ', warning: 'WARN', failed: 'FAIL', unknown: '??  ' } as const;
  const sr = r.successRate;
  const lines = [
    `Playbook: ${r.title} (${r.playbook})${r.runId ? `  run ${r.runId}` : '  (run not recorded: ops.roman_playbook_runs is missing, run roman db init)'}`,
    `Detection (${r.detection.window}): ${r.detection.triggered ? 'TRIGGERED' : 'quiet'} — ${r.detection.detail}`,
    'Checks:',
    ...r.checks.map((c) => `  [${icon[c.status]}] ${c.title}: ${c.detail}`),
    'Actions (through the operations gate):',
    ...(r.actions.length ? r.actions.map((a) => `  - ${a.title} [${a.kind}${a.destructive ? ', destructive' : ''}] ${a.available ? 'available' : 'not now'}: ${a.reason}`) : ['  none: this playbook acts outside the database (see the manual steps)']),
    'Manual steps:',
    ...r.manualSteps.map((s, i) => `  ${i + 1}. [ ] ${s}`),
    `Auto-fix success rate: measured ${pct(sr.measured)} over ${sr.runs} recorded run${sr.runs === 1 ? '' : 's'} ` +
      `(${sr.resolvedAutomatically} automatically, ${sr.resolvedWithHelp} with help, ${sr.notResolved} not resolved) — the manual claims ${pct(sr.claimed)}`,
  ];
  if (r.outcome) lines.push(`Outcome recorded: ${OUTCOME_LABEL[r.outcome]}`);
  return lines.join('\n') + '\n';
}

export async function runPlaybookCommand(io: CliIO, args: string[], usage: string): Promise<number> {
  const { values, positionals } = parse(args, usage, {
    db: { type: 'string' },
    json: { type: 'boolean' },
    outcome: { type: 'string' },
    note: { type: 'string' },
    pattern: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError(`name one playbook\n${usage}`);
  try {
    playbookOf(positionals[0]!);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.note !== undefined && values.outcome === undefined) throw new UsageError('--note goes with --outcome');
  const url = requireDbUrl(values.db as string | undefined, io);
  const db = openPool(url, { max: 1, lazy: true, connectionTimeoutMillis: 5000, statementTimeoutMs: 15_000 });
  try {
    try {
      await db.pool.query('select 1');
    } catch (err) {
      io.stderr(`roman triage playbook: cannot reach ${db.description}: ${db.redact((err as Error).message)}\n`);
      return EXIT.unavailable;
    }
    let report: PlaybookRunReport;
    try {
      const run = await runPlaybook(db.pool, positionals[0]!, {
        now: systemClock.now(),
        startedBy: `cli:${defaultRequester()}`,
        patternId: (values.pattern as string | undefined) ?? null,
      });
      const { proposed: _proposed, ...rest } = run;
      report = rest;
      if (values.outcome !== undefined) {
        if (!report.runId) {
          io.stderr('roman triage playbook: cannot record an outcome: ops.roman_playbook_runs is missing (run roman db init)\n');
          return EXIT.unavailable;
        }
        await recordOutcome(db.pool, report.runId, values.outcome as string, { now: systemClock.now(), note: (values.note as string | undefined) ?? null });
        const { successRate } = await import('../core/triage/playbooks');
        report = { ...report, outcome: values.outcome as PlaybookRunReport['outcome'], successRate: await successRate(db.pool, report.playbook) };
      }
    } catch (err) {
      if (err instanceof PlaybookError && err.code === 'invalid_input') throw new UsageError(err.message);
      if (isConnectionError(err)) {
        io.stderr(`roman triage playbook: lost ${db.description}: ${db.redact((err as Error).message)}\n`);
        return EXIT.unavailable;
      }
      throw err;
    }
    io.stdout(values.json ? JSON.stringify(report, null, 2) + '\n' : formatPlaybookRun(report));
    return EXIT.ok;
  } finally {
    await db.close();
  }
}
