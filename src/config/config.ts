import { z } from 'zod';

/** The database the API runs on, parsed from DATABASE_URL. */
export type DatabaseConfig =
  | { dialect: 'sqlite'; url: string; file: string }
  | { dialect: 'postgresql'; url: string; schema?: string };

export interface AppConfig {
  port: number;
  host: string;
  database: DatabaseConfig;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
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
});

/** Reads and validates the environment; a bad value is a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const { PORT, HOST, DATABASE_URL, LOG_LEVEL } = parsed.data;
  return { port: PORT, host: HOST, database: parseDatabaseUrl(DATABASE_URL), logLevel: LOG_LEVEL };
}
