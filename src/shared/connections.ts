/**
 * Connection profiles: how the app reaches a monitored Postgres (a URL or separate fields), which
 * environment it is (production, staging, …) and how TLS is verified. Owns the zod schema the
 * settings UI and the main process both validate with, URL parsing with clear error messages, and
 * secret redaction for anything that is logged or shown.
 *
 * A profile never carries a password: it says `hasPassword` and names a `secretRef` that the main
 * process resolves (safeStorage) when it opens a pool. So a profile can be sent to the renderer as is.
 */
import { z } from 'zod';

export const ENVIRONMENTS = ['production', 'staging', 'development', 'sample', 'other'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/**
 * libpq's sslmode names. `prefer` (the default, as in libpq) tries TLS and falls back to a plain
 * connection only when the server answers that it does not offer TLS; `require` encrypts without
 * checking the certificate; `verify-ca` checks the certificate against the CA; `verify-full` also
 * checks the host name; `disable` never encrypts (fine for a loopback server).
 */
export const TLS_MODES = ['prefer', 'disable', 'require', 'verify-ca', 'verify-full'] as const;
export type TlsMode = (typeof TLS_MODES)[number];
export const DEFAULT_TLS_MODE: TlsMode = 'prefer';

/** What a connection actually used: TLS, a plain connection, or not known yet (never connected). */
export type TlsUsed = 'tls' | 'plain' | null;

/** Modes that check the server certificate (and may name a CA file). */
export function verifiesCertificate(mode: TlsMode): boolean {
  return mode === 'verify-ca' || mode === 'verify-full';
}

/** Hosts on the same machine: a plain connection there never crosses a network. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h) || h.startsWith('/');
}

export const DEFAULT_PG_PORT = 5432;

/** Raised for a URL or profile that cannot be used; the message says what is wrong (never the password). */
export class ConnectionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionConfigError';
  }
}

const tlsSchema = z
  .object({
    mode: z.enum(TLS_MODES),
    /** PEM file with the CA that signed the server certificate (verify-ca / verify-full only). */
    caPath: z.string().min(1).optional(),
  })
  .strict()
  .refine((t) => verifiesCertificate(t.mode) || t.caPath === undefined, {
    message: 'a CA file is only used with TLS mode verify-ca or verify-full',
    path: ['caPath'],
  });
export type TlsSettings = z.infer<typeof tlsSchema>;

const hostSchema = z
  .string({ error: 'Enter the server’s host name, e.g. db.example.com' })
  .min(1, 'Enter the server’s host name, e.g. db.example.com')
  .max(255)
  .refine((h) => !/[\s/@]/.test(h), 'host must not contain spaces, "/" or "@"');
const identifierSchema = (what: string) =>
  z
  .string({ error: `Enter the ${what}` })
  .min(1, `Enter the ${what}`)
  .max(63, 'at most 63 characters (a Postgres identifier)')
  .refine((s) => !/[\0]/.test(s), 'must not contain NUL characters');

const profileBase = {
  /** Stable id (settings key). */
  id: z.string().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only'),
  name: z.string({ error: 'Enter a name for this profile' }).trim().min(1, 'Enter a name for this profile, e.g. Billing staging').max(100, 'Use at most 100 characters'),
  environment: z.enum(ENVIRONMENTS),
  tls: tlsSchema,
  /** Whether a password is stored for this profile (in the OS keychain via safeStorage, never here). */
  hasPassword: z.boolean(),
  /** Key of the stored secret; present when hasPassword is true. */
  secretRef: z.string().min(1).max(200).optional(),
};

const urlTargetSchema = z
  .object({
    ...profileBase,
    kind: z.literal('url'),
    /** postgres:// URL without a password (a password in the URL is rejected: store it as a secret). */
    url: z.string({ error: 'Enter a connection URL, e.g. postgres://user@host:5432/database' }).min(1, 'Enter a connection URL, e.g. postgres://user@host:5432/database'),
  })
  .strict();

const fieldsTargetSchema = z
  .object({
    ...profileBase,
    kind: z.literal('fields'),
    host: hostSchema,
    port: z
      .number({ error: 'Enter a port number, e.g. 5432' })
      .int('Enter a whole port number, e.g. 5432')
      .min(1, 'The port must be between 1 and 65535')
      .max(65535, 'The port must be between 1 and 65535'),
    database: identifierSchema('database name'),
    user: identifierSchema('user name'),
  })
  .strict();

export const connectionProfileSchema = z
  .discriminatedUnion('kind', [urlTargetSchema, fieldsTargetSchema])
  .superRefine((p, ctx) => {
    if (p.hasPassword && !p.secretRef) {
      ctx.addIssue({ code: 'custom', path: ['secretRef'], message: 'secretRef is required when hasPassword is true' });
    }
    if (p.kind === 'url') {
      try {
        const parsed = parseConnectionUrl(p.url);
        if (parsed.password !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['url'],
            message: 'the URL must not contain a password; store it as the profile secret instead',
          });
        }
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['url'], message: (err as Error).message });
      }
    }
  });

export type ConnectionProfile = z.infer<typeof connectionProfileSchema>;

/** Where to connect, fully resolved (main process only: may carry the password). */
export interface ConnectionTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  tls: TlsSettings;
}

const SSLMODE_TO_TLS: Record<string, TlsMode> = {
  disable: 'disable',
  // libpq's allow tries plain first, then TLS; prefer (TLS first, plain when refused) is the closest safe choice.
  allow: 'prefer',
  prefer: 'prefer',
  require: 'require',
  'verify-ca': 'verify-ca',
  'verify-full': 'verify-full',
};

const KNOWN_URL_PARAMS = new Set(['sslmode', 'sslrootcert', 'application_name', 'connect_timeout', 'options']);

/**
 * Parses a postgres:// (or postgresql://) URL. Throws ConnectionConfigError with a message that
 * names the problem and shows the URL with its password masked.
 */
export function parseConnectionUrl(raw: string): ConnectionTarget {
  const text = String(raw ?? '').trim();
  if (text === '') throw new ConnectionConfigError('connection URL is empty');
  const shown = redactSecrets(text);
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new ConnectionConfigError(
      `not a valid connection URL: ${shown} (expected postgres://user[:password]@host[:port]/database)`,
    );
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new ConnectionConfigError(
      `unsupported URL scheme "${u.protocol.replace(/:$/, '')}" in ${shown} (expected postgres:// or postgresql://)`,
    );
  }
  const host = decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new ConnectionConfigError(`connection URL has no host: ${shown}`);
  let port = DEFAULT_PG_PORT;
  if (u.port !== '') {
    port = Number(u.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new ConnectionConfigError(`invalid port "${u.port}" in ${shown}`);
    }
  }
  const dbPath = u.pathname.replace(/^\//, '');
  if (dbPath.includes('/')) throw new ConnectionConfigError(`invalid database name in ${shown}`);
  const database = decodeURIComponent(dbPath);
  const user = decodeURIComponent(u.username);
  if (!user) throw new ConnectionConfigError(`connection URL has no user name: ${shown} (postgres://USER@host/db)`);
  if (!database) throw new ConnectionConfigError(`connection URL has no database name: ${shown} (postgres://user@host/DATABASE)`);
  if (database.length > 63) throw new ConnectionConfigError(`database name is longer than 63 characters in ${shown}`);
  for (const key of u.searchParams.keys()) {
    if (!KNOWN_URL_PARAMS.has(key)) {
      throw new ConnectionConfigError(
        `unknown URL parameter "${key}" in ${shown} (supported: ${[...KNOWN_URL_PARAMS].join(', ')})`,
      );
    }
  }
  const sslmode = u.searchParams.get('sslmode');
  // No sslmode: libpq's default, prefer.
  let mode: TlsMode = DEFAULT_TLS_MODE;
  if (sslmode !== null) {
    const m = SSLMODE_TO_TLS[sslmode];
    if (!m) throw new ConnectionConfigError(`unknown sslmode "${sslmode}" in ${shown}`);
    mode = m;
  }
  const caPath = u.searchParams.get('sslrootcert') ?? undefined;
  if (caPath && !verifiesCertificate(mode)) {
    throw new ConnectionConfigError(`sslrootcert needs sslmode=verify-ca or verify-full in ${shown}`);
  }
  const password = u.password === '' ? undefined : decodeURIComponent(u.password);
  return { host, port, database, user, password, tls: caPath ? { mode, caPath } : { mode } };
}

/** The target a profile describes (without password: the caller adds the resolved secret). */
export function profileTarget(profile: ConnectionProfile): ConnectionTarget {
  if (profile.kind === 'url') {
    const t = parseConnectionUrl(profile.url);
    // The profile's TLS settings win over sslmode in the URL (the settings form edits them).
    return { ...t, password: undefined, tls: profile.tls };
  }
  return {
    host: profile.host,
    port: profile.port,
    database: profile.database,
    user: profile.user,
    tls: profile.tls,
  };
}

/** A display form of the target: postgres://user@host:port/database (never a password). */
export function describeTarget(t: Pick<ConnectionTarget, 'host' | 'port' | 'database' | 'user'>): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `postgres://${encodeURIComponent(t.user)}@${host}:${t.port}/${encodeURIComponent(t.database)}`;
}

/**
 * Masks secrets in a string: passwords in URLs (postgres://u:SECRET@h), key=value forms
 * (password=…, sslpassword=…) and, when given, the exact secret strings.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined | null)[] = []): string {
  let out = String(text);
  for (const s of secrets) {
    if (s && s.length > 0) out = out.split(s).join('***');
    if (s && s.length > 0) {
      const enc = encodeURIComponent(s);
      if (enc !== s) out = out.split(enc).join('***');
    }
  }
  // scheme://user:password@  (any scheme; the password cannot contain '@' unencoded, but '/' may appear)
  out = out.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):([^@\s]*)@/gi, (_m, head: string) => `${head}:***@`);
  out = out.replace(/\b((?:ssl)?password|pass|pwd)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,]+)/gi, '$1$2***');
  return out;
}
