/**
 * "Test connection" of a profile before it is saved: connects once (with the profile's TLS mode),
 * and reports what an admin needs to know — the server version, whether TLS was used (and which
 * protocol), the latency of a round trip, whether R.O.M.A.N.'s tables are installed (and what
 * `roman db init` would create), and which privileges and extensions the health checks will miss.
 *
 * It never throws for a database problem: an unreachable server or a refused login is the report's
 * `error`. Everything it does not know is null / "unknown", never "ok".
 */
import { performance } from 'node:perf_hooks';
import { RomanPool } from './connection';
import { probeFeatures } from '../monitoring/features';
import { AI_USAGE_LOGS, ROMAN_EVENTS, SYSTEM_HEALTH, SYSTEM_LOGS, displayName, qualified } from './schema';
import { PLAYBOOK_RUNS_TABLE } from '../triage/playbooks/schema';
import type { ConnectionTarget } from '../../../shared/connections';
import type { ConnectionTestReport, MissingCapability, RomanObject } from '../../../shared/connection-test';

export type { ConnectionTestReport } from '../../../shared/connection-test';

export interface TestConnectionOptions {
  connectionTimeoutMillis?: number;
  /** Round trips measured for the latency (the median is reported; default 3). */
  samples?: number;
}

/** What `roman db init` owns, in install order (user tables are created only when missing). */
const OWNED: { name: string; kind: RomanObject['kind']; sql: string; note?: string }[] = [
  { name: 'schema ops', kind: 'schema', sql: `select to_regnamespace('ops') is not null` },
  { name: 'ops.roman_migrations', kind: 'table', sql: `select to_regclass('ops.roman_migrations') is not null`, note: 'which migrations ran' },
  { name: displayName(ROMAN_EVENTS), kind: 'table', sql: `select to_regclass('${qualified(ROMAN_EVENTS)}') is not null`, note: 'decisions and alerts (the audit trail)' },
  { name: displayName(SYSTEM_HEALTH), kind: 'table', sql: `select to_regclass('${qualified(SYSTEM_HEALTH)}') is not null`, note: 'entropy snapshots' },
  { name: PLAYBOOK_RUNS_TABLE, kind: 'table', sql: `select to_regclass('${PLAYBOOK_RUNS_TABLE}') is not null`, note: 'triage playbook runs' },
  { name: displayName(SYSTEM_LOGS), kind: 'table', sql: `select to_regclass('${qualified(SYSTEM_LOGS)}') is not null`, note: 'application logs (created only when missing; never altered)' },
  { name: displayName(AI_USAGE_LOGS), kind: 'table', sql: `select to_regclass('${qualified(AI_USAGE_LOGS)}') is not null`, note: 'AI usage and cost (created only when missing; never altered)' },
  {
    name: 'trigger roman_signals on public.system_logs',
    kind: 'trigger',
    sql: `select exists (select 1 from pg_trigger where tgname like 'roman_signals%' and tgrelid = to_regclass('public.system_logs'))`,
    note: 'NOTIFY on errors and RLS violations (the alerting fast path)',
  },
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

export async function testConnection(target: ConnectionTarget, opts: TestConnectionOptions = {}): Promise<ConnectionTestReport> {
  const pool = new RomanPool(target, {
    max: 1,
    lazy: true,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 5000,
    statementTimeoutMs: 10_000,
    initialBackoffMs: 60_000,
    applicationName: 'roman-desktop:test-connection',
  });
  const report: ConnectionTestReport = {
    ok: false,
    target: pool.description,
    error: null,
    errorCode: null,
    serverVersion: null,
    tls: { mode: target.tls.mode, used: null, protocol: null },
    latencyMs: null,
    connectMs: null,
    roman: { installed: null, objects: [] },
    missing: [],
  };
  try {
    const t0 = performance.now();
    let client;
    try {
      client = await pool.pool.connect();
    } catch (err) {
      const e = pool.redactError(err);
      report.error = e.message;
      report.errorCode = (e as Error & { code?: string }).code ?? null;
      return report;
    }
    report.connectMs = Math.round(performance.now() - t0);
    try {
      const rtts: number[] = [];
      for (let i = 0; i < Math.max(1, opts.samples ?? 3); i++) {
        const s = performance.now();
        await client.query('select 1');
        rtts.push(performance.now() - s);
      }
      report.latencyMs = Math.round(median(rtts) * 10) / 10;
      const info = await client.query<{ v: string; ssl: boolean | null; proto: string | null }>(
        `select current_setting('server_version') as v,
                (select ssl from pg_stat_ssl where pid = pg_backend_pid()) as ssl,
                (select version from pg_stat_ssl where pid = pg_backend_pid()) as proto`,
      );
      report.serverVersion = info.rows[0]?.v ?? null;
      report.tls.used = pool.tlsUsed;
      // The client's view is what counts (a TLS-terminating proxy makes the server see plain text).
      const sock = (client as unknown as { connection?: { stream?: { getProtocol?: () => string | null } } }).connection?.stream;
      report.tls.protocol = typeof sock?.getProtocol === 'function' ? sock.getProtocol() : info.rows[0]?.ssl ? info.rows[0]?.proto ?? null : null;

      const objects = await romanObjects(client);
      report.roman = { installed: objects.filter((o) => o.kind === 'table' && o.name.startsWith('ops.')).every((o) => o.present), objects };

      report.missing = await missingCapabilities(client, report.roman.objects);
      report.ok = true;
    } catch (err) {
      report.error = pool.redactError(err).message;
    } finally {
      client.release();
    }
    return report;
  } finally {
    await pool.close();
  }
}

/** Which of R.O.M.A.N.'s objects exist (what `roman db init` would create is every one not present). */
export async function romanObjects(client: Queryable): Promise<RomanObject[]> {
  const objects: RomanObject[] = [];
  for (const o of OWNED) {
    const r = await client.query<{ present: boolean }>(`${o.sql} as present`);
    objects.push({ name: o.name, kind: o.kind, present: r.rows[0]?.present === true, note: o.note ?? null });
  }
  return objects;
}

type Queryable = { query<R extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> };

async function missingCapabilities(client: Queryable & Parameters<typeof probeFeatures>[0], objects: RomanObject[]): Promise<MissingCapability[]> {
  const out: MissingCapability[] = [];
  const features = await probeFeatures(client, Date.now());
  if (!features.pgStatStatements.available) {
    out.push({ what: 'pg_stat_statements', kind: 'extension', effect: 'Slow-query checks and the performance alert have no per-query data.', fix: features.pgStatStatements.reason });
  }
  if (!features.seesAllSessions) {
    out.push({
      what: 'pg_read_all_stats',
      kind: 'privilege',
      effect: 'Only this role’s own sessions are visible: connection counts, long transactions and replication lag are partial.',
      fix: 'GRANT pg_read_all_stats TO <this role>; (or pg_monitor)',
    });
  }
  const priv = await client.query<{ create_db: boolean; signal: boolean; role: string }>(
    `select has_database_privilege(current_database(), 'CREATE') as create_db,
            (select rolsuper from pg_roles where rolname = current_user) or pg_has_role(current_user, 'pg_signal_backend', 'USAGE') as signal,
            current_user as role`,
  );
  const p = priv.rows[0];
  const present = (name: string) => objects.find((o) => o.name === name)?.present === true;
  if (p && !p.create_db && !present('schema ops')) {
    out.push({ what: 'CREATE on the database', kind: 'privilege', effect: 'R.O.M.A.N.’s tables cannot be installed by this role (roman db init).', fix: `GRANT CREATE ON DATABASE <db> TO ${p.role};` });
  }
  if (p && !p.signal) {
    out.push({ what: 'pg_signal_backend', kind: 'privilege', effect: 'Actions that cancel or terminate other roles’ queries will be refused.', fix: `GRANT pg_signal_backend TO ${p.role};` });
  }
  const tables: [string, 'SELECT' | 'INSERT', string][] = [
    [displayName(SYSTEM_LOGS), 'SELECT', 'Error-rate, security and triage checks cannot read the application logs.'],
    [displayName(AI_USAGE_LOGS), 'SELECT', 'The AI cost check and the api_quota alert have no data.'],
    [displayName(ROMAN_EVENTS), 'INSERT', 'Decisions and alerts cannot be recorded in the shared audit trail (they stay in the local outbox).'],
  ];
  for (const [table, privilege, effect] of tables) {
    if (!present(table)) continue;
    const r = await client.query<{ ok: boolean }>(`select has_table_privilege($1, $2) as ok`, [table, privilege]);
    if (r.rows[0]?.ok !== true) out.push({ what: `${privilege} on ${table}`, kind: 'privilege', effect, fix: `GRANT ${privilege} ON ${table} TO ${p?.role ?? '<role>'};` });
  }
  if (features.inRecovery) {
    out.push({ what: 'a primary server', kind: 'server', effect: 'This is a standby (read-only): nothing can be installed or recorded here.', fix: 'Connect to the primary.' });
  }
  return out;
}
