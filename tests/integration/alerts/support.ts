/** Shared set-up for the alerts integration tests: a fresh database with the app's schema, and row writers. */
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { initDatabase } from '../../../src/main/core/db/migrations';

export interface AlertsTestDb {
  db: TestDatabase;
  pool: pg.Pool;
  close(): Promise<void>;
}

export async function openAlertsTestDb(): Promise<AlertsTestDb> {
  const db = await createTestDatabase('roman_alerts');
  const pool = new pg.Pool({ connectionString: db.url, max: 2, application_name: 'roman-alerts-test' });
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
  if (rows.length === 0) return;
  await pool.query(
    `INSERT INTO public.system_logs (timestamp, severity, source, message, metadata)
     SELECT t, s, src, m, md FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) AS u(t, s, src, m, md)`,
    [
      rows.map((r) => r.at.toISOString()),
      rows.map((r) => r.severity ?? 'info'),
      rows.map((r) => r.source ?? 'api'),
      rows.map((r) => r.message ?? 'request'),
      rows.map((r) => JSON.stringify(r.metadata ?? {})),
    ],
  );
}

export async function resetData(pool: pg.Pool): Promise<void> {
  await pool.query('TRUNCATE public.system_logs, ops.roman_events, public.ai_usage_logs');
}

export const secondsBefore = (at: Date, s: number) => new Date(at.getTime() - s * 1000);
