/**
 * The browser host's streamed export over real HTTP: a cache of 60,000 records with long messages
 * (well over the 8 MB cap of `store.export`) downloads completely, as CSV with the formula guard or
 * as JSON lines, with the list's filter; requests without the token, with a wrong one, or with an
 * unknown ticket are refused and export nothing; a download cut short fails the export and leaves
 * the cache worker ready for the next one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../../src/main/core/app';
import { startBrowserHost, type BrowserHost } from '../../../src/main/host/browser-host';
import { Cache } from '../../../src/main/core/store/cache';
import { defaultCachePath } from '../../../src/main/core/store/paths';
import type { NewRecord } from '../../../src/main/core/store/records';
import type { ExportProgress } from '../../../src/shared/api/store';

const UNREACHABLE_DB = 'postgres://postgres@127.0.0.1:1/none';
const RECORDS = 60_000;
const PAD = 'x'.repeat(360);
const SEVERITIES = ['debug', 'info', 'warning', 'error', 'critical'] as const;

let dir: string;
let core: Core;
let host: BrowserHost;
const events: ExportProgress[] = [];

function message(i: number): string {
  // Every 1000th message would run as a formula in a spreadsheet.
  return i % 1000 === 0 ? `=HYPERLINK("http://evil.example/${i}","click") Record ${i}` : `Record ${i} ${PAD}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roman-export-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(renderer, { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>R.O.M.A.N.</title>');
  const dataDir = join(dir, 'data');
  core = await createCore({ dataDir, workspace: { url: UNREACHABLE_DB, name: 'Unreachable' } });
  for (let i = 0; i < 600 && !core.workspaces.open; i++) await new Promise((r) => setTimeout(r, 100));
  expect(core.workspaces.open, 'the workspace (its cache) opened with the database unreachable').toBeTruthy();
  const cache = Cache.open(defaultCachePath(UNREACHABLE_DB, { ROMAN_DATA_DIR: dataDir }));
  try {
    const now = Date.now();
    for (let start = 0; start < RECORDS; start += 5000) {
      const rows: NewRecord[] = [];
      for (let i = start; i < start + 5000; i++) {
        rows.push({
          kind: 'log',
          remoteTable: 'public.system_logs',
          remoteId: String(i),
          timestamp: now - i * 1000,
          severity: SEVERITIES[i % 5],
          source: 'api',
          message: message(i),
          metadata: { n: i },
        });
      }
      cache.insertRecords(rows);
    }
  } finally {
    cache.close();
  }
  core.subscribe((event, payload) => {
    if (event === 'store.exportProgress') events.push(payload as ExportProgress);
  });
  host = await startBrowserHost({ core, rendererDir: renderer, caller: { channel: 'web', requestedBy: 'tester' } });
}, 120_000);

afterAll(async () => {
  await host?.close();
  await core?.close();
  rmSync(dir, { recursive: true, force: true });
});

function requestExport(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${host.origin}/api/exports`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${host.token}`, Origin: host.origin, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function ticket(body: unknown): Promise<{ exportId: string; url: string }> {
  const res = await requestExport(body);
  expect(res.status).toBe(201);
  return (await res.json()) as { exportId: string; url: string };
}

/** Reads the body line by line (never the whole text at once); returns what the test checks. */
async function readLines(res: Response, onLine: (line: string) => void): Promise<number> {
  const decoder = new TextDecoder();
  let rest = '';
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    rest += decoder.decode(chunk, { stream: true });
    const lines = rest.split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) onLine(l.replace(/\r$/, ''));
  }
  if (rest) onLine(rest);
  return bytes;
}

describe('browser host export download', () => {
  it('refuses a request without the token, with a wrong token or another origin, and an unknown link; nothing is exported', async () => {
    const before = events.length;
    const none = await fetch(`${host.origin}/api/exports`, { method: 'POST', body: JSON.stringify({ format: 'csv' }) });
    expect(none.status).toBe(401);
    expect(await none.text()).not.toContain('Record');
    const wrong = await requestExport({ format: 'csv' }, { Authorization: `Bearer ${'0'.repeat(48)}` });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain('Record');
    const foreign = await requestExport({ format: 'csv' }, { Origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    // The token in the URL is no ticket.
    for (const path of ['/api/exports/0123456789abcdef0123456789abcdef', `/api/exports/${host.token}`, `/api/exports/x?token=${host.token}`]) {
      const res = await fetch(`${host.origin}${path}`);
      expect(res.status, path).toBe(403);
      expect(res.headers.get('content-disposition')).toBeNull();
      expect(await res.text()).not.toContain('Record');
    }
    expect(events.slice(before)).toEqual([]);
  });

  it('rejects a bad request with a clear reason', async () => {
    const res = await requestExport({ format: 'xlsx' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^Invalid export request: format/);
    const bad = await requestExport({ format: 'csv', filter: { severity: ['loud'] } });
    expect(bad.status).toBe(400);
  });

  it('streams every record as CSV (over 8 MB) with the formula guard, as an attachment, once per link', async () => {
    const { exportId, url } = await ticket({ format: 'csv', filter: {} });
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const res = await fetch(`${host.origin}${url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="roman-audit-log-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv"$/);
    const seen = new Set<number>();
    let header = '';
    let guarded = 0;
    let unguarded = 0;
    const bytes = await readLines(res, (line) => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      if (!header) {
        header = line;
        return;
      }
      if (line === '') return;
      const m = /Record (\d+)/.exec(line);
      if (m) seen.add(Number(m[1]));
      if (line.includes(`"'=HYPERLINK(`)) guarded++;
      if (/,"?=HYPERLINK/.test(line)) unguarded++;
    });
    expect(header).toBe('id,timestamp,kind,origin,severity,source,type,message,remote_table,remote_id,chain_seq,metadata');
    expect(bytes).toBeGreaterThan(8 * 1024 * 1024);
    expect(seen.size).toBe(RECORDS);
    expect(guarded).toBe(RECORDS / 1000);
    expect(unguarded).toBe(0);
    const mine = events.filter((e) => e.exportId === exportId);
    expect(mine.at(-1)).toMatchObject({ state: 'done', format: 'csv', rows: RECORDS, bytes });
    expect(mine.some((e) => e.state === 'running' && e.rows > 0 && e.rows < RECORDS)).toBe(true);
    console.log(`export: ${bytes} bytes; test-process heap grew by at most ${((heapPeak - heapBefore) / 1048576).toFixed(1)} MiB while streaming`);
    // A link works once.
    const again = await fetch(`${host.origin}${url}`);
    expect(again.status).toBe(403);
    await again.text();
  }, 120_000);

  it('streams exactly the filtered records as JSON lines', async () => {
    const filter = { severity: ['critical'], text: 'record' };
    const expected = await core.workspaces.require().cache.count(filter);
    expect(expected).toBe(RECORDS / 5);
    const { url } = await ticket({ format: 'jsonl', filter });
    const res = await fetch(`${host.origin}${url}`);
    expect(res.headers.get('content-disposition')).toMatch(/\.jsonl"$/);
    let rows = 0;
    await readLines(res, (line) => {
      if (!line) return;
      const r = JSON.parse(line) as { severity: string; metadata: { n: number } };
      expect(r.severity).toBe('critical');
      expect(r.metadata.n % 5).toBe(4);
      rows++;
    });
    expect(rows).toBe(expected);
  }, 60_000);

  it('a download cut short fails the export with a reason, and the next export still works', async () => {
    const { exportId, url } = await ticket({ format: 'csv' });
    const controller = new AbortController();
    const res = await fetch(`${host.origin}${url}`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    for (let i = 0; i < 300 && !events.some((e) => e.exportId === exportId && e.state !== 'running'); i++) await new Promise((r) => setTimeout(r, 50));
    const outcome = events.filter((e) => e.exportId === exportId).at(-1);
    expect(outcome).toMatchObject({ state: 'failed' });
    expect(outcome?.state === 'failed' ? outcome.message : '').toMatch(/closed|canceled/);
    const next = await ticket({ format: 'jsonl', filter: { text: '"Record 59999"' } });
    const lines: string[] = [];
    await readLines(await fetch(`${host.origin}${next.url}`), (l) => l && lines.push(l));
    expect(lines).toHaveLength(1);
  }, 60_000);
});
