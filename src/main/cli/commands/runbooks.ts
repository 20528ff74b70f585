/**
 * `roman runbooks status|run|catch-up` — the maintenance runbooks of the manual.
 *
 *   roman runbooks status --db URL [--json]                      last run (from ops.roman_events), next due, missed
 *   roman runbooks run weekly|monthly|quarterly --db URL [--json] run now; exit 0 when every section ran, 1 when one failed
 *   roman runbooks catch-up --db URL [--json]                    run each runbook whose window was missed, once
 *
 * Options: --time-zone TZ (default America/New_York), --project DIR (for `npm outdated`, also
 * ROMAN_PROJECT_DIR), --cache PATH (reports are kept in the local cache; default per database).
 * Steps that change the database go through the operations gate; without it they are not run.
 */
import { parseArgs } from 'node:util';
import { EXIT, UsageError, runSubcommand, type CliCommand, type CliIO } from '../io';
import { ConnectionConfigError, parseConnectionUrl } from '../../../shared/connections';
import { DomainError } from '../../../shared/result';
import { DEFAULT_RUNBOOK_SCHEDULES, RUNBOOKS, type RunbookName, type RunbookReport, type RunbookSchedules, type RunOutcome } from '../../../shared/runbooks';
import { openPool, type RomanPool } from '../../core/db/connection';
import { systemClock } from '../../core/clock';
import { Cache } from '../../core/store/cache';
import { defaultCachePath } from '../../core/store/paths';
import { RunbookRunner, RunbookStore, catchUp, runbookStatus, validateSchedules } from '../../core/runbooks';
import { schemaAuditSection } from '../../core/runbooks/schema-audit';
import { requester } from './validate';

const USAGE = [
  'usage: roman runbooks status --db URL [--json]',
  '       roman runbooks run weekly|monthly|quarterly --db URL [--json]',
  '       roman runbooks catch-up --db URL [--json]',
  'options: --time-zone TZ (default America/New_York)  --project DIR (npm outdated; or ROMAN_PROJECT_DIR)  --cache PATH',
].join('\n');

const OPTIONS = {
  db: { type: 'string' },
  json: { type: 'boolean', default: false },
  'time-zone': { type: 'string' },
  project: { type: 'string' },
  cache: { type: 'string' },
} as const;

function parse(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
}

type Values = ReturnType<typeof parse>['values'];

function dbUrl(values: Values, io: CliIO): string {
  const url = values.db ?? io.env.ROMAN_DB_URL;
  if (!url) throw new UsageError(`--db URL is required\n${USAGE}`);
  try {
    parseConnectionUrl(url);
  } catch (err) {
    if (err instanceof ConnectionConfigError) throw new UsageError(err.message);
    throw err;
  }
  return url;
}

function schedules(values: Values): RunbookSchedules {
  if (!values['time-zone']) return DEFAULT_RUNBOOK_SCHEDULES;
  try {
    return validateSchedules({ ...DEFAULT_RUNBOOK_SCHEDULES, timeZone: values['time-zone'] });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

interface Session {
  db: RomanPool;
  store: RunbookStore | null;
  cache: Cache | null;
  runner: RunbookRunner;
}

async function withSession<T>(io: CliIO, name: string, values: Values, url: string, fn: (s: Session) => Promise<T>): Promise<T | number> {
  const db = openPool(url, { max: 3, lazy: true, connectionTimeoutMillis: 5000, statementTimeoutMs: 0 });
  let cache: Cache | null = null;
  try {
    if (!(await db.probe())) {
      io.stderr(`roman runbooks ${name}: cannot reach ${db.description}: ${db.lastError ? db.redact(db.lastError.message) : 'no answer'}\n`);
      return EXIT.unavailable;
    }
    try {
      cache = Cache.open(values.cache ?? defaultCachePath(url, io.env), { clock: systemClock });
    } catch (err) {
      io.stderr(`roman runbooks ${name}: the local cache cannot be opened (${(err as Error).message}); reports are kept in ops.roman_events only\n`);
    }
    const store = cache ? new RunbookStore(cache) : null;
    const runner = new RunbookRunner({
      pool: db.pool,
      clock: systemClock,
      url,
      store,
      projectDir: values.project ?? io.env.ROMAN_PROJECT_DIR ?? null,
      audit: schemaAuditSection(db.pool, systemClock, db.description, values.project ?? io.env.ROMAN_PROJECT_DIR ?? null),
      onProgress: (p) => {
        if (!values.json && p.phase === 'started') io.stderr(`[${p.index + 1}/${p.total}] ${p.title}…\n`);
      },
    });
    return await fn({ db, store, cache, runner });
  } catch (err) {
    if (err instanceof DomainError) {
      io.stderr(`roman runbooks ${name}: ${db.redact(err.message)}\n`);
      return err.code === 'invalid_input' ? EXIT.invalid : EXIT.unavailable;
    }
    throw new Error(db.redact((err as Error).message));
  } finally {
    cache?.close();
    await db.close();
  }
}

function reportText(r: RunbookReport): string {
  const lines = [
    `${r.runbook} runbook ${r.status === 'ok' ? 'finished' : 'finished with failures'} (report ${r.id})${r.late ? ` — late: its window was ${r.window}` : ''}`,
    `constitutional decision: ${r.decision.verdict} — ${r.decision.detail}`,
  ];
  for (const s of r.sections) lines.push(`  ${s.status.padEnd(11)} ${s.title}: ${s.summary}`);
  return lines.join('\n') + '\n';
}

async function status(io: CliIO, args: string[]): Promise<number> {
  const { values, positionals } = parse(args);
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]!.slice(0, 40)}"\n${USAGE}`);
  const url = dbUrl(values, io);
  const sched = schedules(values);
  const r = await withSession(io, 'status', values, url, async ({ db }) => {
    const rows = await runbookStatus(db.pool, sched, systemClock);
    if (values.json) io.stdout(JSON.stringify(rows) + '\n');
    else
      for (const s of rows)
        io.stdout(`${s.runbook.padEnd(10)} last run ${s.last_run ?? 'never'}; next due ${s.next_due} (${s.schedule}, ${s.time_zone})${s.missed ? ` — MISSED the window of ${s.last_window}` : ''}${s.enabled ? '' : ' — disabled'}\n`);
    return EXIT.ok;
  });
  return r;
}

async function run(io: CliIO, args: string[]): Promise<number> {
  const { values, positionals } = parse(args);
  const name = positionals[0];
  if (!name || !(RUNBOOKS as readonly string[]).includes(name)) throw new UsageError(`say which runbook: weekly, monthly or quarterly\n${USAGE}`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]!.slice(0, 40)}"\n${USAGE}`);
  const url = dbUrl(values, io);
  schedules(values);
  return withSession(io, 'run', values, url, async ({ runner }) => {
    const o = await runner.run({ runbook: name as RunbookName, trigger: 'manual', requestedBy: requester(io.env), channel: 'cli', standing: false });
    if (!o.ran) {
      io.stderr(`roman runbooks run: not run: ${o.detail}\n`);
      if (values.json) io.stdout(JSON.stringify(o) + '\n');
      return EXIT.unavailable;
    }
    io.stdout(values.json ? JSON.stringify(o.report) + '\n' : reportText(o.report));
    return o.report.status === 'failed' ? EXIT.rejected : EXIT.ok;
  });
}

async function catchUpCmd(io: CliIO, args: string[]): Promise<number> {
  const { values, positionals } = parse(args);
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]!.slice(0, 40)}"\n${USAGE}`);
  const url = dbUrl(values, io);
  const sched = schedules(values);
  return withSession(io, 'catch-up', values, url, async ({ db, runner }) => {
    const outcomes: RunOutcome[] = await catchUp({ runner, pool: db.pool, schedules: sched, clock: systemClock, requestedBy: requester(io.env), channel: 'cli' });
    if (values.json) {
      io.stdout(
        JSON.stringify(
          outcomes.map((o) =>
            o.ran
              ? { runbook: o.report.runbook, ran: true, window: o.report.window, late: o.report.late, status: o.report.status, report_id: o.report.id, sections: o.report.sections.map((s) => ({ key: s.key, status: s.status, summary: s.summary })) }
              : { runbook: o.runbook, ran: false, window: o.window, reason: o.reason, detail: o.detail },
          ),
        ) + '\n',
      );
    } else {
      for (const o of outcomes) io.stdout(o.ran ? reportText(o.report) : `${o.runbook}: not run — ${o.detail}\n`);
    }
    return outcomes.some((o) => o.ran && o.report.status === 'failed') ? EXIT.rejected : EXIT.ok;
  });
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'Maintenance runbooks (weekly, monthly, quarterly): status, run now, catch up missed windows',
  run: (io) => runSubcommand(io, USAGE, { status, run, 'catch-up': catchUpCmd }),
};
