/** The table of playbook runs and their recorded outcomes (Postgres migration 30, issue 13). */
export const PLAYBOOK_RUNS_TABLE = 'ops.roman_playbook_runs';

/** SQL of the Postgres migration that creates the runs table (db/migrations.ts, version 30). */
export const PLAYBOOK_RUNS_SQL = `create table if not exists ${PLAYBOOK_RUNS_TABLE} (
  id uuid primary key,
  playbook text not null,
  pattern_id text,
  trigger text not null default 'manual' check (trigger in ('manual', 'automatic')),
  started_by text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  outcome text check (outcome in ('resolved_automatically', 'resolved_with_help', 'not_resolved')),
  note text,
  detection jsonb not null default '{}',
  checks jsonb not null default '[]',
  actions jsonb not null default '[]',
  constraint roman_playbook_runs_finished_check check ((outcome is null) = (finished_at is null))
);
create index if not exists roman_playbook_runs_playbook_idx on ${PLAYBOOK_RUNS_TABLE} (playbook, started_at);
create index if not exists roman_playbook_runs_pattern_idx on ${PLAYBOOK_RUNS_TABLE} (pattern_id, started_at)`;
