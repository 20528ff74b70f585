/**
 * Block / unblock an IP (the manual's Security Breach protocol). R.O.M.A.N. cannot stop traffic
 * itself: it records the block in ops.blocked_ips, and the monitored app's RLS policies or
 * middleware enforce it by calling `ops.is_ip_blocked(inet)` — the plan says so.
 */
import type pg from 'pg';
import { DomainError } from '../../../../shared/result';
import type { Executor } from '../types';
import { quoteLiteral } from './sql';

const HONEST_NOTE =
  'R.O.M.A.N. records the block in ops.blocked_ips; it takes effect only where the app checks it: an RLS policy or middleware calling ops.is_ip_blocked(<client ip>) (e.g. `using (not ops.is_ip_blocked(inet_client_addr()))`, or the X-Forwarded-For address in your API).';

async function activeBlock(c: pg.ClientBase | pg.Pool, ip: string): Promise<{ id: string; blocked_at: string; blocked_by: string; network: string } | null> {
  const r = await c.query<{ id: string; blocked_at: string; blocked_by: string; network: string }>(
    `select id::text, blocked_at::text, blocked_by, network::text from ops.blocked_ips where network = network($1::inet) and unblocked_at is null`,
    [ip],
  );
  return r.rows[0] ?? null;
}

async function checkIp(c: pg.ClientBase | pg.Pool, ip: string): Promise<string> {
  try {
    const r = await c.query<{ n: string }>('select network($1::inet)::text as n', [ip]);
    return r.rows[0].n;
  } catch {
    throw new DomainError('invalid_input', `"${ip}" is not an IP address or network Postgres accepts`);
  }
}

export const blockIpExecutor: Executor = {
  kind: 'block_ip',
  destructive: false,
  lockTarget: (p) => `ip:${String(p.ip)}`,
  async plan(c, params) {
    const ip = String(params.ip);
    const network = await checkIp(c, ip);
    const active = await activeBlock(c, ip);
    if (active) throw new DomainError('invalid_input', `${network} is already blocked (since ${active.blocked_at}, by ${active.blocked_by})`);
    const reason = typeof params.reason === 'string' ? params.reason : null;
    return {
      steps: [
        {
          kind: 'block_ip',
          title: `Block ${network}`,
          sql: `INSERT INTO ops.blocked_ips (network, reason, blocked_by) VALUES (network(${quoteLiteral(ip)}::inet), ${reason === null ? 'NULL' : quoteLiteral(reason)}, <requester>)`,
          destructive: false,
        },
      ],
      notes: [HONEST_NOTE],
    };
  },
  async run(ctx) {
    const ip = String(ctx.params.ip);
    const step = ctx.plan.steps[ctx.plan.steps.length - 1];
    await ctx.step('block_ip', step.title, async () => {
      await ctx.client.query(`insert into ops.blocked_ips (network, reason, blocked_by) values (network($1::inet), $2, $3)`, [
        ip,
        typeof ctx.params.reason === 'string' ? ctx.params.reason : null,
        ctx.requestedBy,
      ]);
      ctx.details.enforcement = HONEST_NOTE;
    });
  },
};

export const unblockIpExecutor: Executor = {
  kind: 'unblock_ip',
  destructive: false,
  lockTarget: (p) => `ip:${String(p.ip)}`,
  async plan(c, params) {
    const ip = String(params.ip);
    const network = await checkIp(c, ip);
    const active = await activeBlock(c, ip);
    if (!active) throw new DomainError('invalid_input', `${network} is not blocked`);
    return {
      steps: [
        {
          kind: 'unblock_ip',
          title: `Unblock ${network} (blocked since ${active.blocked_at} by ${active.blocked_by})`,
          sql: `UPDATE ops.blocked_ips SET unblocked_at = now(), unblocked_by = <requester> WHERE network = network(${quoteLiteral(ip)}::inet) AND unblocked_at IS NULL`,
          destructive: false,
        },
      ],
      notes: [HONEST_NOTE],
    };
  },
  async run(ctx) {
    const step = ctx.plan.steps[ctx.plan.steps.length - 1];
    await ctx.step('unblock_ip', step.title, async () => {
      const r = await ctx.client.query(
        `update ops.blocked_ips set unblocked_at = now(), unblocked_by = $2 where network = network($1::inet) and unblocked_at is null`,
        [String(ctx.params.ip), ctx.requestedBy],
      );
      if (!r.rowCount) throw new Error(`${String(ctx.params.ip)} is not blocked any more`);
    });
  },
};
