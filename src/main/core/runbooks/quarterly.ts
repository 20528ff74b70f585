/**
 * The quarterly review: a checklist for the team, with what the app can bring to each item —
 * architecture facts, capacity planning from the growth figures, the disaster-recovery drill
 * (restore the latest backup into a scratch database and verify it, through the gate) and the
 * constitutional core review (the self-test report).
 */
import { runSelfTest } from '../constitution';
import { gatedStep, readOnly, relationExists, toRows, type SectionDef } from './section';

const ARCH_SQL = `SELECT
  (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r','p') AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg_toast%') AS tables,
  (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg_toast%') AS indexes,
  (SELECT count(*) FROM pg_constraint WHERE contype = 'f') AS foreign_keys,
  (SELECT string_agg(extname || ' ' || extversion, ', ' ORDER BY extname) FROM pg_extension) AS extensions,
  current_setting('server_version') AS server_version,
  current_setting('max_connections')::int AS max_connections`;

export const ARCHITECTURE_REVIEW: SectionDef = {
  key: 'architecture_review',
  title: 'System architecture review',
  async run(ctx) {
    const rows = await readOnly<Record<string, unknown>>(ctx.client, ARCH_SQL);
    return {
      status: 'checklist',
      summary: 'For the team: review the architecture; the database facts below are the starting point.',
      figures: toRows(rows)[0] ?? {},
      sql: [ARCH_SQL],
    };
  },
};

const GROWTH_SQL = `SELECT timestamp, (metrics->>'database_size_bytes')::bigint AS bytes
  FROM ops.system_health
 WHERE timestamp > $1::timestamptz - INTERVAL '120 days' AND timestamp <= $1::timestamptz
   AND metrics ? 'database_size_bytes'
 ORDER BY timestamp`;

export const CAPACITY_PLANNING: SectionDef = {
  key: 'capacity_planning',
  title: 'Capacity planning',
  async run(ctx) {
    const now = ctx.clock.now();
    const size = await readOnly<{ bytes: string }>(ctx.client, 'SELECT pg_database_size(current_database()) AS bytes');
    const current = Number(size[0]!.bytes);
    const figures: Record<string, number | string | null> = { database_bytes: current };
    const notes: string[] = [];
    if (await relationExists(ctx.client, 'ops.system_health')) {
      const rows = await readOnly<{ timestamp: Date; bytes: string }>(ctx.client, GROWTH_SQL, [now]);
      if (rows.length >= 2) {
        const first = rows[0]!;
        const last = rows[rows.length - 1]!;
        const days = (last.timestamp.getTime() - first.timestamp.getTime()) / 86_400_000;
        const perMonth = days > 0 ? ((Number(last.bytes) - Number(first.bytes)) / days) * 30 : null;
        figures.history_days = Number(days.toFixed(1));
        figures.growth_bytes_per_month = perMonth === null ? null : Math.round(perMonth);
        figures.projected_bytes_in_12_months = perMonth === null ? null : Math.round(current + perMonth * 12);
      } else {
        notes.push('Not enough size history in ops.system_health to compute growth (the monitoring snapshots record it).');
      }
    } else {
      notes.push('ops.system_health does not exist: no growth history.');
    }
    return { status: 'checklist', summary: 'For the team: plan capacity from the growth figures.', figures, sql: [GROWTH_SQL], notes };
  },
};

export const DR_DRILL: SectionDef = {
  key: 'dr_drill',
  title: 'Disaster-recovery drill',
  run: (ctx) => gatedStep(ctx, 'restore_drill', { target: 'scratch' }, 'pg_restore of the latest backup into a scratch database, then verify (through the operations gate)'),
};

export const CORE_REVIEW: SectionDef = {
  key: 'constitutional_core_review',
  title: 'Constitutional Core review',
  run() {
    const report = runSelfTest();
    return Promise.resolve({
      status: report.passed ? 'ok' : 'failed',
      summary: report.passed ? 'The Constitutional Core self-test passed.' : 'The Constitutional Core self-test FAILED.',
      rows: report.lines.map((line) => ({ line })),
    });
  },
};

export const EXTERNAL_AUDIT: SectionDef = {
  key: 'external_security_audit',
  title: 'Security audit (external)',
  run: () => Promise.resolve({ status: 'checklist', summary: 'For the team: arrange the external security audit.' }),
};

export const TEAM_TRAINING: SectionDef = {
  key: 'team_training',
  title: 'Team training',
  run: () => Promise.resolve({ status: 'checklist', summary: 'For the team: walk through the emergency protocols and these runbooks.' }),
};

export const QUARTERLY_SECTIONS: SectionDef[] = [ARCHITECTURE_REVIEW, CAPACITY_PLANNING, EXTERNAL_AUDIT, DR_DRILL, TEAM_TRAINING, CORE_REVIEW];
