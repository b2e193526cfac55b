import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/core';
import type { AppConfig } from '../config/config.js';
import { type CompanyRegister, HttpCompanyRegister, createCompanyRegister } from '../connectors/company-register.connector.js';
import { migrateDatabase, openDatabase } from '../db/database.js';
import { seedDatabase } from '../db/seeder.js';
import type { EntityManager } from '@mikro-orm/knex';
import { buildKlyngeSchema } from '../graphql/schema.js';
import { SubscriptionHub } from '../graphql/subscriptions/subscription-hub.js';
import { TrustedDocuments } from '../graphql/plugins/trusted-documents.plugin.js';
import { passedThroughCount } from '../graphql/pass-through.js';
import { RedisEventTransport } from '../pubsub/redis-event-transport.js';
import { Db } from '../repositories/db.js';
import { pruneEventsBefore } from '../repositories/event-log.repository.js';
import { EventStream } from '../services/event-stream.service.js';
import { WebhookWorker } from '../services/webhook-delivery.service.js';
import { configureWebhooks } from '../services/webhook-settings.js';
import { webhookEventRenderer } from '../graphql/webhook-payload.js';
import { type FeedPoller, startFeedPoller } from '../services/feed-poller.service.js';
import { RateLimiter } from '../services/rate-limit.service.js';
import { GRAPHQL_PATH, type Readiness, answers, createApp } from './app.js';
import { type Logger, createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { type KlyngeWebSockets, attachWebSockets } from './websocket.js';

export interface RunningServer {
  url: string;
  orm: MikroORM;
  /** The process's event stream and subscription hub (for tests and benchmarks to look into). */
  events: EventStream;
  subscriptions: SubscriptionHub;
  /** The webhook delivery worker; absent with WEBHOOK_DELIVERY=off. */
  webhooks?: WebhookWorker;
  /** The news-feed poller, when FEEDS names feeds. */
  feeds?: FeedPoller;
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
  /** The company register to use instead of the one the configuration describes (tests). */
  register?: CompanyRegister;
  /** Rows per statement of the CSV exports (tests use small pages to see many of them). */
  exportPageSize?: number;
}

/** Opens the database, migrates and seeds it when asked, and serves HTTP on the configured port. */
export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // Migrations may run long (backfills): on PostgreSQL they get a connection of their own, without
  // the statement timeout that the serving pool has.
  const timed = config.database.dialect === 'postgresql' && config.queryTimeoutMs !== undefined;
  if (timed && (options.migrate ?? true)) {
    const migrator = await openDatabase(config.database);
    try {
      const applied = await migrateDatabase(migrator);
      if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    } finally {
      await migrator.close(true);
    }
  }
  const orm = await openDatabase(config.database, { statementTimeoutMs: timed ? config.queryTimeoutMs : undefined });
  const register =
    options.register ??
    createCompanyRegister(config.registry, {
      logger,
      redisUrl: config.redisUrl,
      // Deployments sharing a Redis keep their own answers, as they keep their own events.
      redisKeyPrefix: `${config.redisPrefix}registry:v1:`,
    });
  logRegister(logger, config, register);
  let webhooks: WebhookWorker | undefined;
  try {
    if (!timed && (options.migrate ?? true)) {
      const applied = await migrateDatabase(orm);
      if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    }
    if (options.seedIfEmpty ?? true) {
      const result = await seedDatabase(orm.em.fork(), { demo: true });
      if (result.seeded) logger.info({ counts: result.counts }, 'empty database seeded (with demo members)');
    }
    const trustedDocuments = config.trustedDocuments ? TrustedDocuments.load(config.trustedDocuments) : undefined;
    if (trustedDocuments) {
      logger.info(
        { file: config.trustedDocuments, documents: trustedDocuments.size },
        'trusted documents only (ADMIN tokens excepted)',
      );
    }
    const schema = await buildKlyngeSchema();
    const rateLimiter = config.rateLimit
      ? new RateLimiter({ ...config.rateLimit, redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, logger })
      : undefined;
    const limits = { maxQueryCost: config.maxQueryCost, cacheMaxAge: config.cacheMaxAge, rateLimiter };
    const transport = config.redisUrl ? new RedisEventTransport(config.redisUrl, config.redisPrefix, logger) : undefined;
    const events = new EventStream(orm, { pollMs: config.events.pollMs, transport, logger });
    await events.start();
    logger.info(
      transport
        ? { redis: 'on' }
        : { redis: 'off', note: 'REDIS_URL not set: subscribers of this instance hear other instances by polling the log' },
      transport ? 'events travel between instances through Redis' : 'Redis is off',
    );
    const services = { events, register };
    const subscriptions = new SubscriptionHub(schema, orm, events, services, {
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
    let stopping = false;
    const readiness = async (): Promise<Readiness> => {
      if (stopping) return { ready: false, checks: { server: 'shutting down' } };
      const [database, redis] = await Promise.all([
        answers(() => orm.em.fork().getConnection().execute('select 1')),
        transport ? answers(() => transport.ping()) : Promise.resolve(null),
      ]);
      return {
        ready: database && redis !== false,
        checks: { database: database ? 'ok' : 'unavailable', redis: redis === null ? 'off' : redis ? 'ok' : 'unavailable' },
      };
    };
    let sockets: KlyngeWebSockets | undefined;
    const metrics = createMetrics(
      {
        orm,
        // Read at scrapes only, after `app` below exists.
        httpRequestsInFlight: () => app.requestsInFlight,
        webSocketConnections: () => sockets?.connectionCount ?? 0,
        subscribers: () => subscriptions.subscriberCount,
        subscriptionGroups: () => subscriptions.groupCount,
        lastEventPosition: () => events.lastDispatched,
        register: () => (register instanceof HttpCompanyRegister ? { calls: register.calls, circuit: register.circuit } : null),
        webhooks,
        passedThrough: passedThroughCount,
      },
      config.metricsToken,
    );
    const app = createApp({
      orm,
      schema,
      logger,
      limits,
      services,
      readiness,
      queryTimeoutMs: config.queryTimeoutMs,
      // On by default, on both databases (PASS_THROUGH=false switches it off).
      passThrough: config.passThrough !== false,
      trustProxy: config.trustProxy,
      trustedDocuments,
      tracing: config.tracing,
      metrics: { metrics, slowQueryMs: config.slowQueryMs ?? 1000 },
      exportPageSize: options.exportPageSize,
    });
    await app.start();
    sockets = attachWebSockets({
      httpServer: app.httpServer,
      path: GRAPHQL_PATH,
      schema,
      orm,
      hub: subscriptions,
      services,
      logger,
      limits,
      trustProxy: config.trustProxy,
      trustedDocuments,
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
    let feeds: FeedPoller | undefined;
    if (config.feeds && config.feeds.urls.length > 0) {
      logger.info(
        { feeds: config.feeds.urls, everyMinutes: config.feeds.pollMinutes },
        `news feeds are ON: polling ${config.feeds.urls.length} feed(s) every ${config.feeds.pollMinutes} minutes`,
      );
      feeds = startFeedPoller(orm, config.feeds, { events, logger });
    } else {
      logger.info({ feeds: 'off' }, 'news feeds are OFF (FEEDS is not set); `npm run ingest` still works');
    }
    return {
      url,
      orm,
      events,
      subscriptions,
      webhooks,
      feeds,
      async stop() {
        // Load balancers polling /readyz stop sending traffic while in-flight requests finish.
        stopping = true;
        clearInterval(pruning);
        await feeds?.stop();
        await sockets?.close();
        subscriptions.close();
        await webhooks?.stop();
        await app.stop();
        await events.stop();
        await register.close();
        await rateLimiter?.close();
        await orm.close(true);
      },
    };
  } catch (error) {
    await webhooks?.stop();
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
