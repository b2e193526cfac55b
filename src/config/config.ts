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
  /** Milliseconds one operation may run (QUERY_TIMEOUT_MS); its PostgreSQL statements are cancelled past it. */
  queryTimeoutMs?: number;
  /** Redis (REDIS_URL), for delivering events across instances; absent, each instance works alone. */
  redisUrl?: string;
  /** Prefix of klynge's Redis channels and keys (REDIS_PREFIX): deployments sharing a Redis need their own. */
  redisPrefix: string;
  events: EventsConfig;
  websocket: WebSocketConfig;
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
  QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(DEFAULT_QUERY_TIMEOUT_MS),
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
});

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
    queryTimeoutMs: env_.QUERY_TIMEOUT_MS,
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
    port: PORT,
    host: HOST,
    database: parseDatabaseUrl(DATABASE_URL),
    logLevel: LOG_LEVEL,
    maxQueryCost: MAX_QUERY_COST,
    cacheMaxAge: CACHE_MAX_AGE,
  };
}
