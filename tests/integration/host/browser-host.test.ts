import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createCore, type Core } from '../../../src/main/core/app';
import { startBrowserHost, type BrowserHost } from '../../../src/main/host/browser-host';

let dir: string;
let core: Core;
let host: BrowserHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roman-host-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>R.O.M.A.N.</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  core = await createCore({ dataDir: join(dir, 'data') });
  host = await startBrowserHost({ core, rendererDir: renderer, caller: { channel: 'web', requestedBy: 'tester' } });
});

afterAll(async () => {
  await host.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(token: string, origin = host.origin): Promise<WebSocket> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/api?token=${token}`, { origin });
    ws.once('open', () => ok(ws));
    ws.once('error', fail);
    ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
  });
}

function call(ws: WebSocket, id: number, name: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  return new Promise((ok) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(String(data)) as { type: string; id: number; result: never };
      if (msg.type === 'result' && msg.id === id) {
        ws.off('message', onMessage);
        ok(msg.result);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, name, input }));
  });
}

describe('browser host', () => {
  it('listens on loopback only, with a per-run token in the URL fragment', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.url).toBe(`${host.origin}/#token=${host.token}`);
    expect(host.token).toMatch(/^[0-9a-f]{48}$/);
  });

  it('serves the built renderer with a strict CSP', async () => {
    const res = await fetch(`${host.origin}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('R.O.M.A.N.');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const js = await fetch(`${host.origin}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt']) {
      const res = await fetch(`${host.origin}${path}`);
      expect(await res.text()).not.toContain('outside the renderer');
    }
  });

  it('refuses a socket without the token, with a wrong token, or from another origin', async () => {
    await expect(open('')).rejects.toThrow(/403/);
    await expect(open('0'.repeat(48))).rejects.toThrow(/403/);
    await expect(open(host.token, 'http://evil.example')).rejects.toThrow(/403/);
  });

  it('answers calls through the same contract as the app, with typed errors for bad input', async () => {
    const ws = await open(host.token);
    const ok = await call(ws, 1, 'constitution.evaluate', {
      action: { method_type: 'harmonic_resonance', entropy_increase: 0.001, risk_to_life: 0, geometric_ratio: 1.618, description: 'Deploy staging environment' },
      systemEntropy: 0.05,
    });
    expect(ok.ok).toBe(true);
    const bad = await call(ws, 2, 'constitution.evaluate', { action: { method_type: 'x' }, systemEntropy: 2 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const unknown = await call(ws, 3, 'shell.exec', { cmd: 'rm -rf /' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_handler' } });
    ws.close();
  });
});
