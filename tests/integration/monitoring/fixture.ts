/** A fresh Postgres database with the shared schema (initDatabase) and helpers to seed signals. */
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { initDatabase } from '../../../src/main/core/db/migrations';

export interface MonitoredDatabase {
  db: TestDatabase;
  pool: pg.Pool;
  close(): Promise<void>;
}

export async function createMonitoredDatabase(): Promise<MonitoredDatabase> {
  const db = await createTestDatabase('roman_mon');
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  // DROP DATABASE … WITH (FORCE) ends idle connections; that is expected at teardown.
  pool.on('error', () => undefined);
  await initDatabase(pool);
  return {
    db,
    pool,
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}

export interface LogRow {
  at: Date;
  severity?: 'debug' | 'info' | 'warning' | 'error' | 'critical';
  source?: string;
  message?: string;
  metadata?: unknown;
}

export async function insertLogs(pool: pg.Pool, rows: LogRow[]): Promise<void> {
  for (const r of rows) {
    await pool.query(
      `INSERT INTO public.system_logs ("timestamp", severity, source, message, metadata) VALUES ($1, $2, $3, $4, $5::jsonb)`,
      [r.at, r.severity ?? 'info', r.source ?? 'api', r.message ?? 'request', JSON.stringify(r.metadata ?? {})],
    );
  }
}

export async function insertAiUsage(
  pool: pg.Pool,
  rows: { at: Date; provider?: string; costUsd?: number; success?: boolean; latencyMs?: number | null }[],
): Promise<void> {
  for (const r of rows) {
    await pool.query(
      `INSERT INTO public.ai_usage_logs (created_at, provider, model, feature, total_tokens, cost_usd, latency_ms, success)
       VALUES ($1, $2, 'model-x', 'chat', 100, $3, $4, $5)`,
      [r.at, r.provider ?? 'anthropic', r.costUsd ?? 0.01, r.latencyMs ?? 800, r.success ?? true],
    );
  }
}

export const minutesBefore = (t: Date, minutes: number) => new Date(t.getTime() - minutes * 60_000);
