/**
 * The workspace end to end on real Postgres and a real SQLite cache: what the app does when it
 * watches a database (sync into the cache, decisions recorded once, alerts evaluated), and what it
 * still does when the database stops answering (offline review from the cache).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ADMIN_URL, createTestDatabase, type TestDatabase } from '../../support/postgres';
import { createCore, type Core } from '../../../src/main/core/app';
import { initDatabase } from '../../../src/main/core/db/migrations';
import type { Result } from '../../../src/shared/result';

let db: TestDatabase;
let dir: string;
let core: Core;
let admin: pg.Pool;

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ui = () => core.context({ channel: 'ui', requestedBy: 'alice' });
async function call(name: string, input: unknown): Promise<unknown> {
  const r = (await core.registry.dispatch(name, input, ui())) as Result<unknown>;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

beforeAll(async () => {
  db = await createTestDatabase('roman_ws');
  admin = new pg.Pool({ connectionString: db.url, max: 2 });
  await initDatabase(admin);
  await admin.query(`
    INSERT INTO public.system_logs (timestamp, severity, source, message, metadata)
    SELECT now() - (g || ' seconds')::interval, 'info', 'api', 'GET /api/invoices ' || g, jsonb_build_object('latency_ms', 120, 'status', 200, 'ip', '10.0.0.' || (g % 5))
    FROM generate_series(1, 400) g`);
  dir = mkdtempSync(join(tmpdir(), 'roman-ws-'));
  core = await createCore({ dataDir: dir, workspace: { url: db.url, name: 'Staging', environment: 'staging' }, syncIntervalMs: 500 });
});

afterAll(async () => {
  await core?.close();
  await admin?.end();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a watched database', () => {
  it('opens, connects and shows its name and environment without any password', async () => {
    const status = await until('connected', async () => {
      const s = (await call('workspace.status', {})) as { connection: string | null; lastSyncedAt: string | null };
      return s.connection === 'connected' && s.lastSyncedAt ? s : null;
    });
    expect(status).toMatchObject({ open: true, kind: 'url', name: 'Staging', environment: 'staging', initialized: true });
  });

  it('syncs the database’s logs into the local cache, searchable by text', async () => {
    const page = await until('synced logs', async () => {
      const p = (await call('store.search', { text: 'invoices', limit: 500 })) as { rows: unknown[] };
      return p.rows.length === 400 ? p : null;
    });
    expect(page.rows).toHaveLength(400);
  });

  it('records an approval request once in the local audit trail and once in ops.roman_events', async () => {
    const outcome = (await call('actions.request', { text: 'deploy to staging', systemEntropy: 0.042 })) as { decision: { decision_id: string } };
    const id = outcome.decision.decision_id;
    const rows = await until('decision in ops.roman_events', async () => {
      const r = await admin.query(`SELECT event_type, metadata FROM ops.roman_events WHERE idempotency_key = $1`, [id]);
      return r.rows.length > 0 ? r.rows : null;
    });
    expect(rows).toHaveLength(1);
    expect(rows[0].event_type).toBe('approval');
    expect(rows[0].metadata.requested_by).toBe('alice');
    const verify = (await call('store.verifyAudit', {})) as { valid: boolean };
    expect(verify.valid).toBe(true);
    const decisions = (await call('store.search', { kind: 'decision', limit: 10 })) as { rows: { message: string }[] };
    expect(decisions.rows.length).toBeGreaterThanOrEqual(1);
  });

  it('judges a request on the live entropy when none is entered, and keeps the reading', async () => {
    const outcome = (await call('actions.request', { text: 'deploy to staging' })) as {
      decision: { input: { entropy_source: string; system_entropy: number; entropy_reading?: { entropy: number } } };
    };
    expect(outcome.decision.input.entropy_source).toBe('live');
    expect(outcome.decision.input.entropy_reading?.entropy).toBe(outcome.decision.input.system_entropy);
  });

  it('fires System Down within seconds of 10 errors in a minute (LISTEN/NOTIFY)', async () => {
    await admin.query(`INSERT INTO public.system_logs (severity, source, message) SELECT 'error', 'database', 'connection refused ' || g FROM generate_series(1, 10) g`);
    const list = await until(
      'system_down firing',
      async () => {
        const l = (await call('alerts.list', {})) as { firing: { rule: string }[] };
        return l.firing.some((a) => a.rule === 'system_down') ? l : null;
      },
      10_000,
    );
    expect(list.firing.map((a) => a.rule)).toContain('system_down');
  });
});

describe('one record per alert transition', () => {
  it('the leader caches its System Down firing once: its local record, not also the synced ops.roman_events copy', async () => {
    // The leader wrote the transition to ops.roman_events (keyed alert:<fingerprint>:firing:<startsAt>)…
    const key = await until('the transition in ops.roman_events', async () => {
      const r = await admin.query<{ idempotency_key: string }>(
        `SELECT idempotency_key FROM ops.roman_events WHERE event_type = 'alert' AND metadata->>'rule' = 'system_down' AND metadata->>'to' = 'firing'`,
      );
      return r.rows[0]?.idempotency_key;
    });
    // …and the sync has read past that row.
    // A sync that started after the row was committed (a running one is shared, so ask twice).
    await call('workspace.syncNow', {});
    expect(((await call('workspace.syncNow', {})) as { ok: boolean }).ok).toBe(true);
    const cache = core.workspaces.open!.cache;
    const page = await cache.search({ kind: 'alert', limit: 1000, withMetadata: true });
    const copies = page.rows
      .filter((r) => (r as { metadata?: Record<string, unknown> }).metadata?.rule === 'system_down' && (r as { metadata?: Record<string, unknown> }).metadata?.to === 'firing')
      .map((r) => ({ origin: r.origin }));
    expect(copies).toEqual([{ origin: 'local' }]);
    expect(await cache.hasLocalAlert(key)).toBe(true);
  });
});

describe('a database that stops answering', () => {
  it('keeps the cache searchable and says since when it is offline', async () => {
    // Make the database refuse new connections and cut the app's connections off.
    const server = new pg.Client({ connectionString: ADMIN_URL });
    await server.connect();
    await server.query(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS false`);
    try {
      await server.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'roman-desktop'`, [db.name]);
      await call('workspace.syncNow', {}).catch(() => undefined);
      const status = await until('offline', async () => {
        const s = (await call('workspace.status', {})) as { offlineSince: string | null; connection: string };
        return s.offlineSince ? s : null;
      });
      expect(status.connection).not.toBe('connected');
      const page = (await call('store.search', { text: 'invoices', limit: 10 })) as { rows: unknown[] };
      expect(page.rows).toHaveLength(10);
      // An event of the app's own (e.g. the Discord bot refusing a stranger) while offline: kept
      // locally and queued, delivered once the database answers again.
      await core.workspaces.open!.recordEvent(
        { event_type: 'discord_run_refused', severity: 'warning', message: 'Run refused: not an approver', metadata: { channel: 'discord' }, idempotency_key: 'discord:offline-test' },
        'discord',
      );
      const local = (await call('store.search', { text: 'approver', limit: 10 })) as { rows: { message: string }[] };
      expect(local.rows.map((r) => r.message)).toContain('Run refused: not an approver');
    } finally {
      await server.query(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`);
      await server.end();
    }
    await call('workspace.syncNow', {}).catch(() => undefined);
    await until('the queued event in ops.roman_events', async () => {
      await call('workspace.syncNow', {}).catch(() => undefined);
      const r = await admin.query(`SELECT count(*)::int AS n FROM ops.roman_events WHERE idempotency_key = 'discord:offline-test'`);
      return r.rows[0].n === 1;
    }, 30_000);
  });
});
