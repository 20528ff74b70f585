/**
 * Migration executors: apply (each pending file in its own transaction, in version order, its
 * history row written in the same transaction; stop at the first failure, which leaves no trace
 * while earlier ones stay applied) and roll back (each `-- migrate:down` section in its own
 * transaction with the removal of its history row). The grant binds the exact files by checksum:
 * a file edited after the approval is refused.
 */
import type { PlanStep } from '../../../../shared/operations';
import { DomainError } from '../../../../shared/result';
import { HISTORY_TABLE, ensureHistory, migrationsState } from '../migrations/history';
import type { MigrationFile } from '../migrations/files';
import type { Executor } from '../types';

function bound(files: MigrationFile[], versions: string[], checksums: string[]): MigrationFile[] {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  return versions.map((v, k) => {
    const f = byVersion.get(v);
    if (!f) throw new DomainError('invalid_input', `migration ${v} has no file any more`);
    if (f.checksum !== checksums[k]) throw new DomainError('invalid_input', `${f.version}_${f.name} changed since it was approved (checksum differs); request the migration again`);
    return f;
  });
}

export const migrationExecutor: Executor = {
  kind: 'migration',
  destructive: true,
  lockTarget: () => 'migrations',
  async plan(c, params) {
    const state = await migrationsState(c, String(params.dir));
    const files = bound(state.files, params.versions as string[], params.checksums as string[]);
    for (const f of files) {
      const m = state.migrations.find((x) => x.version === f.version);
      if (m?.status !== 'pending') throw new DomainError('invalid_input', `${f.version}_${f.name} is ${m?.status ?? 'unknown'}, not pending`);
    }
    const steps: PlanStep[] = files.map((f) => ({ kind: 'migration_up', title: `Apply ${f.version}_${f.name}`, sql: f.up.trim(), destructive: true }));
    return {
      steps,
      notes: [
        `History: ${HISTORY_TABLE}${state.historyExists ? '' : ' (created on apply)'}. Each migration runs in its own transaction; the first failure stops the run and leaves no trace of that migration.`,
        ...state.warnings,
      ],
      params: { dir: state.dir, versions: files.map((f) => f.version), checksums: files.map((f) => f.checksum) },
    };
  },
  async run(ctx) {
    const state = await migrationsState(ctx.client, String(ctx.params.dir));
    const files = bound(state.files, ctx.params.versions as string[], ctx.params.checksums as string[]);
    await ensureHistory(ctx.client);
    const applied: string[] = [];
    ctx.details.applied = applied;
    for (const f of files) {
      if (ctx.signal.aborted) throw new Error('cancelled');
      await ctx.step('migration_up', `Apply ${f.version}_${f.name}`, async () => {
        await ctx.client.query('begin');
        try {
          const exists = await ctx.client.query(`select 1 from ${HISTORY_TABLE} where version = $1`, [f.version]);
          if (exists.rowCount) throw new Error(`${f.version}_${f.name} was applied meanwhile`);
          await ctx.client.query(f.up);
          await ctx.client.query(`insert into ${HISTORY_TABLE} (version, statements, name) values ($1, $2, $3)`, [f.version, f.upStatements, f.name]);
          await ctx.client.query('commit');
        } catch (err) {
          await ctx.client.query('rollback').catch(() => undefined);
          ctx.details.failed_migration = `${f.version}_${f.name}`;
          throw err;
        }
        applied.push(f.version);
      });
    }
  },
};

export const rollbackExecutor: Executor = {
  kind: 'rollback',
  destructive: true,
  lockTarget: () => 'migrations',
  async plan(c, params) {
    const state = await migrationsState(c, String(params.dir));
    const files = bound(state.files, params.versions as string[], params.checksums as string[]);
    for (const f of files) {
      if (!state.history.some((h) => h.version === f.version)) throw new DomainError('invalid_input', `${f.version}_${f.name} is not applied`);
      if (f.down === null) throw new DomainError('invalid_input', `${f.version}_${f.name} has no "-- migrate:down" section: restore the pre-migration backup instead`);
    }
    return {
      steps: files.map((f) => ({ kind: 'migration_down' as const, title: `Roll back ${f.version}_${f.name}`, sql: (f.down ?? '').trim(), destructive: true })),
      notes: ['Each rollback runs its "-- migrate:down" section and removes its history row in one transaction, newest first.'],
      params: { dir: state.dir, versions: files.map((f) => f.version), checksums: files.map((f) => f.checksum) },
    };
  },
  async run(ctx) {
    const state = await migrationsState(ctx.client, String(ctx.params.dir));
    const files = bound(state.files, ctx.params.versions as string[], ctx.params.checksums as string[]);
    const rolledBack: string[] = [];
    ctx.details.rolled_back = rolledBack;
    for (const f of files) {
      if (ctx.signal.aborted) throw new Error('cancelled');
      await ctx.step('migration_down', `Roll back ${f.version}_${f.name}`, async () => {
        await ctx.client.query('begin');
        try {
          const del = await ctx.client.query(`delete from ${HISTORY_TABLE} where version = $1`, [f.version]);
          if (!del.rowCount) throw new Error(`${f.version}_${f.name} is not applied any more`);
          await ctx.client.query(f.down!);
          await ctx.client.query('commit');
        } catch (err) {
          await ctx.client.query('rollback').catch(() => undefined);
          ctx.details.failed_migration = `${f.version}_${f.name}`;
          throw err;
        }
        rolledBack.push(f.version);
      });
    }
  },
};
