/**
 * `roman sample start [--data-dir DIR] [--json]`: runs the sample workspace (embedded Postgres with
 * generated data) until SIGINT/SIGTERM. The first stdout line is its URL (or, with --json,
 * {"url":…,"seeded":…}); progress goes to stderr. Exit 0 after a clean stop, 2 on bad usage,
 * 4 when the engine cannot start or dies.
 */
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type CliCommand, type CliIO } from '../io';
import { defaultSampleDataDir, startSampleWorkspace } from '../../core/sample/workspace';

const USAGE = 'usage: roman sample start [--data-dir DIR] [--json]';

function parse(args: string[]): { dataDir?: string; json: boolean } {
  try {
    const { values } = parseArgs({
      args,
      options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    const dataDir = values['data-dir'];
    if (dataDir !== undefined && dataDir.trim() === '') throw new UsageError(`--data-dir must not be empty\n${USAGE}`);
    return { dataDir, json: values.json ?? false };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
}

async function start(io: CliIO, args: string[]): Promise<number> {
  const opts = parse(args);
  const dataDir = opts.dataDir ?? defaultSampleDataDir(io.env);
  let stopRequested: NodeJS.Signals | undefined;
  let wake: () => void = () => {};
  const onSignal = (signal: NodeJS.Signals) => {
    stopRequested = signal;
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Keeps this process alive while it serves (the engine itself never does).
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    io.stderr(`roman sample: starting the sample workspace in ${dataDir}\n`);
    let ws;
    try {
      ws = await startSampleWorkspace({ dataDir, onProgress: (m) => io.stderr(`roman sample: ${m}\n`) });
    } catch (err) {
      io.stderr(`roman sample: ${(err as Error).message}\n`);
      return EXIT.unavailable;
    }
    io.stdout(opts.json ? JSON.stringify({ url: ws.url, seeded: ws.seeded }) + '\n' : ws.url + '\n');
    io.stderr(
      `roman sample: ready (${ws.seeded ? 'sample data generated' : 'existing sample data reused'}); press Ctrl+C to stop\n`,
    );
    if (stopRequested === undefined) {
      const outcome = await Promise.race([
        new Promise<'signal'>((res) => {
          wake = () => res('signal');
        }),
        ws.exited.then(() => 'engine' as const),
      ]);
      if (outcome === 'engine' && stopRequested === undefined) {
        io.stderr('roman sample: the embedded database stopped unexpectedly\n');
        return EXIT.unavailable;
      }
    }
    io.stderr(`roman sample: stopping (${stopRequested})\n`);
    await ws.stop();
    io.stderr('roman sample: stopped\n');
    return EXIT.ok;
  } finally {
    clearInterval(keepAlive);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'Run the sample workspace (embedded Postgres with generated data): roman sample start',
  async run(io) {
    const [sub, ...rest] = io.args;
    if (sub === 'start') return start(io, rest);
    if (sub === 'help' || sub === '--help' || sub === '-h') {
      io.stdout(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (sub === undefined) throw new UsageError(`missing subcommand\n${USAGE}`);
    throw new UsageError(`unknown subcommand "${sub}"\n${USAGE}`);
  },
};
