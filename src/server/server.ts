import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/core';
import type { AppConfig } from '../config/config.js';
import { migrateDatabase, openDatabase } from '../db/database.js';
import { seedDatabase } from '../db/seeder.js';
import type { EntityManager } from '@mikro-orm/knex';
import { buildKlyngeSchema } from '../graphql/schema.js';
import { SubscriptionHub } from '../graphql/subscriptions/subscription-hub.js';
import { RedisEventTransport } from '../pubsub/redis-event-transport.js';
import { Db } from '../repositories/db.js';
import { pruneEventsBefore } from '../repositories/event-log.repository.js';
import { EventStream } from '../services/event-stream.service.js';
import { WebhookWorker } from '../services/webhook-delivery.service.js';
import { configureWebhooks } from '../services/webhook-settings.js';
import { webhookEventRenderer } from '../graphql/webhook-payload.js';
import { GRAPHQL_PATH, createApp } from './app.js';
import { type Logger, createLogger } from './logger.js';
import { attachWebSockets } from './websocket.js';

export interface RunningServer {
  url: string;
  orm: MikroORM;
  /** The process's event stream and subscription hub (for tests and benchmarks to look into). */
  events: EventStream;
  subscriptions: SubscriptionHub;
  /** The webhook delivery worker; absent with WEBHOOK_DELIVERY=off. */
  webhooks?: WebhookWorker;
  stop(): Promise<void>;
}

/** How often old events are pruned. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export interface StartOptions {
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
  /** Seed an empty database with the programme's data and the demo members (default true). */
  seedIfEmpty?: boolean;
  logger?: Logger;
}

/** Opens the database, migrates and seeds it when asked, and serves HTTP on the configured port. */
export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const orm = await openDatabase(config.database);
  let webhooks: WebhookWorker | undefined;
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
    const limits = { maxQueryCost: config.maxQueryCost, cacheMaxAge: config.cacheMaxAge };
    const transport = config.redisUrl ? new RedisEventTransport(config.redisUrl, config.redisPrefix, logger) : undefined;
    const events = new EventStream(orm, { pollMs: config.events.pollMs, transport, logger });
    await events.start();
    logger.info(
      transport
        ? { redis: 'on' }
        : { redis: 'off', note: 'REDIS_URL not set: subscribers of this instance hear other instances by polling the log' },
      transport ? 'events travel between instances through Redis' : 'Redis is off',
    );
    const subscriptions = new SubscriptionHub(schema, orm, events, events, {
      maxQueuedResults: config.websocket.maxQueuedResults,
      maxBufferedBytes: config.websocket.maxBufferedBytes,
    });
    configureWebhooks({ allowedHosts: config.webhooks.allowedHosts, secretKey: config.webhooks.secretKey });
    webhooks = config.webhooks.deliver
      ? new WebhookWorker(orm, {
          policy: { allowedHosts: config.webhooks.allowedHosts },
          timeoutMs: config.webhooks.timeoutMs,
          retryScheduleMs: config.webhooks.retryScheduleMs,
          concurrency: config.webhooks.concurrency,
          pollMs: config.webhooks.pollMs,
          secretKey: config.webhooks.secretKey,
          render: webhookEventRenderer(schema, orm),
          logger,
        })
      : undefined;
    webhooks?.start(events);
    const app = createApp({ orm, schema, logger, limits, events });
    await app.start();
    const sockets = attachWebSockets({
      httpServer: app.httpServer,
      path: GRAPHQL_PATH,
      schema,
      orm,
      hub: subscriptions,
      events,
      logger,
      limits,
      config: config.websocket,
    });
    const prune = async () => {
      try {
        const before = new Date(Date.now() - config.events.retentionDays * 24 * 60 * 60 * 1000);
        const through = await pruneEventsBefore(new Db(orm.em.fork() as EntityManager), before);
        if (through > 0) logger.info({ through, retentionDays: config.events.retentionDays }, 'old events pruned');
      } catch (error) {
        logger.warn({ err: error }, 'pruning old events failed; retrying in an hour');
      }
    };
    await prune();
    const pruning = setInterval(prune, PRUNE_INTERVAL_MS);
    pruning.unref();
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
      events,
      subscriptions,
      webhooks,
      async stop() {
        clearInterval(pruning);
        await sockets.close();
        subscriptions.close();
        await webhooks?.stop();
        await app.stop();
        await events.stop();
        await orm.close(true);
      },
    };
  } catch (error) {
    await webhooks?.stop();
    await orm.close(true);
    throw error;
  }
}
