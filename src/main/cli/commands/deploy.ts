/**
 * `roman deploy check | record | watch` — the manual's deployment procedure for CI pipelines.
 *   check  --db URL --environment ENV [--dir MIGRATIONS] [--project DIR] [--assert NAME …] [--json]
 *          the pre-deployment checklist; exit 0 every item passed, 1 otherwise.
 *   record --db URL --version V --environment ENV [--correlation-id ID] [--json]
 *          writes the deployment marker (event_type 'deployment').
 *   watch  --db URL --version V [--environment ENV] [--for 10m] [--json]
 *          compares the minutes after the deployment with as many before it; exit 0 healthy,
 *          1 regression, 2 no data (or no such deployment).
 */
import { parseArgs } from 'node:util';
import { redactSecrets } from '../../../shared/connections';
import { EXIT, UsageError, runSubcommand, type CliCommand, type CliIO } from '../io';
import { requireDbUrl } from './db';
import { requester } from './validate';

const USAGE = `usage:
  roman deploy check --db URL --environment ENV [--dir MIGRATIONS] [--project DIR] [--assert tests-passed|lint-clean|typecheck-passed|on-call-notified …] [--backup-max-age HOURS] [--json]
  roman deploy record --db URL --version V --environment ENV [--correlation-id ID] [--json]
  roman deploy watch --db URL --version V [--environment ENV] [--for 10m] [--json]
exit codes: check 0 all passed, 1 an item failed or cannot be checked; watch 0 healthy, 1 regression, 2 no data; 4 database unreachable`;

type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

type Values = Record<string, string | boolean | string[] | undefined>;

function parse(args: string[], options: Options): { values: Values } {
  try {
    const { values } = parseArgs({ args, options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals: false });
    return { values: values as Values };
  } catch (err) {
    throw new UsageError(`${redactSecrets((err as Error).message)}\n${USAGE}`);
  }
}

/** "10m", "90s", "1h", "10" (minutes) → whole minutes, 1 … 1440. */
export function parseWindow(raw: string | undefined): number {
  if (raw === undefined) return 10;
  const m = /^\s*(\d{1,5})\s*(s|m|min|h)?\s*$/i.exec(raw);
  if (!m) throw new UsageError(`--for takes a duration such as 10m, 30m or 1h — got "${raw.slice(0, 40)}"`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 'm').toLowerCase();
  const minutes = unit === 's' ? Math.ceil(n / 60) : unit === 'h' ? n * 60 : n;
  if (minutes < 1 || minutes > 1440) throw new UsageError('--for must be between 1 minute and 24 hours');
  return minutes;
}

async function withPool<T>(io: CliIO, url: string, name: string, fn: (pool: import('pg').Pool) => Promise<T>): Promise<T | number> {
  const { openPool } = await import('../../core/db/connection');
  const db = openPool(url, { max: 2, lazy: true, connectionTimeoutMillis: 5000 });
  try {
    try {
      await db.pool.query('select 1');
    } catch (err) {
      io.stderr(`roman deploy ${name}: cannot reach ${db.description}: ${db.redact((err as Error).message)}\n`);
      return EXIT.unavailable;
    }
    return await fn(db.pool);
  } catch (err) {
    const { DeploymentInputError } = await import('../../core/deployments/markers');
    if (err instanceof DeploymentInputError) throw new UsageError(err.message);
    const { isConnectionError } = await import('../../core/db/connection');
    io.stderr(`roman deploy ${name}: ${isConnectionError(err) ? `lost ${db.description}: ` : ''}${db.redact((err as Error).message)}\n`);
    return EXIT.unavailable;
  } finally {
    await db.close();
  }
}

async function record(io: CliIO, args: string[]): Promise<number> {
  const { values } = parse(args, { db: { type: 'string' }, version: { type: 'string' }, environment: { type: 'string' }, 'correlation-id': { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) return help(io);
  const url = requireDbUrl(values.db as string | undefined, io);
  if (!values.version) throw new UsageError(`--version is required (the version being deployed, e.g. 2.18.3)\n${USAGE}`);
  if (!values.environment) throw new UsageError(`--environment is required (e.g. production or staging)\n${USAGE}`);
  const { recordDeployment, checkEnvironment, checkVersion } = await import('../../core/deployments/markers');
  try {
    checkVersion(values.version as string);
    checkEnvironment(values.environment as string);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const out = await withPool(io, url, 'record', async (pool) => {
    const { marker, inserted } = await recordDeployment(pool, {
      version: values.version as string,
      environment: values.environment as string,
      correlationId: (values['correlation-id'] as string | undefined) ?? null,
      deployedBy: requester(io.env),
      at: new Date(),
    });
    if (values.json) io.stdout(JSON.stringify({ deployment: marker, recorded: inserted }) + '\n');
    else io.stdout(`${inserted ? 'Recorded' : 'Already recorded'}: ${marker.version} deployed to ${marker.environment} by ${marker.deployedBy} at ${marker.at} (correlation id ${marker.correlationId}, event ${marker.id})\n`);
    return EXIT.ok;
  });
  return out;
}

async function watch(io: CliIO, args: string[]): Promise<number> {
  const { values } = parse(args, { db: { type: 'string' }, version: { type: 'string' }, environment: { type: 'string' }, for: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) return help(io);
  const url = requireDbUrl(values.db as string | undefined, io);
  if (!values.version) throw new UsageError(`--version is required (the deployed version to watch)\n${USAGE}`);
  const windowMinutes = parseWindow(values.for as string | undefined);
  const { findDeployment, checkEnvironment } = await import('../../core/deployments/markers');
  const { watchDeployment, formatMinute } = await import('../../core/deployments/watch');
  const { systemClock } = await import('../../core/clock');
  let environment: string | undefined;
  try {
    environment = values.environment ? checkEnvironment(values.environment as string) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return withPool(io, url, 'watch', async (pool) => {
    const marker = await findDeployment(pool, { version: (values.version as string).trim(), environment });
    if (!marker) {
      io.stderr(`roman deploy watch: no deployment of ${(values.version as string).slice(0, 100)}${environment ? ` to ${environment}` : ''} is recorded — record it first with roman deploy record\n`);
      return 2;
    }
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    io.stderr(`Watching ${marker.version} (${marker.environment}, deployed ${marker.at}) for ${windowMinutes} min against the ${windowMinutes} min before it\n`);
    try {
      const report = await watchDeployment(pool, marker, {
        windowMinutes,
        clock: systemClock,
        signal: ac.signal,
        sleep: (ms) => new Promise((resolve) => { const t = setTimeout(resolve, ms); ac.signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true }); }),
        onMinute: (m) => (values.json ? io.stderr(formatMinute(m, windowMinutes) + '\n') : io.stdout(formatMinute(m, windowMinutes) + '\n')),
      });
      if (values.json) io.stdout(JSON.stringify(report) + '\n');
      else io.stdout([`${report.outcome.toUpperCase().replace('_', ' ')}: ${report.summary}`, ...report.measures.map((m) => `  ${m.status === 'regression' ? '✗' : m.status === 'healthy' ? '✓' : '?'} ${m.detail}`)].join('\n') + '\n');
      return report.outcome === 'healthy' ? EXIT.ok : report.outcome === 'regression' ? 1 : 2;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  });
}

async function check(io: CliIO, args: string[]): Promise<number> {
  const { values } = parse(args, {
    db: { type: 'string' },
    environment: { type: 'string' },
    dir: { type: 'string' },
    project: { type: 'string' },
    assert: { type: 'string', multiple: true },
    'backup-max-age': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) return help(io);
  const url = requireDbUrl(values.db as string | undefined, io);
  if (!values.environment) throw new UsageError(`--environment is required (the environment being deployed to)\n${USAGE}`);
  const { runDeploymentCheck, parseAssertions, formatCheckReport } = await import('../../core/deployments/check');
  const { checkEnvironment } = await import('../../core/deployments/markers');
  let environment: string;
  let assertions;
  try {
    environment = checkEnvironment(values.environment as string);
    assertions = parseAssertions((values.assert as string[] | undefined) ?? []);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const maxAgeRaw = values['backup-max-age'] as string | undefined;
  if (maxAgeRaw !== undefined && !/^\d{1,4}$/.test(maxAgeRaw)) throw new UsageError('--backup-max-age is a number of hours, e.g. 24');
  return withPool(io, url, 'check', async (pool) => {
    const report = await runDeploymentCheck(pool, {
      url,
      environment,
      migrationsDir: (values.dir as string | undefined) ?? null,
      projectDir: (values.project as string | undefined) ?? null,
      assertions,
      backupMaxAgeHours: maxAgeRaw ? Number(maxAgeRaw) : 24,
      checkedBy: requester(io.env),
    });
    io.stdout(values.json ? JSON.stringify(report) + '\n' : formatCheckReport(report));
    return report.passed ? EXIT.ok : 1;
  });
}

function help(io: CliIO): number {
  io.stdout(USAGE + '\n');
  return EXIT.ok;
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'deployments: the pre-deployment checklist, deployment markers and the post-deployment watch',
  run: (io) => runSubcommand(io, USAGE, { check, record, watch }),
};
