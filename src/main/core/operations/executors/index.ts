/** Every executor by action kind. Reachable only through the gate (operations/gate.ts). */
import type { ExecutableKind } from '../../../../shared/operations';
import type { Executor } from '../types';
import { backupExecutor } from './backup';
import { blockIpExecutor, unblockIpExecutor } from './ip';
import { cancelExecutor, createIndexExecutor, dropIndexExecutor, vacuumExecutor } from './maintenance';
import { migrationExecutor, rollbackExecutor } from './migrate';
import { freezeWritesExecutor, restoreWritesExecutor } from './writes';

export const EXECUTORS: Readonly<Record<ExecutableKind, Executor>> = Object.freeze({
  backup: backupExecutor,
  vacuum: vacuumExecutor,
  freeze_writes: freezeWritesExecutor,
  restore_writes: restoreWritesExecutor,
  cancel_query: cancelExecutor,
  create_index: createIndexExecutor,
  drop_index: dropIndexExecutor,
  block_ip: blockIpExecutor,
  unblock_ip: unblockIpExecutor,
  migration: migrationExecutor,
  rollback: rollbackExecutor,
});
