/**
 * `roman triage fingerprint | patterns | playbook`: error triage (capability 5).
 *   fingerprint [FILE|-] [--json]   one fingerprint per input line, in input order, nothing else on
 *                                   stdout (`--json`: {"fingerprint":…,"template":…} per line). The
 *                                   whole input is learnt first by the online miner, then answered,
 *                                   so all lines of one pattern share its final fingerprint.
 *   patterns --db URL [--json]      syncs the database's errors into the local cache, groups them
 *                                   and lists the patterns (count, first/last seen, status, …).
 *   playbook NAME --db URL [--json] [--outcome O [--note TEXT]]
 *                                   runs a remediation playbook's detection and automated checks
 *                                   against the database; --outcome records how the run ended.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EXIT, UsageError, runSubcommand, type CliCommand, type CliIO } from '../io';
import { fingerprintBatch } from '../../core/triage/fingerprint';

const USAGE = `usage:
  roman triage fingerprint [FILE|-] [--json]
  roman triage patterns --db URL [--cache PATH] [--status S] [--since 24h] [--json]
  roman triage playbook NAME --db URL [--json] [--outcome resolved_automatically|resolved_with_help|not_resolved] [--note TEXT]
playbooks: ${'db_connection_failures, rls_violations, api_rate_limit, stripe_webhook, deployment_failures'}`;

async function fingerprint(io: CliIO, args: string[]): Promise<number> {
  let values: { json?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true, allowPositionals: true }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (positionals.length > 1) throw new UsageError(`give at most one FILE\n${USAGE}`);
  const source = positionals[0] ?? '-';
  let text: string;
  if (source === '-') text = await io.readStdin();
  else {
    try {
      text = readFileSync(source, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const results = fingerprintBatch(lines);
  const out: string[] = new Array(results.length);
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    out[i] = values.json ? JSON.stringify({ fingerprint: r.fingerprint, template: r.template }) : r.fingerprint;
  }
  if (out.length > 0) io.stdout(out.join('\n') + '\n');
  return EXIT.ok;
}

async function patterns(io: CliIO, args: string[]): Promise<number> {
  const { runPatternsCommand } = await import('../triage-db');
  return runPatternsCommand(io, args, USAGE);
}

async function playbook(io: CliIO, args: string[]): Promise<number> {
  const { runPlaybookCommand } = await import('../triage-db');
  return runPlaybookCommand(io, args, USAGE);
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'error triage: fingerprint messages, list error patterns, run remediation playbooks',
  run: (io) => runSubcommand(io, USAGE, { fingerprint, patterns, playbook }),
};
