/**
 * `roman validate (--entropy X | --db URL | --db URL --entropy X) [--json] [FILE|-]` — evaluates one ActionData JSON
 * object (from FILE or stdin) against the four laws. Exit 0 approve (with or without warning),
 * 1 reject, 2 invalid input. With --db the entropy is measured live and the decision recorded in
 * ops.roman_events.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Decision } from '../../../shared/constitution';
import { DomainError } from '../../../shared/result';
import { systemClock } from '../../core/clock';
import { evaluate, explainDecision, parseEntropyText } from '../../core/constitution';
import { chooseDecisionEntropy, type EntropyChoiceResult } from '../../core/constitution/decision-entropy';
import { decideWithLiveEntropy } from '../../core/constitution/live-decision';
import { EXIT, UsageError, type CliCommand, type CliIO } from '../io';
import { decisionTrail } from '../decision-trail';

export type EntropyChoice = { source: 'manual'; entropy: number } | { source: 'live'; url: string; hand?: number };

function handEntropy(text: string): number {
  try {
    return parseEntropyText(text);
  } catch (err) {
    if (err instanceof DomainError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * --entropy X and/or --db URL; never an assumed entropy. With both, the live reading decides and
 * the hand value may only raise it (a lower hand value is ignored and recorded).
 */
export function entropyChoice(values: { entropy?: string; db?: string }): EntropyChoice {
  if (values.db !== undefined) {
    if (values.db.trim() === '') throw new UsageError('--db needs a connection URL (postgres://…)');
    return values.entropy !== undefined ? { source: 'live', url: values.db, hand: handEntropy(values.entropy) } : { source: 'live', url: values.db };
  }
  if (values.entropy === undefined) {
    throw new UsageError('the system entropy is required: give --entropy X (0.042 or 4.2%) or --db URL to measure it; R.O.M.A.N. never assumes an entropy');
  }
  return { source: 'manual', entropy: handEntropy(values.entropy) };
}

export function requester(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username || env.USER || 'unknown';
  } catch {
    return env.USER || env.USERNAME || 'unknown';
  }
}

/** The verdict JSON of the CLI contract (key order fixed). */
export function verdictJson(decision: Decision): Record<string, unknown> {
  const r = decision.result;
  return {
    verdict: r.verdict,
    compliant: r.compliant,
    violations: r.violations.map((v) => ({ law: v.law, message: v.message })),
    warnings: r.warnings.map((w) => ({ law: w.law, message: w.message })),
    decision_id: decision.decision_id,
  };
}

export function exitFor(decision: Decision): number {
  return decision.result.verdict === 'reject' ? EXIT.rejected : EXIT.ok;
}

/**
 * Runs `decide` with the chosen entropy: as given, or the decision entropy measured live (the worst
 * window, critical alerts, a hand value only when higher; then the decision is recorded).
 * Returns the value and a note for humans.
 */
export async function withEntropy<T>(
  choice: EntropyChoice,
  decide: (entropy: number, meta: EntropyChoiceResult['meta']) => { value: T; decision: Decision },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ value: T; note: string | null }> {
  // Every decision, on every path, lands in the local hash-chained trail first.
  if (choice.source === 'manual') {
    const trail = decisionTrail(env);
    const c = chooseDecisionEntropy(choice.entropy, undefined);
    const { value, decision } = decide(c.systemEntropy, c.meta);
    trail.record(decision);
    return { value, note: `Recorded in the local audit trail (${trail.path})${trail.deliver ? '; the next sync delivers it to ops.roman_events' : ''}.` };
  }
  const trail = decisionTrail(env, choice.url);
  const live = await decideWithLiveEntropy(choice.url, systemClock, (reading) => {
    const c = chooseDecisionEntropy(choice.hand, reading);
    const out = decide(c.systemEntropy, c.meta);
    trail.record(out.decision);
    return out;
  });
  return {
    value: live.value,
    note: `${live.recorded ? 'Recorded in ops.roman_events.' : 'Already recorded in ops.roman_events.'} Recorded in the local audit trail (${trail.path}).`,
  };
}

async function readInput(io: CliIO, file: string | undefined): Promise<{ text: string; name: string }> {
  if (file === undefined || file === '-') return { text: await io.readStdin(), name: 'standard input' };
  try {
    return { text: await readFile(file, 'utf8'), name: file };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message}`);
  }
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { entropy: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nUsage: roman validate (--entropy X | --db URL [--entropy X]) [--json] [FILE|-]`);
  }
}

export const command: CliCommand = {
  usage: 'usage: roman validate (--entropy X | --db URL [--entropy X]) [--json] [FILE|-]   (one ActionData JSON object; standard input by default)',
  summary: 'Validate one ActionData JSON object against the four laws (--entropy X | --db URL [--entropy X]) [--json] [FILE|-]',
  async run(io) {
    const { values, positionals } = parse(io.args);
    if (positionals.length > 1) throw new UsageError(`give one FILE (or - for standard input), got ${positionals.length}`);
    const choice = entropyChoice(values);
    const input = await readInput(io, positionals[0]);
    let action: unknown;
    try {
      action = JSON.parse(input.text);
    } catch (err) {
      throw new UsageError(`invalid JSON in ${input.name}: ${input.text.trim() === '' ? 'it is empty' : (err as Error).message}`);
    }
    let outcome: { value: Decision; note: string | null };
    try {
      outcome = await withEntropy(choice, (entropy, meta) => {
        const decision = evaluate(action, entropy, { requested_by: requester(io.env), channel: 'cli', ...meta }, systemClock);
        return { value: decision, decision };
      }, io.env);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'invalid_input') {
        io.stderr(`roman validate: ${err.message}\n`);
        return EXIT.invalid;
      }
      if (err instanceof DomainError && err.code === 'unavailable') {
        io.stderr(`roman validate: ${err.message}\n`);
        return EXIT.unavailable;
      }
      throw err;
    }
    const decision = outcome.value;
    if (values.json) {
      io.stdout(JSON.stringify(verdictJson(decision)) + '\n');
    } else {
      const lines = explainDecision(decision).lines;
      if (outcome.note) lines.push(outcome.note);
      io.stdout(lines.join('\n') + '\n');
    }
    return exitFor(decision);
  },
};
