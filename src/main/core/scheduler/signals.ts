/**
 * The LISTEN/NOTIFY fast path: one dedicated client LISTENs on `roman_signals` (the trigger
 * installed by `roman db init` notifies after error/critical/rls_violation inserts). The same
 * session holds the alerting leader lock (a session-level pg_try_advisory_lock), so when an app
 * dies or loses its connection, its leadership is released with it and another app takes over.
 * After a lost connection it reconnects with backoff, LISTENs again, retries the lock and tells
 * the scheduler to catch up (signals sent while it was away are lost by design of NOTIFY).
 */
import type pg from 'pg';

export const SIGNALS_CHANNEL = 'roman_signals';

/** 64-bit FNV-1a of a name as a signed bigint string: the advisory lock key. */
export function advisoryKey(name: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < name.length; i++) {
    h ^= BigInt(name.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return BigInt.asIntN(64, h).toString();
}

export const ALERT_LEADER_LOCK = advisoryKey('roman-desktop:alerts-leader');

export interface Signal {
  table: string | null;
  severity: string | null;
  source: string | null;
  count: number;
}

/** Parses a roman_signals payload; anything malformed is still a signal (of unknown kind). */
export function parseSignal(payload: string | undefined): Signal {
  try {
    const v = JSON.parse(payload ?? '') as Record<string, unknown>;
    const str = (x: unknown) => (typeof x === 'string' ? x.slice(0, 200) : null);
    const count = typeof v.count === 'number' && Number.isFinite(v.count) ? v.count : 1;
    return { table: str(v.table), severity: str(v.severity), source: str(v.source), count };
  } catch {
    return { table: null, severity: null, source: null, count: 1 };
  }
}

export type SignalLinkState = 'connecting' | 'listening' | 'reconnecting' | 'stopped';

export interface SignalLinkOptions {
  /** Hands out the dedicated client (e.g. from a RomanPool of max 1). */
  connect: () => Promise<pg.PoolClient | pg.Client>;
  /** Give the client back (release / end) when it is lost or at stop. */
  dispose: (client: pg.PoolClient | pg.Client, err?: Error) => void | Promise<void>;
  onSignal: (signal: Signal) => void;
  /** Called after every (re)connection, once LISTEN is active. */
  onConnected?: () => void;
  onState?: (state: SignalLinkState) => void;
  onLeaderChange?: (leader: boolean) => void;
  onError?: (err: Error) => void;
  /** Take part in leader election (default true). */
  leaderLock?: boolean;
  lockKey?: string;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export class SignalLink {
  private client: pg.PoolClient | pg.Client | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private backoff: number;
  private leader = false;
  private _state: SignalLinkState = 'connecting';
  private connecting: Promise<void> | null = null;

  constructor(private readonly opts: SignalLinkOptions) {
    this.backoff = opts.initialBackoffMs ?? 500;
  }

  get state(): SignalLinkState {
    return this._state;
  }

  isLeader(): boolean {
    return this.leader;
  }

  start(): Promise<void> {
    this.stopped = false;
    return this.connectOnce();
  }

  /** Tries to become leader if it is not (cheap; called on the scheduler's tick). */
  async tryLead(): Promise<boolean> {
    if (this.leader || !this.client || this.opts.leaderLock === false) return this.leader;
    try {
      const r = await this.client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [
        this.opts.lockKey ?? ALERT_LEADER_LOCK,
      ]);
      this.setLeader(r.rows[0]?.ok === true);
    } catch (err) {
      this.opts.onError?.(err as Error);
    }
    return this.leader;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.connecting) await this.connecting.catch(() => {});
    const c = this.client;
    this.client = null;
    this.setLeader(false);
    this.setState('stopped');
    if (c) {
      c.removeAllListeners('notification');
      try {
        await c.query(`UNLISTEN ${SIGNALS_CHANNEL}`);
        if (this.opts.leaderLock !== false) await c.query('select pg_advisory_unlock_all()');
      } catch {
        // the connection is going away anyway; the session end releases LISTEN and locks
      }
      await this.opts.dispose(c);
    }
  }

  private connectOnce(): Promise<void> {
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      let client: pg.PoolClient | pg.Client | null = null;
      try {
        client = await this.opts.connect();
        if (this.stopped) {
          await this.opts.dispose(client);
          return;
        }
        const c = client;
        c.on('notification', (msg) => {
          if (msg.channel === SIGNALS_CHANNEL) this.opts.onSignal(parseSignal(msg.payload));
        });
        c.on('error', (err) => this.lost(c, err));
        c.on('end', () => this.lost(c, new Error('LISTEN connection closed')));
        await c.query(`LISTEN ${SIGNALS_CHANNEL}`);
        this.client = c;
        this.backoff = this.opts.initialBackoffMs ?? 500;
        this.setState('listening');
        await this.tryLead();
        this.opts.onConnected?.();
      } catch (err) {
        this.opts.onError?.(err as Error);
        if (client) {
          client.removeAllListeners('notification');
          await Promise.resolve(this.opts.dispose(client, err as Error)).catch(() => {});
        }
        this.scheduleReconnect();
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  private lost(c: pg.PoolClient | pg.Client, err: Error): void {
    if (this.client !== c) return;
    this.client = null;
    this.setLeader(false);
    c.removeAllListeners('notification');
    this.opts.onError?.(err);
    void Promise.resolve(this.opts.dispose(c, err)).catch(() => {});
    if (!this.stopped) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    this.setState('reconnecting');
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 30_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connectOnce();
    }, delay);
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.opts.onLeaderChange?.(leader);
  }

  private setState(state: SignalLinkState): void {
    if (state === this._state) return;
    this._state = state;
    this.opts.onState?.(state);
  }
}
