/**
 * `roman alerts evaluate` and `roman watch`, spawned for real against a real database.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertLogs, openAlertsTestDb, resetData, secondsBefore, type AlertsTestDb } from './support';

const ROOT = resolve(__dirname, '../../..');
let t: AlertsTestDb;

beforeAll(async () => {
  t = await openAlertsTestDb();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await resetData(t.pool);
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function roman(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { done: Promise<Run>; kill(sig: NodeJS.Signals): void; stdout(): string; stderr(): string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/roman.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ROMAN_DB_URL: '', ROMAN_DISCORD_WEBHOOK: '', ROMAN_DISCORD_WEBHOOK_URL: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((res) => child.on('close', (code) => res({ code, stdout, stderr })));
  return { done, kill: (sig) => child.kill(sig), stdout: () => stdout, stderr: () => stderr };
}

describe('roman alerts evaluate', () => {
  it('--json lists every rule once, inactive with empty labels when nothing is wrong', async () => {
    const r = await roman(['alerts', 'evaluate', '--db', t.db.url, '--json']).done;
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { rule: string; state: string; severity: string; labels: object; value: unknown; summary: string }[];
    for (const rule of ['system_down', 'data_loss_risk', 'security_breach', 'performance_degradation', 'error_rate_spike', 'api_quota']) {
      expect(rows.filter((x) => x.rule === rule)).toEqual([
        expect.objectContaining({ rule, state: 'inactive', labels: {}, summary: expect.any(String) }),
      ]);
    }
    for (const x of rows) {
      expect(Object.keys(x).sort()).toEqual(['labels', 'rule', 'severity', 'state', 'summary', 'value']);
      expect(['critical', 'warning']).toContain(x.severity);
    }
  });

  it('--json shows firing rules from the current data, one entry per offending IP', async () => {
    const now = new Date();
    await insertLogs(t.pool, [
      ...Array.from({ length: 11 }, (_, i) => ({ at: secondsBefore(now, 2 + i), severity: 'error' as const })),
      ...Array.from({ length: 5 }, (_, i) => ({ at: secondsBefore(now, 2 + i), source: 'rls_violation', metadata: { ip: '203.0.113.9' } })),
      ...Array.from({ length: 5 }, (_, i) => ({ at: secondsBefore(now, 2 + i), source: 'rls_violation', metadata: { ip: '198.51.100.4' } })),
    ]);
    const r = await roman(['alerts', 'evaluate', '--db', t.db.url, '--json']).done;
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { rule: string; state: string; labels: Record<string, string>; value: number }[];
    expect(rows.find((x) => x.rule === 'system_down')).toMatchObject({ state: 'firing', severity: 'critical', value: 11 });
    const breaches = rows.filter((x) => x.rule === 'security_breach');
    expect(breaches.map((x) => [x.state, x.labels.ip]).sort()).toEqual([
      ['firing', '198.51.100.4'],
      ['firing', '203.0.113.9'],
    ]);
  });

  it('prints a human summary without --json', async () => {
    const r = await roman(['alerts', 'evaluate', '--db', t.db.url]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/system_down/);
    expect(r.stdout).toMatch(/0 firing/);
    expect(r.stdout).toMatch(/Not measurable from SQL.*Disk Usage/);
  });

  it('exits 2 on bad usage and 4 when the database is unreachable, without leaking the password', async () => {
    const bad = await roman(['alerts', 'evaluate']).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--db URL is required/);
    const unknown = await roman(['alerts', 'explode']).done;
    expect(unknown.code).toBe(2);
    const down = await roman(['alerts', 'evaluate', '--db', 'postgres://u:hunter2@127.0.0.1:1/x', '--json']).done;
    expect(down.code).toBe(4);
    expect(down.stderr).toMatch(/unreachable/);
    expect(down.stderr + down.stdout).not.toContain('hunter2');
  });
});

describe('roman watch', () => {
  it('prints an alert line as it fires and stops cleanly on SIGTERM', async () => {
    const w = roman(['watch', '--db', t.db.url]);
    const started = Date.now();
    while (!/listening/.test(w.stderr()) && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 50));
    // The first full cycle runs right after LISTEN; give it a moment so the burst is caught by the fast path.
    await new Promise((r) => setTimeout(r, 300));
    await insertLogs(t.pool, Array.from({ length: 10 }, (_, i) => ({ at: secondsBefore(new Date(), i), severity: 'critical' as const })));
    const until = Date.now() + 5000;
    while (!/FIRING/.test(w.stdout()) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    w.kill('SIGTERM');
    const r = await w.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\S+Z FIRING\s+system_down critical \{\} 10 errors in the last minute/m);
    expect(r.stderr).toMatch(/SIGTERM received, stopping/);
  });

  it('posts the alert to the Discord webhook (ROMAN_DISCORD_WEBHOOK) and never prints its token', async () => {
    const bodies: { content: string; embeds: { title: string; color: number }[] }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/77/CLI-SECRET-TOKEN`;
    try {
      const w = roman(['watch', '--db', t.db.url], { ROMAN_DISCORD_WEBHOOK: hook });
      const started = Date.now();
      while (!/leader\)/.test(w.stderr()) && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      await insertLogs(t.pool, Array.from({ length: 10 }, (_, i) => ({ at: secondsBefore(new Date(), i), severity: 'error' as const })));
      const until = Date.now() + 5000;
      while (bodies.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      w.kill('SIGINT');
      const r = await w.done;
      expect(r.code).toBe(0);
      expect(bodies[0]!.embeds[0]).toMatchObject({ title: '🚨 System Down', color: 0xe74c3c });
      expect(bodies[0]!.content).toContain('Action: Send Discord alert, page on-call engineer');
      expect(r.stderr).toContain('/api/webhooks/77/***');
      expect(r.stdout + r.stderr).not.toContain('CLI-SECRET-TOKEN');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('refuses a webhook that is not https, without printing its token', async () => {
    const r = await roman(['watch', '--db', t.db.url, '--discord-webhook', 'http://discord.com/api/webhooks/1/TOPSECRET']).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/https/);
    expect(r.stderr).not.toContain('TOPSECRET');
  });
});
