#!/usr/bin/env node
/**
 * `roman` — the headless face of the core. Each top-level command lives in `commands/<name>.ts`
 * and exports `command: CliCommand`; subcommands (`roman db init`) are the command's own business.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, UsageError, type CliCommand, type CliIO } from './io';
import { runSelfTest } from '../core/constitution';
import type { SelfTestReport } from '../../shared/constitution';

const commandsDir = join(__dirname, 'commands');

function availableCommands(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => /^[a-z][a-z-]*\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
}

async function loadCommand(name: string): Promise<CliCommand | undefined> {
  if (!availableCommands().includes(name)) return undefined;
  const mod = (await import(join(commandsDir, `${name}.ts`))) as { command?: CliCommand };
  return mod.command;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function help(): Promise<string> {
  const lines = ['Usage: roman <command> [options]', '', 'Commands:'];
  for (const name of availableCommands()) {
    const cmd = await loadCommand(name);
    if (cmd) lines.push(`  ${name.padEnd(12)} ${cmd.summary}`);
  }
  return lines.join('\n') + '\n';
}

export interface MainOptions {
  /** The Constitutional Core self-test every command but `selftest` runs first (the real one by default). */
  selfTest?: () => SelfTestReport;
}

export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(await help());
    return name ? EXIT.ok : EXIT.invalid;
  }
  const cmd = await loadCommand(name);
  if (!cmd) {
    process.stderr.write(`roman: unknown command "${name}"\n\n${await help()}`);
    return EXIT.invalid;
  }
  // Every command answers --help / -h (before the option list ends with `--`), without running.
  const end = args.indexOf('--');
  const own = end === -1 ? args : args.slice(0, end);
  if (own.includes('--help') || own.includes('-h') || (own.length === 1 && own[0] === 'help')) {
    process.stdout.write(`roman ${name} — ${cmd.summary}\n\n${cmd.usage ?? `usage: roman ${name} [options]`}\n`);
    return EXIT.ok;
  }
  if (name !== 'selftest') {
    const report = (options.selfTest ?? runSelfTest)();
    if (!report.passed) {
      process.stderr.write(
        `roman ${name}: refusing to run: the Constitutional Core self-test failed, the core is compromised.\n` +
          report.lines.filter((l) => /FAIL|compromised/.test(l)).join('\n') +
          '\nRun `roman selftest` for the full report.\n',
      );
      return EXIT.rejected;
    }
  }
  const io: CliIO = {
    args,
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin,
  };
  try {
    return await cmd.run(io);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`roman ${name}: ${err.message}\n`);
      return EXIT.invalid;
    }
    process.stderr.write(`roman ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.unavailable;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`roman: ${String(err)}\n`);
      process.exitCode = EXIT.unavailable;
    },
  );
}
