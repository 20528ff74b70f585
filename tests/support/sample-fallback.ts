/**
 * Postgres for the test suite when no server is running: `testPostgresUrl()` returns the admin URL
 * of the real server (ROMAN_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres) when it
 * answers; otherwise, unless CI is 'true', it starts the embedded sample engine (PGlite over the
 * Postgres wire protocol, empty, in memory, in its own process) and returns that URL, so a developer
 * without Postgres can still run the suite. With CI=true a missing server is an error: CI must test
 * against real Postgres.
 *
 * The embedded engine is one Postgres database: CREATE DATABASE succeeds, but every connection,
 * whatever database it names, reaches the same one. `createFallbackDatabase()` gives a test its own
 * engine instead (a fresh, empty one per call) when isolation matters.
 */
import pg from 'pg';
import { MEMORY_DATA_DIR, startSampleWorkspace, type SampleWorkspace } from '../../src/main/core/sample/workspace';

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Whether a Postgres server answers at url (connects and runs `select 1`). */
export async function postgresReachable(url: string, timeoutMs = 3000): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message || String(err) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

let shared: Promise<SampleWorkspace> | undefined;

function startEmptyEngine(): Promise<SampleWorkspace> {
  return startSampleWorkspace({ dataDir: MEMORY_DATA_DIR, seed: false });
}

/**
 * Admin URL of the Postgres the tests use. Real server first; the embedded engine (shared by the
 * calling process, stopped when it exits) when the server is unreachable and CI is not 'true'.
 */
export async function testPostgresUrl(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const url = env.ROMAN_TEST_PG_URL || DEFAULT_TEST_PG_URL;
  const probe = await postgresReachable(url);
  if (probe.ok) return url;
  if (env.CI === 'true') {
    throw new Error(
      `Postgres is not reachable at ${redact(url)} (${probe.reason}). CI=true requires a real server: ` +
        'start one or set ROMAN_TEST_PG_URL (the embedded fallback is only for local runs).',
    );
  }
  shared ??= startEmptyEngine().catch((err: unknown) => {
    shared = undefined;
    throw new Error(
      `Postgres is not reachable at ${redact(url)} (${probe.reason}) and the embedded fallback could not start: ${(err as Error).message}`,
    );
  });
  return (await shared).url;
}

/** A fresh, empty embedded database of its own (one engine process); `drop()` stops it. */
export async function createFallbackDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const ws = await startEmptyEngine();
  return { url: ws.url, drop: () => ws.stop() };
}

/** Stops the shared embedded engine started by testPostgresUrl(), if any (it also ends with this process). */
export async function stopFallbackEngine(): Promise<void> {
  const running = shared;
  shared = undefined;
  if (running) await (await running.catch(() => undefined))?.stop();
}
