/**
 * `roman audit-log verify [--cache PATH | --db URL | --profile NAME] [--json]`: checks the local,
 * hash-chained audit trail (decisions and executed actions) offline. Exit 0 when the chain is intact;
 * 1 when it is not, listing each broken entry (sequence number and what is wrong); 2 on bad usage or
 * a missing cache file.
 */
import { parseArgs } from 'node:util';
import { EXIT, UsageError, runSubcommand, type CliCommand, type CliIO } from '../io';
import { openCacheForCli, selfTestPassed } from './events';

const USAGE = 'usage: roman audit-log verify [--cache PATH | --db URL | --profile NAME] [--json]';

async function verify(io: CliIO, args: string[]): Promise<number> {
  let values: { cache?: string; db?: string; profile?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        cache: { type: 'string' },
        db: { type: 'string' },
        profile: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (!selfTestPassed(io, 'audit-log')) return EXIT.unavailable;
  const cache = openCacheForCli(values, io);
  try {
    const result = cache.verifyAuditChain();
    if (values.json) {
      io.stdout(JSON.stringify({ cache: cache.path, ...result }, null, 2) + '\n');
    } else if (result.valid) {
      io.stdout(
        result.entries === 0
          ? `Audit chain of ${cache.path}: VALID (empty)\n`
          : `Audit chain of ${cache.path}: VALID — ${result.entries} entries, head #${result.headSeq} ${result.headHash}\n`,
      );
    } else {
      const lines = [`Audit chain of ${cache.path}: BROKEN — ${result.problems.length} problem(s) in ${result.entries} entries`];
      for (const p of result.problems) lines.push(`  #${String(p.seq).padEnd(6)} ${p.problem.padEnd(15)} ${p.detail}`);
      io.stdout(lines.join('\n') + '\n');
    }
    return result.valid ? EXIT.ok : EXIT.rejected;
  } finally {
    cache.close();
  }
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'verify the tamper-evident local audit trail: audit-log verify',
  run: (io) => runSubcommand(io, USAGE, { verify }),
};
