/**
 * The app's operations handlers, called directly over the browser host's WebSocket (as a hostile
 * page could): nothing reaches an executor without a valid grant.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { startBrowserHost, type BrowserHost } from '../../../src/main/host/browser-host';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

let dir: string;
let core: Core;
let host: BrowserHost;
let db: TestDatabase;
let pool: pg.Pool;
let ws: WebSocket;
let nextId = 1;

type Reply = { ok: boolean; value?: Record<string, unknown>; error?: { code: string; message: string } };

function call(name: string, input: unknown): Promise<Reply> {
  const id = nextId++;
  return new Promise((ok) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(String(data)) as { type: string; id: number; result: Reply };
      if (msg.type === 'result' && msg.id === id) {
        ws.off('message', onMessage);
        ok(msg.result);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, name, input }));
  });
}

async function grantFor(text: string): Promise<{ grant: { id: string; params_hash: string }; plan: { production: boolean } }> {
  const req = await call('actions.request', { text });
  expect(req.ok).toBe(true);
  const decision = (req.value as { decision: { decision_id: string; result: { verdict: string } } }).decision;
  expect(decision.result.verdict).toBe('approve');
  const prep = await call('operations.prepare', { decisionId: decision.decision_id });
  expect(prep.error).toBeUndefined();
  expect(prep.value!.executable).toBe(true);
  return prep.value as never;
}

beforeAll(async () => {
  db = await createTestDatabase('roman_ops_handlers');
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await initDatabase(pool);
  await pool.query('create table public.orders (id bigserial primary key, customer_id int)');
  dir = mkdtempSync(join(tmpdir(), 'roman-ops-host-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(renderer, { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>R.O.M.A.N.</title>');
  core = await createCore({ dataDir: join(dir, 'data'), workspace: { url: db.url, name: 'ops test', environment: 'staging' } });
  host = await startBrowserHost({ core, rendererDir: renderer, caller: { channel: 'web', requestedBy: 'tester' } });
  ws = await new Promise<WebSocket>((ok, fail) => {
    const s = new WebSocket(`${host.origin.replace('http', 'ws')}/api?token=${host.token}`, { origin: host.origin });
    s.once('open', () => ok(s));
    s.once('error', fail);
  });
  for (let i = 0; i < 200 && !core.workspaces.open; i++) await new Promise((r) => setTimeout(r, 100));
});

afterAll(async () => {
  ws?.close();
  await host?.close();
  await core?.close();
  await pool?.end();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function refusals(): Promise<string[]> {
  const r = await pool.query(`select metadata->>'code' as code from ops.roman_events where event_type = 'execution_refused' order by id`);
  return r.rows.map((x) => x.code as string);
}

describe('operations handlers over the browser host', () => {
  it('runs an approved action once through the gate, with progress pushed and the outcome recorded', async () => {
    const { grant } = await grantFor('vacuum analyze public.orders');
    const progress: unknown[] = [];
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(String(data)) as { type: string; event?: string; payload?: unknown };
      if (msg.type === 'event' && msg.event === 'operations.progress') progress.push(msg.payload);
    };
    ws.on('message', onMessage);
    const r = await call('operations.execute', { grantId: grant.id, paramsHash: grant.params_hash });
    ws.off('message', onMessage);
    expect(r.value).toMatchObject({ status: 'succeeded' });
    expect(progress.length).toBeGreaterThan(0);
    const reused = await call('operations.execute', { grantId: grant.id });
    expect(reused.value).toMatchObject({ status: 'refused', code: 'grant_used' });
    await new Promise((r2) => setTimeout(r2, 500));
    const ev = await pool.query(`select metadata from ops.roman_events where event_type = 'execution' and metadata->>'grant_id' = $1`, [grant.id]);
    expect(ev.rows).toHaveLength(1);
    const cache = core.workspaces.open!.cache;
    expect((await cache.audit.verify()).valid).toBe(true);
    const trail = await cache.search({ kind: 'action', type: 'execution' });
    expect(trail.rows.map((row) => row.message)).toContain('Execution succeeded: VACUUM (ANALYZE) public.orders');
  });

  it('refuses forged, expired, tampered and foreign grants, and records each refusal', async () => {
    expect((await call('operations.execute', { grantId: randomUUID() })).value).toMatchObject({ status: 'refused', code: 'grant_unknown' });
    expect((await call('operations.execute', { grantId: "x' or 1=1 --" })).value).toMatchObject({ status: 'refused', code: 'grant_unknown' });

    const expired = await grantFor('vacuum analyze public.orders');
    await pool.query(`update ops.roman_grants set created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' where id = $1`, [expired.grant.id]);
    expect((await call('operations.execute', { grantId: expired.grant.id })).value).toMatchObject({ status: 'refused', code: 'grant_expired' });

    const tampered = await grantFor('vacuum analyze public.orders');
    expect((await call('operations.execute', { grantId: tampered.grant.id, paramsHash: '0'.repeat(64) })).value).toMatchObject({ status: 'refused', code: 'grant_tampered' });

    const foreign = await grantFor('vacuum analyze public.orders');
    await pool.query(`update ops.roman_grants set target_database = 'someone_elses_db' where id = $1`, [foreign.grant.id]);
    expect((await call('operations.execute', { grantId: foreign.grant.id })).value).toMatchObject({ status: 'refused', code: 'grant_foreign' });

    await new Promise((r) => setTimeout(r, 500));
    expect(await refusals()).toEqual(expect.arrayContaining(['grant_unknown', 'grant_expired', 'grant_tampered', 'grant_foreign']));
  });

  it('prepares no grant for a decision it did not make, nor for unknown input', async () => {
    const r = await call('operations.prepare', { decisionId: randomUUID() });
    expect(r.error?.code).toBe('not_found');
    const bad = await call('operations.execute', { grantId: 42 });
    expect(bad.error?.code).toBe('invalid_input');
  });
});
