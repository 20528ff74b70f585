import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DEFAULT_TEST_PG_URL, stopFallbackEngine, testPostgresUrl } from '../../support/sample-fallback';

const UNREACHABLE = 'postgres://postgres:secret@127.0.0.1:1/postgres';

describe('testPostgresUrl', () => {
  afterAll(async () => {
    await stopFallbackEngine();
  });

  it('with CI=true, an unreachable server is a clear error that hides the password', async () => {
    const err = await testPostgresUrl({ ROMAN_TEST_PG_URL: UNREACHABLE, CI: 'true' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/not reachable at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/postgres/);
    expect((err as Error).message).toMatch(/CI=true requires a real server/);
    expect((err as Error).message).not.toContain('secret');
  });

  it('without CI, an unreachable server falls back to an empty embedded Postgres the pg client can use', async () => {
    const url = await testPostgresUrl({ ROMAN_TEST_PG_URL: UNREACHABLE });
    expect(url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres(\?sslmode=disable)?$/);
    expect(url).not.toContain(':1/');
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query('create table fallback_probe (id int primary key)');
      await c.query('insert into fallback_probe values (1), (2)');
      expect((await c.query('select count(*)::int as n from fallback_probe')).rows[0].n).toBe(2);
      const tables = await c.query(`select count(*)::int as n from pg_tables where schemaname in ('public', 'ops') and tablename <> 'fallback_probe'`);
      expect(tables.rows[0].n).toBe(0);
    } finally {
      await c.end();
    }
    // The same process gets the same engine.
    expect(await testPostgresUrl({ ROMAN_TEST_PG_URL: UNREACHABLE })).toBe(url);
  });

  it('returns the real server when it answers', async () => {
    const real = process.env.ROMAN_TEST_PG_URL || DEFAULT_TEST_PG_URL;
    const probe = new pg.Client({ connectionString: real, connectionTimeoutMillis: 3000 });
    probe.on('error', () => undefined);
    const reachable = await probe.connect().then(
      () => true,
      () => false,
    );
    await probe.end().catch(() => undefined);
    const url = await testPostgresUrl({ ROMAN_TEST_PG_URL: real, CI: 'true' }).catch((e: Error) => e);
    if (reachable) expect(url).toBe(real);
    else expect(url).toBeInstanceOf(Error);
  });
});
