/**
 * The README's commands, as written in its code blocks:
 * - a block with `$ ` prompts is a session: its commands run in one `sh`, in order, exactly as
 *   written, and what it prints must match the output shown (`…` in the README matches anything);
 * - the `roman …` synopsis block: each line's command answers `--help`, and every option the line
 *   shows appears in that usage;
 * - any other command line must be in NOT_RUNNABLE below, with the reason it is not run here. A
 *   command added to the README and covered by none of these fails this test.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './run-roman';

/** Commands shown in the README that this test does not run, and why. */
const NOT_RUNNABLE: Record<string, string> = {
  'npm ci && npm start': 'reinstalls node_modules (network) and starts the Electron app (needs a desktop session and the Electron binary)',
  'npm test': 'runs every suite, this one included (the CI entry point itself)',
  'npm run bench:store': 'benchmark: writes 1M rows for minutes; run on demand (bench/), not in the test run',
  'npm run bench:monitor': 'benchmark: writes 1M log rows for minutes; run on demand',
  'npm run bench:triage': 'benchmark: fingerprints the Loghub sample for timing; run on demand',
  'ROMAN_DISCORD_BOT_TOKEN=… ROMAN_DISCORD_CHANNEL_ID=123456789012345678 \\':
    'needs a real Discord bot token and the Discord gateway (unreachable here); tests/cli/bot-cli.test.ts runs `roman bot` against a local stand-in of Discord',
  'ROMAN_DISCORD_APPROVERS=111111111111111111,222222222222222222 \\': 'continuation of the roman bot example above',
  'npm run --silent roman -- bot --db postgres://postgres@127.0.0.1:5432/odyssey': 'continuation of the roman bot example above',
};

interface Block {
  lang: string;
  lines: string[];
}

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const re = /^```(\w*)\n([\s\S]*?)^```/gm;
  for (const m of markdown.matchAll(re)) out.push({ lang: m[1] ?? '', lines: m[2]!.replace(/\n$/, '').split('\n') });
  return out;
}

const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const BLOCKS = blocks(README);

/** A prompt session: commands (continuation lines joined) and the output shown after each. */
function session(lines: string[]): { script: string[]; expected: string[] } {
  const script: string[] = [];
  const expected: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('$ ')) {
      let cmd = line.slice(2);
      while (cmd.endsWith('\\') && i + 1 < lines.length) cmd += '\n' + lines[++i]!;
      script.push(cmd);
    } else expected.push(line);
  }
  return { script, expected };
}

function toPattern(expected: string[]): RegExp {
  // An elided value ("efcca604-…": an id that differs on every run) matches any value.
  const escaped = expected.map((l) =>
    l
      .split(/[A-Za-z0-9-]*…/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^\\n"]*'),
  );
  return new RegExp('^' + escaped.join('\n') + '\n?$');
}

function sh(script: string) {
  const r = spawnSync('sh', ['-c', script], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', ROMAN_DB_URL: '', ROMAN_CACHE: '' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sessions = BLOCKS.filter((b) => b.lines.some((l) => l.startsWith('$ ')));
const synopses = BLOCKS.filter((b) => b.lang === '' && b.lines.some((l) => l.startsWith('roman ')));
const others = BLOCKS.filter((b) => !sessions.includes(b) && !synopses.includes(b) && b.lang === 'sh');

describe('README examples', { timeout: 300_000 }, () => {
  it('finds the blocks it knows how to check', () => {
    expect(sessions.length).toBeGreaterThan(0);
    expect(synopses.length).toBeGreaterThan(0);
  });

  it.each(sessions.map((b, i) => [i, b] as const))('session %i runs exactly as written and prints what the README shows', (_i, b) => {
    const { script, expected } = session(b.lines);
    const r = sh(script.join('\n'));
    expect(r.stdout).toMatch(toPattern(expected));
  });

  it.each(synopses.flatMap((b) => b.lines.filter((l) => l.startsWith('roman '))))('synopsis: %s', (line) => {
    const synopsis = line.split(/\s{3,}/)[0]!;
    const words = synopsis.split(/\s+/);
    const command = words[1]!;
    const r = sh(`npm run --silent roman -- ${command} --help`);
    expect(r.status).toBe(0);
    for (const opt of synopsis.match(/--[a-z][a-z-]*/g) ?? []) expect(r.stdout, `${command} --help should mention ${opt}`).toContain(opt);
    // A subcommand shown in the synopsis (roman db init, roman events search…) appears in the usage too.
    const sub = words[2];
    if (sub && /^[a-z][a-z-]+$/.test(sub)) expect(r.stdout).toContain(`${command} ${sub}`);
  });

  it('every other command in a code block is listed as not runnable, with a reason', () => {
    const commands = others.flatMap((b) => b.lines.map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l !== ''));
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(NOT_RUNNABLE[c], `README command not covered: ${c}`).toEqual(expect.any(String));
    for (const c of Object.keys(NOT_RUNNABLE)) expect(commands, `NOT_RUNNABLE lists a command the README no longer shows: ${c}`).toContain(c);
  });
});
