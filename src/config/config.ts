import { z } from 'zod';
import { DEFAULT_CACHE_MAX_AGE } from '../graphql/plugins/http-cache.plugin.js';
import { DEFAULT_MAX_QUERY_COST } from '../graphql/plugins/query-cost.plugin.js';

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
  /** The company register (Enhetsregisteret); absent means switched off. */
  registry?: RegistryConfig;
  /** Redis (REDIS_URL), shared by instances: the register's cache lives there too when set. */
  redisUrl?: string;
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

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  MAX_QUERY_COST: z.coerce.number().int().min(1).default(DEFAULT_MAX_QUERY_COST),
  CACHE_MAX_AGE: z.coerce.number().int().min(0).max(31_536_000).default(DEFAULT_CACHE_MAX_AGE),
  REGISTRY_ENABLED: z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' })
    .default('true')
    .transform((value) => ['true', '1', 'yes', 'on'].includes(value)),
  REGISTRY_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .default(DEFAULT_REGISTRY_URL)
    .transform((value) => value.replace(/\/+$/, '')),
  REGISTRY_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(DEFAULT_REGISTRY.timeoutMs),
  REGISTRY_CACHE_TTL: z.coerce.number().int().min(0).default(DEFAULT_REGISTRY.hitTtlSeconds),
  REGISTRY_MISS_TTL: z.coerce.number().int().min(0).default(DEFAULT_REGISTRY.missTtlSeconds),
  REGISTRY_CACHE_SIZE: z.coerce.number().int().min(1).default(DEFAULT_REGISTRY.cacheMaxEntries),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, message: 'must be a redis:// or rediss:// URL' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

/** Reads and validates the environment; a bad value is a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const { PORT, HOST, DATABASE_URL, LOG_LEVEL, MAX_QUERY_COST, CACHE_MAX_AGE, REDIS_URL } = parsed.data;
  return {
    port: PORT,
    host: HOST,
    database: parseDatabaseUrl(DATABASE_URL),
    logLevel: LOG_LEVEL,
    maxQueryCost: MAX_QUERY_COST,
    cacheMaxAge: CACHE_MAX_AGE,
    registry: {
      enabled: parsed.data.REGISTRY_ENABLED,
      url: parsed.data.REGISTRY_URL,
      timeoutMs: parsed.data.REGISTRY_TIMEOUT_MS,
      hitTtlSeconds: parsed.data.REGISTRY_CACHE_TTL,
      missTtlSeconds: parsed.data.REGISTRY_MISS_TTL,
      cacheMaxEntries: parsed.data.REGISTRY_CACHE_SIZE,
    },
    redisUrl: REDIS_URL,
  };
}
