/**
 * Parameters of an executable action: read from the request's words (the CLI and Discord) or given
 * explicitly (the app), validated per kind. Bad parameters are a clear 'invalid_input' error.
 */
import type { ParsedAction } from '../../../shared/actions';
import { EXECUTABLE_KINDS, type ExecutableKind, type OperationParams } from '../../../shared/operations';
import { DomainError } from '../../../shared/result';

export const DEFAULT_FREEZE_ROLES = ['authenticated'];

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const QUALIFIED = /^(?:[A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*$/;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?\b/;
const IPV6 = /(?:^|\s)((?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?:\/\d{1,3})?)(?=\s|$)/;

export function isExecutableKind(kind: string): kind is ExecutableKind {
  return (EXECUTABLE_KINDS as readonly string[]).includes(kind);
}

function bad(path: string, message: string): DomainError {
  return new DomainError('invalid_input', message, [{ path: `params.${path}`, message }]);
}

/** Postgres folds unquoted identifiers to lower case; we only accept plain identifiers. */
export function normalizeQualified(value: unknown, path: string, what: string): string {
  if (typeof value !== 'string' || !QUALIFIED.test(value.trim())) {
    throw bad(path, `${what} must be a plain identifier like public.orders (got ${JSON.stringify(value)?.slice(0, 80)})`);
  }
  return value.trim().toLowerCase();
}

function normalizeIdent(value: unknown, path: string, what: string): string {
  if (typeof value !== 'string' || !IDENT.test(value.trim())) {
    throw bad(path, `${what} must be a plain identifier (got ${JSON.stringify(value)?.slice(0, 80)})`);
  }
  return value.trim().toLowerCase();
}

function normalizeIp(value: unknown): string {
  if (typeof value !== 'string') throw bad('ip', 'ip must be an IPv4/IPv6 address or CIDR');
  const v = value.trim();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(v);
  if (v4) {
    if (v4.slice(1, 5).some((o) => Number(o) > 255) || (v4[5] !== undefined && Number(v4[5]) > 32)) throw bad('ip', `"${v}" is not a valid IPv4 address`);
    return v;
  }
  if (/^[0-9a-fA-F:]+(?:\/\d{1,3})?$/.test(v) && v.includes(':')) return v.toLowerCase();
  throw bad('ip', `"${v.slice(0, 60)}" is not an IP address or CIDR`);
}

function stringArray(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || value.some((x) => typeof x !== 'string')) throw bad(path, `${path} must be a list of strings`);
  return value as string[];
}

/** Validates and normalizes explicit parameters for a kind (unknown keys are refused). */
export function normalizeParams(kind: ExecutableKind, raw: OperationParams, opts: { roles?: string[] } = {}): OperationParams {
  const p = raw ?? {};
  const allowed: Record<ExecutableKind, string[]> = {
    backup: [],
    vacuum: ['table'],
    freeze_writes: ['schema', 'roles'],
    restore_writes: ['schema', 'roles'],
    cancel_query: ['pid', 'terminate', 'backend_start'],
    create_index: ['table', 'columns', 'name'],
    drop_index: ['index'],
    block_ip: ['ip', 'reason'],
    unblock_ip: ['ip'],
    migration: ['dir', 'versions', 'checksums'],
    rollback: ['dir', 'versions', 'checksums'],
  };
  for (const k of Object.keys(p)) if (!allowed[kind].includes(k)) throw bad(k, `${kind} takes no parameter "${k}"`);
  switch (kind) {
    case 'backup':
      return {};
    case 'vacuum':
      return p.table === undefined || p.table === null ? { table: null } : { table: normalizeQualified(p.table, 'table', 'table') };
    case 'freeze_writes':
    case 'restore_writes': {
      const roles = p.roles === undefined || p.roles === null ? (opts.roles ?? DEFAULT_FREEZE_ROLES) : stringArray(p.roles, 'roles');
      if (roles.length === 0) throw bad('roles', 'give at least one role');
      return {
        schema: p.schema === undefined || p.schema === null ? 'public' : normalizeIdent(p.schema, 'schema', 'schema'),
        roles: [...new Set(roles.map((r) => normalizeIdent(r, 'roles', 'role')))].sort(),
      };
    }
    case 'cancel_query': {
      const pid = typeof p.pid === 'string' && /^\d+$/.test(p.pid) ? Number(p.pid) : p.pid;
      if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || pid > 2 ** 31) throw bad('pid', 'pid must be a backend process id (a positive integer)');
      const out: OperationParams = { pid, terminate: p.terminate === true };
      if (typeof p.backend_start === 'string') out.backend_start = p.backend_start;
      return out;
    }
    case 'create_index': {
      const table = normalizeQualified(p.table, 'table', 'table');
      const columns = stringArray(p.columns, 'columns').map((c) => normalizeIdent(c, 'columns', 'column'));
      if (columns.length === 0 || columns.length > 32) throw bad('columns', 'give 1 to 32 columns');
      const bare = table.split('.').pop()!;
      const name = p.name === undefined || p.name === null ? `${bare}_${columns.join('_')}_idx`.slice(0, 63) : normalizeIdent(p.name, 'name', 'index name');
      return { table, columns, name };
    }
    case 'drop_index':
      return { index: normalizeQualified(p.index, 'index', 'index') };
    case 'block_ip': {
      const out: OperationParams = { ip: normalizeIp(p.ip) };
      if (typeof p.reason === 'string' && p.reason.trim()) out.reason = p.reason.trim().slice(0, 500);
      return out;
    }
    case 'unblock_ip':
      return { ip: normalizeIp(p.ip) };
    case 'migration':
    case 'rollback': {
      if (typeof p.dir !== 'string' || p.dir.trim() === '') throw bad('dir', 'dir must be the migrations folder');
      const versions = stringArray(p.versions, 'versions');
      const checksums = stringArray(p.checksums, 'checksums');
      if (versions.length === 0) throw bad('versions', 'no migration to run');
      if (checksums.length !== versions.length) throw bad('checksums', 'one checksum per version');
      return { dir: p.dir, versions, checksums };
    }
  }
}

/**
 * Reads the parameters from the request's words ("vacuum analyze public.orders", "cancel query
 * 4242", "terminate backend 4242", "create index on public.orders (customer_id)", "drop index
 * public.orders_dup_idx", "block ip 203.0.113.7", "freeze writes"). Null when the kind is not
 * executable from words alone (migrations need a folder: `roman migrate`).
 */
export function paramsFromRequest(action: ParsedAction, text: string, opts: { roles?: string[] } = {}): OperationParams | null {
  const kind = action.kind;
  if (!isExecutableKind(kind)) return null;
  const words = text.trim();
  switch (kind) {
    case 'backup':
      return {};
    case 'vacuum': {
      const m = /\b(?:vacuum(?:\s+analyze)?|analyze)\s+(?:(?:of|on|the|table)\s+)*([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)/i.exec(words);
      const t = m && !/^(in|on|of|the|database|db|production|staging|development|prod|dev|table)$/i.test(m[1]) ? m[1] : null;
      return normalizeParams(kind, { table: t }, opts);
    }
    case 'freeze_writes':
    case 'restore_writes': {
      const schema = /\bschema\s+([A-Za-z_][\w$]*)/i.exec(words)?.[1] ?? null;
      const role = /\b(?:from|to|for)\s+(?:role\s+)?([A-Za-z_][\w$]*)\b/i.exec(words)?.[1];
      const roles = role && !/^(production|staging|development|prod|dev|the|all)$/i.test(role) ? [role] : null;
      return normalizeParams(kind, { schema, roles }, opts);
    }
    case 'cancel_query': {
      const pid = /\b(\d{1,10})\b/.exec(words)?.[1];
      if (!pid) throw bad('pid', 'say which backend: e.g. "cancel query 4242" (the pid from pg_stat_activity)');
      return normalizeParams(kind, { pid: Number(pid), terminate: /\b(terminate|kill)\b/i.test(words) }, opts);
    }
    case 'create_index': {
      const m =
        /\bon\s+([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)\s*\(([^)]*)\)/i.exec(words) ??
        /\bon\s+([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)\s+([A-Za-z_][\w$]*(?:\s*,\s*[A-Za-z_][\w$]*)*)\s*$/i.exec(words);
      if (!m) throw bad('table', 'say where: e.g. "create index on public.orders (customer_id)"');
      return normalizeParams(kind, { table: m[1], columns: m[2].split(',').map((c) => c.trim()).filter(Boolean) }, opts);
    }
    case 'drop_index': {
      const m = /\bindex\s+([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)/i.exec(words);
      if (!m) throw bad('index', 'say which index: e.g. "drop index public.orders_dup_idx"');
      return normalizeParams(kind, { index: m[1] }, opts);
    }
    case 'block_ip':
    case 'unblock_ip': {
      const ip = IPV4.exec(words)?.[0] ?? IPV6.exec(words)?.[1];
      if (!ip) throw bad('ip', 'say which address: e.g. "block ip 203.0.113.7"');
      return normalizeParams(kind, { ip }, opts);
    }
    case 'migration':
    case 'rollback':
      return null;
  }
}
