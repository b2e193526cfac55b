// Prometheus metrics (prom-client): requests, errors and durations by operation type, the database
// pool, WebSockets, subscriptions and the event stream, plus the process's own. Served at
// GET /metrics; METRICS_TOKEN, when set, must come as `Authorization: Bearer <token>`.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestContext } from '../context/request-context.js';
import { observeBatchSizes } from '../loaders/loaders.js';
import type { WebhookWorker } from '../services/webhook-delivery.service.js';
import type { Logger } from './logger.js';

/** What the metrics read from the running server when scraped. */
export interface MetricSources {
  orm: MikroORM;
  httpRequestsInFlight?: () => number;
  webSocketConnections?: () => number;
  subscribers?: () => number;
  subscriptionGroups?: () => number;
  lastEventPosition?: () => number;
  /** The company register's calls by outcome and its breaker's state, when it is on. */
  register?: () => { calls: Record<'success' | 'failure' | 'reject', number>; circuit: 'closed' | 'open' | 'halfOpen' } | null;
  /** The webhook worker, when deliveries run in this process. */
  webhooks?: Pick<WebhookWorker, 'onAttempt' | 'totals'>;
  /** Queries the pass-through answered (one generated statement each), since the process started. */
  passedThrough?: () => number;
}

export interface KlyngeMetrics {
  readonly registry: Registry;
  /** Counts and times every GraphQL request; logs one line per request and warns about slow ones. */
  plugin(logger: Logger, slowQueryMs: number): ApolloServerPlugin<RequestContext>;
  /** Serves the text format; 401 without the token when one is configured. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** A tarn pool (knex's), as far as the gauges read it. */
interface PoolStats {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

export function createMetrics(sources: MetricSources, token?: string): KlyngeMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'klynge' });
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'klynge_graphql_requests_total',
    help: 'GraphQL requests over HTTP, by operation type and outcome (ok, error).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'klynge_graphql_errors_total',
    help: 'GraphQL errors sent to clients, by extensions.code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'klynge_graphql_request_duration_seconds',
    help: 'Time from receiving a GraphQL request to sending its response, by operation type.',
    labelNames: ['operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const statements = new Histogram({
    name: 'klynge_db_statements_per_request',
    help: 'Read statements one GraphQL request ran.',
    buckets: [0, 1, 2, 3, 5, 8, 13, 21, 50],
    registers: [registry],
  });
  const databaseTime = new Histogram({
    name: 'klynge_db_time_per_request_seconds',
    help: 'Time one GraphQL request spent waiting for its read statements.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const batches = new Histogram({
    name: 'klynge_dataloader_batch_size',
    help: 'Keys per DataLoader batch (one statement or register call each).',
    buckets: [1, 2, 5, 10, 20, 50, 100, 250, 1000],
    registers: [registry],
  });
  observeBatchSizes((size) => batches.observe(size));
  const pool = sources.orm.em.getDriver().getConnection() as unknown as { getKnex(): Knex };
  new Gauge({
    name: 'klynge_db_pool_connections',
    help: 'Database pool connections by state (used, free, waiting for one).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = (pool.getKnex().client as { pool?: PoolStats }).pool;
      if (!stats) return;
      this.set({ state: 'used' }, stats.numUsed());
      this.set({ state: 'free' }, stats.numFree());
      this.set({ state: 'waiting' }, stats.numPendingAcquires());
    },
  });
  const gauge = (name: string, help: string, read: (() => number) | undefined) => {
    if (!read) return;
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  };
  gauge(
    'klynge_http_requests_in_flight',
    'HTTP requests received and not yet answered (this scrape included); on shutdown, what is still being finished.',
    sources.httpRequestsInFlight,
  );
  gauge('klynge_websocket_connections', 'Open graphql-ws connections.', sources.webSocketConnections);
  gauge('klynge_subscriptions', 'Live subscriptions (subscribers) on this instance.', sources.subscribers);
  gauge('klynge_subscription_groups', 'Groups of equal subscriptions, each one execution per event.', sources.subscriptionGroups);
  gauge('klynge_event_log_position', 'The last event-log position this instance has dispatched.', sources.lastEventPosition);

  const passedThrough = sources.passedThrough;
  if (passedThrough) {
    new Counter({
      name: 'klynge_graphql_pass_through_total',
      help: 'GraphQL queries answered by the pass-through: one generated statement writing the whole data (see PASS_THROUGH).',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(passedThrough());
      },
    });
  }

  const register = sources.register;
  if (register) {
    new Counter({
      name: 'klynge_registry_calls_total',
      help: 'Calls to the company register by outcome (success, failure, reject: refused while the breaker is open).',
      labelNames: ['outcome'] as const,
      registers: [registry],
      collect() {
        const state = register();
        if (!state) return;
        this.reset();
        for (const [outcome, count] of Object.entries(state.calls)) this.inc({ outcome }, count);
      },
    });
    new Gauge({
      name: 'klynge_registry_circuit_open',
      help: "The company register's circuit breaker: 0 closed, 0.5 half-open (one trial call), 1 open (failing fast).",
      registers: [registry],
      collect() {
        const state = register();
        if (state) this.set(state.circuit === 'open' ? 1 : state.circuit === 'halfOpen' ? 0.5 : 0);
      },
    });
  }

  const webhooks = sources.webhooks;
  if (webhooks) {
    const attempts = new Histogram({
      name: 'klynge_webhook_attempt_duration_seconds',
      help: 'Webhook delivery attempts by this instance, by kind (EVENT, REDELIVERY, PING) and outcome (delivered, failed), timed from sending to the end of the response.',
      labelNames: ['kind', 'outcome'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    webhooks.onAttempt(({ kind, outcome, seconds }) => attempts.observe({ kind, outcome }, seconds));
    // One statement per scrape for the three gauges below.
    let totals: ReturnType<WebhookWorker['totals']> | null = null;
    const readTotals = () => {
      totals ??= webhooks.totals().finally(() => setImmediate(() => (totals = null)));
      return totals;
    };
    new Gauge({
      name: 'klynge_webhooks',
      help: 'Webhooks by state: enabled (delivering) or disabled (switched off, by hand or after failing too long).',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        const { enabled, disabled } = await readTotals();
        this.set({ state: 'enabled' }, enabled);
        this.set({ state: 'disabled' }, disabled);
      },
    });
    new Gauge({
      name: 'klynge_webhook_lag_events',
      help: 'Log positions the enabled webhook furthest behind has yet to handle (0 when all are through).',
      registers: [registry],
      async collect() {
        this.set((await readTotals()).lagEvents);
      },
    });
  }

  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;

  return {
    registry,
    plugin(logger, slowQueryMs) {
      return {
        async requestDidStart({ request }) {
          const started = process.hrtime.bigint();
          return {
            async willSendResponse({ response, operation, contextValue, errors: requestErrors, queryHash }) {
              const seconds = Number(process.hrtime.bigint() - started) / 1e9;
              const type = operation?.operation ?? 'unknown';
              const sent = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
              const codes = sent.map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
              const failed = codes.length > 0 || (requestErrors?.length ?? 0) > 0;
              requests.inc({ operation: type, outcome: failed ? 'error' : 'ok' });
              for (const code of codes) errors.inc({ code });
              duration.observe({ operation: type }, seconds);
              const db = contextValue.db;
              statements.observe(db.statements);
              databaseTime.observe(db.databaseMs / 1000);
              const slow = seconds * 1000 >= slowQueryMs;
              // The line is built only when it is written (at LOG_LEVEL warn, for slow operations only).
              if (!logger.isLevelEnabled(slow ? 'warn' : 'info')) return;
              const line = {
                requestId: contextValue.requestId,
                operation: type,
                operationName: request.operationName ?? operation?.name?.value ?? null,
                durationMs: Math.round(seconds * 1000),
                cost: contextValue.queryCost ?? null,
                points: contextValue.rateLimit?.cost ?? null,
                statements: db.statements,
                databaseMs: Math.round(db.databaseMs * 10) / 10,
                status: response.http.status ?? 200,
                outcome: failed ? 'error' : 'ok',
                ...(codes.length ? { codes } : {}),
              };
              if (slow) {
                logger.warn({ ...line, queryHash: queryHash ?? null }, 'slow operation');
              } else {
                logger.info(line, 'request');
              }
            },
          };
        },
      };
    },
    async handle(req, res) {
      if (expected) {
        const given = Buffer.from(req.headers.authorization ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          res.statusCode = 401;
          res.setHeader('www-authenticate', 'Bearer realm="klynge metrics"');
          res.end('metrics need METRICS_TOKEN as a bearer token\n');
          return;
        }
      }
      res.setHeader('content-type', registry.contentType);
      res.setHeader('cache-control', 'no-store');
      res.end(await registry.metrics());
    },
  };
}
