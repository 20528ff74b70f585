/**
 * Alerts handlers: list (firing, pending, silenced, resolved, silences, history, notifier status),
 * acknowledge, silence / unsilence, and the notifier "send test" path. Each change pushes
 * 'alerts.changed'. The alert service is per monitored database; `deps.alerts()` returns the active
 * one, or null while no database is monitored (→ 'unavailable').
 */
import { DomainError } from '../../../shared/result';
import { AlertNotFoundError } from '../alerts/engine';
import type { AlertService } from '../alerts/service';
import { NotifierNotFoundError } from '../notify/notifier';
import type { HandlerRegistry } from './registry';

export interface AlertsHandlerDeps {
  alerts: () => AlertService | null;
}

function serviceOf(deps: AlertsHandlerDeps): AlertService {
  const s = deps.alerts();
  if (!s) throw new DomainError('unavailable', 'alerting is not running: no database is being monitored');
  return s;
}

export function registerAlertsHandlers(registry: HandlerRegistry, deps: AlertsHandlerDeps): void {
  registry.method('alerts.list', () => serviceOf(deps).list());

  registry.method('alerts.acknowledge', (input, ctx) => {
    const s = serviceOf(deps);
    try {
      const alert = s.engine.acknowledge(input.fingerprint, ctx.caller.requestedBy || ctx.caller.channel, ctx.clock.now());
      ctx.emit('alerts.changed', { at: ctx.clock.now().toISOString(), reason: 'acknowledge' });
      return alert;
    } catch (err) {
      if (err instanceof AlertNotFoundError) throw new DomainError('not_found', err.message);
      throw err;
    }
  });

  registry.method('alerts.silence', (input, ctx) => {
    const s = serviceOf(deps);
    for (const m of input.matchers) {
      if (!m.isRegex) continue;
      try {
        new RegExp(m.value);
      } catch {
        throw new DomainError('invalid_input', `matcher ${m.name}: "${m.value.slice(0, 80)}" is not a valid regular expression`, [
          { path: 'matchers', message: 'invalid regular expression' },
        ]);
      }
    }
    const silence = s.engine.addSilence({
      matchers: input.matchers,
      durationMs: input.durationMinutes * 60_000,
      comment: input.comment,
      createdBy: ctx.caller.requestedBy || ctx.caller.channel,
      startsAt: ctx.clock.now(),
    });
    ctx.emit('alerts.changed', { at: ctx.clock.now().toISOString(), reason: 'silence' });
    return silence;
  });

  registry.method('alerts.unsilence', (input, ctx) => {
    const s = serviceOf(deps);
    if (!s.engine.expireSilence(input.id, ctx.clock.now())) throw new DomainError('not_found', `no silence with id ${input.id}`);
    s.tick(ctx.clock.now());
    ctx.emit('alerts.changed', { at: ctx.clock.now().toISOString(), reason: 'silence' });
    return { id: input.id, expired: true as const };
  });

  registry.method('notifiers.test', async (input, ctx) => {
    const s = serviceOf(deps);
    try {
      await s.notifiers.sendTest(input.name);
    } catch (err) {
      if (err instanceof NotifierNotFoundError) throw new DomainError('not_found', err.message);
      throw new DomainError('unavailable', err instanceof Error ? err.message : String(err));
    } finally {
      ctx.emit('alerts.changed', { at: ctx.clock.now().toISOString(), reason: 'notifier' });
    }
    return { name: input.name, sent: true as const };
  });
}
