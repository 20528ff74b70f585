/**
 * The loopback browser host: serves the built renderer and the same API contract as the Electron
 * IPC over a WebSocket, so the real renderer runs in Chromium (tests, or a user without Electron).
 *
 * Security: binds 127.0.0.1 only; a random per-run token (in the URL fragment, never sent to the
 * server in requests for files) must be presented when the WebSocket opens; the socket's Origin must
 * be this host; every call goes through HandlerRegistry.dispatch (zod validation, typed errors).
 * Exports of any size are downloads (export-route.ts): a Bearer-token POST makes a one-time ticket.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Core } from '../core/app';
import type { Caller } from '../core/context';
import { exportRoute } from './export-route';

export interface BrowserHostOptions {
  core: Core;
  rendererDir: string;
  port?: number;
  caller: Caller;
  token?: string;
}

export interface BrowserHost {
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const MAX_MESSAGE_BYTES = 1024 * 1024;

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const root = resolve(opts.rendererDir);
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`The renderer is not built (${join(root, 'index.html')} is missing): run "npm run build".`);
  }
  const token = opts.token ?? randomBytes(24).toString('hex');
  let origin = '';

  // Streamed exports (any size) as downloads: see export-route.ts.
  const exports = exportRoute({ core: opts.core, origin: () => origin, isToken: (given) => sameToken(given, token) });

  const serveFile = (req: IncomingMessage, res: ServerResponse): void => {
    const headers = {
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    // DNS-rebinding guard: only our own host name is served.
    const host = req.headers.host ?? '';
    if (host !== new URL(origin).host) {
      res.writeHead(421, headers).end('Misdirected request');
      return;
    }
    if (exports(req, res, headers)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    const pathname = decodeURIComponent(new URL(req.url ?? '/', origin).pathname);
    const rel = pathname === '/' ? 'index.html' : normalize(pathname).replace(/^[/\\]+/, '');
    const file = resolve(root, rel);
    const target =
      file.startsWith(root + sep) && existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
    res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(target)] ?? 'application/octet-stream' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(target).pipe(res);
  };

  const server: Server = createServer(serveFile);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const given = url.searchParams.get('token') ?? '';
    if (url.pathname !== '/api' || req.headers.origin !== origin || !sameToken(given, token)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  const unsubscribe = opts.core.subscribe((event, payload) => {
    const frame = JSON.stringify({ type: 'event', event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data) => {
      let msg: { id?: unknown; name?: unknown; input?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        ws.send(JSON.stringify({ type: 'error', message: 'Malformed message: not JSON' }));
        return;
      }
      if (typeof msg !== 'object' || msg === null || typeof msg.id !== 'number') {
        ws.send(JSON.stringify({ type: 'error', message: 'Malformed message: expected {id, name, input}' }));
        return;
      }
      const id = msg.id;
      void opts.core.registry.dispatch(msg.name, msg.input, opts.core.context(opts.caller)).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'result', id, result }));
      });
    });
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    token,
    url: `${origin}/#token=${token}`,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((ok) => wss.close(() => ok()));
      // A browser keeps idle keep-alive connections open: close them, or close() waits for them.
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
