/**
 * `roman watch` prints the alerts that are already firing when it starts ("firing since …"), then
 * every transition. Real database, real processes: a first watch sees system_down fire (and, as the
 * leader, records it in ops.roman_events); a second watch, started while it still fires, restores that
 * state — no transition happens — and must still print it.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertLogs, openAlertsTestDb, secondsBefore, type AlertsTestDb } from '../integration/alerts/support';

const ROOT = resolve(__dirname, '../..');
let t: AlertsTestDb;

beforeAll(async () => {
  t = await openAlertsTestDb();
});
afterAll(async () => {
  await t?.close();
});

function watch(url: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/roman.ts', 'watch', '--db', url], {
    cwd: ROOT,
    env: { ...process.env, ROMAN_DB_URL: '', ROMAN_DISCORD_WEBHOOK: '', ROMAN_DISCORD_WEBHOOK_URL: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<number | null>((res) => child.on('close', res));
  return { done, stop: () => child.kill('SIGTERM'), stdout: () => stdout, stderr: () => stderr };
}

async function until(pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

describe('roman watch at start', () => {
  it('prints alerts already firing as "firing since …"', async () => {
    await insertLogs(t.pool, Array.from({ length: 12 }, (_, i) => ({ at: secondsBefore(new Date(), i), severity: 'critical' as const })));
    const first = watch(t.db.url);
    await until(() => /FIRING\s+system_down/.test(first.stdout()), 30_000);
    // Let the leader record the firing alert in ops.roman_events before stopping.
    await until(() => false, 1500);
    first.stop();
    expect(await first.done).toBe(0);
    expect(first.stdout()).toMatch(/FIRING\s+system_down critical/);

    const second = watch(t.db.url);
    await until(() => /system_down/.test(second.stdout()), 30_000);
    second.stop();
    expect(await second.done).toBe(0);
    expect(second.stdout()).toMatch(/^\S+Z FIRING\s+system_down critical \{\} .*\(firing since \d{4}-\d\d-\d\dT[^)]*\)$/m);
  }, 90_000);
});
