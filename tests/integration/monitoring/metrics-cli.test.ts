/** `roman metrics` as a user runs it: live from Postgres, and offline from the cache `roman sync` filled. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../../cli/run-roman';
import { createMonitoredDatabase, type MonitoredDatabase } from './fixture';

let m: MonitoredDatabase;
const dir = mkdtempSync(join(tmpdir(), 'roman-metrics-cli-'));

function roman(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(join(REPO, 'node_modules/.bin/tsx'), ['src/main/cli/roman.ts', ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ROMAN_DB_URL: '', ROMAN_AI_MONTHLY_BUDGET_USD: '', ROMAN_DATA_DIR: dir, ROMAN_CACHE: '', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  m = await createMonitoredDatabase();
  const ins = (hoursAgo: number, provider: string, model: string, feature: string | null, cost: number, n = 1) =>
    m.pool.query(
      `INSERT INTO public.ai_usage_logs (created_at, provider, model, feature, total_tokens, cost_usd, latency_ms)
       SELECT now() - make_interval(hours => $1), $2, $3, $4, 100, $5, 700 FROM generate_series(1, $6)`,
      [hoursAgo, provider, model, feature, cost, n],
    );
  await ins(1, 'anthropic', 'claude-3-5-sonnet', 'document_review', 0.25, 4); // $1.00
  await ins(2, 'openai', 'gpt-4o', 'chat_assistant', 0.1, 5); // $0.50
  await ins(24 * 40, 'openai', 'gpt-4o', 'chat_assistant', 100, 1); // outside the 30 days
});
afterAll(async () => {
  await m?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('roman metrics', { timeout: 180_000 }, () => {
  it('prints the manual\'s /metrics message over the last 30 days with the budget from --budget', () => {
    const r = roman(['metrics', '--db', m.db.url, '--budget', '10']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`📊 AI Usage Metrics (Last 30 Days)

Provider Breakdown:
• Anthropic (Claude): 4 requests, $1.00 (avg: $0.250/req)
• OpenAI (GPT-4): 5 requests, $0.50 (avg: $0.100/req)

Total Cost: $1.50
Monthly Budget: $10.00
Remaining: $8.50 (85%)

Top Consumers:
1. Document Review: $1.00 (67%)
2. Chat Assistant: $0.50 (33%)

Recommendations:
`);
  });

  it('--json prints the figures; the budget comes from ROMAN_AI_MONTHLY_BUDGET_USD; bad budgets are usage errors', () => {
    const r = roman(['metrics', '--db', m.db.url, '--json'], { ROMAN_AI_MONTHLY_BUDGET_USD: '250' });
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown> & { providers: { provider: string; requests: number }[]; total: { costUsd: number } };
    expect(j).toMatchObject({ source: 'database', monthlyBudgetUsd: 250, remainingUsd: 248.5, total: { requests: 9, costUsd: 1.5 } });
    expect(j.providers.map((p) => [p.provider, p.requests])).toEqual([['anthropic', 4], ['openai', 5]]);
    for (const k of ['providers', 'total', 'monthlyBudgetUsd', 'remainingUsd', 'remainingPct', 'topConsumers', 'recommendations', 'month']) expect(j).toHaveProperty(k);
    expect(roman(['metrics', '--db', m.db.url, '--budget', '-3']).status).toBe(2);
    expect(roman(['metrics']).status).toBe(2);
  });

  it('--offline reads the figures from the local cache after roman sync, without the database', () => {
    const before = roman(['metrics', '--db', m.db.url, '--offline']);
    expect(before.status).toBe(4);
    expect(before.stderr).toContain('no local cache');
    const sync = roman(['sync', '--db', m.db.url]);
    expect(sync.status).toBe(0);
    const r = roman(['metrics', '--db', m.db.url, '--offline', '--budget', '10']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('📊 AI Usage Metrics (Last 30 Days) — from the local cache (offline)');
    expect(r.stdout).toContain('• Anthropic (Claude): 4 requests, $1.00 (avg: $0.250/req)');
    expect(r.stdout).toContain('Total Cost: $1.50');
  });

  it('an unreachable database exits 4 without printing the password', () => {
    const r = roman(['metrics', '--db', 'postgres://postgres:pw-m3t@127.0.0.1:5999/none']);
    expect(r.status).toBe(4);
    expect(r.stderr).not.toContain('pw-m3t');
  });
});
