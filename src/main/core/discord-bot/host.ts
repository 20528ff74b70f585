/**
 * Exactly one bot per database: the app (or `roman bot`) that holds a session-level advisory lock
 * on its own connection hosts the Discord bot; the others stand by and show who hosts it. The
 * connection's application_name says who it is ("roman-bot <label>"), so a standby reads the holder
 * from pg_locks + pg_stat_activity. When the host quits or its connection dies, Postgres releases
 * the lock and the next standby takes over on its next poll (handover).
 */
import type pg from 'pg';
import { advisoryKey } from '../scheduler/signals';

export const BOT_HOST_LOCK = advisoryKey('roman-desktop:discord-bot-host');
export const BOT_APPLICATION_PREFIX = 'roman-bot ';

export interface BotHostInfo {
  /** The holder's label (host:pid of `roman bot`, or the desktop's name), or null when unknown. */
  label: string | null;
  pid: number;
  since: string | null;
}

export type HostRole = { role: 'host' } | { role: 'standby'; host: BotHostInfo | null } | { role: 'unknown'; reason: string };

/** pg_locks spells a bigint advisory key as classid (high 32 bits) and objid (low 32 bits). */
function lockParts(key: string): { classid: string; objid: string } {
  const k = BigInt.asUintN(64, BigInt(key));
  return { classid: (k >> 32n).toString(), objid: (k & 0xffffffffn).toString() };
}

/** Who holds the bot lock right now (null: nobody). */
export async function currentBotHost(db: pg.Pool | pg.ClientBase, key = BOT_HOST_LOCK): Promise<BotHostInfo | null> {
  const { classid, objid } = lockParts(key);
  const r = await db.query<{ pid: number; application_name: string | null; backend_start: Date | null }>(
    `select l.pid, a.application_name, a.backend_start
       from pg_locks l left join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.classid = $1::oid and l.objid = $2::oid and l.objsubid = 1
        and l.database = (select oid from pg_database where datname = current_database())
      limit 1`,
    [classid, objid],
  );
  const row = r.rows[0];
  if (!row) return null;
  const app = row.application_name ?? '';
  return {
    pid: row.pid,
    label: app.startsWith(BOT_APPLICATION_PREFIX) ? app.slice(BOT_APPLICATION_PREFIX.length) : null,
    since: row.backend_start ? row.backend_start.toISOString() : null,
  };
}

export function describeHost(host: BotHostInfo | null): string {
  if (!host) return 'nobody (the lock is free)';
  return `${host.label ?? 'another R.O.M.A.N. app'} (Postgres pid ${host.pid}${host.since ? `, since ${host.since}` : ''})`;
}

export interface BotHostElectionOptions {
  /** A dedicated connection whose application_name is `roman-bot <label>` (kept for the lock's lifetime). */
  connect: () => Promise<pg.PoolClient | pg.Client>;
  dispose: (client: pg.PoolClient | pg.Client, err?: Error) => void | Promise<void>;
  onRole: (role: HostRole) => void | Promise<void>;
  pollMs?: number;
  key?: string;
}

/**
 * Polls for the lock. `onRole` is called on every change: host (start the bot), standby (stop it,
 * show who hosts), unknown (the database is unreachable: stop it — no bot without the lock).
 */
export class BotHostElection {
  private client: pg.PoolClient | pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private last = '';
  private running: Promise<void> | null = null;
  private role: HostRole = { role: 'unknown', reason: 'not started' };

  constructor(private readonly opts: BotHostElectionOptions) {}

  get current(): HostRole {
    return this.role;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running.catch(() => undefined);
    const c = this.client;
    this.client = null;
    if (c) {
      try {
        await c.query('select pg_advisory_unlock($1::bigint)', [this.opts.key ?? BOT_HOST_LOCK]);
      } catch {
        // the session end releases it anyway
      }
      await Promise.resolve(this.opts.dispose(c)).catch(() => undefined);
    }
    await this.setRole({ role: 'unknown', reason: 'stopped' });
  }

  /** One election round now (also what the poll runs). */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.round().finally(() => {
      this.running = null;
      if (!this.stopped) {
        this.timer = setTimeout(() => void this.tick(), this.opts.pollMs ?? 5000);
        this.timer.unref?.();
      }
    });
    return this.running;
  }

  private async round(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.client) {
        const c = await this.opts.connect();
        c.on('error', (err) => void this.lost(c, err));
        this.client = c;
      }
      const c = this.client;
      if (this.role.role === 'host') {
        await c.query('select 1');
        return;
      }
      const r = await c.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [this.opts.key ?? BOT_HOST_LOCK]);
      if (r.rows[0]?.ok === true) await this.setRole({ role: 'host' });
      else await this.setRole({ role: 'standby', host: await currentBotHost(c, this.opts.key) });
    } catch (err) {
      const c = this.client;
      if (c) await this.lost(c, err as Error);
      else await this.setRole({ role: 'unknown', reason: (err as Error).message });
    }
  }

  private async lost(c: pg.PoolClient | pg.Client, err: Error): Promise<void> {
    if (this.client !== c) return;
    this.client = null;
    await Promise.resolve(this.opts.dispose(c, err)).catch(() => undefined);
    await this.setRole({ role: 'unknown', reason: `lost the database connection: ${err.message}` });
  }

  private async setRole(role: HostRole): Promise<void> {
    const key = JSON.stringify(role);
    if (key === this.last) return;
    this.last = key;
    this.role = role;
    await this.opts.onRole(role);
  }
}
