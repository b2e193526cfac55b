import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/core';
import type { AppConfig } from '../config/config.js';
import { type CompanyRegister, createCompanyRegister } from '../connectors/company-register.connector.js';
import { migrateDatabase, openDatabase } from '../db/database.js';
import { seedDatabase } from '../db/seeder.js';
import { buildKlyngeSchema } from '../graphql/schema.js';
import { createApp } from './app.js';
import { type Logger, createLogger } from './logger.js';

export interface RunningServer {
  url: string;
  orm: MikroORM;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
  /** Seed an empty database with the programme's data and the demo members (default true). */
  seedIfEmpty?: boolean;
  logger?: Logger;
  /** The company register to use instead of the one the configuration describes (tests). */
  register?: CompanyRegister;
}

/** Opens the database, migrates and seeds it when asked, and serves HTTP on the configured port. */
export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const orm = await openDatabase(config.database);
  const register = options.register ?? createCompanyRegister(config.registry, { logger, redisUrl: config.redisUrl });
  logRegister(logger, config, register);
  try {
    if (options.migrate ?? true) {
      const applied = await migrateDatabase(orm);
      if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    }
    if (options.seedIfEmpty ?? true) {
      const result = await seedDatabase(orm.em.fork(), { demo: true });
      if (result.seeded) logger.info({ counts: result.counts }, 'empty database seeded (with demo members)');
    }
    const schema = await buildKlyngeSchema();
    const app = createApp({
      orm,
      schema,
      logger,
      limits: { maxQueryCost: config.maxQueryCost, cacheMaxAge: config.cacheMaxAge },
      register,
    });
    await app.start();
    await new Promise<void>((resolve, reject) => {
      app.httpServer.once('error', reject);
      app.httpServer.listen(config.port, config.host, resolve);
    });
    const { port } = app.httpServer.address() as AddressInfo;
    const url = `http://localhost:${port}/graphql`;
    logger.info({ url, database: config.database.dialect }, 'klynge is serving');
    return {
      url,
      orm,
      async stop() {
        await app.stop();
        await register.close();
        await orm.close(true);
      },
    };
  } catch (error) {
    await register.close();
    await orm.close(true);
    throw error;
  }
}

/** Says at start whether Organization.registry asks the register, where, and how it caches. */
function logRegister(logger: Logger, config: AppConfig, register: CompanyRegister): void {
  if (!register.enabled) {
    logger.info({}, 'company register: off (REGISTRY_ENABLED=false): Organization.registry answers REGISTRY_UNAVAILABLE');
    return;
  }
  const registry = config.registry;
  logger.info(
    {
      url: registry?.url,
      timeoutMs: registry?.timeoutMs,
      cache: config.redisUrl ? 'in-process LRU + Redis' : 'in-process LRU',
      hitTtlSeconds: registry?.hitTtlSeconds,
      missTtlSeconds: registry?.missTtlSeconds,
    },
    'company register: on',
  );
}
