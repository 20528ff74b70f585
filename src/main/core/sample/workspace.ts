/**
 * The sample workspace: what the app opens when nothing is configured. Starts the embedded
 * Postgres engine (engine-process.ts) in its own process on first use and hands back its URL.
 *
 * The data lives in a folder (default $ROMAN_DATA_DIR/sample, else ~/.local/share/roman-desktop/sample)
 * and is generated once; later starts reuse it. While it runs, the live generator (traffic.ts) keeps
 * writing the sample product's traffic and incidents; a later start first writes the time it was
 * closed, so the data is one timeline. The engine process exits when stop() is called or when this
 * process dies, and never keeps this process alive on its own.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemClock, type Clock } from '../clock';
import { MEMORY_DATA_DIR, type EngineConfig, type EngineMessage } from './protocol';
import { DEFAULT_SAMPLE_SEED } from './data';
import { startSampleTraffic, type SampleTraffic } from './traffic';

export { MEMORY_DATA_DIR };

/** Connections the embedded server accepts at once (must be ≥ any pool opened against it). */
export const SAMPLE_MAX_CONNECTIONS = 16;

export interface SampleWorkspaceOptions {
  /** Folder of the persisted workspace, or MEMORY_DATA_DIR ('memory://') for a throw-away one. */
  dataDir: string;
  /** "Now" for freshly generated data. */
  clock?: Clock;
  /** Install the schema and the sample data (default true). False gives a bare, empty engine. */
  seed?: boolean;
  /** Seeding progress, one line per step. */
  onProgress?: (message: string) => void;
  /** How long to wait for the engine to be ready (default 120 s). */
  startTimeoutMs?: number;
  /**
   * Keep writing live traffic while it runs (default: when seeded data is installed). `tickMs` 0
   * writes only when `traffic.tick()` is called (tests drive it with their clock).
   */
  live?: boolean | { tickMs?: number; seed?: number };
}

export interface SampleWorkspace {
  /** postgres://postgres:postgres@127.0.0.1:PORT/postgres */
  url: string;
  /** True when this start generated the data (first start, or the data version changed). */
  seeded: boolean;
  /** Process id of the engine. */
  pid: number;
  dataDir: string;
  /** The live generator, or null when it does not run. */
  traffic: SampleTraffic | null;
  /** Resolves when the engine process has ended (for any reason). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the engine cleanly (it flushes the data folder) and waits for its process to end. */
  stop(): Promise<void>;
}

/** Where the sample workspace lives when no folder is given. */
export function defaultSampleDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.ROMAN_DATA_DIR ? resolve(env.ROMAN_DATA_DIR) : join(homedir(), '.local', 'share', 'roman-desktop');
  return join(root, 'sample');
}

/** The engine's entry: compiled JS next to this module (or in a bundle), else the TS source through tsx. */
function engineEntry(): { file: string; execArgv: string[] } {
  for (const name of ['engine-process.js', 'sample-engine.js']) {
    const file = join(__dirname, name);
    if (existsSync(file)) return { file, execArgv: [] };
  }
  const ts = join(__dirname, 'engine-process.ts');
  if (existsSync(ts)) return { file: ts, execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href] };
  throw new Error(`sample engine not found next to ${__dirname}`);
}

export async function startSampleWorkspace(options: SampleWorkspaceOptions): Promise<SampleWorkspace> {
  if (typeof options.dataDir !== 'string' || options.dataDir.trim() === '') {
    throw new Error('sample workspace: dataDir must be a folder path or "memory://"');
  }
  const dataDir = options.dataDir === MEMORY_DATA_DIR ? MEMORY_DATA_DIR : resolve(options.dataDir);
  const config: EngineConfig = {
    dataDir,
    nowMs: (options.clock ?? systemClock).now().getTime(),
    seed: options.seed ?? true,
    maxConnections: SAMPLE_MAX_CONNECTIONS,
  };
  const entry = engineEntry();
  const child: ChildProcess = fork(entry.file, [JSON.stringify(config)], {
    execArgv: entry.execArgv,
    // stdout stays quiet (the CLI's first stdout line is the URL); engine errors go to our stderr.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('exit', (code, signal) => res({ code, signal }));
  });

  const ready = await new Promise<{ url: string; seeded: boolean }>((res, rej) => {
    const timeoutMs = options.startTimeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`the sample workspace did not start within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    let failure: string | undefined;
    const onMessage = (m: EngineMessage) => {
      if (!m || typeof m !== 'object') return;
      if (m.type === 'progress') options.onProgress?.(m.message);
      else if (m.type === 'failed') failure = m.message;
      else if (m.type === 'ready') {
        done();
        res({ url: m.url, seeded: m.seeded });
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      done();
      rej(new Error(`the sample workspace could not start: ${failure ?? `engine exited (${signal ?? `code ${code}`})`}`));
    };
    const onError = (err: Error) => {
      done();
      child.kill('SIGKILL');
      rej(new Error(`the sample workspace could not start: ${err.message}`));
    };
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });

  // The engine must not keep this process alive; it follows us when we exit.
  child.on('error', () => undefined);
  child.unref();
  child.channel?.unref();

  const live = options.live ?? config.seed;
  let traffic: SampleTraffic | null = null;
  if (live && config.seed) {
    const liveOptions = typeof live === 'object' ? live : {};
    try {
      traffic = await startSampleTraffic({
        url: ready.url,
        clock: options.clock ?? systemClock,
        seed: liveOptions.seed ?? DEFAULT_SAMPLE_SEED,
        tickMs: liveOptions.tickMs,
        onProgress: options.onProgress,
        onError: (err) => process.stderr.write(`sample workspace: live traffic: ${err.message}\n`),
      });
    } catch (err) {
      child.kill('SIGTERM');
      throw new Error(`the sample workspace could not start its live traffic: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  // An engine that ends by itself takes its traffic with it (no writes into a closed server).
  void exited.then(() => traffic?.stop());

  let stopping: Promise<void> | undefined;
  return {
    url: ready.url,
    seeded: ready.seeded,
    pid: child.pid ?? -1,
    dataDir,
    traffic,
    exited,
    stop() {
      stopping ??= (async () => {
        await traffic?.stop();
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.channel?.ref();
        if (child.connected) child.send({ type: 'stop' });
        else child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}
