/**
 * Handler registry: the single place where calls from the UI enter the core (ARCHITECTURE.md §2).
 * Each domain registers its handlers with `registry.method(name, fn)` (duplicates throw). `dispatch`
 * validates the input against the contract's zod schema, runs the handler and turns whatever it
 * throws into a typed error result. Both the Electron IPC registration and the browser host call
 * `dispatch`, so they behave identically.
 */
import { ZodError, type ZodType } from 'zod';
import {
  handlerInputs,
  isHandlerName,
  type HandlerName,
  type HandlerOutput,
  type HandlerParsedInput,
} from '../../../shared/api';
import { DomainError, type ApiError, type Result } from '../../../shared/result';
import type { CoreContext } from '../context';

export type Handler<K extends HandlerName> = (
  input: HandlerParsedInput<K>,
  ctx: CoreContext,
) => Promise<HandlerOutput<K>> | HandlerOutput<K>;

export class HandlerRegistry {
  private readonly handlers = new Map<HandlerName, Handler<HandlerName>>();

  method<K extends HandlerName>(name: K, fn: Handler<K>): void {
    if (!isHandlerName(name)) throw new Error(`"${String(name)}" is not declared in src/shared/api.ts`);
    if (this.handlers.has(name)) throw new Error(`handler "${name}" is registered twice`);
    this.handlers.set(name, fn as unknown as Handler<HandlerName>);
  }

  has(name: HandlerName): boolean {
    return this.handlers.has(name);
  }

  names(): HandlerName[] {
    return [...this.handlers.keys()];
  }

  async dispatch(name: unknown, rawInput: unknown, ctx: CoreContext): Promise<Result<unknown>> {
    if (!isHandlerName(name) || !this.handlers.has(name)) {
      return { ok: false, error: { code: 'unknown_handler', message: `Unknown handler: ${String(name).slice(0, 80)}` } };
    }
    const parsed = (handlerInputs as Record<string, ZodType>)[name].safeParse(rawInput ?? {});
    if (!parsed.success) return { ok: false, error: zodToApiError(parsed.error) };
    try {
      const handler = this.handlers.get(name)!;
      const value = await handler(parsed.data as HandlerParsedInput<HandlerName>, ctx);
      return { ok: true, value };
    } catch (err) {
      return { ok: false, error: toApiError(err) };
    }
  }
}

export function zodToApiError(err: ZodError): ApiError {
  const issues = err.issues.map((i) => ({ path: i.path.map(String).join('.') || '(input)', message: i.message }));
  return {
    code: 'invalid_input',
    message: 'Invalid input: ' + issues.map((i) => `${i.path}: ${i.message}`).join('; '),
    issues,
  };
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof DomainError) {
    return { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) };
  }
  if (err instanceof ZodError) return zodToApiError(err);
  // Never leak stacks or driver internals to the UI; the message is enough to act on.
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: message.slice(0, 500) };
}
