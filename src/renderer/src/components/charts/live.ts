/**
 * `useLiveData`: keeps one core call's answer fresh for a page — loads it on mount, again on a
 * modest interval and whenever one of the given push events arrives (throttled, never two calls
 * in flight). The last good answer is kept when a refresh fails, with the error beside it, so a
 * page can say "stale since …" instead of going blank.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { CallError, subscribe } from '../../api';
import type { PushEventName } from '../../../../shared/api';
import type { ApiError } from '../../../../shared/result';

export interface LiveData<T> {
  data: T | null;
  error: ApiError | null;
  /** When `data` was last received (ms since epoch), null before the first answer. */
  updatedAt: number | null;
  /** True until the first answer or error arrives. */
  loading: boolean;
  refresh: () => void;
}

export interface LiveOptions {
  /** Reload period; 0 (or less) is "off": only events and refresh() reload. */
  intervalMs: number;
  events?: readonly PushEventName[];
  /** Events that trigger a refresh only while there is no good answer (e.g. the database opened). */
  recoverOn?: readonly PushEventName[];
  /** Minimum time between two event-triggered refreshes. */
  minGapMs?: number;
  /** Events whose payload this returns true for do not trigger a refresh (e.g. the echo of this very load). */
  ignore?: (payload: unknown) => boolean;
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof CallError) return err.error;
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

export function useLiveData<T>(load: () => Promise<T>, { intervalMs, events = [], recoverOn = [], minGapMs = 1500, ignore }: LiveOptions): LiveData<T> {
  const ignoreRef = useRef(ignore);
  useEffect(() => {
    ignoreRef.current = ignore;
  }, [ignore]);
  const [state, setState] = useState<{ data: T | null; error: ApiError | null; updatedAt: number | null; loading: boolean }>({
    data: null,
    error: null,
    updatedAt: null,
    loading: true,
  });
  const loadRef = useRef(load);
  const inFlight = useRef(false);
  const again = useRef(false);
  const lastStart = useRef(0);
  const trailing = useRef<ReturnType<typeof setTimeout> | null>(null);
  const alive = useRef(true);
  const failing = useRef(true);

  useEffect(() => {
    loadRef.current = load;
  }, [load]);

  const run = useCallback(async (): Promise<void> => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    lastStart.current = Date.now();
    try {
      const data = await loadRef.current();
      failing.current = false;
      if (alive.current) setState({ data, error: null, updatedAt: Date.now(), loading: false });
    } catch (err) {
      failing.current = true;
      if (alive.current) setState((s) => ({ ...s, error: toApiError(err), loading: false }));
    } finally {
      inFlight.current = false;
      if (again.current && alive.current) {
        again.current = false;
        void run();
      }
    }
  }, []);

  const refresh = useCallback(() => void run(), [run]);

  const eventKey = events.join(',');
  const recoverKey = recoverOn.join(',');
  useEffect(() => {
    alive.current = true;
    void run();
    const timer = intervalMs > 0 ? setInterval(() => void run(), intervalMs) : null;
    const onEvent = (payload?: unknown) => {
      if (payload !== undefined && ignoreRef.current?.(payload)) return;
      const wait = lastStart.current + minGapMs - Date.now();
      if (wait <= 0) {
        void run();
        return;
      }
      if (trailing.current) return;
      trailing.current = setTimeout(() => {
        trailing.current = null;
        void run();
      }, wait);
    };
    const onRecover = () => {
      if (failing.current) onEvent(undefined);
    };
    const offs = [
      ...(eventKey ? eventKey.split(',').map((e) => subscribe(e as PushEventName, onEvent)) : []),
      ...(recoverKey ? recoverKey.split(',').map((e) => subscribe(e as PushEventName, onRecover)) : []),
    ];
    return () => {
      alive.current = false;
      if (timer) clearInterval(timer);
      if (trailing.current) clearTimeout(trailing.current);
      trailing.current = null;
      for (const off of offs) off();
    };
  }, [run, intervalMs, minGapMs, eventKey, recoverKey]);

  return { ...state, refresh };
}

/** Current time, ticking every `everyMs` (for "3 min ago" labels without impure renders). */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
