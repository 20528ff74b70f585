/**
 * The operations tables (Postgres migration 10, issue 9), installed by `roman db init`:
 * - ops.roman_grants: one row per grant (decision, action, parameters hash, target, expiry, use).
 * - ops.roman_executions: one row per execution that passed the gate (running → outcome).
 * - ops.roman_write_freezes: the exact privileges a freeze revoked, restored exactly by restore_writes.
 * - ops.blocked_ips + ops.is_ip_blocked(inet): blocks the monitored app's RLS policies or middleware
 *   can consult (R.O.M.A.N. cannot stop traffic by itself).
 */
export const OPERATIONS_SQL = `create table if not exists ops.roman_grants (
  id uuid primary key,
  decision_id text not null,
  action_kind text not null,
  params jsonb not null,
  params_hash text not null,
  target_server text not null,
  target_database text not null,
  environment text not null,
  requested_by text not null,
  channel text not null,
  plan jsonb not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  used_by text,
  constraint roman_grants_ttl_check check (expires_at > created_at and expires_at <= created_at + interval '1 hour')
);
create index if not exists roman_grants_decision_idx on ops.roman_grants (decision_id);
create table if not exists ops.roman_executions (
  id uuid primary key,
  grant_id uuid not null unique references ops.roman_grants (id),
  decision_id text not null,
  action_kind text not null,
  lock_key text not null,
  started_by text not null,
  channel text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  outcome text check (outcome in ('succeeded', 'failed', 'cancelled')),
  steps jsonb not null default '[]',
  backup jsonb,
  error text,
  constraint roman_executions_finished_check check ((outcome is null) = (finished_at is null))
);
create index if not exists roman_executions_started_idx on ops.roman_executions (started_at desc);
create table if not exists ops.roman_write_freezes (
  id uuid primary key,
  schema_name text not null,
  roles text[] not null,
  privileges jsonb not null,
  frozen_at timestamptz not null default now(),
  frozen_by text not null,
  frozen_grant uuid,
  restored_at timestamptz,
  restored_by text,
  restored_grant uuid
);
create unique index if not exists roman_write_freezes_active_idx on ops.roman_write_freezes (schema_name) where restored_at is null;
create table if not exists ops.blocked_ips (
  id bigserial primary key,
  network cidr not null,
  reason text,
  blocked_by text not null,
  blocked_at timestamptz not null default now(),
  expires_at timestamptz,
  unblocked_at timestamptz,
  unblocked_by text
);
create unique index if not exists blocked_ips_active_idx on ops.blocked_ips (network) where unblocked_at is null;
create or replace function ops.is_ip_blocked(addr inet) returns boolean
language sql stable security definer set search_path = pg_catalog, pg_temp as $fn$
  select exists (
    select 1 from ops.blocked_ips b
     where addr <<= b.network and b.unblocked_at is null and (b.expires_at is null or b.expires_at > now()))
$fn$;
grant usage on schema ops to public;
grant execute on function ops.is_ip_blocked(inet) to public`;
