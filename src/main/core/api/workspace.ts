/** Handlers of the workspace: status, open another database, sync now, install R.O.M.A.N.'s tables. */
import { DomainError } from '../../../shared/result';
import type { Workspaces } from '../workspace';
import type { Settings } from '../settings/settings';
import type { HandlerRegistry } from './registry';
import { romanObjects } from '../db/test-connection';

export function registerWorkspaceHandlers(registry: HandlerRegistry, workspaces: Workspaces, settings: Settings): void {
  registry.method('workspace.status', () => workspaces.status());

  registry.method('workspace.open', async (input) => {
    try {
      await (input.profileId === null ? workspaces.openSample() : workspaces.openProfile(input.profileId));
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw new DomainError('unavailable', err instanceof Error ? err.message : String(err));
    }
    settings.setPreferences({ activeProfileId: input.profileId });
    return workspaces.status();
  });

  registry.method('workspace.syncNow', () => workspaces.require().syncNow());

  registry.method('workspace.installPlan', async () => {
    const ws = workspaces.require();
    try {
      return { target: ws.db.description, objects: await romanObjects(ws.db.pool) };
    } catch (err) {
      throw new DomainError('unavailable', `Cannot read what is installed: ${ws.db.redactError(err).message}`);
    }
  });

  registry.method('workspace.initDatabase', async () => {
    const report = await workspaces.require().initDatabase();
    return { created: report.created, existing: report.existing, warnings: report.warnings };
  });
}
