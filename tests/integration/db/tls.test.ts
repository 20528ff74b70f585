/**
 * TLS modes against real servers: the local Postgres (which offers no TLS) and, for the TLS side, a
 * real TLS-terminating proxy in front of it (answers the SSLRequest with 'S', does the handshake
 * with a test certificate for IP 127.0.0.1, and passes the plain protocol through to Postgres).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { openPool, serverOffersTls, type RomanPool } from '../../../src/main/core/db/connection';
import { connectionProfileSchema, parseConnectionUrl } from '../../../src/shared/connections';

const FIXTURES = join(__dirname, '../../fixtures/tls');
const CERT = join(FIXTURES, 'server.crt');
const KEY = join(FIXTURES, 'server.key');

let db: TestDatabase;
let proxy: net.Server;
let proxyPort = 0;
const opened: RomanPool[] = [];
const track = (p: RomanPool) => (opened.push(p), p);

function withParams(url: string, patch: { host?: string; port?: number; query?: string }): string {
  const u = new URL(url);
  if (patch.host) u.hostname = patch.host;
  if (patch.port) u.port = String(patch.port);
  u.search = patch.query ?? '';
  return u.toString();
}

/** A TLS front for the real Postgres: what a managed Postgres with TLS looks like to the client. */
function startTlsProxy(upstreamHost: string, upstreamPort: number): Promise<net.Server> {
  const key = readFileSync(KEY);
  const cert = readFileSync(CERT);
  const server = net.createServer((socket) => {
    socket.once('data', (first) => {
      const isSslRequest = first.length >= 8 && first.readInt32BE(0) === 8 && first.readInt32BE(4) === 80877103;
      const upstream = net.connect({ host: upstreamHost, port: upstreamPort });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
      if (!isSslRequest) {
        // A plain startup: this stand-in, like a server with ssl=on, still accepts it.
        upstream.write(first);
        socket.pipe(upstream).pipe(socket);
        return;
      }
      socket.write('S');
      const secure = new tls.TLSSocket(socket, { isServer: true, key, cert });
      secure.on('error', () => upstream.destroy());
      upstream.on('close', () => secure.destroy());
      secure.pipe(upstream).pipe(secure);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  db = await createTestDatabase('roman_tls');
  const u = new URL(db.url);
  proxy = await startTlsProxy(u.hostname, Number(u.port || 5432));
  proxyPort = (proxy.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await Promise.all(opened.map((p) => p.close()));
  await new Promise((r) => proxy.close(r));
  await db.drop();
});

describe('TLS modes in URLs and profiles', () => {
  it('a URL without sslmode means prefer, as in libpq; verify-ca keeps its meaning', () => {
    expect(parseConnectionUrl('postgres://u@db/app').tls).toEqual({ mode: 'prefer' });
    expect(parseConnectionUrl('postgres://u@db/app?sslmode=prefer').tls).toEqual({ mode: 'prefer' });
    expect(parseConnectionUrl('postgres://u@db/app?sslmode=allow').tls).toEqual({ mode: 'prefer' });
    expect(parseConnectionUrl('postgres://u@db/app?sslmode=disable').tls).toEqual({ mode: 'disable' });
    expect(parseConnectionUrl('postgres://u@db/app?sslmode=verify-ca&sslrootcert=/ca.pem').tls).toEqual({ mode: 'verify-ca', caPath: '/ca.pem' });
    expect(() => parseConnectionUrl('postgres://u@db/app?sslmode=require&sslrootcert=/ca.pem')).toThrow(/verify-ca or verify-full/);
  });

  it('profiles accept every libpq mode; a CA file only with verify-ca / verify-full', () => {
    const base = { id: 'p', name: 'P', environment: 'staging', hasPassword: false, kind: 'fields', host: 'db', port: 5432, database: 'app', user: 'u' };
    for (const mode of ['prefer', 'disable', 'require', 'verify-ca', 'verify-full']) {
      expect(connectionProfileSchema.safeParse({ ...base, tls: { mode } }).success).toBe(true);
    }
    expect(connectionProfileSchema.safeParse({ ...base, tls: { mode: 'verify-ca', caPath: '/ca.pem' } }).success).toBe(true);
    expect(connectionProfileSchema.safeParse({ ...base, tls: { mode: 'prefer', caPath: '/ca.pem' } }).success).toBe(false);
  });
});

describe('prefer against the local Postgres without TLS', () => {
  it('the server says it offers no TLS', async () => {
    const u = new URL(db.url);
    expect(await serverOffersTls(u.hostname, Number(u.port || 5432))).toBe(false);
  });

  it('the default connects, falling back to a plain connection, and says so', async () => {
    const pool = track(openPool(withParams(db.url, {}), { lazy: true }));
    expect(pool.tlsMode).toBe('prefer');
    expect(pool.tlsUsed).toBeNull();
    const r = await pool.pool.query<{ one: number }>('select 1 as one');
    expect(r.rows[0]!.one).toBe(1);
    expect(pool.state).toBe('connected');
    expect(pool.tlsUsed).toBe('plain');
    const ssl = await pool.pool.query<{ ssl: boolean }>('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
    expect(ssl.rows[0]!.ssl).toBe(false);
  });

  it('require still refuses a server without TLS, with the server’s reason', async () => {
    const pool = track(openPool(withParams(db.url, { query: 'sslmode=require' }), { lazy: true, initialBackoffMs: 60_000 }));
    await expect(pool.pool.query('select 1')).rejects.toThrow(/does not support SSL/);
    expect(pool.tlsUsed).toBeNull();
  });

  it('disable connects in plain text', async () => {
    const pool = track(openPool(withParams(db.url, { query: 'sslmode=disable' }), { lazy: true }));
    await pool.waitUntilConnected();
    expect(pool.tlsUsed).toBe('plain');
  });
});

describe('a server that offers TLS (real TLS proxy in front of Postgres)', () => {
  const viaProxy = (query: string, host = '127.0.0.1') => withParams(db.url, { host, port: proxyPort, query });

  it('prefer uses TLS when the server offers it', async () => {
    expect(await serverOffersTls('127.0.0.1', proxyPort)).toBe(true);
    const pool = track(openPool(viaProxy(''), { lazy: true }));
    const r = await pool.pool.query<{ one: number }>('select 1 as one');
    expect(r.rows[0]!.one).toBe(1);
    expect(pool.tlsUsed).toBe('tls');
  });

  it('require uses TLS without checking the certificate', async () => {
    const pool = track(openPool(viaProxy('sslmode=require'), { lazy: true }));
    await pool.waitUntilConnected();
    expect(pool.tlsUsed).toBe('tls');
  });

  it('verify-ca accepts the certificate signed by the given CA, whatever the host name', async () => {
    const pool = track(openPool(viaProxy(`sslmode=verify-ca&sslrootcert=${encodeURIComponent(CERT)}`, 'localhost'), { lazy: true }));
    await pool.waitUntilConnected();
    expect(pool.tlsUsed).toBe('tls');
  });

  it('verify-full refuses a host name the certificate does not name, and an unknown CA', async () => {
    const wrongHost = track(openPool(viaProxy(`sslmode=verify-full&sslrootcert=${encodeURIComponent(CERT)}`, 'localhost'), { lazy: true, initialBackoffMs: 60_000 }));
    await expect(wrongHost.pool.query('select 1')).rejects.toThrow(/localhost|altnames|IP/i);
    const unknownCa = track(openPool(viaProxy('sslmode=verify-full'), { lazy: true, initialBackoffMs: 60_000 }));
    await expect(unknownCa.pool.query('select 1')).rejects.toThrow(/self[- ]signed|certificate/i);
    const ok = track(openPool(viaProxy(`sslmode=verify-full&sslrootcert=${encodeURIComponent(CERT)}`), { lazy: true }));
    await ok.waitUntilConnected();
    expect(ok.tlsUsed).toBe('tls');
  });
});
