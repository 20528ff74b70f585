/**
 * The renderer's only way to the core. In the Electron app the preload provides `window.roman`
 * (IPC); in the browser host the same interface runs over a loopback WebSocket, authenticated with
 * the per-run token from the URL fragment. Pages call `call(name, input)` and get typed results.
 */
import type {
  HandlerInput,
  HandlerName,
  HandlerOutput,
  PushEventName,
  PushEvents,
  RomanApi,
} from '../../shared/api';
import type { ApiError, Result } from '../../shared/result';
import type { ExportRequest } from '../../shared/api/store';

declare global {
  interface Window {
    roman?: RomanApi;
  }
}

type Pending = { resolve: (r: Result<unknown>) => void };

/** The browser host's per-run token (from the URL fragment, never sent in a URL). */
function hostToken(): string {
  return new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
}

function createSocketApi(): RomanApi {
  const token = hostToken();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let ready: Promise<WebSocket> | null = null;

  const connect = (): Promise<WebSocket> => {
    if (ready) return ready;
    ready = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api?token=${encodeURIComponent(token)}`);
      ws.onopen = () => {
        socket = ws;
        resolve(ws);
      };
      ws.onerror = () => reject(new Error('Cannot reach the R.O.M.A.N. core (browser host).'));
      ws.onclose = () => {
        socket = null;
        ready = null;
        for (const [id, p] of pending) {
          p.resolve({ ok: false, error: { code: 'unavailable', message: 'Connection to the core was lost.' } });
          pending.delete(id);
        }
      };
      ws.onmessage = (msg) => {
        const data = JSON.parse(String(msg.data)) as
          | { type: 'result'; id: number; result: Result<unknown> }
          | { type: 'event'; event: string; payload: unknown }
          | { type: 'error'; message: string };
        if (data.type === 'result') {
          pending.get(data.id)?.resolve(data.result);
          pending.delete(data.id);
        } else if (data.type === 'event') {
          for (const l of listeners.get(data.event) ?? []) l(data.payload);
        }
      };
    });
    return ready;
  };

  return {
    async invoke(name, input) {
      let ws: WebSocket;
      try {
        ws = socket ?? (await connect());
      } catch (err) {
        return { ok: false, error: { code: 'unavailable', message: (err as Error).message } };
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, { resolve: resolve as Pending['resolve'] });
        ws.send(JSON.stringify({ id, name, input }));
      });
    },
    on(event, listener) {
      void connect().catch(() => undefined);
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
}

export const roman: RomanApi = window.roman ?? createSocketApi();

/** Error thrown by `call` when the core answers with an error result. */
export class CallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'CallError';
  }
}

export async function call<K extends HandlerName>(name: K, input: HandlerInput<K>): Promise<HandlerOutput<K>> {
  const result = await roman.invoke(name, input);
  if (!result.ok) throw new CallError(result.error);
  return result.value;
}

export function subscribe<E extends PushEventName>(event: E, listener: (payload: PushEvents[E]) => void): () => void {
  return roman.on(event, listener);
}

/**
 * Browser host only: asks the host for a one-time export link (the token goes in a header) and
 * sends the browser to it, so the browser's own download saves the streamed file. Progress and the
 * outcome arrive as 'store.exportProgress' events for the returned exportId.
 */
export async function startHostDownload(request: ExportRequest): Promise<string> {
  let res: Response;
  try {
    res = await fetch('/api/exports', {
      method: 'POST',
      headers: { Authorization: `Bearer ${hostToken()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
  } catch {
    throw new Error('Cannot reach the R.O.M.A.N. core (browser host).');
  }
  const body = (await res.json().catch(() => ({}))) as { exportId?: string; url?: string; error?: string };
  if (!res.ok || !body.exportId || !body.url) throw new Error(body.error ?? `the host answered HTTP ${res.status}`);
  const a = document.createElement('a');
  a.href = body.url;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  return body.exportId;
}
