/**
 * `initDatabase`: installs what the app needs in a monitored Postgres, safely and repeatably.
 *
 * - Versioned migrations of the app's own `ops` schema, recorded in ops.roman_migrations
 *   (version, name, checksum, applied_at); a changed checksum is reported, never re-applied.
 * - The user tables the manual queries (public.system_logs, public.ai_usage_logs) are created ONLY
 *   when missing. When they exist, their columns are checked and missing ones reported; they are
 *   never altered, and their rows are never touched.
 * - The indexes those queries need (an existing equivalent index counts; on pre-existing user
 *   tables they are built CONCURRENTLY so inserts are not blocked) and the NOTIFY trigger on
 *   public.system_logs for channel `roman_signals`.
 *
 * Everything runs under a session advisory lock, so two apps initialising at once are serialised:
 * the second finds everything in place and creates nothing. The result is an InitReport.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { PLAYBOOK_RUNS_SQL } from '../triage/playbooks/schema';
import { OPERATIONS_SQL } from '../operations/schema';
import {
  AI_USAGE_LOGS,
  ROMAN_EVENTS,
  SIGNALS_CHANNEL,
  SIGNALS_FUNCTION,
  SIGNALS_PER_STATEMENT,
  SIGNALS_TRIGGER,
  SYSTEM_HEALTH,
  SYSTEM_LOGS,
  displayName,
  qualified,
  quoteIdent,
  type IndexSpec,
  type TableSpec,
} from './schema';

export interface MissingColumn {
  table: string;
  column: string;
  /** Whether a query of the manual / a feature of the app needs it. */
  required: boolean;
}

export interface InitReport {
  database: string;
  serverVersion: string;
  /** Objects this run created ("table public.system_logs", "index … on …", "migration 1 ops_tables"). */
  created: string[];
  /** Objects that were already there. */
  existing: string[];
  appliedMigrations: { version: number; name: string }[];
  missingColumns: MissingColumn[];
  warnings: string[];
}

/** Advisory lock key (two int4 keys: 'ROMA', 'init'). */
const LOCK_KEY_1 = 0x524f4d41;
const LOCK_KEY_2 = 0x696e6974;
const LOCK_WAIT_MS = 60_000;

interface Migration {
  version: number;
  name: string;
  sql: string;
}

function createTableSql(t: TableSpec): string {
  const cols = t.columns.map((c) => `  ${quoteIdent(c.name)} ${c.type}`);
  return `create table if not exists ${qualified(t)} (\n${[...cols, ...t.constraints.map((c) => '  ' + c)].join(',\n')}\n)`;
}

function signalsFunctionSql(): string {
  return `create or replace function ${SIGNALS_FUNCTION}() returns trigger
language plpgsql as $fn$
declare
  r record;
  total bigint;
begin
  -- One notification per matching row (up to ${SIGNALS_PER_STATEMENT} per statement), then one summary.
  -- Never lets a notification problem fail the user's INSERT.
  begin
    select count(*) into total from roman_new_rows
     where severity::text in ('error','critical') or source::text = 'rls_violation';
    if total = 0 then
      return null;
    end if;
    for r in select id, severity::text as severity, source::text as source from roman_new_rows
              where severity::text in ('error','critical') or source::text = 'rls_violation'
              order by id limit ${SIGNALS_PER_STATEMENT} loop
      perform pg_notify('${SIGNALS_CHANNEL}', json_build_object(
        'table', TG_TABLE_NAME, 'id', r.id, 'severity', r.severity, 'source', left(r.source, 200))::text);
    end loop;
    if total > ${SIGNALS_PER_STATEMENT} then
      perform pg_notify('${SIGNALS_CHANNEL}', json_build_object(
        'table', TG_TABLE_NAME,
        'id', (select max(id) from roman_new_rows),
        'severity', (select case when bool_or(severity::text = 'critical') then 'critical' else 'error' end
                       from roman_new_rows where severity::text in ('error','critical')),
        'source', null, 'count', total, 'truncated', true)::text);
    end if;
  exception when others then
    raise warning 'roman_signals notification skipped: %', sqlerrm;
  end;
  return null;
end
$fn$`;
}

/** The app's own schema, in order. Never edit an entry once released: add a new version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'ops_tables',
    sql: [createTableSql(ROMAN_EVENTS), createTableSql(SYSTEM_HEALTH)].join(';\n'),
  },
  { version: 2, name: 'roman_signals_function', sql: signalsFunctionSql() },
  // issue 9 (operations): versions 10–19
  { version: 10, name: 'operations', sql: OPERATIONS_SQL },
  // issue 13 (error triage): versions 30–39
  { version: 30, name: 'playbook_runs', sql: PLAYBOOK_RUNS_SQL },
];

export function migrationChecksum(m: Migration): string {
  return createHash('sha256').update(m.sql).digest('hex');
}

type Queryable = pg.ClientBase;

async function tableExists(c: Queryable, t: TableSpec): Promise<boolean> {
  const r = await c.query<{ oid: string | null }>('select to_regclass($1)::text as oid', [qualified(t)]);
  return r.rows[0].oid !== null;
}

async function existingColumns(c: Queryable, t: TableSpec): Promise<Map<string, string>> {
  const r = await c.query<{ column_name: string; data_type: string }>(
    `select column_name, data_type from information_schema.columns
      where table_schema = $1 and table_name = $2`,
    [t.schema, t.table],
  );
  return new Map(r.rows.map((row) => [row.column_name, row.data_type]));
}

async function checkColumns(c: Queryable, t: TableSpec, report: InitReport): Promise<Set<string>> {
  const cols = await existingColumns(c, t);
  for (const spec of t.columns) {
    const type = cols.get(spec.name);
    if (type === undefined) {
      report.missingColumns.push({ table: displayName(t), column: spec.name, required: spec.required });
      report.warnings.push(
        `${displayName(t)} has no column "${spec.name}"` +
          (spec.required ? ' (the manual\'s queries use it; features that need it will report it)' : ' (optional)'),
      );
    } else if (!spec.accepts.includes(type)) {
      report.warnings.push(`${displayName(t)}.${spec.name} is ${type}; expected ${spec.accepts[0]}`);
    }
  }
  return new Set(cols.keys());
}

/** Name of a valid, non-partial btree index on t whose leading columns are `leading`, if any. */
async function equivalentIndex(c: Queryable, t: TableSpec, leading: string[]): Promise<string | null> {
  const r = await c.query<{ name: string; cols: string[] }>(
    `select ic.relname as name,
            array(select a.attname::text from unnest(i.indkey::int2[]) with ordinality k(attnum, ord)
                    left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                   order by k.ord) as cols
       from pg_index i
       join pg_class ic on ic.oid = i.indexrelid
       join pg_am am on am.oid = ic.relam
      where i.indrelid = $1::regclass and i.indisvalid and i.indpred is null and am.amname = 'btree'`,
    [qualified(t)],
  );
  for (const row of r.rows) {
    if (leading.every((col, k) => row.cols[k] === col)) return row.name;
  }
  return null;
}

async function invalidIndexNamed(c: Queryable, schema: string, name: string): Promise<boolean> {
  const r = await c.query(
    `select 1 from pg_index i join pg_class ic on ic.oid = i.indexrelid
       join pg_namespace n on n.oid = ic.relnamespace
      where n.nspname = $1 and ic.relname = $2 and not i.indisvalid`,
    [schema, name],
  );
  return (r.rowCount ?? 0) > 0;
}

function createIndexSql(t: TableSpec, ix: IndexSpec, concurrently: boolean): string {
  return `create ${ix.unique ? 'unique ' : ''}index ${concurrently ? 'concurrently ' : ''}if not exists ${quoteIdent(ix.name)}
    on ${qualified(t)} (${ix.columns.map(quoteIdent).join(', ')})`;
}

/**
 * Ensures the indexes of t. `concurrently` for pre-existing user tables (outside a transaction).
 * Indexes over columns the table lacks are skipped (already reported as missing columns).
 */
async function ensureIndexes(
  c: Queryable,
  t: TableSpec,
  columns: Set<string>,
  concurrently: boolean,
  report: InitReport,
): Promise<void> {
  for (const ix of t.indexes) {
    if (!ix.columns.every((col) => columns.has(col))) {
      report.warnings.push(`index ${ix.name} on ${displayName(t)} not created: missing column(s)`);
      continue;
    }
    const label = `index ${ix.name} on ${displayName(t)}`;
    const same = await equivalentIndex(c, t, ix.columns);
    if (same) {
      report.existing.push(same === ix.name ? label : `index ${same} on ${displayName(t)} (serves as ${ix.name})`);
      continue;
    }
    const equivalent = await equivalentIndex(c, t, ix.satisfiedBy);
    if (equivalent) {
      report.existing.push(`index ${equivalent} on ${displayName(t)} (serves as ${ix.name})`);
      continue;
    }
    try {
      if (await invalidIndexNamed(c, t.schema, ix.name)) {
        // Left over from an interrupted concurrent build of ours: remove and rebuild.
        await c.query(`drop index ${concurrently ? 'concurrently ' : ''}if exists ${quoteIdent(t.schema)}.${quoteIdent(ix.name)}`);
      }
      await c.query(createIndexSql(t, ix, concurrently));
      report.created.push(label);
    } catch (err) {
      if (!concurrently) throw err;
      report.warnings.push(`${label} could not be built: ${(err as Error).message}`);
      try {
        if (await invalidIndexNamed(c, t.schema, ix.name)) {
          await c.query(`drop index concurrently if exists ${quoteIdent(t.schema)}.${quoteIdent(ix.name)}`);
        }
      } catch {
        // the warning above already says the index is not there
      }
    }
  }
}

async function signalsTriggerExists(c: Queryable): Promise<boolean> {
  const r = await c.query(
    `select 1 from pg_trigger where tgrelid = $1::regclass and tgname = $2 and not tgisinternal`,
    [qualified(SYSTEM_LOGS), SIGNALS_TRIGGER],
  );
  return (r.rowCount ?? 0) > 0;
}

function createSignalsTriggerSql(): string {
  return `create trigger ${quoteIdent(SIGNALS_TRIGGER)} after insert on ${qualified(SYSTEM_LOGS)}
    referencing new table as roman_new_rows
    for each statement execute function ${SIGNALS_FUNCTION}()`;
}

async function functionExists(c: Queryable): Promise<boolean> {
  const r = await c.query<{ f: string | null }>('select to_regprocedure($1)::text as f', [`${SIGNALS_FUNCTION}()`]);
  return r.rows[0].f !== null;
}

async function acquireInitLock(c: Queryable): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const r = await c.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [LOCK_KEY_1, LOCK_KEY_2]);
    if (r.rows[0].ok) return;
    if (Date.now() > deadline) {
      throw new Error(
        `another process has been initialising this database for over ${LOCK_WAIT_MS / 1000} s (advisory lock held); try again later`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isPool(x: pg.Pool | pg.ClientBase): x is pg.Pool {
  return x instanceof pg.Pool || typeof (x as unknown as { totalCount?: unknown }).totalCount === 'number';
}

/**
 * Installs or verifies the app's schema. Safe to run any number of times and from several apps at
 * once; never drops or rewrites user data. A client passed in must not be inside a transaction.
 */
export async function initDatabase(client: pg.Pool | pg.ClientBase): Promise<InitReport> {
  const own = isPool(client) ? await client.connect() : null;
  const c: Queryable = own ?? (client as pg.ClientBase);
  let broken: Error | undefined;
  try {
    return await initWithClient(c);
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    own?.release(broken);
  }
}

async function initWithClient(c: Queryable): Promise<InitReport> {
  const info = await c.query<{ db: string; v: string }>('select current_database() as db, version() as v');
  const report: InitReport = {
    database: info.rows[0].db,
    serverVersion: info.rows[0].v.split(' on ')[0],
    created: [],
    existing: [],
    appliedMigrations: [],
    missingColumns: [],
    warnings: [],
  };
  await c.query('set statement_timeout = 0');
  await c.query(`set lock_timeout = '10s'`);
  await acquireInitLock(c);
  try {
    const preexistingUserTables: { t: TableSpec; columns: Set<string> }[] = [];
    await c.query('begin');
    try {
      const ops = await c.query(`select 1 from pg_namespace where nspname = 'ops'`);
      if ((ops.rowCount ?? 0) === 0) {
        await c.query('create schema ops');
        report.created.push('schema ops');
      } else {
        report.existing.push('schema ops');
      }
      await c.query(`create table if not exists ops.roman_migrations (
        version int primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`);
      const applied = await c.query<{ version: number; name: string; checksum: string }>(
        'select version, name, checksum from ops.roman_migrations order by version',
      );
      const opsTablesBefore = [await tableExists(c, ROMAN_EVENTS), await tableExists(c, SYSTEM_HEALTH)];
      const byVersion = new Map(applied.rows.map((r) => [r.version, r]));
      const latestKnown = MIGRATIONS[MIGRATIONS.length - 1].version;
      for (const row of applied.rows) {
        if (row.version > latestKnown) {
          report.warnings.push(
            `migration ${row.version} (${row.name}) was applied by a newer R.O.M.A.N. Desktop; this version knows up to ${latestKnown}`,
          );
        }
      }
      for (const m of MIGRATIONS) {
        const done = byVersion.get(m.version);
        const checksum = migrationChecksum(m);
        if (done) {
          report.existing.push(`migration ${m.version} ${m.name}`);
          if (done.checksum !== checksum) {
            report.warnings.push(
              `migration ${m.version} (${m.name}) was applied with a different definition (checksum ${done.checksum.slice(0, 12)}…); not re-applied`,
            );
          }
          continue;
        }
        await c.query(m.sql);
        await c.query('insert into ops.roman_migrations (version, name, checksum) values ($1, $2, $3)', [
          m.version,
          m.name,
          checksum,
        ]);
        report.created.push(`migration ${m.version} ${m.name}`);
        report.appliedMigrations.push({ version: m.version, name: m.name });
      }

      // The app's own ops tables: complete them if an older or hand-made version lacks columns.
      for (const [k, t] of [ROMAN_EVENTS, SYSTEM_HEALTH].entries()) {
        if (!(await tableExists(c, t))) await c.query(createTableSql(t));
        (opsTablesBefore[k] ? report.existing : report.created).push(`table ${displayName(t)}`);
        const cols = await existingColumns(c, t);
        for (const spec of t.columns) {
          if (cols.has(spec.name)) continue;
          const type = spec.type.replace(/ primary key$/, '').replace(/^bigserial/, 'bigint');
          await c.query(`alter table ${qualified(t)} add column ${quoteIdent(spec.name)} ${type}`);
          report.created.push(`column ${displayName(t)}.${spec.name}`);
        }
        if (t === ROMAN_EVENTS) await ensureIdempotencyConstraint(c, report);
        await ensureIndexes(c, t, new Set([...cols.keys(), ...t.columns.map((x) => x.name)]), false, report);
      }

      if (!(await functionExists(c))) {
        await c.query(signalsFunctionSql());
        report.created.push(`function ${SIGNALS_FUNCTION}()`);
      }

      // User tables: create when missing (with indexes and trigger), otherwise only inspect.
      for (const t of [SYSTEM_LOGS, AI_USAGE_LOGS]) {
        if (await tableExists(c, t)) {
          report.existing.push(`table ${displayName(t)}`);
          preexistingUserTables.push({ t, columns: await checkColumns(c, t, report) });
          continue;
        }
        await c.query(createTableSql(t));
        report.created.push(`table ${displayName(t)}`);
        await ensureIndexes(c, t, new Set(t.columns.map((x) => x.name)), false, report);
        if (t === SYSTEM_LOGS) {
          await c.query(createSignalsTriggerSql());
          report.created.push(`trigger ${SIGNALS_TRIGGER} on ${displayName(t)}`);
        }
      }
      await c.query('commit');
    } catch (err) {
      await c.query('rollback').catch(() => undefined);
      throw err;
    }

    // Pre-existing user tables: trigger in its own short transaction, indexes built concurrently.
    for (const { t, columns } of preexistingUserTables) {
      if (t === SYSTEM_LOGS) await ensureSignalsTrigger(c, columns, report);
      await ensureIndexes(c, t, columns, true, report);
    }
    return report;
  } finally {
    await c.query('select pg_advisory_unlock($1, $2)', [LOCK_KEY_1, LOCK_KEY_2]).catch(() => undefined);
    await c.query('reset statement_timeout').catch(() => undefined);
    await c.query('reset lock_timeout').catch(() => undefined);
  }
}

async function ensureIdempotencyConstraint(c: Queryable, report: InitReport): Promise<void> {
  const r = await c.query(
    `select 1 from pg_index i
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
      where i.indrelid = 'ops.roman_events'::regclass and i.indisunique and i.indnatts = 1
        and i.indpred is null and a.attname = 'idempotency_key'`,
  );
  if ((r.rowCount ?? 0) > 0) return;
  await c.query('alter table ops.roman_events add constraint roman_events_idempotency_key_key unique (idempotency_key)');
  report.created.push('constraint roman_events_idempotency_key_key on ops.roman_events');
}

async function ensureSignalsTrigger(c: Queryable, columns: Set<string>, report: InitReport): Promise<void> {
  const label = `trigger ${SIGNALS_TRIGGER} on ${displayName(SYSTEM_LOGS)}`;
  if (await signalsTriggerExists(c)) {
    report.existing.push(label);
    return;
  }
  const needed = ['id', 'severity', 'source'].filter((col) => !columns.has(col));
  if (needed.length > 0) {
    report.warnings.push(`${label} not installed: missing column(s) ${needed.join(', ')}`);
    return;
  }
  try {
    await c.query('begin');
    await c.query(createSignalsTriggerSql());
    await c.query('commit');
    report.created.push(label);
  } catch (err) {
    await c.query('rollback').catch(() => undefined);
    report.warnings.push(`${label} not installed: ${(err as Error).message}`);
  }
}
