/** What a CLI command gets: its arguments and its streams. Commands return their exit code. */
export interface CliIO {
  args: string[];
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whole standard input as text (only read when a command asks for it). */
  readStdin(): Promise<string>;
}

export interface CliCommand {
  /** One line for `roman help`. */
  summary: string;
  /** What `roman <command> --help` prints (options, environment variables). */
  usage?: string;
  run(io: CliIO): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, rejected: 1, invalid: 2, notUnderstood: 3, unavailable: 4 } as const;

/** A usage or input problem: the dispatcher prints the message on stderr and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Runs `roman <command> <subcommand> …`: the named subcommand with the remaining arguments; no
 * subcommand prints the usage and exits 2, `help`/`--help`/`-h` prints it and exits 0, anything
 * else is a usage error.
 */
export function runSubcommand(
  io: CliIO,
  usage: string,
  subcommands: Record<string, (io: CliIO, args: string[]) => Promise<number>>,
): Promise<number> {
  const [sub, ...rest] = io.args;
  if (sub !== undefined && Object.prototype.hasOwnProperty.call(subcommands, sub)) return subcommands[sub]!(io, rest);
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    io.stdout(usage + '\n');
    return Promise.resolve(sub === undefined ? EXIT.invalid : EXIT.ok);
  }
  throw new UsageError(`unknown subcommand "${sub.slice(0, 40)}"\n${usage}`);
}
