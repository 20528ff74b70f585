/**
 * Real Postgres for tests. Each call creates a fresh database on the local server and returns its
 * URL; `drop()` removes it. Set ROMAN_TEST_PG_URL to point at another server (default
 * postgres://postgres@127.0.0.1:5432/postgres).
 *
 * Without a reachable server, on a developer's machine each call starts a fresh, empty embedded
 * engine instead (the sample workspace's PGlite over pglite-socket: the real `pg` code path); with
 * CI=true a missing server fails the test run with the reason.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { createFallbackDatabase, postgresReachable } from './sample-fallback';

export const ADMIN_URL = process.env.ROMAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = '/' + db;
  return u.toString();
}

let serverCheck: Promise<{ ok: true } | { ok: false; reason: string }> | null = null;

export async function createTestDatabase(prefix = 'roman_test'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`.toLowerCase();
  serverCheck ??= postgresReachable(ADMIN_URL);
  const reachable = await serverCheck;
  if (!reachable.ok) {
    if (process.env.CI === 'true') {
      throw new Error(`Postgres is not reachable at ${new URL(ADMIN_URL).host} (${reachable.reason}); CI=true requires a real server.`);
    }
    const fallback = await createFallbackDatabase();
    return { name: 'postgres', url: fallback.url, drop: fallback.drop };
  }
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(ADMIN_URL, name),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
