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
