/**
 * Result envelope for every call across the UI/core boundary (IPC and the browser host's WebSocket).
 * Handlers throw; the registration layer turns what they throw into a typed error result, so the
 * renderer never sees a raw exception or a stack trace.
 */
export type ErrorCode =
  | 'invalid_input' // the input failed its zod schema, or a domain check (e.g. entropy outside 0..1)
  | 'unknown_handler'
  | 'forbidden' // wrong IPC sender, bad token
  | 'not_found'
  | 'conflict'
  | 'unavailable' // database unreachable, extension or privilege missing
  | 'not_understood'
  | 'internal';

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** Field-level problems, for invalid_input. */
  issues?: { path: string; message: string }[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** An error a handler throws on purpose; its code and message reach the caller as they are. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
