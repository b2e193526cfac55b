import { z } from 'zod';
import { DEFAULT_CACHE_MAX_AGE, DEFAULT_MAX_QUERY_COST, DEFAULT_QUERY_TIMEOUT_MS } from './defaults.js';

/** The database the API runs on, parsed from DATABASE_URL. */
export type DatabaseConfig =
  | { dialect: 'sqlite'; url: string; file: string }
  | { dialect: 'postgresql'; url: string; schema?: string };

export interface AppConfig {
  port: number;
  host: string;
  database: DatabaseConfig;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Highest estimated cost of a GraphQL operation (MAX_QUERY_COST); the plugin's default when absent. */
  maxQueryCost?: number;
  /** Seconds a successful query may be cached publicly, 0 for no-store (CACHE_MAX_AGE); the plugin's default when absent. */
  cacheMaxAge?: number;
  /** Points per hour: per API token (RATE_LIMIT_POINTS) and per anonymous address (RATE_LIMIT_ANONYMOUS_POINTS). */
  rateLimit?: { tokenPoints: number; anonymousPoints: number };
  /** Which proxies' X-Forwarded-For names the client (TRUST_PROXY): false, true, or a number of hops. */
  trustProxy?: boolean | number;
  /** The manifest of trusted documents (TRUSTED_DOCUMENTS): only these operations run, except for ADMIN tokens. */
  trustedDocuments?: string;
  /** OpenTelemetry tracing, on when OTEL_EXPORTER_OTLP_ENDPOINT (or …_TRACES_ENDPOINT) is set. */
  tracing?: boolean;
  /** Bearer token GET /metrics requires (METRICS_TOKEN); open when absent. */
  metricsToken?: string;
  /** Operations slower than this many milliseconds are logged as slow, with their document's hash (SLOW_QUERY_MS). */
  slowQueryMs?: number;
  /** Milliseconds one operation may run (QUERY_TIMEOUT_MS); its PostgreSQL statements are cancelled past it. */
  queryTimeoutMs?: number;
  /**
   * Whether queries in the pass-through's subset are answered by one statement that writes their
   * whole data as JSON (PASS_THROUGH, default true, on PostgreSQL and SQLite; see src/graphql/pass-through.ts).
   */
  passThrough?: boolean;
  /** The company register (Enhetsregisteret); absent means switched off. */
  registry?: RegistryConfig;
  /** Redis (REDIS_URL): events travel between instances through it, and the register's cache lives there. */
  redisUrl?: string;
  /** Prefix of klynge's Redis channels and keys (REDIS_PREFIX): deployments sharing a Redis need their own. */
  redisPrefix: string;
  events: EventsConfig;
  websocket: WebSocketConfig;
  webhooks: WebhooksConfig;
  /** News feeds; absent (configs built in code) means no polling. */
  feeds?: FeedsConfig;
}

/** News feeds: which the server polls, and the bounds every fetch keeps to (the ingest command's too). */
export interface FeedsConfig {
  /** Feed URLs the server polls itself (FEEDS, separated by commas, spaces or newlines); empty: no polling. */
  urls: string[];
  /** Minutes between polls (FEED_POLL_MINUTES). */
  pollMinutes: number;
  /** Hosts fetched even when private or loopback (FEED_ALLOWED_HOSTS), for development. */
  allowedHosts: string[];
  /** Milliseconds one fetch may take, body and redirects included (FEED_TIMEOUT_MS). */
  timeoutMs: number;
  /** Largest feed accepted, in bytes (FEED_MAX_BYTES). */
  maxBytes: number;
  /** Redirects followed at most (FEED_MAX_REDIRECTS). */
  maxRedirects: number;
  /** Most items one feed may have (FEED_MAX_ITEMS). */
  maxItems: number;
}

/** Webhook delivery: timeouts, retries, concurrency, and which hosts may be private. */
export interface WebhooksConfig {
  /** Hosts (names or addresses, lowercase) exempt from the https and public-address rules (WEBHOOK_ALLOWED_HOSTS). */
  allowedHosts: string[];
  /** Milliseconds one attempt may take, connection to last byte (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** Delays before the 2nd, 3rd, … attempt, in milliseconds (WEBHOOK_RETRY_SCHEDULE); after the last, the event has failed. */
  retryScheduleMs: number[];
  /** Attempts in flight at once in this process, over all webhooks (WEBHOOK_CONCURRENCY). */
  concurrency: number;
  /** How often the worker looks for due retries and work other instances left (WEBHOOK_POLL_MS). */
  pollMs: number;
  /** 32 bytes, base64: encrypts the signing secrets at rest (WEBHOOK_SECRET_KEY); absent, they are stored as they are. */
  secretKey?: Buffer;
  /** Whether this process delivers at all (WEBHOOK_DELIVERY=off for instances that only serve requests). */
  deliver: boolean;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `5s,5m,30m,2h` (units ms, s, m, h; a bare number is milliseconds) into milliseconds. */
export function parseDurations(text: string): number[] | null {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const values = parts.map((part) => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(part);
    return match ? Math.round(Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms']) : Number.NaN;
  });
  return values.some((v) => !Number.isFinite(v)) ? null : values;
}

/** The Standard Webhooks schedule: retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (about 28 h in all). */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';

/** The event log and its delivery. */
export interface EventsConfig {
  /** Days events are kept (EVENT_RETENTION_DAYS); older ones are pruned, and resuming before them is refused. */
  retentionDays: number;
  /** How often each instance reads the log for events no message announced (EVENT_POLL_MS). */
  pollMs: number;
}

/** graphql-ws subscriptions: limits per connection, token and address. */
export interface WebSocketConfig {
  maxSubscriptionsPerConnection: number;
  maxConnectionsPerToken: number;
  maxConnectionsPerAddress: number;
  /** Results queued for a subscriber that does not read before it is disconnected. */
  maxQueuedResults: number;
  /** Bytes waiting in a subscriber's socket before it is disconnected. */
  maxBufferedBytes: number;
  /** Seconds between pings; a connection that misses a pong is closed. */
  keepAliveSeconds: number;
  /** Milliseconds a new connection has to send connection_init (4408 after). */
  initTimeoutMs: number;
  /** Seconds between checks that the tokens of open connections are still valid (revoked: closed). */
  tokenRecheckSeconds: number;
}

/** How klynge reads the company register (REGISTRY_* variables). */
export interface RegistryConfig {
  /** False: no outside calls; `Organization.registry` answers REGISTRY_UNAVAILABLE. */
  enabled: boolean;
  /** Base URL of the register's API (without a trailing slash). */
  url: string;
  /** Upper bound of one lookup in milliseconds, its retries included. */
  timeoutMs: number;
  /** How long a found unit is kept, in seconds. */
  hitTtlSeconds: number;
  /** How long "the register does not know this number" is kept, in seconds. */
  missTtlSeconds: number;
  /** Most units kept in the in-process cache. */
  cacheMaxEntries: number;
}

/** The public register's API (Brønnøysund Enhetsregisteret, open data, no key). */
export const DEFAULT_REGISTRY_URL = 'https://data.brreg.no/enhetsregisteret/api';
export const DEFAULT_REGISTRY: RegistryConfig = {
  enabled: true,
  url: DEFAULT_REGISTRY_URL,
  timeoutMs: 3_000,
  hitTtlSeconds: 24 * 3600,
  missTtlSeconds: 3600,
  cacheMaxEntries: 10_000,
};

export const DEFAULT_SQLITE_FILE = './data/klynge.sqlite';

/** Parses DATABASE_URL: `postgres(ql)://…`, `sqlite:<file>`, `file:<file>` or a bare `*.sqlite` path. */
export function parseDatabaseUrl(raw: string | undefined): DatabaseConfig {
  const url = raw?.trim() || `file:${DEFAULT_SQLITE_FILE}`;
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      const parsed = new URL(url);
      const schema = parsed.searchParams.get('schema') ?? undefined;
      return { dialect: 'postgresql', url, schema };
    } catch {
      throw new ConfigError(`DATABASE_URL is not a valid PostgreSQL URL: ${url}`);
    }
  }
  const file = url.replace(/^(sqlite|file):(\/\/)?/, '');
  if (url === file && !/\.(sqlite3?|db)$/.test(file) && file !== ':memory:') {
    throw new ConfigError(
      `DATABASE_URL must be postgres://…, postgresql://…, sqlite:<file>, file:<file> or a path ending in .sqlite; got "${url}"`,
    );
  }
  if (!file) throw new ConfigError('DATABASE_URL names no SQLite file.');
  return { dialect: 'sqlite', url, file };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** An optional setting: absent or empty means unset. */
const optional = <T extends z.ZodType>(schema: T) => schema.optional().or(z.literal('').transform(() => undefined));

/** An http(s) URL. */
const httpUrl = () => z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

/** A list of host names or addresses, separated by commas or spaces, lower-cased, IPv6 brackets removed. */
const hostList = () =>
  z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((h) => h.toLowerCase().replace(/^\[|\]$/g, '')),
    );

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  MAX_QUERY_COST: z.coerce.number().int().min(1).default(DEFAULT_MAX_QUERY_COST),
  CACHE_MAX_AGE: z.coerce.number().int().min(0).max(31_536_000).default(DEFAULT_CACHE_MAX_AGE),
  RATE_LIMIT_POINTS: z.coerce.number().int().min(1).default(5000),
  RATE_LIMIT_ANONYMOUS_POINTS: z.coerce.number().int().min(1).default(1000),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2})$/, 'must be true, false or a number of proxy hops')
    .default('false')
    .transform((value) => (value === 'true' ? true : value === 'false' ? false : Number(value))),
  TRUSTED_DOCUMENTS: optional(z.string()),
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(httpUrl()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional(httpUrl()),
  METRICS_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
  SLOW_QUERY_MS: z.coerce.number().int().min(1).default(1000),
  QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(DEFAULT_QUERY_TIMEOUT_MS),
  PASS_THROUGH: z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' })
    .default('true')
    .transform((value) => ['true', '1', 'yes', 'on'].includes(value)),
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\//, 'must be redis://… or rediss://…')),
  REDIS_PREFIX: z.string().min(1).max(100).default('klynge:'),
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  EVENT_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).default(100),
  WS_MAX_CONNECTIONS_PER_TOKEN: z.coerce.number().int().min(1).default(100),
  WS_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(200),
  WS_MAX_QUEUED_RESULTS: z.coerce.number().int().min(1).default(500),
  WS_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(8 * 1024 * 1024),
  WS_KEEPALIVE_SECONDS: z.coerce.number().int().min(1).max(3600).default(12),
  WS_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(3000),
  WS_TOKEN_RECHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  WEBHOOK_ALLOWED_HOSTS: hostList(),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(10).max(600_000).default(10_000),
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default(DEFAULT_WEBHOOK_RETRY_SCHEDULE)
    .refine((v) => parseDurations(v) !== null, 'must be durations like 5s,5m,30m,2h (units ms, s, m, h)'),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(8),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
  WEBHOOK_SECRET_KEY: z
    .string()
    .optional()
    .refine((v) => !v || Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64 (openssl rand -base64 32)'),
  WEBHOOK_DELIVERY: z.enum(['on', 'off']).default('on'),
  FEEDS: z
    .string()
    .default('')
    .transform((value) => value.split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/\S+$/, 'each feed must be an http:// or https:// URL'))),
  FEED_POLL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(30),
  FEED_ALLOWED_HOSTS: hostList(),
  FEED_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  FEED_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  FEED_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  FEED_MAX_ITEMS: z.coerce.number().int().min(1).max(100_000).default(1000),
  REGISTRY_ENABLED: z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' })
    .default('true')
    .transform((value) => ['true', '1', 'yes', 'on'].includes(value)),
  REGISTRY_URL: httpUrl()
    .default(DEFAULT_REGISTRY_URL)
    .transform((value) => value.replace(/\/+$/, '')),
  REGISTRY_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(DEFAULT_REGISTRY.timeoutMs),
  REGISTRY_CACHE_TTL: z.coerce.number().int().min(0).default(DEFAULT_REGISTRY.hitTtlSeconds),
  REGISTRY_MISS_TTL: z.coerce.number().int().min(0).default(DEFAULT_REGISTRY.missTtlSeconds),
  REGISTRY_CACHE_SIZE: z.coerce.number().int().min(1).default(DEFAULT_REGISTRY.cacheMaxEntries),
});

/** The feed settings, all defaults but what `env` says (for the ingest command and tests). */
export const feedsConfig = (env: NodeJS.ProcessEnv = process.env): FeedsConfig => loadConfig(env).feeds as FeedsConfig;

/** The event and WebSocket settings, all defaults (for servers built in code, e.g. tests). */
export const defaultEventsConfig = (): { events: EventsConfig; websocket: WebSocketConfig; webhooks: WebhooksConfig } => {
  const { events, websocket, webhooks } = loadConfig({});
  return { events, websocket, webhooks };
};

/** Reads and validates the environment; a bad value is a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const values = parsed.data;
  return {
    rateLimit: { tokenPoints: values.RATE_LIMIT_POINTS, anonymousPoints: values.RATE_LIMIT_ANONYMOUS_POINTS },
    trustProxy: values.TRUST_PROXY,
    trustedDocuments: values.TRUSTED_DOCUMENTS,
    tracing: Boolean(values.OTEL_EXPORTER_OTLP_ENDPOINT ?? values.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
    metricsToken: values.METRICS_TOKEN,
    slowQueryMs: values.SLOW_QUERY_MS,
    queryTimeoutMs: values.QUERY_TIMEOUT_MS,
    passThrough: values.PASS_THROUGH,
    redisUrl: values.REDIS_URL,
    redisPrefix: values.REDIS_PREFIX,
    events: { retentionDays: values.EVENT_RETENTION_DAYS, pollMs: values.EVENT_POLL_MS },
    websocket: {
      maxSubscriptionsPerConnection: values.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxConnectionsPerToken: values.WS_MAX_CONNECTIONS_PER_TOKEN,
      maxConnectionsPerAddress: values.WS_MAX_CONNECTIONS_PER_ADDRESS,
      maxQueuedResults: values.WS_MAX_QUEUED_RESULTS,
      maxBufferedBytes: values.WS_MAX_BUFFERED_BYTES,
      keepAliveSeconds: values.WS_KEEPALIVE_SECONDS,
      initTimeoutMs: values.WS_INIT_TIMEOUT_MS,
      tokenRecheckSeconds: values.WS_TOKEN_RECHECK_SECONDS,
    },
    webhooks: {
      allowedHosts: values.WEBHOOK_ALLOWED_HOSTS,
      timeoutMs: values.WEBHOOK_TIMEOUT_MS,
      retryScheduleMs: parseDurations(values.WEBHOOK_RETRY_SCHEDULE) ?? [],
      concurrency: values.WEBHOOK_CONCURRENCY,
      pollMs: values.WEBHOOK_POLL_MS,
      secretKey: values.WEBHOOK_SECRET_KEY ? Buffer.from(values.WEBHOOK_SECRET_KEY, 'base64') : undefined,
      deliver: values.WEBHOOK_DELIVERY === 'on',
    },
    feeds: {
      urls: values.FEEDS,
      pollMinutes: values.FEED_POLL_MINUTES,
      allowedHosts: values.FEED_ALLOWED_HOSTS,
      timeoutMs: values.FEED_TIMEOUT_MS,
      maxBytes: values.FEED_MAX_BYTES,
      maxRedirects: values.FEED_MAX_REDIRECTS,
      maxItems: values.FEED_MAX_ITEMS,
    },
    port: values.PORT,
    host: values.HOST,
    database: parseDatabaseUrl(values.DATABASE_URL),
    logLevel: values.LOG_LEVEL,
    maxQueryCost: values.MAX_QUERY_COST,
    cacheMaxAge: values.CACHE_MAX_AGE,
    registry: {
      enabled: values.REGISTRY_ENABLED,
      url: values.REGISTRY_URL,
      timeoutMs: values.REGISTRY_TIMEOUT_MS,
      hitTtlSeconds: values.REGISTRY_CACHE_TTL,
      missTtlSeconds: values.REGISTRY_MISS_TTL,
      cacheMaxEntries: values.REGISTRY_CACHE_SIZE,
    },
  };
}
