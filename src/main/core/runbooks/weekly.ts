/**
 * The weekly runbook of the manual (weekly-maintenance.sh), section by section: VACUUM ANALYZE
 * (through the gate), slow-query report, database and table sizes, backup verification, error
 * summary by severity over 7 days and `npm outdated` in the project folder.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage, gatedStep, readOnly, relationExists, toRows, type SectionDef, type SectionOutcome } from './section';
import { runTool, urlWithoutPassword } from './tools';

export const VACUUM_ANALYZE: SectionDef = {
  key: 'vacuum_analyze',
  title: 'Database vacuum and analyze',
  run: (ctx) => gatedStep(ctx, 'vacuum', { relation: null, analyze: true }, 'VACUUM ANALYZE;'),
};

const SLOW_SQL = `SELECT left(query, 500) AS query, round(mean_exec_time::numeric, 1) AS mean_ms, calls
  FROM pg_stat_statements
 WHERE mean_exec_time > 1000
 ORDER BY mean_exec_time DESC
 LIMIT 10`;

export const SLOW_QUERIES: SectionDef = {
  key: 'slow_queries',
  title: 'Slow query report',
  async run(ctx) {
    const ext = await readOnly<{ schema: string | null }>(
      ctx.client,
      `SELECT (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements') AS schema`,
    );
    if (!ext[0]?.schema) {
      return {
        status: 'unavailable',
        summary:
          'unavailable: the pg_stat_statements extension is not installed in this database (it needs shared_preload_libraries = pg_stat_statements and CREATE EXTENSION pg_stat_statements).',
        sql: [SLOW_SQL],
      };
    }
    try {
      const rows = await readOnly<Record<string, unknown>>(ctx.client, SLOW_SQL.replace('FROM pg_stat_statements', `FROM "${ext[0].schema}".pg_stat_statements`));
      return {
        status: rows.length > 0 ? 'warning' : 'ok',
        summary: rows.length > 0 ? `${rows.length} quer${rows.length === 1 ? 'y has' : 'ies have'} a mean time above 1 s.` : 'No query has a mean time above 1 s.',
        figures: { slow_queries: rows.length },
        rows: toRows(rows),
        sql: [SLOW_SQL],
      };
    } catch (err) {
      return { status: 'unavailable', summary: `unavailable: pg_stat_statements cannot be read: ${errorMessage(err)}`, sql: [SLOW_SQL] };
    }
  },
};

const DB_SIZE_SQL = 'SELECT current_database() AS database, pg_database_size(current_database()) AS bytes, pg_size_pretty(pg_database_size(current_database())) AS size';
const TABLE_SIZES_SQL = `SELECT schemaname AS schema, relname AS table,
       pg_total_relation_size(relid) AS bytes, pg_size_pretty(pg_total_relation_size(relid)) AS size, n_live_tup AS rows
  FROM pg_stat_user_tables
 ORDER BY pg_total_relation_size(relid) DESC
 LIMIT 20`;

export const DISK_USAGE: SectionDef = {
  key: 'disk_usage',
  title: 'Database and table sizes',
  async run(ctx) {
    const db = await readOnly<{ database: string; bytes: string; size: string }>(ctx.client, DB_SIZE_SQL);
    const tables = await readOnly<Record<string, unknown>>(ctx.client, TABLE_SIZES_SQL);
    return {
      status: 'ok',
      summary: `Database ${db[0]!.database} uses ${db[0]!.size}.`,
      figures: { database_bytes: Number(db[0]!.bytes), database_size: db[0]!.size, tables: tables.length },
      rows: toRows(tables),
      sql: [DB_SIZE_SQL, TABLE_SIZES_SQL],
      notes: [
        "The server's free disk space (df -h) cannot be read over a database connection; these are the database's own sizes, which is all that can be had remotely.",
      ],
    };
  },
};

export const BACKUP_VERIFICATION: SectionDef = {
  key: 'backup_verification',
  title: 'Backup verification',
  async run(ctx): Promise<SectionOutcome> {
    const cmd = 'pg_dump --format=custom --file <temp> <database>; pg_restore --list <temp>';
    if (!ctx.url) return { status: 'unavailable', summary: 'unavailable: no connection URL to hand to pg_dump.', sql: [cmd] };
    const { url, password } = urlWithoutPassword(ctx.url);
    const env = { ...process.env, PGCONNECT_TIMEOUT: '10', ...(password ? { PGPASSWORD: password } : {}) };
    const dir = mkdtempSync(join(tmpdir(), 'roman-verify-'));
    const file = join(dir, 'verify.dump');
    try {
      const dump = await runTool(ctx.pgDumpPath, ['--format=custom', '--no-owner', '--file', file, '--dbname', url], { env, timeoutMs: 30 * 60_000 });
      if (dump.missing) {
        return { status: 'unavailable', summary: `unavailable: pg_dump was not found (${ctx.pgDumpPath}); install the PostgreSQL client tools to verify backups.`, sql: [cmd] };
      }
      if (dump.code !== 0) {
        return { status: 'failed', summary: `The verification dump failed: ${(dump.stderr || dump.error || `exit ${String(dump.code)}`).trim().slice(0, 500)}`, sql: [cmd] };
      }
      const bytes = statSync(file).size;
      const list = await runTool(ctx.pgRestorePath, ['--list', file], { timeoutMs: 5 * 60_000 });
      if (list.missing) {
        return {
          status: 'warning',
          summary: `A dump of ${bytes} bytes was taken, but pg_restore was not found to verify it.`,
          figures: { dump_bytes: bytes },
          sql: [cmd],
        };
      }
      if (list.code !== 0) {
        return { status: 'failed', summary: `The dump could not be read back: ${list.stderr.trim().slice(0, 500)}`, figures: { dump_bytes: bytes }, sql: [cmd] };
      }
      const entries = list.stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';'));
      const tableData = entries.filter((l) => / TABLE DATA /.test(l)).length;
      const version = (await runTool(ctx.pgDumpPath, ['--version'], { timeoutMs: 10_000 })).stdout.trim();
      return {
        status: 'ok',
        summary: `A real dump (${bytes} bytes, ${entries.length} archive entries, ${tableData} tables with data) was taken and read back; it was not kept.`,
        figures: { dump_bytes: bytes, archive_entries: entries.length, tables_with_data: tableData, pg_dump: version },
        sql: [cmd],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const ERROR_SUMMARY_SQL = `SELECT severity, count(*) AS count
  FROM public.system_logs
 WHERE timestamp > $1::timestamptz - INTERVAL '7 days' AND timestamp <= $1::timestamptz
 GROUP BY severity
 ORDER BY count(*) DESC`;

export const ERROR_SUMMARY: SectionDef = {
  key: 'error_summary',
  title: 'Error summary (7 days)',
  async run(ctx) {
    if (!(await relationExists(ctx.client, 'public.system_logs'))) {
      return { status: 'unavailable', summary: 'unavailable: public.system_logs does not exist (run `roman db init`).', sql: [ERROR_SUMMARY_SQL] };
    }
    const rows = await readOnly<{ severity: string; count: string }>(ctx.client, ERROR_SUMMARY_SQL, [ctx.clock.now()]);
    const figures: Record<string, number> = {};
    for (const r of rows) figures[r.severity] = Number(r.count);
    const bad = (figures.error ?? 0) + (figures.critical ?? 0);
    return {
      status: (figures.critical ?? 0) > 0 ? 'warning' : 'ok',
      summary: rows.length === 0 ? 'No logs in the last 7 days.' : `${bad} error or critical entr${bad === 1 ? 'y' : 'ies'} in the last 7 days.`,
      figures,
      rows: rows.map((r) => ({ severity: r.severity, count: Number(r.count) })),
      sql: [ERROR_SUMMARY_SQL],
    };
  },
};

export const DEPENDENCIES: SectionDef = {
  key: 'dependencies',
  title: 'Dependency check (npm outdated)',
  async run(ctx) {
    const cmd = 'npm outdated --json';
    if (!ctx.projectDir) {
      return { status: 'unavailable', summary: 'unavailable: no project folder is configured (Settings → Runbooks → project folder).', sql: [cmd] };
    }
    try {
      if (!statSync(join(ctx.projectDir, 'package.json')).isFile()) throw new Error('not a file');
    } catch {
      return { status: 'unavailable', summary: `unavailable: ${ctx.projectDir} has no package.json.`, sql: [cmd] };
    }
    const r = await runTool(ctx.npmPath, ['outdated', '--json'], { cwd: ctx.projectDir, timeoutMs: 3 * 60_000 });
    if (r.missing) return { status: 'unavailable', summary: `unavailable: npm was not found (${ctx.npmPath}).`, sql: [cmd] };
    // npm outdated exits 1 when something is outdated; its JSON is the answer either way.
    let parsed: Record<string, { current?: string; wanted?: string; latest?: string }>;
    try {
      parsed = JSON.parse(r.stdout.trim() || '{}') as typeof parsed;
    } catch {
      return { status: 'failed', summary: `npm outdated gave no readable answer: ${(r.stderr || r.error || '').trim().slice(0, 300)}`, sql: [cmd] };
    }
    if (parsed && typeof parsed === 'object' && 'error' in parsed) {
      return { status: 'unavailable', summary: `unavailable: npm outdated failed: ${JSON.stringify((parsed as { error: unknown }).error).slice(0, 300)}`, sql: [cmd] };
    }
    const rows = Object.entries(parsed).map(([name, v]) => ({ package: name, current: v.current ?? null, wanted: v.wanted ?? null, latest: v.latest ?? null }));
    return {
      status: rows.length > 0 ? 'warning' : 'ok',
      summary: rows.length > 0 ? `${rows.length} outdated package${rows.length === 1 ? '' : 's'} in ${ctx.projectDir}.` : `No outdated packages in ${ctx.projectDir}.`,
      figures: { outdated: rows.length },
      rows,
      sql: [cmd],
    };
  },
};

export const WEEKLY_SECTIONS: SectionDef[] = [VACUUM_ANALYZE, SLOW_QUERIES, DISK_USAGE, BACKUP_VERIFICATION, ERROR_SUMMARY, DEPENDENCIES];
