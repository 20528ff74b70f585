import { describe, expect, it } from 'vitest';
import { formatSystemStatus, unreachableStatus } from '../../../src/main/core/monitoring/status';
import type { EntropyReading, SystemStatusReport } from '../../../src/shared/monitoring';

const reading = (entropy: number): EntropyReading => ({
  entropy,
  errorRate: entropy,
  failureRate: entropy,
  latencySpikes: entropy,
  measuredAt: '2026-01-01T00:00:00.000Z',
  stable: entropy <= 0.1,
  window: { start: '2025-12-31T23:45:00.000Z', end: '2026-01-01T00:00:00.000Z', minutes: 15 },
  counts: { logs: 0, errorLogs: 0, requests: 0, failedRequests: 0, timedRequests: 0, slowRequests: 0 },
  notes: [],
  data: 'ok',
  noDataTerms: [],
});

const report = (over: Partial<SystemStatusReport> = {}): SystemStatusReport => ({
  constitutionalCore: { operational: true, message: 'OPERATIONAL' },
  database: { connected: true, activeConnections: 45 },
  discordBot: 'not configured',
  aiUsage: { available: true, monthSpendUsd: 390, monthlyBudgetUsd: 500, percentOfBudget: 78, warning: true },
  recentActivity: { available: true, approved: 12, rejected: 2, criticalErrors: 0 },
  entropy: { available: true, reading: reading(0.042) },
  ...over,
});

describe('the /status message', () => {
  it('has the manual’s shape, line by line', () => {
    expect(formatSystemStatus(report())).toBe(
      [
        '🤖 R.O.M.A.N. System Status',
        '',
        '✅ Constitutional Core: OPERATIONAL',
        '✅ Database: Connected (45 active connections)',
        '⚠️ AI Usage: 78% of monthly quota ($390.00 of $500.00)',
        '',
        'Recent Activity:',
        '• 12 actions approved (last 24h)',
        '• 2 actions rejected (Constitutional violations)',
        '• 0 critical errors',
        '',
        'System Entropy: 4.2% (STABLE)',
        '',
      ].join('\n'),
    );
  });

  it('says UNSTABLE above 10 % and shows the Discord line only when a notifier is configured', () => {
    const text = formatSystemStatus(report({ entropy: { available: true, reading: reading(0.1001) }, discordBot: 'configured' }));
    expect(text).toContain('System Entropy: 10.0% (UNSTABLE)');
    expect(text).toContain('✅ Discord Bot: Webhook configured');
    expect(formatSystemStatus(report())).not.toContain('Discord');
    expect(formatSystemStatus(report({ entropy: { available: true, reading: reading(0.1) } }))).toContain('System Entropy: 10.0% (STABLE)');
  });

  it('an empty window says "no data", never 0.0% (STABLE)', () => {
    const empty: EntropyReading = { ...reading(0), data: 'no_data', noDataTerms: ['errorRate', 'failureRate', 'latencySpikes'] };
    const text = formatSystemStatus(report({ entropy: { available: true, reading: empty } }));
    expect(text).toContain('System Entropy: no data (nothing logged and no request in the last 15 minutes)');
    expect(text).not.toContain('STABLE');
  });

  it('uses ✅ for AI usage at or below 75 % and singular words for one', () => {
    const text = formatSystemStatus(
      report({
        aiUsage: { available: true, monthSpendUsd: 375, monthlyBudgetUsd: 500, percentOfBudget: 75, warning: false },
        recentActivity: { available: true, approved: 1, rejected: 1, criticalErrors: 1 },
        database: { connected: true, activeConnections: 1 },
      }),
    );
    expect(text).toContain('✅ AI Usage: 75% of monthly quota');
    expect(text).toContain('• 1 action approved (last 24h)');
    expect(text).toContain('• 1 critical error\n');
    expect(text).toContain('Connected (1 active connection)');
  });

  it('an unreachable database ends the message after the database line', () => {
    const text = formatSystemStatus(unreachableStatus({ selfTest: { passed: true }, discordConfigured: false, monthlyBudgetUsd: 500 }, 'connect ECONNREFUSED'));
    expect(text).toBe('🤖 R.O.M.A.N. System Status\n\n✅ Constitutional Core: OPERATIONAL\n❌ Database: Unreachable: connect ECONNREFUSED\n');
  });

  it('a failed self-test shows the core as compromised', () => {
    const text = formatSystemStatus(unreachableStatus({ selfTest: { passed: false }, discordConfigured: false, monthlyBudgetUsd: 500 }, 'x'));
    expect(text).toContain('❌ Constitutional Core: COMPROMISED (self-test failed)');
  });
});
