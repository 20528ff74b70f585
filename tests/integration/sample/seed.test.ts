import { describe, expect, it } from 'vitest';
import { generateSampleData } from '../../../src/main/core/sample/seed';
import { listenCommands } from '../../../src/main/core/sample/notify-relay';

const NOW = new Date('2026-03-14T15:09:26Z');

describe('sample data generator', () => {
  it('gives the same rows for the same "now"', () => {
    const a = generateSampleData(NOW, { days: 5 });
    const b = generateSampleData(NOW, { days: 5 });
    expect(b.logs.length).toBe(a.logs.length);
    expect(JSON.stringify(b.logs.slice(-200))).toBe(JSON.stringify(a.logs.slice(-200)));
    expect(JSON.stringify(b.aiUsage)).toBe(JSON.stringify(a.aiUsage));
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
  });

  it('places everything relative to "now": nothing later, nothing older than 30 days', () => {
    const d = generateSampleData(NOW);
    const times = [...d.logs.map((l) => l.timestamp), ...d.aiUsage.map((r) => r.createdAt), ...d.events.map((e) => e.timestamp), ...d.health.map((h) => h.timestamp)].map((t) =>
      t.getTime(),
    );
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW.getTime());
    expect(Math.min(...times)).toBeGreaterThanOrEqual(NOW.getTime() - 30 * 86_400_000);
    expect(d.facts.ongoingIncidentStart.getTime()).toBeGreaterThan(NOW.getTime() - 15 * 60_000);
    expect(d.facts.bruteForceAt.getTime()).toBeGreaterThan(NOW.getTime() - 15 * 60_000);
  });

  it('a different seed gives different data of the same shape', () => {
    const a = generateSampleData(NOW, { days: 3 });
    const b = generateSampleData(NOW, { days: 3, seed: 42 });
    expect(JSON.stringify(b.logs.slice(0, 50))).not.toBe(JSON.stringify(a.logs.slice(0, 50)));
    expect(new Set(b.aiUsage.map((r) => r.provider))).toEqual(new Set(['anthropic', 'openai', 'google']));
  });

  it('keeps each request latency, status, ip, path and method in the metadata and severities valid', () => {
    const d = generateSampleData(NOW, { days: 3 });
    const requests = d.logs.filter((l) => l.source === 'api' && 'status' in l.metadata);
    expect(requests.length).toBeGreaterThan(1000);
    for (const r of requests) {
      expect(Object.keys(r.metadata)).toEqual(expect.arrayContaining(['latency_ms', 'status', 'ip', 'path', 'method']));
      const status = r.metadata.status as number;
      expect(r.severity).toBe(status >= 500 ? 'error' : status >= 400 || (r.metadata.latency_ms as number) > 2000 ? 'warning' : 'info');
    }
  });
});

describe('LISTEN/UNLISTEN recognition of the notify relay', () => {
  it('finds the channels a statement listens to or stops listening to', () => {
    expect(listenCommands('LISTEN roman_signals')).toEqual([{ op: 'listen', channel: 'roman_signals' }]);
    expect(listenCommands('listen "Mixed Case"; UNLISTEN Other')).toEqual([
      { op: 'listen', channel: 'Mixed Case' },
      { op: 'unlisten', channel: 'other' },
    ]);
    expect(listenCommands('UNLISTEN *')).toEqual([{ op: 'unlisten', channel: '*' }]);
    expect(listenCommands('DISCARD ALL')).toEqual([{ op: 'unlisten', channel: '*' }]);
    expect(listenCommands("select 'nothing to see'")).toEqual([]);
  });
});
