/**
 * The browser host's streamed export (any size; the browser's own download saves it where the user
 * chooses). Two requests, so the per-run token never appears in a URL (download history, logs):
 *
 *   POST /api/exports   Authorization: Bearer <token>, Origin: this host, body {format, filter}
 *        → 201 {exportId, url}: a one-time ticket, valid for 60 s
 *   GET  /api/exports/<exportId>
 *        → 200, Content-Disposition: attachment; the filtered records streamed from the cache worker
 *
 * No token: 401; a wrong token, a foreign Origin, an unknown/used/expired ticket: 403 — and nothing
 * is exported. Progress and the outcome go to the page as 'store.exportProgress' events.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportFileName, exportRequestSchema } from '../../shared/api/store';
import type { RecordFilter } from '../../shared/store';
import type { Core } from '../core/app';
import { runExport, type ExportJob } from '../core/export-job';

const TICKET_TTL_MS = 60_000;
const MAX_BODY_BYTES = 16 * 1024;
export const EXPORTS_PATH = '/api/exports';

interface Ticket extends ExportJob {
  expiresAt: number;
}

export interface ExportRouteOptions {
  core: Core;
  origin: () => string;
  /** Constant-time check of a presented token. */
  isToken: (given: string) => boolean;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Returns a request handler for EXPORTS_PATH and below (answers false for other paths). */
export function exportRoute(opts: ExportRouteOptions): (req: IncomingMessage, res: ServerResponse, headers: Record<string, string>) => boolean {
  const tickets = new Map<string, Ticket>();

  const createTicket = async (req: IncomingMessage, res: ServerResponse, headers: Record<string, string>) => {
    const auth = req.headers.authorization ?? '';
    const match = /^Bearer (\S+)$/.exec(auth);
    if (!match) return send(res, 401, { error: 'Missing token: send Authorization: Bearer <token>.' }, { ...headers, 'WWW-Authenticate': 'Bearer' });
    if (!opts.isToken(match[1]) || req.headers.origin !== opts.origin()) return send(res, 403, { error: 'Forbidden.' }, headers);
    const text = await readBody(req);
    if (text === null) return send(res, 413, { error: `The request body is larger than ${MAX_BODY_BYTES} bytes.` }, headers);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return send(res, 400, { error: 'The request body is not JSON.' }, headers);
    }
    const parsed = exportRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return send(res, 400, { error: `Invalid export request: ${issue.path.join('.') || 'body'}: ${issue.message}` }, headers);
    }
    const now = Date.now();
    for (const [id, t] of tickets) if (t.expiresAt <= now) tickets.delete(id);
    // The ticket is always the host's own random id (a caller-chosen one could be guessed).
    const exportId = randomBytes(16).toString('hex');
    const format = parsed.data.format;
    tickets.set(exportId, {
      exportId,
      format,
      filter: parsed.data.filter as RecordFilter,
      fileName: exportFileName(format, new Date(now)),
      expiresAt: now + TICKET_TTL_MS,
    });
    send(res, 201, { exportId, url: `${EXPORTS_PATH}/${exportId}` }, headers);
  };

  const download = (exportId: string, res: ServerResponse, headers: Record<string, string>) => {
    const ticket = tickets.get(exportId);
    tickets.delete(exportId); // one use only
    if (!ticket || ticket.expiresAt <= Date.now()) {
      res.writeHead(403, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Unknown, used or expired export link: start the export again from the Audit log page.');
      return;
    }
    let cache;
    try {
      cache = opts.core.workspaces.require().cache;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      opts.core.emit('store.exportProgress', { exportId, state: 'failed', rows: 0, bytes: 0, message });
      res.writeHead(503, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end(message);
      return;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': ticket.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="${ticket.fileName}"`,
    });
    // A failure after the headers went out cuts the response short (the browser marks the download
    // failed) and the page hears why from the 'failed' event.
    runExport(cache, ticket, res, opts.core.emit).catch(() => undefined);
  };

  return (req, res, headers) => {
    const { pathname } = new URL(req.url ?? '/', opts.origin());
    if (pathname === EXPORTS_PATH) {
      if (req.method !== 'POST') {
        res.writeHead(405, { ...headers, Allow: 'POST' }).end();
        return true;
      }
      createTicket(req, res, headers).catch(() => {
        if (!res.headersSent) send(res, 500, { error: 'The export could not be started.' }, headers);
        else res.destroy();
      });
      return true;
    }
    const m = /^\/api\/exports\/([A-Za-z0-9_-]{1,64})$/.exec(pathname);
    if (m) {
      if (req.method !== 'GET') {
        res.writeHead(405, { ...headers, Allow: 'GET' }).end();
        return true;
      }
      download(m[1], res, headers);
      return true;
    }
    return false;
  };
}
