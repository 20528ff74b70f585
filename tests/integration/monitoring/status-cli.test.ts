import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitoredDatabase, insertAiUsage, insertLogs, minutesBefore, type MonitoredDatabase } from './fixture';

const TSX = 'node_modules/.bin/tsx';
const ROMAN = 'src/main/cli/roman.ts';

function roman(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ROMAN_DISCORD_WEBHOOK_URL: '', ROMAN_DB_URL: '', ROMAN_AI_MONTHLY_BUDGET_USD: '' };
    for (const [k, v] of Object.entries(env)) childEnv[k] = v;
    const child = spawn(TSX, [ROMAN, ...args], { cwd: process.cwd(), env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let m: MonitoredDatabase;

beforeAll(async () => {
  m = await createMonitoredDatabase();
  const now = new Date();
  await m.pool.query(
    `INSERT INTO ops.roman_events (event_type, severity, message, idempotency_key) VALUES
       ('approval', 'info', 'Action approved: deploy to staging', 'd1'),
       ('approval', 'info', 'Action approved: vacuum', 'd2'),
       ('rejection', 'warning', 'Action rejected: delete production database', 'd3'),
       ('approval', 'info', 'old approval', 'd4')`,
  );
  await m.pool.query(`UPDATE ops.roman_events SET "timestamp" = now() - interval '2 days' WHERE idempotency_key = 'd4'`);
  // 10 logs, 1 critical → errorRate 0.1; 4 requests, none failed, none slow → entropy 3.3 %
  await insertLogs(m.pool, [
    ...Array.from({ length: 5 }, () => ({ at: minutesBefore(now, 1) })),
    ...Array.from({ length: 4 }, () => ({ at: minutesBefore(now, 1), metadata: { status: 200, latency_ms: 150 } })),
    { at: minutesBefore(now, 1), severity: 'critical', message: 'payment provider down' },
  ]);
  // spend in the current month (UTC), kept within it whatever the day
  await insertAiUsage(m.pool, [{ at: now, costUsd: 390 }]);
}, 60_000);

afterAll(async () => {
  await m?.close();
});

describe('roman status', () => {
  it('prints the manual’s /status message for a live database', async () => {
    const r = await roman(['status', '--db', m.db.url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('🤖 R.O.M.A.N. System Status');
    expect(lines).toContain('✅ Constitutional Core: OPERATIONAL');
    expect(r.stdout).toMatch(/^✅ Database: Connected \(\d+ active connections?\)$/m);
    expect(lines).toContain('⚠️ AI Usage: 78% of monthly quota ($390.00 of $500.00)');
    expect(r.stdout).toContain('Recent Activity:\n• 2 actions approved (last 24h)\n• 1 action rejected (Constitutional violations)\n• 1 critical error\n');
    expect(lines).toContain('System Entropy: 3.3% (STABLE)');
    expect(r.stdout).not.toContain('Discord');
  });

  it('--json gives the same facts as an object', async () => {
    const r = await roman(['status', '--json', '--budget', '1000'], { ROMAN_DB_URL: m.db.url });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.constitutionalCore).toEqual({ operational: true, message: 'OPERATIONAL' });
    expect(report.database.connected).toBe(true);
    expect(report.discordBot).toBe('not configured');
    expect(report.aiUsage).toMatchObject({ available: true, monthSpendUsd: 390, monthlyBudgetUsd: 1000, percentOfBudget: 39, warning: false });
    expect(report.recentActivity).toEqual({ available: true, approved: 2, rejected: 1, criticalErrors: 1 });
    expect(report.entropy.reading).toMatchObject({ errorRate: 0.1, failureRate: 0, latencySpikes: 0, stable: true });
  });

  it('shows the Discord line when a Discord webhook is configured', async () => {
    const r = await roman(['status', '--db', m.db.url], { ROMAN_DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/1/x' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✅ Discord Bot: Webhook configured');
    expect(r.stdout).not.toContain('discord.com');
  });

  it('an unreachable database exits 4 with a clear message and no password', async () => {
    const r = await roman(['status', '--db', 'postgres://admin:s3cret@127.0.0.1:5999/nowhere']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^❌ Database: Unreachable: .*ECONNREFUSED/m);
    expect(r.stderr).toMatch(/^roman status: database .*nowhere is unreachable: .*ECONNREFUSED/);
    expect(r.stdout + r.stderr).not.toContain('s3cret');
  });

  it('bad usage exits 2 and says what is wrong', async () => {
    const missing = await roman(['status']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--db URL is required/);
    const budget = await roman(['status', '--db', m.db.url, '--budget', 'lots']);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toMatch(/--budget must be a positive amount of US dollars, got "lots"/);
    const unknown = await roman(['status', '--db', m.db.url, '--verbose']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/usage: roman status/);
  });
});
