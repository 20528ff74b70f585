/**
 * The sample workspace's database engine, run in its own process (forked by workspace.ts):
 * PGlite (Postgres compiled to WASM) persisted in a data folder and served over the Postgres wire
 * protocol on 127.0.0.1 at a free port, so the app's real `pg` code talks to it like to any server.
 *
 * On first start (or when SAMPLE_SEED_VERSION changed) it installs the shared schema with
 * initDatabase and loads the generated sample data; later starts reuse the folder as it is (the
 * parent's live generator, live.ts, then writes the time since the last close).
 * It tells its parent the URL over IPC, and stops cleanly when asked, on SIGTERM/SIGINT, or when
 * the parent goes away (IPC channel closed or parent pid gone), so it never outlives the app.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { initDatabase } from '../db/migrations';
import { startNotifyRelay, type NotifyRelay } from './notify-relay';
import { MEMORY_DATA_DIR, type EngineConfig, type EngineMessage, type ParentMessage } from './protocol';
import { SAMPLE_SEED_VERSION, generateSampleData } from './seed';
import { writeSampleData } from './writer';

interface SeedMarker {
  seedVersion: number;
  seededAt: string;
  anchor: string;
  rows: Record<string, number>;
}

function send(msg: EngineMessage): void {
  if (process.send && process.connected) process.send(msg);
}

function parseConfig(raw: string | undefined): EngineConfig {
  if (!raw) throw new Error('sample engine: missing configuration argument');
  const c = JSON.parse(raw) as Partial<EngineConfig>;
  if (typeof c.dataDir !== 'string' || c.dataDir === '') throw new Error('sample engine: dataDir must be a non-empty string');
  if (typeof c.nowMs !== 'number' || !Number.isFinite(c.nowMs)) throw new Error('sample engine: nowMs must be a number');
  if (typeof c.seed !== 'boolean') throw new Error('sample engine: seed must be a boolean');
  const maxConnections = c.maxConnections ?? 8;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new Error('sample engine: maxConnections must be a positive integer');
  return { dataDir: c.dataDir, nowMs: c.nowMs, seed: c.seed, maxConnections };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One engine per folder: PGlite must never be opened twice on the same files. */
function takeLock(lockPath: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: { pid?: number; url?: string } = {};
      try {
        holder = JSON.parse(readFileSync(lockPath, 'utf8')) as typeof holder;
      } catch {
        // unreadable lock: treat as stale
      }
      if (typeof holder.pid === 'number' && holder.pid !== process.pid && pidAlive(holder.pid)) {
        throw new Error(
          `the sample workspace in ${lockPath.replace(/[/\\]engine\.lock$/, '')} is already running (process ${holder.pid}` +
            (holder.url ? `, ${holder.url}` : '') +
            '); stop it first or use another --data-dir',
        );
      }
      unlinkSync(lockPath);
    }
  }
  throw new Error(`could not lock ${lockPath}`);
}

function readMarker(path: string): SeedMarker | null {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as SeedMarker;
    return typeof m.seedVersion === 'number' ? m : null;
  } catch {
    return null;
  }
}

function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

async function main(): Promise<void> {
  const config = parseConfig(process.argv[2]);
  const memory = config.dataDir === MEMORY_DATA_DIR;
  const pgdata = memory ? MEMORY_DATA_DIR : join(config.dataDir, 'pgdata');
  const markerPath = join(config.dataDir, 'seed.json');
  const lockPath = join(config.dataDir, 'engine.lock');

  const engine: { db?: PGlite; server?: PGLiteSocketServer; relay?: NotifyRelay } = {};
  let stopping: Promise<void> | undefined;
  let locked = false;
  const shutdown = (code: number): Promise<void> => {
    stopping ??= (async () => {
      try {
        await engine.relay?.close();
        await engine.server?.stop();
      } catch {
        // already stopped
      }
      try {
        await engine.db?.close();
      } finally {
        if (locked) rmSync(lockPath, { force: true });
        process.exit(code);
      }
    })();
    return stopping;
  };
  // The parent going away (even killed with SIGKILL) closes the IPC channel.
  process.on('disconnect', () => void shutdown(0));
  process.on('message', (m: ParentMessage) => {
    if (m && m.type === 'stop') void shutdown(0);
  });
  process.on('SIGTERM', () => void shutdown(0));
  // Ctrl+C in a terminal reaches the whole process group: the parent decides when we stop.
  process.on('SIGINT', () => {
    if (!process.connected) void shutdown(0);
  });
  const parentPid = process.ppid;
  setInterval(() => {
    if (process.ppid !== parentPid || !pidAlive(parentPid)) void shutdown(0);
  }, 1000).unref();

  if (!memory) {
    mkdirSync(config.dataDir, { recursive: true });
    takeLock(lockPath);
    locked = true;
  }

  const marker = memory ? null : readMarker(markerPath);
  const needSeed = config.seed && (memory || marker?.seedVersion !== SAMPLE_SEED_VERSION || !existsSync(pgdata));
  if (needSeed && !memory && existsSync(pgdata)) {
    send({
      type: 'progress',
      message: marker
        ? `rebuilding the sample workspace (data version ${marker.seedVersion} → ${SAMPLE_SEED_VERSION})`
        : 'rebuilding the sample workspace (the previous build did not finish)',
    });
    rmSync(pgdata, { recursive: true, force: true });
  }
  if (needSeed && !memory) rmSync(markerPath, { force: true });

  send({ type: 'progress', message: needSeed ? 'creating the embedded database' : 'opening the embedded database' });
  const db = await PGlite.create(pgdata);
  engine.db = db;
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: config.maxConnections });
  engine.server = server;
  await server.start();
  // Clients connect through the relay, which delivers LISTEN/NOTIFY across connections.
  const relay = await startNotifyRelay({
    host: '127.0.0.1',
    maxConnections: config.maxConnections,
    backendHost: '127.0.0.1',
    backendPort: Number(server.getServerConn().split(':').pop()),
    relisten: async (channel) => {
      await db.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
    },
  });
  engine.relay = relay;
  const port = relay.port;
  // Our own engine on loopback, without TLS: say so (a URL without sslmode means prefer).
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;

  if (config.seed) {
    const client = new pg.Client({ connectionString: url, application_name: 'roman-sample-seed' });
    await client.connect();
    try {
      send({ type: 'progress', message: 'installing the R.O.M.A.N. schema' });
      await initDatabase(client);
      if (needSeed) {
        send({ type: 'progress', message: 'generating 30 days of sample data' });
        const data = generateSampleData(new Date(config.nowMs));
        const report = await writeSampleData(client, data, (message) => send({ type: 'progress', message }));
        if (!memory) {
          const m: SeedMarker = {
            seedVersion: SAMPLE_SEED_VERSION,
            seededAt: new Date().toISOString(),
            anchor: data.now.toISOString(),
            rows: { system_logs: report.logs, ai_usage_logs: report.aiUsage, subscriptions: report.subscriptions, roman_events: report.events, system_health: report.health },
          };
          writeFileAtomic(markerPath, JSON.stringify(m, null, 2) + '\n');
        }
        send({ type: 'progress', message: `sample data written in ${(report.durationMs / 1000).toFixed(1)} s (${report.logs} log rows)` });
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  if (locked) writeFileAtomic(lockPath, JSON.stringify({ pid: process.pid, url, startedAt: new Date().toISOString() }));
  send({ type: 'ready', url, seeded: needSeed, port });
  if (!process.connected) await shutdown(0);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  send({ type: 'failed', message });
  process.stderr.write(`sample engine: ${message}\n`);
  // Give the IPC message a moment to leave, and release the folder.
  setTimeout(() => process.exit(1), 50);
});
