/**
 * Database connections: `openPool` turns a connection profile or URL into a `RomanPool` — a pg.Pool
 * (small by default: monitoring needs two connections, not twenty) with application_name
 * 'roman-desktop', a connect timeout and statement/lock timeouts set as connection options.
 *
 * It never lets a dropped connection crash the process: pool 'error' events and every client's
 * 'error' events are handled. It tracks a connection state (connecting → connected → reconnecting →
 * down) with 'state' events and the last error (password redacted), and after a failure it probes
 * the server with `select 1` on an exponential backoff until it answers again.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';
import {
  ConnectionConfigError,
  describeTarget,
  parseConnectionUrl,
  profileTarget,
  redactSecrets,
  type ConnectionProfile,
  type ConnectionTarget,
  type TlsMode,
  type TlsUsed,
} from '../../../shared/connections';

export type PoolState = 'connecting' | 'connected' | 'reconnecting' | 'down';

export const APPLICATION_NAME = 'roman-desktop';

/** Failed probes after a lost connection before the state says 'down' rather than 'reconnecting'. */
const RECONNECTING_PROBES = 3;

export interface OpenPoolOptions {
  /** Maximum connections (default 2). */
  max?: number;
  /** Password for a profile (string or resolver, e.g. safeStorage). Ignored when the URL carries one. */
  password?: string | (() => string | Promise<string>);
  connectionTimeoutMillis?: number;
  /** statement_timeout in ms, set at connection start (default 30 s; 0 = none). */
  statementTimeoutMs?: number;
  /** lock_timeout in ms (default 5 s; 0 = none). */
  lockTimeoutMs?: number;
  /** Close connections idle for this long (default 30 s). */
  idleTimeoutMillis?: number;
  applicationName?: string;
  /** First retry delay after a failure (default 500 ms), doubled up to maxBackoffMs (default 30 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** While connected, probe every heartbeatMs to notice a dead server before a user query does (0 = off, default). */
  heartbeatMs?: number;
  /** Do not probe at open (state stays 'connecting' until the first use or `probe()`). Default false. */
  lazy?: boolean;
}

export interface PoolError {
  message: string;
  code?: string;
  at: string;
}

export interface StateChange {
  state: PoolState;
  previous: PoolState;
  error: PoolError | null;
}

/** Error codes that mean "the connection or the server went away" rather than "your SQL failed". */
const CONNECTION_ERROR_CODES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, server stop)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

export function isConnectionError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: string; message?: string };
  if (e.code && CONNECTION_ERROR_CODES.has(e.code)) return true;
  const m = e.message ?? '';
  return /Connection terminated|connection timeout|timeout expired|Client has encountered a connection error|not queryable|ECONNREFUSED|ECONNRESET|EPIPE|terminating connection|socket hang up/i.test(
    m,
  );
}

export function resolveTarget(source: ConnectionProfile | string): ConnectionTarget {
  return typeof source === 'string' ? parseConnectionUrl(source) : profileTarget(source);
}

function readCa(target: ConnectionTarget): string | undefined {
  if (!target.tls.caPath) return undefined;
  try {
    return readFileSync(target.tls.caPath, 'utf8');
  } catch (err) {
    throw new ConnectionConfigError(
      `cannot read the TLS CA file ${target.tls.caPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** The TLS options pg gets for a mode (prefer: the TLS options, used only when the server offers TLS). */
export function tlsOptions(target: ConnectionTarget): false | ConnectionOptions {
  switch (target.tls.mode) {
    case 'disable':
      return false;
    case 'prefer':
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca': {
      // The chain must lead to the CA; the host name is not compared (libpq's verify-ca).
      const opts: ConnectionOptions = { rejectUnauthorized: true, checkServerIdentity: () => undefined };
      const ca = readCa(target);
      if (ca) opts.ca = ca;
      return opts;
    }
    case 'verify-full': {
      // pg sets servername (SNI, host name check) from the host; an IP is checked against the certificate's IPs.
      const opts: ConnectionOptions = { rejectUnauthorized: true };
      const ca = readCa(target);
      if (ca) opts.ca = ca;
      return opts;
    }
  }
}

const SSL_REQUEST_CODE = 80877103;

/**
 * Asks the server whether it offers TLS, as libpq's `prefer` does: an SSLRequest packet, answered
 * 'S' (yes) or 'N' (no). With 'S' the TLS handshake is completed and the socket closed (so the server
 * logs nothing); the caller then connects with TLS. Rejects when the server cannot be reached.
 */
export function serverOffersTls(host: string, port: number, timeoutMs = 5000): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const socket = host.startsWith('/') ? net.connect(`${host}/.s.PGSQL.${port}`) : net.connect({ host, port });
    let settled = false;
    const done = (err: Error | null, value?: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve(value as boolean);
    };
    const timer = setTimeout(() => done(Object.assign(new Error('timeout expired while asking the server about TLS'), { code: 'ETIMEDOUT' })), timeoutMs);
    socket.once('error', (err) => done(err));
    socket.once('connect', () => {
      const packet = Buffer.alloc(8);
      packet.writeInt32BE(8, 0);
      packet.writeInt32BE(SSL_REQUEST_CODE, 4);
      socket.write(packet);
    });
    socket.once('data', (data) => {
      const answer = String.fromCharCode(data[0] ?? 0);
      if (answer === 'N') {
        socket.end();
        done(null, false);
      } else if (answer === 'S') {
        socket.removeAllListeners('data');
        const secure = tls.connect({ socket, rejectUnauthorized: false, servername: net.isIP(host) ? undefined : host });
        secure.once('secureConnect', () => {
          secure.end();
          done(null, true);
        });
        // The server said yes; a failed handshake shows up (with its reason) on the real connection.
        secure.once('error', () => done(null, true));
      } else {
        done(Object.assign(new Error(`unexpected answer to the TLS request: ${JSON.stringify(answer)}`), { code: '08P01' }));
      }
    });
  });
}

/** A pg.Client class that decides TLS before connecting (`prefer`): the decision is asked of `decide`. */
function negotiatingClient(decide: () => Promise<false | ConnectionOptions>): typeof pg.Client {
  class NegotiatingClient extends pg.Client {
    // pg.Pool calls connect(callback); callers may use the promise form.
    override connect(): Promise<pg.Client>;
    override connect(callback: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): void;
    override connect(callback?: unknown): Promise<pg.Client> | void {
      const run = async () => {
        const ssl = await decide();
        const self = this as unknown as { ssl: unknown; connection: { ssl: unknown }; connectionParameters: { ssl: unknown } };
        self.ssl = ssl;
        self.connection.ssl = ssl;
        self.connectionParameters.ssl = ssl;
        await super.connect();
        return this;
      };
      const p = run();
      if (callback) {
        const cb = callback as unknown as (err: Error | null, client?: pg.Client) => void;
        p.then(
          () => cb(null, this),
          (err: Error) => cb(err),
        );
        return;
      }
      return p;
    }
  }
  return NegotiatingClient as unknown as typeof pg.Client;
}

/** A pg.Pool with a connection state, automatic recovery and redacted errors. */
export class RomanPool extends EventEmitter {
  readonly pool: pg.Pool;
  /** postgres://user@host:port/db — safe to display and log. */
  readonly description: string;
  private _state: PoolState = 'connecting';
  private _lastError: PoolError | null = null;
  private readonly secrets: string[] = [];
  private closed = false;
  private probing: Promise<boolean> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  private failedProbes = 0;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly heartbeatMs: number;
  /** The TLS mode asked for. */
  readonly tlsMode: TlsMode;
  private _tlsUsed: TlsUsed = null;
  /** prefer: the decision for new connections (null = ask the server at the next connect). */
  private preferDecision: Promise<false | ConnectionOptions> | null = null;

  constructor(target: ConnectionTarget, opts: OpenPoolOptions = {}) {
    super();
    this.description = describeTarget(target);
    this.tlsMode = target.tls.mode;
    this.initialBackoffMs = opts.initialBackoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.backoffMs = this.initialBackoffMs;
    this.heartbeatMs = opts.heartbeatMs ?? 0;
    if (target.password) this.secrets.push(target.password);
    const password = target.password ?? opts.password;
    if (typeof password === 'string' && password) this.secrets.push(password);
    const passwordOption =
      typeof password === 'function'
        ? async () => {
            const p = await password();
            if (p && !this.secrets.includes(p)) this.secrets.push(p);
            return p;
          }
        : password;
    const statementTimeout = opts.statementTimeoutMs ?? 30_000;
    const lockTimeout = opts.lockTimeoutMs ?? 5_000;
    const config: pg.PoolConfig = {
      host: target.host,
      port: target.port,
      database: target.database,
      user: target.user,
      password: passwordOption,
      ssl: target.tls.mode === 'prefer' ? false : tlsOptions(target),
      max: opts.max ?? 2,
      idleTimeoutMillis: opts.idleTimeoutMillis ?? 30_000,
      connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 5_000,
      application_name: opts.applicationName ?? APPLICATION_NAME,
      allowExitOnIdle: true,
    };
    if (statementTimeout > 0) config.statement_timeout = statementTimeout;
    if (lockTimeout > 0) config.lock_timeout = lockTimeout;
    if (target.tls.mode === 'prefer') {
      const tlsOpts = tlsOptions(target);
      const timeout = config.connectionTimeoutMillis ?? 5000;
      config.Client = negotiatingClient(() => {
        this.preferDecision ??= serverOffersTls(target.host, target.port, timeout).then(
          (offered) => (offered ? tlsOpts : false),
          (err: unknown) => {
            this.preferDecision = null; // ask again next time
            throw err;
          },
        );
        return this.preferDecision;
      });
    }
    this.pool = new pg.Pool(config);
    // An idle client whose connection dies (server restart, pg_terminate_backend, network drop).
    this.pool.on('error', (err) => this.onConnectionLost(err));
    // A checked-out client whose connection dies: without a listener, Node would throw.
    this.pool.on('connect', (client) => {
      client.on('error', (err) => this.onConnectionLost(err));
      this._tlsUsed = (client as unknown as { ssl?: unknown }).ssl ? 'tls' : 'plain';
      // A new connection succeeded: the server is reachable, whoever asked for it.
      if (!this.closed && this._state !== 'connected') {
        this.backoffMs = this.initialBackoffMs;
        this.failedProbes = 0;
        this.setState('connected', null);
        this.scheduleHeartbeat();
      }
    });
    if (!opts.lazy) void this.probe();
  }

  get state(): PoolState {
    return this._state;
  }

  get lastError(): PoolError | null {
    return this._lastError;
  }

  /** What the newest connection used: 'tls', 'plain', or null before the first connection. */
  get tlsUsed(): TlsUsed {
    return this._tlsUsed;
  }

  /** Masks this pool's password (and URL passwords) in any text. */
  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  /** An Error whose message is safe to show: the password is masked. */
  redactError(err: unknown): Error {
    const e = err instanceof Error ? err : new Error(String(err));
    const safe = new Error(this.redact(e.message));
    (safe as Error & { code?: string }).code = (e as { code?: string }).code;
    safe.name = e.name;
    return safe;
  }

  /**
   * Runs `select 1`. Updates the state: connected on success; on failure reconnecting/down and a
   * retry is scheduled with backoff. Concurrent calls share one probe.
   */
  probe(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.probing) return this.probing;
    this.probing = (async () => {
      try {
        await this.pool.query('select 1');
        this.backoffMs = this.initialBackoffMs;
        this.failedProbes = 0;
        this.setState('connected', null);
        this.scheduleHeartbeat();
        return true;
      } catch (err) {
        this.recordError(err);
        this.failedProbes += 1;
        const stillReconnecting =
          (this._state === 'connected' || this._state === 'reconnecting') && this.failedProbes < RECONNECTING_PROBES;
        this.setState(stillReconnecting ? 'reconnecting' : 'down', this._lastError);
        this.scheduleRetry();
        return false;
      } finally {
        this.probing = null;
      }
    })();
    return this.probing;
  }

  /** Resolves once connected, or rejects with the last (redacted) error after timeoutMs. */
  async waitUntilConnected(timeoutMs = 10_000): Promise<void> {
    if (this._state === 'connected') return;
    const ok = await this.probe();
    if (ok) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('state', onState);
        reject(this.unavailableError());
      }, timeoutMs);
      const onState = (change: StateChange) => {
        if (change.state === 'connected') {
          clearTimeout(timer);
          this.off('state', onState);
          resolve();
        }
      };
      this.on('state', onState);
    });
  }

  /** A clear, redacted "database unreachable" error for callers. */
  unavailableError(): Error {
    const reason = this._lastError ? `: ${this._lastError.message}` : '';
    const err = new Error(`database ${this.description} is unreachable${reason}`);
    (err as Error & { code?: string }).code = this._lastError?.code ?? 'UNAVAILABLE';
    return err;
  }

  /**
   * Tells the pool that a query failed; when it is a connection failure, the state moves to
   * reconnecting and probing starts. Returns the redacted error for rethrowing.
   */
  noteFailure(err: unknown): Error {
    if (isConnectionError(err)) this.onConnectionLost(err);
    return this.redactError(err);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.retryTimer = null;
    this.heartbeatTimer = null;
    try {
      await this.pool.end();
    } catch {
      // ending an already-broken pool: nothing left to release
    }
    this.removeAllListeners('state');
  }

  private onConnectionLost(err: unknown): void {
    if (this.closed) return;
    // prefer: the server may come back with a different TLS setting; ask again.
    this.preferDecision = null;
    this.recordError(err);
    if (this._state === 'connected' || this._state === 'connecting') {
      this.setState(this._state === 'connected' ? 'reconnecting' : this._state, this._lastError);
    }
    this.scheduleRetry(true);
  }

  private recordError(err: unknown): void {
    const e = err as { message?: string; code?: string } | undefined;
    const message = this.redact(e?.message ? e.message : String(err)) || 'unknown error';
    this._lastError = { message, code: e?.code, at: new Date().toISOString() };
    this.emit('problem', this._lastError);
  }

  private setState(state: PoolState, error: PoolError | null): void {
    if (state === this._state) return;
    const previous = this._state;
    this._state = state;
    if (state !== 'connected' && this.heartbeatTimer) {
      clearTimeout(this.heartbeatTimer);
      this.heartbeatTimer = null;
    }
    const change: StateChange = { state, previous, error };
    this.emit('state', change);
  }

  private scheduleRetry(immediate = false): void {
    if (this.closed || this.retryTimer) return;
    const delay = immediate ? 0 : this.backoffMs;
    if (!immediate) this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.probe();
    }, delay);
    this.retryTimer.unref();
  }

  private scheduleHeartbeat(): void {
    if (this.closed || this.heartbeatMs <= 0 || this.heartbeatTimer) return;
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = null;
      void this.probe();
    }, this.heartbeatMs);
    this.heartbeatTimer.unref();
  }
}

/**
 * Opens a pool for a profile or a URL. Throws ConnectionConfigError (clear message, no password)
 * for an invalid URL/profile; connection problems show up in `state`/`lastError`, never as a crash.
 */
export function openPool(profile: ConnectionProfile | string, opts: OpenPoolOptions = {}): RomanPool {
  return new RomanPool(resolveTarget(profile), opts);
}
