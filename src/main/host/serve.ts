/**
 * `npm run web`: starts the core and the loopback browser host, prints the URL (with its per-run
 * token) and keeps serving until interrupted. `--json` prints {"url":…} as one line (tests use it);
 * `--port N` picks the port (default: a random free one); `--db URL` (or ROMAN_DB_URL) watches that
 * database instead of the saved choice / the sample workspace; `--no-workspace` opens none.
 */
import { join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { BROWSER_HOST_NO_SECRETS, createCore, CoreCompromisedError, defaultRequester } from '../core/app';
import { JsonFileBackend } from '../core/settings/json-file-backend';
import { NoSecretVault, Settings, type SettingsBackend } from '../core/settings/settings';
import { validateWebhookUrl } from '../core/notify/discord';
import { parseDecimal } from '../../shared/settings';

const USAGE = `usage: npm run web -- [options]
  --db URL                 watch this database (also ROMAN_DB_URL) instead of the saved choice / the sample workspace
  --no-workspace           open no database
  --discord-webhook URL    send alerts to this Discord webhook for this run (also ROMAN_DISCORD_WEBHOOK_URL)
  --budget USD             monthly AI budget for this run, e.g. 500 (also ROMAN_AI_MONTHLY_BUDGET_USD)
  --port N                 serve on this loopback port (default: a free one)
  --data-dir DIR           data folder (also ROMAN_DATA_DIR; default ~/.local/share/roman-desktop)
  --json                   print {"url","origin"} as one line
  --help                   this text
`;
import { startBrowserHost } from './browser-host';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      json: { type: 'boolean', default: false },
      'renderer-dir': { type: 'string' },
      'data-dir': { type: 'string' },
      db: { type: 'string' },
      'no-workspace': { type: 'boolean', default: false },
      'discord-webhook': { type: 'string' },
      budget: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  // --discord-webhook: for this run, as ROMAN_DISCORD_WEBHOOK_URL would (the browser host stores no secrets).
  const webhook = values['discord-webhook'];
  if (webhook !== undefined) {
    validateWebhookUrl(webhook);
    process.env.ROMAN_DISCORD_WEBHOOK_URL = webhook;
  }
  const budgetText = values.budget ?? process.env.ROMAN_AI_MONTHLY_BUDGET_USD;
  const budget = budgetText === undefined || budgetText === '' ? undefined : parseDecimal(budgetText);
  if (budget === null || (budget !== undefined && !(budget > 0))) {
    throw new Error(`--budget must be an amount in dollars above 0, e.g. 500 (got "${budgetText}")`);
  }
  const dbUrl = values.db ?? process.env.ROMAN_DB_URL;
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got "${values.port}"`);
  const dataDir = resolve(values['data-dir'] ?? process.env.ROMAN_DATA_DIR ?? join(homedir(), '.local/share/roman-desktop'));

  // Which database to watch: --db/ROMAN_DB_URL, nothing (--no-workspace), or the user's choice
  // (a saved profile, else the sample workspace).
  const workspace = values['no-workspace'] ? 'none' : dbUrl ? { url: dbUrl, name: 'Command-line database' } : 'default';
  // --budget: this run's monthly AI budget, over the saved preference (never written to it).
  const fileBackend = new JsonFileBackend(join(dataDir, 'settings.json'));
  const backend: SettingsBackend =
    budget === undefined
      ? fileBackend
      : {
          get: (key) => (key === 'preferences' ? { ...((fileBackend.get(key) as object | undefined) ?? {}), monthlyAiBudgetUsd: budget } : fileBackend.get(key)),
          set: (key, value) => fileBackend.set(key, value),
          delete: (key) => fileBackend.delete(key),
        };
  const settings = new Settings(backend, new NoSecretVault(BROWSER_HOST_NO_SECRETS));
  const core = await createCore({ dataDir, workspace, settings });
  if (!values.json) process.stdout.write(core.selfTestLines.join('\n') + '\n\n');
  const host = await startBrowserHost({
    core,
    rendererDir: values['renderer-dir'] ?? resolve(__dirname, '../../../out/renderer'),
    port,
    caller: { channel: 'web', requestedBy: defaultRequester() },
  });
  if (values.json) process.stdout.write(JSON.stringify({ url: host.url, origin: host.origin }) + '\n');
  else process.stdout.write(`R.O.M.A.N. Desktop (browser host) is serving on loopback only:\n  ${host.url}\nPress Ctrl+C to stop.\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // Close cleanly (sockets, then the workspace: pools, cache); never hang on the way out.
    setTimeout(() => {
      process.stderr.write('roman web: shutdown took more than 10 s; exiting\n');
      process.exit(1);
    }, 10_000).unref();
    void host.close().then(() => core.close()).finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Die with the parent (tests spawn us with an IPC-less pipe: stdin closing means the parent left).
  if (process.env.ROMAN_HOST_EXIT_ON_STDIN_END === '1') {
    process.stdin.on('end', stop);
    process.stdin.resume();
  }
}

main().catch((err: unknown) => {
  if (err instanceof CoreCompromisedError) {
    process.stderr.write(err.lines.join('\n') + '\n\n' + err.message + '\n');
  } else {
    process.stderr.write(`roman web: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(1);
});
