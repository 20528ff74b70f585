/**
 * Handlers of maintenance runbooks and emergency protocols. Every step that changes the database is
 * asked of the operations gate (OperationsPort); reports and incidents are read from the cache.
 */
import { DomainError } from '../../../shared/result';
import type { HandlerRegistry } from './registry';
import type { RunbookService } from '../runbooks/service';
import { reportMarkdown, runbookStatus } from '../runbooks';
import { PROTOCOL_DEFS, phaseClocks, postMortemMarkdown, protocolDef } from '../emergency';
import type { Incident } from '../../../shared/emergency';
import type { IncidentView } from '../../../shared/api/runbooks';
import type { Clock } from '../clock';

export interface RunbooksHandlerDeps {
  service: RunbookService;
  clock: Clock;
}

function view(incident: Incident, clock: Clock): IncidentView {
  return { incident, clocks: phaseClocks(incident, clock.now()), protocol: protocolDef(incident.protocol) };
}

export function registerRunbooksHandlers(registry: HandlerRegistry, deps: RunbooksHandlerDeps): void {
  const { service, clock } = deps;

  registry.method('runbooks.status', async () => {
    const b = await service.require();
    const statuses = await runbookStatus(b.pool.pool, service.settings().schedules, clock);
    return { statuses, running: service.progress, autoRun: service.settings().autoRun, sample: b.sample };
  });

  registry.method('runbooks.run', async (input, ctx) => {
    const b = await service.require();
    const o = await b.runner.run({ runbook: input.runbook, trigger: 'manual', requestedBy: ctx.caller.requestedBy, channel: 'ui', standing: false });
    if (!o.ran) throw new DomainError('conflict', `Not run: ${o.detail}`);
    ctx.emit('runbooks.finished', { id: o.report.id, runbook: o.report.runbook, status: o.report.status, late: o.report.late });
    return o.report;
  });

  registry.method('runbooks.reports', async (input) => (await service.require()).store.listReports({ runbook: input.runbook, limit: input.limit }));

  registry.method('runbooks.report', async (input) => {
    const report = (await service.require()).store.getReport(input.id);
    if (!report) throw new DomainError('not_found', `No report ${input.id}`);
    return { report, markdown: reportMarkdown(report) };
  });

  registry.method('runbooks.settings', () => service.settings());
  registry.method('runbooks.setSettings', (input) => service.setSettings(input));

  registry.method('emergency.protocols', () => Object.values(PROTOCOL_DEFS));

  registry.method('emergency.start', async (input, ctx) => {
    const b = await service.require();
    const incident = await b.desk.start({ protocol: input.protocol ?? '', openedBy: ctx.caller.requestedBy, alert: input.alert ?? null });
    return view(incident, clock);
  });

  registry.method('emergency.incidents', async (input) => (await service.require()).store.listIncidents(input.limit));

  const incidentOf = async (id: string) => {
    const inc = (await service.require()).desk.get(id);
    if (!inc) throw new DomainError('not_found', `No incident ${id}`);
    return inc;
  };

  registry.method('emergency.incident', async (input) => view(await incidentOf(input.id), clock));
  registry.method('emergency.act', async (input, ctx) => view(await (await service.require()).desk.act(input.id, input.step, input.params, ctx.caller.requestedBy), clock));
  registry.method('emergency.tick', async (input, ctx) =>
    view(await (await service.require()).desk.tick(input.id, input.step, input.done, input.note, ctx.caller.requestedBy), clock),
  );
  registry.method('emergency.close', async (input, ctx) => view(await (await service.require()).desk.close(input.id, ctx.caller.requestedBy, input.note), clock));
  registry.method('emergency.postMortem', async (input) => {
    const inc = await incidentOf(input.id);
    return { markdown: postMortemMarkdown(inc, clock.now()), filename: `post-mortem-${inc.protocol}-${inc.openedAt.slice(0, 10)}-${inc.id.slice(0, 8)}.md` };
  });
}
