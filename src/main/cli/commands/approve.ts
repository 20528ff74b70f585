/**
 * `roman approve "<request text>" (--entropy X | --db URL) --dry-run [--json]` — turns a request
 * into a catalogued action, evaluates it and explains the decision in the manual's Discord format.
 * Nothing is executed (--dry-run is required until the operations feature executes actions).
 * Exit 0 approve, 1 reject, 2 invalid input, 3 request not understood.
 */
import { parseArgs } from 'node:util';
import { DomainError } from '../../../shared/result';
import { systemClock } from '../../core/clock';
import { requestAction, type ActionRequestOutcome } from '../../core/actions';
import { EXIT, UsageError, type CliCommand } from '../io';
import { entropyChoice, exitFor, requester, verdictJson, withEntropy } from './validate';

const USAGE = 'Usage: roman approve "<request text>" (--entropy X | --db URL) --dry-run [--json]';

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        entropy: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
}

export const command: CliCommand = {
  usage: USAGE,
  summary: 'Request approval of an action in plain words, e.g. "deploy to staging" (--entropy X | --db URL) --dry-run [--json]',
  async run(io) {
    const { values, positionals } = parse(io.args);
    const text = positionals.join(' ').trim();
    if (text === '') throw new UsageError(`say what should be done, e.g. roman approve "deploy to staging" --entropy 0.042 --dry-run\n${USAGE}`);
    const choice = entropyChoice(values);
    if (!values['dry-run']) {
      throw new UsageError('approve needs --dry-run for now: executing approved actions arrives with the operations feature; --dry-run shows the decision and executes nothing');
    }
    let outcome: { value: ActionRequestOutcome; note: string | null };
    try {
      outcome = await withEntropy(choice, (entropy, meta) => {
        const o = requestAction({ text, systemEntropy: entropy }, { requested_by: requester(io.env), channel: 'cli', ...meta }, systemClock);
        return { value: o, decision: o.decision };
      });
    } catch (err) {
      if (err instanceof DomainError) {
        io.stderr(`roman approve: ${err.message}\n`);
        if (err.code === 'not_understood') return EXIT.notUnderstood;
        if (err.code === 'invalid_input') return EXIT.invalid;
        return EXIT.unavailable;
      }
      throw err;
    }
    const { action, decision, explanation } = outcome.value;
    if (values.json) {
      const json = {
        ...verdictJson(decision),
        action: { kind: action.kind, environment: action.environment, data: action.data, explanation: action.explanation },
      };
      io.stdout(JSON.stringify(json) + '\n');
    } else {
      const lines = [...explanation, '', 'Request understood as:', ...action.explanation.map((l) => `  • ${l}`), '', '(dry run — nothing executed)'];
      if (outcome.note) lines.push(outcome.note);
      io.stdout(lines.join('\n') + '\n');
    }
    return exitFor(decision);
  },
};
