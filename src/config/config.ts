import { z } from 'zod';
import { DEFAULT_CACHE_MAX_AGE, DEFAULT_MAX_QUERY_COST } from './defaults.js';

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
  /** Redis (REDIS_URL), for delivering events across instances; absent, each instance works alone. */
  redisUrl?: string;
  /** Prefix of klynge's Redis channels and keys (REDIS_PREFIX): deployments sharing a Redis need their own. */
  redisPrefix: string;
  events: EventsConfig;
  websocket: WebSocketConfig;
  feeds: FeedsConfig;
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

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  MAX_QUERY_COST: z.coerce.number().int().min(1).default(DEFAULT_MAX_QUERY_COST),
  CACHE_MAX_AGE: z.coerce.number().int().min(0).max(31_536_000).default(DEFAULT_CACHE_MAX_AGE),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be redis://… or rediss://…')
    .optional()
    .or(z.literal('').transform(() => undefined)),
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
  FEEDS: z
    .string()
    .default('')
    .transform((value) => value.split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/\S+$/, 'each feed must be an http:// or https:// URL'))),
  FEED_POLL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(30),
  FEED_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((h) => h.toLowerCase().replace(/^\[|\]$/g, '')),
    ),
  FEED_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  FEED_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  FEED_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  FEED_MAX_ITEMS: z.coerce.number().int().min(1).max(100_000).default(1000),
});

/** The feed settings, all defaults but what `env` says (for the ingest command and tests). */
export const feedsConfig = (env: NodeJS.ProcessEnv = process.env): FeedsConfig => loadConfig(env).feeds;

/** The event and WebSocket settings, all defaults (for servers built in code, e.g. tests). */
export const defaultEventsConfig = (): { events: EventsConfig; websocket: WebSocketConfig } => {
  const { events, websocket } = loadConfig({});
  return { events, websocket };
};

/** Reads and validates the environment; a bad value is a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const { PORT, HOST, DATABASE_URL, LOG_LEVEL, MAX_QUERY_COST, CACHE_MAX_AGE } = parsed.data;
  const env_ = parsed.data;
  return {
    redisUrl: env_.REDIS_URL,
    redisPrefix: env_.REDIS_PREFIX,
    events: { retentionDays: env_.EVENT_RETENTION_DAYS, pollMs: env_.EVENT_POLL_MS },
    websocket: {
      maxSubscriptionsPerConnection: env_.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxConnectionsPerToken: env_.WS_MAX_CONNECTIONS_PER_TOKEN,
      maxConnectionsPerAddress: env_.WS_MAX_CONNECTIONS_PER_ADDRESS,
      maxQueuedResults: env_.WS_MAX_QUEUED_RESULTS,
      maxBufferedBytes: env_.WS_MAX_BUFFERED_BYTES,
      keepAliveSeconds: env_.WS_KEEPALIVE_SECONDS,
      initTimeoutMs: env_.WS_INIT_TIMEOUT_MS,
      tokenRecheckSeconds: env_.WS_TOKEN_RECHECK_SECONDS,
    },
    feeds: {
      urls: env_.FEEDS,
      pollMinutes: env_.FEED_POLL_MINUTES,
      allowedHosts: env_.FEED_ALLOWED_HOSTS,
      timeoutMs: env_.FEED_TIMEOUT_MS,
      maxBytes: env_.FEED_MAX_BYTES,
      maxRedirects: env_.FEED_MAX_REDIRECTS,
      maxItems: env_.FEED_MAX_ITEMS,
    },
    port: PORT,
    host: HOST,
    database: parseDatabaseUrl(DATABASE_URL),
    logLevel: LOG_LEVEL,
    maxQueryCost: MAX_QUERY_COST,
    cacheMaxAge: CACHE_MAX_AGE,
  };
}
