import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AppConfig,
  DEFAULT_REGISTRY,
  type EventsConfig,
  type WebSocketConfig,
  type WebhooksConfig,
  defaultEventsConfig,
  feedsConfig,
  type FeedsConfig,
  parseDatabaseUrl,
} from '../../src/config/config.js';
import { type Logger, createLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import { TEST_DIALECT } from './database.js';
import { assertLoopback } from './register-server.js';

export interface TestServer extends RunningServer {
  /** Base URL, e.g. http://localhost:41234 */
  origin: string;
  /** The database it serves, for a second instance on the same one. */
  database: AppConfig['database'];
}

/**
 * A real klynge server on a free port, as `npm start` runs it (migrate, seed, serve): on a
 * temporary SQLite file, or on a fresh PostgreSQL schema when DATABASE_URL names PostgreSQL.
 * `overrides` set what the environment would (MAX_QUERY_COST, CACHE_MAX_AGE, REGISTRY_*, REDIS_URL,
 * the WS_* limits, ...). The company register is switched off unless `registry` points at a local one.
 */
export async function startTestServer(
  overrides: Partial<
    Pick<
      AppConfig,
      | 'maxQueryCost'
      | 'cacheMaxAge'
      | 'registry'
      | 'redisUrl'
      | 'redisPrefix'
      | 'queryTimeoutMs'
      | 'metricsToken'
      | 'slowQueryMs'
      | 'rateLimit'
      | 'trustProxy'
      | 'trustedDocuments'
      | 'passThrough'
    >
  > & {
    events?: Partial<EventsConfig>;
    websocket?: Partial<WebSocketConfig>;
    webhooks?: Partial<WebhooksConfig>;
    /** An existing database to serve (a second instance on the same schema); not dropped on stop. */
    database?: AppConfig['database'];
    feeds?: Partial<FeedsConfig>;
  } = {},
  options: { logger?: Logger; exportPageSize?: number } = {},
): Promise<TestServer> {
  if (overrides.registry?.enabled) assertLoopback(overrides.registry.url);
  let database: AppConfig['database'];
  let cleanup: () => Promise<void>;
  if (overrides.database) {
    database = overrides.database;
    cleanup = async () => {};
  } else if (TEST_DIALECT === 'postgresql') {
    const { randomBytes } = await import('node:crypto');
    const { openDatabase } = await import('../../src/db/database.js');
    const schema = `klynge_http_${process.pid}_${randomBytes(4).toString('hex')}`;
    const base = parseDatabaseUrl(process.env.DATABASE_URL);
    const admin = await openDatabase(base);
    await admin.em.fork().getConnection().execute(`create schema "${schema}"`);
    await admin.close(true);
    database = { ...base, schema } as AppConfig['database'];
    cleanup = async () => {
      const a = await openDatabase(base);
      await a.em.fork().getConnection().execute(`drop schema if exists "${schema}" cascade`);
      await a.close(true);
    };
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'klynge-test-'));
    const file = join(dir, 'klynge.sqlite');
    database = { dialect: 'sqlite', url: `file:${file}`, file };
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
  const defaults = defaultEventsConfig();
  const config: AppConfig = {
    port: 0,
    host: '127.0.0.1',
    database,
    logLevel: 'silent',
    registry: { ...DEFAULT_REGISTRY, enabled: false },
    redisPrefix: `klynge-test-${process.pid}:`,
    ...overrides,
    events: { ...defaults.events, ...overrides.events },
    websocket: { ...defaults.websocket, ...overrides.websocket },
    webhooks: { ...defaults.webhooks, ...overrides.webhooks },
    feeds: { ...feedsConfig({}), ...overrides.feeds },
  };
  const server = await startServer(config, {
    logger: options.logger ?? createLogger('silent'),
    exportPageSize: options.exportPageSize,
  });
  return {
    ...server,
    origin: new URL(server.url).origin,
    database,
    async stop() {
      await server.stop();
      await cleanup();
    },
  };
}
