import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { ManualClock } from '../../../src/main/core/clock';
import { startSampleWorkspace, type SampleWorkspace } from '../../../src/main/core/sample/workspace';

const DAY = 86_400_000;
const ROOT = join(__dirname, '..', '..', '..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !alive(pid);
}

describe('sample workspace', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'roman-sample-'));
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  const now = clock.now();
  let ws: SampleWorkspace;
  let firstStartMs = 0;
  let client: pg.Client;

  const one = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T> =>
    (await client.query<T>(sql, params)).rows[0];

  beforeAll(async () => {
    const began = Date.now();
    ws = await startSampleWorkspace({ dataDir, clock });
    firstStartMs = Date.now() - began;
    client = new pg.Client({ connectionString: ws.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end().catch(() => undefined);
    await ws?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates its data on first start and serves it to the pg client on a local port', async () => {
    expect(ws.seeded).toBe(true);
    expect(ws.url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres(\?sslmode=disable)?$/);
    expect((await one<{ ok: number }>('select 1 as ok')).ok).toBe(1);
    expect(existsSync(join(dataDir, 'seed.json'))).toBe(true);
  });

  it('has the shared tables and the subscriptions table', async () => {
    for (const t of ['public.system_logs', 'public.ai_usage_logs', 'ops.roman_events', 'ops.system_health', 'public.subscriptions']) {
      expect((await one<{ r: string | null }>('select to_regclass($1)::text as r', [t])).r, t).not.toBeNull();
    }
    const subs = await client.query<{ status: string; n: string }>('select status, count(*) as n from public.subscriptions group by 1');
    expect(subs.rows.map((r) => r.status).sort()).toEqual(['active', 'canceled', 'past_due']);
  });

  it('holds 30 days of system logs from the expected sources, none in the future', async () => {
    const r = await one<{ n: string; first: Date; last: Date }>(
      'select count(*) as n, min(timestamp) as first, max(timestamp) as last from public.system_logs',
    );
    expect(Number(r.n)).toBeGreaterThan(50_000);
    expect(Number(r.n)).toBeLessThan(150_000);
    expect(r.last.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(now.getTime() - r.last.getTime()).toBeLessThan(60_000);
    expect(now.getTime() - r.first.getTime()).toBeGreaterThan(29.9 * DAY);
    expect(now.getTime() - r.first.getTime()).toBeLessThanOrEqual(30 * DAY);
    const sources = await client.query<{ source: string }>('select distinct source from public.system_logs order by 1');
    expect(sources.rows.map((s) => s.source)).toEqual(
      ['api', 'api_rate_limit', 'auth', 'database', 'discord_bot', 'edge_function', 'rls_violation', 'stripe_webhook'],
    );
    const missingCorrelation = await one<{ n: string }>('select count(*) as n from public.system_logs where correlation_id is null');
    expect(Number(missingCorrelation.n)).toBe(0);
  });

  it('records API requests with latency, status, ip, path and method, including slow ones', async () => {
    const r = await one<{ n: string; slow: string; complete: string }>(
      `select count(*) as n,
              count(*) filter (where (metadata->>'latency_ms')::int > 2000) as slow,
              count(*) filter (where metadata ?& array['latency_ms','status','ip','path','method']) as complete
         from public.system_logs where source = 'api' and metadata ? 'status'`,
    );
    expect(Number(r.n)).toBeGreaterThan(40_000);
    expect(Number(r.complete)).toBe(Number(r.n));
    expect(Number(r.slow)).toBeGreaterThan(100);
  });

  it('has an error burst still going on in the last 15 minutes', async () => {
    const burst = await one<{ n: string }>(
      `select count(*) as n from public.system_logs
        where severity in ('error','critical') and timestamp > $1::timestamptz - interval '15 minutes'
        group by date_trunc('minute', timestamp) order by 1 desc limit 1`,
      [now],
    );
    expect(Number(burst.n)).toBeGreaterThanOrEqual(10);
    const latest = await one<{ t: Date }>(`select max(timestamp) as t from public.system_logs where severity in ('error','critical')`);
    expect(now.getTime() - latest.t.getTime()).toBeLessThan(2 * 60_000);
    // The manual's connection-failure detection query finds it.
    const detected = await one<{ n: string }>(
      `select count(*) as n from public.system_logs where severity = 'error' and message like '%connection%'
          and timestamp > $1::timestamptz - interval '5 minutes'`,
      [now],
    );
    expect(Number(detected.n)).toBeGreaterThan(10);
  });

  it('has an IP with at least 5 RLS violations within one minute in the last minutes', async () => {
    const r = await client.query<{ ip: string; n: string }>(
      `select a.metadata->>'ip' as ip, count(*) as n
         from public.system_logs a
         join public.system_logs b
           on b.source = 'rls_violation' and b.metadata->>'ip' = a.metadata->>'ip'
          and b.timestamp >= a.timestamp and b.timestamp < a.timestamp + interval '1 minute'
        where a.source = 'rls_violation' and a.timestamp > $1::timestamptz - interval '15 minutes'
        group by a.id, 1 having count(*) >= 5`,
      [now],
    );
    expect(r.rows.length).toBeGreaterThan(0);
    expect(new Set(r.rows.map((x) => x.ip)).size).toBe(1);
    const ips = await one<{ n: string }>(`select count(distinct metadata->>'ip') as n from public.system_logs where source = 'rls_violation'`);
    expect(Number(ips.n)).toBeGreaterThan(3);
  });

  it('repeats error messages with varying ids and numbers so they group into patterns', async () => {
    const r = await one<{ raw: string; grouped: string }>(
      `select count(distinct message) as raw,
              count(distinct regexp_replace(regexp_replace(regexp_replace(message,
                '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', 'UUID', 'g'),
                '[A-Za-z]+_[A-Za-z0-9]{6,}', 'ID', 'g'), '[0-9]+', 'N', 'g')) as grouped
         from public.system_logs where severity in ('error','critical')`,
    );
    expect(Number(r.raw)).toBeGreaterThan(200);
    expect(Number(r.grouped)).toBeLessThan(50);
  });

  it('has AI usage from three providers and three features costing about $250 over 30 days', async () => {
    const providers = await client.query<{ provider: string; model: string; cost: string }>(
      'select provider, min(model) as model, sum(cost_usd) as cost from public.ai_usage_logs group by 1 order by 1',
    );
    expect(providers.rows.map((p) => `${p.provider}/${p.model}`)).toEqual([
      'anthropic/claude-3-5-sonnet',
      'google/gemini-1.5-pro',
      'openai/gpt-4',
    ]);
    const total = providers.rows.reduce((s, p) => s + Number(p.cost), 0);
    expect(total).toBeGreaterThan(225);
    expect(total).toBeLessThan(275);
    const features = await client.query<{ feature: string }>('select distinct feature from public.ai_usage_logs order by 1');
    expect(features.rows.map((f) => f.feature)).toEqual(['Bid Generator', 'Chat Assistant', 'Document Review']);
  });

  it('has R.O.M.A.N. events: decisions, migrations, successful backups and one failed backup older than a day', async () => {
    const types = await client.query<{ event_type: string }>('select distinct event_type from ops.roman_events');
    expect(types.rows.map((t) => t.event_type)).toEqual(expect.arrayContaining(['approval', 'rejection', 'backup', 'migration']));
    const failed = await client.query<{ timestamp: Date }>(
      `select timestamp from ops.roman_events where event_type = 'backup' and metadata->>'status' = 'failed'`,
    );
    expect(failed.rows).toHaveLength(1);
    expect(now.getTime() - failed.rows[0].timestamp.getTime()).toBeGreaterThan(DAY);
    const recentOk = await one<{ n: string }>(
      `select count(*) as n from ops.roman_events where event_type = 'backup' and metadata->>'status' = 'success'
          and timestamp > $1::timestamptz - interval '24 hours'`,
      [now],
    );
    expect(Number(recentOk.n)).toBeGreaterThanOrEqual(1);
    const decisions = await one<{ n: string; keyed: string }>(
      `select count(*) as n, count(idempotency_key) as keyed from ops.roman_events where event_type in ('approval','rejection')`,
    );
    expect(Number(decisions.n)).toBeGreaterThan(10);
    expect(decisions.keyed).toBe(decisions.n);
    const health = await one<{ n: string; last: Date }>('select count(*) as n, max(timestamp) as last from ops.system_health');
    expect(Number(health.n)).toBeGreaterThan(2000);
    expect(now.getTime() - health.last.getTime()).toBeLessThanOrEqual(15 * 60_000);
  });

  it('serves a pool of 8 concurrent connections', async () => {
    const pool = new pg.Pool({ connectionString: ws.url, max: 8 });
    try {
      const clients = await Promise.all(Array.from({ length: 8 }, () => pool.connect()));
      const counts = await Promise.all(clients.map((c) => c.query<{ n: string }>('select count(*) as n from ops.system_health')));
      clients.forEach((c) => c.release());
      expect(new Set(counts.map((c) => c.rows[0].n)).size).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('delivers roman_signals notifications to a listener on another connection', async () => {
    const listener = new pg.Client({ connectionString: ws.url });
    const other = new pg.Client({ connectionString: ws.url });
    await listener.connect();
    await other.connect();
    try {
      const payloads: string[] = [];
      listener.on('notification', (n) => payloads.push(`${n.channel}:${n.payload}`));
      await listener.query('LISTEN roman_signals');
      const writerGot: string[] = [];
      client.on('notification', (n) => writerGot.push(n.payload ?? ''));
      const inserted = await one<{ id: string }>(
        `insert into public.system_logs (severity, source, message) values ('critical', 'database', 'relay probe') returning id`,
      );
      const deadline = Date.now() + 3000;
      while (payloads.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(payloads).toHaveLength(1);
      expect(JSON.parse(payloads[0].replace(/^roman_signals:/, ''))).toMatchObject({ id: Number(inserted.id), severity: 'critical' });
      expect(writerGot).toEqual([]);
      // A connection that stops listening no longer gets them; the others still do.
      await other.query('LISTEN roman_signals');
      await other.query('UNLISTEN roman_signals');
      await client.query(`select pg_notify('roman_signals', 'second')`);
      const deadline2 = Date.now() + 3000;
      while (payloads.length < 2 && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 50));
      expect(payloads[1]).toBe('roman_signals:second');
    } finally {
      client.removeAllListeners('notification');
      await listener.end();
      await other.end();
    }
  });

  it('refuses a second engine on the same folder while the first runs', async () => {
    await expect(startSampleWorkspace({ dataDir, clock })).rejects.toThrow(/already running/);
  });

  it('stop() ends the engine process; the next start reuses the data, faster and without re-seeding', async () => {
    await client.query(`insert into ops.roman_events (event_type, severity, message) values ('note', 'info', 'kept across restarts')`);
    const countBefore = await one<{ n: string }>('select count(*) as n from public.system_logs');
    await client.end();
    const pid = ws.pid;
    await ws.stop();
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(dataDir, 'engine.lock'))).toBe(false);

    const began = Date.now();
    ws = await startSampleWorkspace({ dataDir, clock });
    const secondStartMs = Date.now() - began;
    expect(ws.seeded).toBe(false);
    expect(secondStartMs).toBeLessThan(firstStartMs);
    client = new pg.Client({ connectionString: ws.url });
    await client.connect();
    expect((await one<{ n: string }>('select count(*) as n from public.system_logs')).n).toBe(countBefore.n);
    expect((await one<{ n: string }>(`select count(*) as n from ops.roman_events where message = 'kept across restarts'`)).n).toBe('1');
  }, 120_000);

  it('a start days later writes the days it was closed (one timeline: no row moves in time) and keeps 30 days', async () => {
    const before = await one<{ id: string; timestamp: Date; message: string }>(
      `select id::text, timestamp, message from public.system_logs order by timestamp desc, id desc limit 1`,
    );
    await client.end();
    await ws.stop();
    const later = new ManualClock(now.getTime() + 3 * DAY);
    const progress: string[] = [];
    ws = await startSampleWorkspace({ dataDir, clock: later, onProgress: (m) => progress.push(m) });
    expect(ws.seeded).toBe(false);
    expect(progress.join('\n')).toMatch(/writing the 72\.0 h since the sample workspace was last open/);
    client = new pg.Client({ connectionString: ws.url });
    await client.connect();
    const r = await one<{ last: Date; first: Date }>(
      `select max(timestamp) as last, min(timestamp) as first from public.system_logs`,
    );
    expect(later.now().getTime() - r.last.getTime()).toBeLessThan(60_000);
    expect(later.now().getTime() - r.first.getTime()).toBeLessThanOrEqual(30 * DAY);
    // The last row written before the close is where it was.
    const same = await one<{ timestamp: Date; message: string }>(`select timestamp, message from public.system_logs where id = $1`, [before.id]);
    expect(same).toEqual({ timestamp: before.timestamp, message: before.message });
    const note = await one<{ timestamp: Date }>(`select timestamp from ops.roman_events where message = 'kept across restarts'`);
    expect(note.timestamp.getTime()).toBeLessThan(later.now().getTime() - 2 * DAY);
  }, 180_000);

  it('rebuilds the data when the seed version changes', async () => {
    await client.end();
    await ws.stop();
    const markerPath = join(dataDir, 'seed.json');
    const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as { seedVersion: number };
    writeFileSync(markerPath, JSON.stringify({ ...marker, seedVersion: 0 }));
    const progress: string[] = [];
    ws = await startSampleWorkspace({ dataDir, clock, onProgress: (m) => progress.push(m) });
    expect(ws.seeded).toBe(true);
    expect(progress.join('\n')).toMatch(/rebuilding the sample workspace/);
    client = new pg.Client({ connectionString: ws.url });
    await client.connect();
    expect((await one<{ n: string }>(`select count(*) as n from ops.roman_events where message = 'kept across restarts'`)).n).toBe('0');
  }, 180_000);

  it('`roman sample start --json` prints the URL first, serves it, and stops the engine on SIGTERM', async () => {
    await client.end();
    await ws.stop();
    const cli = spawn(
      process.execPath,
      ['--import', pathToFileURL(require.resolve('tsx')).href, join(ROOT, 'src/main/cli/roman.ts'), 'sample', 'start', '--data-dir', dataDir, '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    cli.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => cli.once('exit', (code) => res(code)));
    const first = await new Promise<string>((resolve, reject) => {
      let buf = '';
      cli.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) resolve(buf.split('\n')[0]);
      });
      cli.once('exit', (code) => reject(new Error(`roman sample start exited with ${code}: ${stderr}`)));
    });
    const printed = JSON.parse(first) as { url: string; seeded: boolean };
    expect(printed.seeded).toBe(false);
    expect(printed.url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres(\?sslmode=disable)?$/);
    const c = new pg.Client({ connectionString: printed.url });
    await c.connect();
    expect(Number((await c.query('select count(*) as n from ops.system_health')).rows[0].n)).toBeGreaterThan(0);
    await c.end();
    const lock = JSON.parse(readFileSync(join(dataDir, 'engine.lock'), 'utf8')) as { pid: number };
    cli.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/ready \(existing sample data reused\)/);
    expect(await waitUntilGone(lock.pid, 5000)).toBe(true);
  }, 120_000);

  it('`roman sample` rejects bad usage with exit code 2', async () => {
    const cli = spawn(
      process.execPath,
      ['--import', pathToFileURL(require.resolve('tsx')).href, join(ROOT, 'src/main/cli/roman.ts'), 'sample', 'start', '--port', '5'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    cli.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    cli.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((res) => cli.once('exit', (c) => res(c)));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/roman sample: .*--port[\s\S]*usage: roman sample start/);
  });
});

describe('sample engine process', () => {
  it('exits when its parent process is killed', async () => {
    const fixture = join(__dirname, 'fixtures', 'engine-parent.ts');
    const parent = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, fixture], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      parent.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) resolve(buf.split('\n')[0]);
      });
      parent.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    const { enginePid, url } = JSON.parse(line) as { enginePid: number; url: string };
    expect(alive(enginePid)).toBe(true);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.end();
    parent.kill('SIGKILL');
    expect(await waitUntilGone(enginePid, 10_000)).toBe(true);
  });
});
