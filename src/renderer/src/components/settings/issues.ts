/**
 * Server-side validation errors as field → message, so forms can show each one next to its field.
 * Uses the structured `issues` of an invalid_input error; for handlers that only put them in the
 * message ("Invalid connection profile: port: Too big…; url: …") it reads them from the text.
 */
import { CallError } from '../../api';

export interface FieldIssue {
  /** Dotted path inside the edited object, e.g. 'port', 'tls.caPath' (prefixes like 'profile.' removed). */
  path: string;
  message: string;
}

export interface FormError {
  /** The whole message, as the core said it. */
  message: string;
  code: string;
  issues: FieldIssue[];
}

const STRIP = /^(profile|patch|input)\./;

export function formErrorOf(err: unknown): FormError {
  if (!(err instanceof CallError)) return { message: err instanceof Error ? err.message : String(err), code: 'internal', issues: [] };
  const { code, message } = err.error;
  let issues: FieldIssue[] = (err.error.issues ?? []).map((i) => ({ path: i.path.replace(STRIP, ''), message: i.message }));
  if (issues.length === 0 && code === 'invalid_input') {
    const m = /^Invalid [a-z ]+?: (.*)$/is.exec(message);
    if (m) {
      issues = m[1]
        .split(/; (?=[A-Za-z_][\w.]*: )/)
        .map((part) => /^([A-Za-z_][\w.]*): ([\s\S]*)$/.exec(part))
        .filter((x): x is RegExpExecArray => x !== null)
        .map((x) => ({ path: x[1].replace(STRIP, ''), message: x[2] }));
    }
  }
  return { message, code, issues };
}

/** Messages for one field (exact path, or a path under it: 'tls' covers 'tls.caPath'). */
export function issuesFor(error: FormError | null, ...paths: string[]): string[] {
  if (!error) return [];
  return error.issues.filter((i) => paths.some((p) => i.path === p || i.path.startsWith(p + '.'))).map((i) => i.message);
}
