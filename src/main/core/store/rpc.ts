/**
 * A small typed RPC between a thread that owns some objects (the cache worker) and one that calls
 * them (the main thread). The protocol is not written by hand: the served objects' classes ARE the
 * protocol. `Services` maps a name to a class instance; a call is (service, method, args) with types
 * derived from the class (`RpcCall<S>`), and the caller sees `Remote<S>`: every method of every
 * service with the same parameters, returning a Promise of the same (awaited) result.
 *
 * Values cross by structured clone (no functions, no class instances with behaviour). Methods that
 * take callbacks, streams or closures cannot cross: the client omits them from its type and offers
 * its own local replacement (see cache-client.ts). Errors cross as {name, message, props} and are
 * rebuilt as the same class when the client knows it (CacheInputError …), so `instanceof` still works.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function, as in Parameters<>
type AnyFn = (...args: any[]) => unknown;

/** Names of the (public) methods of T. */
export type MethodName<T> = { [K in keyof T]-?: T[K] extends AnyFn ? K : never }[keyof T] & string;

/** T's methods, each returning a Promise of what it returned (awaited). */
export type Promisified<T> = {
  [K in MethodName<T>]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** The client's view of a set of served objects. */
export type Remote<S> = { [K in keyof S & string]: Promisified<S[K]> };

/** One call, typed from the served classes: service name, method name, its argument tuple. */
export type RpcCall<S> = {
  [K in keyof S & string]: {
    [M in MethodName<S[K]>]: { service: K; method: M; args: S[K][M] extends AnyFn ? Parameters<S[K][M]> : never };
  }[MethodName<S[K]>];
}[keyof S & string];

export interface SerializedError {
  name: string;
  message: string;
  /** Own enumerable data properties (e.g. a path, a code). */
  props: Record<string, unknown>;
}

/** main → worker */
export type ToWorker<S> =
  | ({ type: 'call'; id: number; /** The caller's clock (ms), for a worker serving a fake clock. */ now: number } & RpcCall<S>)
  | { type: 'stream-ack'; id: number; abort?: boolean }
  | { type: 'close' };

/** worker → main */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'open-failed'; error: SerializedError }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'chunk'; id: number; data: string; rows: number; bytes: number }
  | { type: 'event'; name: string; payload: unknown }
  | { type: 'closed' };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(err)) {
      if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) props[k] = v;
    }
    return { name: err.name, message: err.message, props };
  }
  return { name: 'Error', message: String(err), props: {} };
}

/** Error classes the client rebuilds by name (everything else becomes an Error with that name). */
export type ErrorClasses = Record<string, new (...args: never[]) => Error>;

export function deserializeError(e: SerializedError, classes: ErrorClasses): Error {
  const Ctor = Object.prototype.hasOwnProperty.call(classes, e.name) ? classes[e.name] : undefined;
  const err: Error = Ctor ? Object.create(Ctor.prototype as object) : new Error(e.message);
  err.message = e.message;
  err.name = e.name;
  Object.assign(err, e.props);
  if (Ctor) Error.captureStackTrace(err, deserializeError);
  return err;
}

/**
 * Looks up `services[service][method]` for a call, refusing anything that is not a function of that
 * object (no property reads, no prototype walking to Object's methods).
 */
export function resolveMethod(services: Record<string, object>, service: string, method: string): AnyFn {
  const target = Object.prototype.hasOwnProperty.call(services, service) ? services[service] : undefined;
  if (!target) throw new TypeError(`unknown service "${service}"`);
  if (method.startsWith('_') || method === 'constructor' || method in Object.prototype) throw new TypeError(`${service}.${method} is not callable`);
  const fn = (target as Record<string, unknown>)[method];
  if (typeof fn !== 'function') throw new TypeError(`${service}.${method} is not a method`);
  return (fn as AnyFn).bind(target);
}

/** Builds `Remote<S>` from one `call` function: property access names the service and method. */
export function createRemote<S>(call: (c: RpcCall<S>) => Promise<unknown>, local: Partial<Record<keyof S & string, object>> = {}): Remote<S> {
  const services = new Map<string, object>();
  return new Proxy({} as Remote<S>, {
    get(_t, service) {
      if (typeof service !== 'string') return undefined;
      let s = services.get(service);
      if (!s) {
        const own = (local as Record<string, object | undefined>)[service];
        s = new Proxy(own ?? {}, {
          get(target, method) {
            if (typeof method !== 'string') return undefined;
            if (Object.prototype.hasOwnProperty.call(target, method)) return (target as Record<string, unknown>)[method];
            if (method === 'then') return undefined; // not a thenable
            return (...args: unknown[]) => call({ service, method, args } as unknown as RpcCall<S>);
          },
        });
        services.set(service, s);
      }
      return s;
    },
  });
}
