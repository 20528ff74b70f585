/**
 * Writes the generated sample data: the sample product's own tables (besides the shared R.O.M.A.N.
 * schema) and the rows, in large unnest(…) batches inside one transaction.
 */
import type pg from 'pg';
import type { SampleAiUsageRow, SampleDataset, SampleEventRow, SampleHealthRow, SampleLogRow } from './data';

/** Tables the sample product has besides the shared R.O.M.A.N. schema (they are "the customer's"). */
export const SAMPLE_PRODUCT_SCHEMA_SQL = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF;
END $$;
CREATE TABLE IF NOT EXISTS public.subscriptions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'canceled', 'past_due')),
  plan text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS public.customers (
  id bigserial PRIMARY KEY,
  organization_id uuid NOT NULL,
  name text NOT NULL,
  email text,
  created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS customers_org_member_select ON public.customers;
CREATE POLICY customers_org_member_select ON public.customers FOR SELECT TO authenticated USING (true);
CREATE TABLE IF NOT EXISTS public.documents (
  id bigserial PRIMARY KEY,
  owner_id uuid NOT NULL,
  title text NOT NULL,
  body text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY;
CREATE TABLE IF NOT EXISTS public.bids (
  id bigserial PRIMARY KEY,
  document_id bigint NOT NULL REFERENCES public.documents(id),
  amount_cents bigint NOT NULL,
  status text NOT NULL DEFAULT 'draft',
  created_at timestamptz NOT NULL DEFAULT now()
);
-- The live generator (traffic.ts): the time up to which the sample's traffic is written.
CREATE TABLE IF NOT EXISTS public.sample_traffic (
  id int PRIMARY KEY CHECK (id = 1),
  written_until timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO authenticated;
`;

/** Rows per INSERT … SELECT FROM unnest(…) statement. */
const BATCH = 10_000;

async function insertBatches<T>(
  client: pg.ClientBase,
  rows: readonly T[],
  sql: string,
  columns: (row: T) => unknown[],
  width: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const cols: unknown[][] = Array.from({ length: width }, () => []);
    for (const row of rows.slice(i, i + BATCH)) {
      const values = columns(row);
      for (let c = 0; c < width; c++) cols[c].push(values[c]);
    }
    await client.query(sql, cols);
  }
}

export async function insertLogs(client: pg.ClientBase, rows: readonly SampleLogRow[]): Promise<void> {
  await insertBatches(
    client,
    rows,
    `INSERT INTO public.system_logs (timestamp, severity, source, message, user_id, correlation_id, metadata)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::jsonb[])`,
    (r) => [r.timestamp.toISOString(), r.severity, r.source, r.message, r.userId, r.correlationId, JSON.stringify(r.metadata)],
    7,
  );
}

export async function insertAiUsage(client: pg.ClientBase, rows: readonly SampleAiUsageRow[]): Promise<void> {
  await insertBatches(
    client,
    rows,
    `INSERT INTO public.ai_usage_logs (created_at, provider, model, feature, user_id, prompt_tokens, completion_tokens, total_tokens, cost_usd, latency_ms, success, metadata)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::int[], $7::int[], $8::int[], $9::numeric[], $10::int[], $11::boolean[], $12::jsonb[])`,
    (r) => [r.createdAt.toISOString(), r.provider, r.model, r.feature, r.userId, r.promptTokens, r.completionTokens, r.totalTokens, r.costUsd, r.latencyMs, r.success, JSON.stringify(r.metadata)],
    12,
  );
}

export async function insertEvents(client: pg.ClientBase, rows: readonly SampleEventRow[]): Promise<void> {
  await insertBatches(
    client,
    rows,
    `INSERT INTO ops.roman_events (timestamp, event_type, severity, message, metadata, idempotency_key)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[]) ON CONFLICT (idempotency_key) DO NOTHING`,
    (r) => [r.timestamp.toISOString(), r.eventType, r.severity, r.message, JSON.stringify(r.metadata), r.idempotencyKey],
    6,
  );
}

export async function insertHealth(client: pg.ClientBase, rows: readonly SampleHealthRow[]): Promise<void> {
  await insertBatches(
    client,
    rows,
    `INSERT INTO ops.system_health (timestamp, entropy, error_rate, failure_rate, latency_spikes, active_connections, metrics)
     SELECT * FROM unnest($1::timestamptz[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::int[], $7::jsonb[])`,
    (r) => [r.timestamp.toISOString(), r.entropy, r.errorRate, r.failureRate, r.latencySpikes, r.activeConnections, JSON.stringify(r.metrics)],
    7,
  );
}

/** Records that the sample's traffic is written up to `at` (the live generator continues from there). */
export async function setWrittenUntil(client: pg.ClientBase, at: Date): Promise<void> {
  await client.query(
    `INSERT INTO public.sample_traffic (id, written_until) VALUES (1, $1)
     ON CONFLICT (id) DO UPDATE SET written_until = excluded.written_until`,
    [at.toISOString()],
  );
}

export interface SeedReport {
  logs: number;
  aiUsage: number;
  subscriptions: number;
  events: number;
  health: number;
  durationMs: number;
}

/**
 * Writes a generated dataset into a database whose shared schema already exists (initDatabase).
 * Runs in one transaction: either the whole sample is there or none of it.
 */
export async function writeSampleData(
  client: pg.ClientBase,
  data: SampleDataset,
  progress: (message: string) => void = () => {},
): Promise<SeedReport> {
  const began = Date.now();
  await client.query('BEGIN');
  try {
    await client.query(SAMPLE_PRODUCT_SCHEMA_SQL);
    progress(`writing ${data.logs.length} system_logs rows`);
    await insertLogs(client, data.logs);
    progress(`writing ${data.aiUsage.length} ai_usage_logs rows`);
    await insertAiUsage(client, data.aiUsage);
    progress(`writing ${data.subscriptions.length} subscriptions, ${data.events.length} R.O.M.A.N. events, ${data.health.length} health snapshots`);
    await insertBatches(
      client,
      data.subscriptions,
      `INSERT INTO public.subscriptions (id, user_id, status, plan, created_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[]) ON CONFLICT (id) DO NOTHING`,
      (r) => [r.id, r.userId, r.status, r.plan, r.createdAt.toISOString()],
      5,
    );
    await insertEvents(client, data.events);
    await insertHealth(client, data.health);
    await setWrittenUntil(client, data.now);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  await client.query('ANALYZE');
  return {
    logs: data.logs.length,
    aiUsage: data.aiUsage.length,
    subscriptions: data.subscriptions.length,
    events: data.events.length,
    health: data.health.length,
    durationMs: Date.now() - began,
  };
}
