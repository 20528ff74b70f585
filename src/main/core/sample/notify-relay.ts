/**
 * LISTEN/NOTIFY for the embedded engine. PGlite is one Postgres session shared by every client
 * connection, so a notification comes back in the output of whichever connection caused it (the
 * one that inserted the row), not on the connection that listens. This relay sits in front of the
 * PGlite socket server: it passes bytes through unchanged, notes which connection LISTENs to which
 * channel, and moves each NotificationResponse to the connections that listen on its channel.
 */
import net from 'node:net';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/** Channels named by LISTEN / UNLISTEN / DISCARD ALL in a piece of SQL, in order. */
export function listenCommands(sql: string): { op: 'listen' | 'unlisten'; channel: string | '*' }[] {
  const out: { op: 'listen' | 'unlisten'; channel: string | '*' }[] = [];
  const re = /\b(?:(UN)?LISTEN\s+("(?:[^"]|"")+"|\*|[A-Za-z_][A-Za-z0-9_$]*)|(DISCARD\s+ALL\b))/gi;
  for (const m of sql.matchAll(re)) {
    if (m[3]) {
      out.push({ op: 'unlisten', channel: '*' });
      continue;
    }
    const raw = m[2];
    const channel = raw === '*' ? '*' : raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase();
    out.push({ op: m[1] ? 'unlisten' : 'listen', channel });
  }
  return out;
}

/** Splits a byte stream into Postgres messages; `untyped` counts leading messages without a type byte. */
class MessageReader {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private untyped: number) {}
  setUntyped(n: number): void {
    this.untyped = n;
  }
  push(chunk: Buffer): { msg: Buffer; typed: boolean }[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: { msg: Buffer; typed: boolean }[] = [];
    for (;;) {
      const typed = this.untyped === 0;
      if (this.buf.length < (typed ? 5 : 4)) break;
      const len = typed ? 1 + this.buf.readInt32BE(1) : this.buf.readInt32BE(0);
      if (len < 4) throw new Error('malformed Postgres message');
      if (this.buf.length < len) break;
      out.push({ msg: this.buf.subarray(0, len), typed });
      this.buf = this.buf.subarray(len);
      if (!typed) this.untyped--;
    }
    return out;
  }
}

function readCString(b: Buffer, at: number): [string, number] {
  const end = b.indexOf(0, at);
  return [b.toString('utf8', at, end), end + 1];
}

export interface NotifyRelay {
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on host:0 and forwards each connection to backendHost:backendPort. `relisten(channel)`
 * must make the shared session listen on a channel again (after one client's UNLISTEN while others
 * still listen).
 */
export async function startNotifyRelay(opts: {
  host: string;
  /** Connections accepted at once (each one uses one connection of the backend). */
  maxConnections: number;
  backendHost: string;
  backendPort: number;
  relisten: (channel: string) => Promise<void>;
}): Promise<NotifyRelay> {
  const subscriptions = new Map<net.Socket, Set<string>>();
  const sockets = new Set<net.Socket>();

  const subscribers = (channel: string): net.Socket[] =>
    [...subscriptions].filter(([, chans]) => chans.has(channel)).map(([s]) => s);

  const server = net.createServer((client) => {
    sockets.add(client);
    client.setNoDelay(true);
    const backend = net.connect(opts.backendPort, opts.backendHost);
    backend.setNoDelay(true);
    sockets.add(backend);
    subscriptions.set(client, new Set());
    const fromClient = new MessageReader(1);
    // The server answers an SSL/GSS request with one untyped byte ('N'); handled below.
    let pendingSslAnswers = 0;
    const pendingUnlisten: string[] = [];
    const fromServer = new MessageReader(0);

    const closeBoth = () => {
      subscriptions.delete(client);
      sockets.delete(client);
      sockets.delete(backend);
      client.destroy();
      backend.destroy();
    };
    client.on('error', closeBoth);
    backend.on('error', closeBoth);
    client.on('close', closeBoth);
    backend.on('close', closeBoth);

    client.on('data', (chunk: Buffer) => {
      let messages: { msg: Buffer; typed: boolean }[];
      try {
        messages = fromClient.push(chunk);
      } catch {
        closeBoth();
        return;
      }
      for (const { msg, typed } of messages) {
        if (!typed) {
          const code = msg.length >= 8 ? msg.readInt32BE(4) : 0;
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            pendingSslAnswers++;
            fromClient.setUntyped(1);
          }
        } else if (msg[0] === 0x51 /* Q */ || msg[0] === 0x50 /* P */) {
          const sql = msg[0] === 0x51 ? readCString(msg, 5)[0] : readCString(msg, readCString(msg, 5)[1])[0];
          if (/listen|discard/i.test(sql)) noteListenCommands(sql);
        }
        backend.write(msg);
      }
    });

    const noteListenCommands = (sql: string) => {
      const mine = subscriptions.get(client);
      if (!mine) return;
      for (const cmd of listenCommands(sql)) {
        if (cmd.op === 'listen' && cmd.channel !== '*') mine.add(cmd.channel);
        else if (cmd.op === 'unlisten') {
          const gone = cmd.channel === '*' ? [...mine] : [cmd.channel];
          for (const c of gone) mine.delete(c);
          pendingUnlisten.push(...gone);
        }
      }
    };

    backend.on('data', (chunk: Buffer) => {
      let data = chunk;
      // The answer to an SSL/GSS request is one bare byte ('N'), before any framed message.
      while (pendingSslAnswers > 0 && data.length > 0) {
        client.write(data.subarray(0, 1));
        data = data.subarray(1);
        pendingSslAnswers--;
      }
      let messages: { msg: Buffer; typed: boolean }[];
      try {
        messages = fromServer.push(data);
      } catch {
        closeBoth();
        return;
      }
      const forward: Buffer[] = [];
      for (const { msg } of messages) {
        if (msg[0] === 0x41 /* A: NotificationResponse */) {
          const [channel] = readCString(msg, 9);
          for (const s of subscribers(channel)) {
            if (s === client) forward.push(msg);
            else if (s.writable) s.write(msg);
          }
          continue;
        }
        if (msg[0] === 0x5a /* Z: ReadyForQuery */ && pendingUnlisten.length) {
          for (const c of new Set(pendingUnlisten.splice(0))) {
            if (subscribers(c).length > 0) void opts.relisten(c).catch(() => undefined);
          }
        }
        forward.push(msg);
      }
      if (forward.length) client.write(forward.length === 1 ? forward[0] : Buffer.concat(forward));
    });
  });

  server.maxConnections = opts.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.host, () => resolve());
  });
  server.on('error', () => undefined);
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('notify relay: no address');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
