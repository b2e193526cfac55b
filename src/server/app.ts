import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { ApolloServer, type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/core';
import { DEFAULT_CACHE_MAX_AGE } from '../config/defaults.js';
import express, { type ErrorRequestHandler } from 'express';
import type { GraphQLSchema } from 'graphql';
import { type ProcessServices, type RequestContext, createRequestContext } from '../context/request-context.js';
import { compiledExecution } from '../graphql/compiled-execution.js';
import { errorLoggingPlugin, formatError } from '../graphql/plugins/errors.plugin.js';
import { type KlyngePluginOptions, klyngePlugins, klyngeValidationRules } from '../graphql/plugins/index.js';
import { authenticateRequest } from './authorization.js';
import { type TrustProxy, clientAddressOf } from './client-address.js';
import { EXPORT_PATH, csvExportHandler } from './csv-export.route.js';
import { graphiqlRouter } from './graphiql.js';
import { type PassThroughSlot, splicePassThrough } from '../graphql/pass-through.js';
import { type TrustedDocuments, trustedDocumentsPlugin } from '../graphql/plugins/trusted-documents.plugin.js';
import type { Logger } from './logger.js';
import type { KlyngeMetrics } from './metrics.js';
import { graphqlTracingPlugin } from './tracing.js';

export const GRAPHQL_PATH = '/graphql';
/** Most tokens the parser reads of one document (over HTTP and WebSocket). */
export const MAX_DOCUMENT_TOKENS = 10_000;

export interface KlyngeApp {
  httpServer: Server;
  /** HTTP requests received whose responses have not finished (or been cut off) yet. */
  readonly requestsInFlight: number;
  /** Starts Apollo and mounts the routes (does not listen). */
  start(): Promise<void>;
  /** Drains requests and stops Apollo (does not close the ORM). */
  stop(): Promise<void>;
}

/** The composition root for HTTP: Apollo Server on express, GraphiQL, health check. */
export function createApp(deps: {
  orm: MikroORM;
  schema: GraphQLSchema;
  logger: Logger;
  /** Query limits and HTTP caching (defaults when absent). */
  limits?: KlyngePluginOptions;
  /** Where committed writes' events go (the process's event stream), and the company register. */
  services?: ProcessServices;
  /** Milliseconds one operation may run (QUERY_TIMEOUT_MS); none when absent. */
  queryTimeoutMs?: number;
  /** Whether queries one statement can answer whole are answered by it (PASS_THROUGH; see src/graphql/pass-through.ts). */
  passThrough?: boolean;
  /** What /readyz reports. */
  readiness: () => Promise<Readiness>;
  /** Only these operations run (ADMIN tokens excepted); any when absent. */
  trustedDocuments?: TrustedDocuments;
  /** Which proxies' X-Forwarded-For names the client (TRUST_PROXY); none when absent. */
  trustProxy?: TrustProxy;
  /** A span per GraphQL operation (OpenTelemetry); none when absent. */
  tracing?: boolean;
  /** Prometheus metrics (GET /metrics) and the per-request log line; none when absent. */
  metrics?: { metrics: KlyngeMetrics; slowQueryMs: number };
  /** Rows per statement of the CSV exports (their default when absent; tests use small pages). */
  exportPageSize?: number;
}): KlyngeApp {
  const { orm, schema, logger, limits } = deps;
  const services = deps.services ?? {};
  const app = express();
  app.disable('x-powered-by');
  const parseJson = express.json({ limit: '1mb' });
  const csvExport = csvExportHandler({
    orm,
    logger,
    services,
    rateLimiter: limits?.rateLimiter,
    trustProxy: deps.trustProxy ?? false,
    cacheMaxAge: limits?.cacheMaxAge ?? DEFAULT_CACHE_MAX_AGE,
    pageSize: deps.exportPageSize,
  });
  // POST /graphql, nearly all of the traffic, goes straight to Apollo (through the same JSON body
  // parser); express's router and response helpers cost more than the smallest operations.
  let requestsInFlight = 0;
  const requestDone = () => {
    requestsInFlight--;
  };
  const httpServer = createServer((req, res) => {
    requestsInFlight++;
    res.once('close', requestDone);
    if (req.method === 'POST' && pathOf(req.url) === GRAPHQL_PATH) {
      parseJson(req, res, (error?: unknown) => (error ? sendError(res, error) : serveGraphQL(req, res)));
    } else if (pathOf(req.url).startsWith(`${EXPORT_PATH}/`)) {
      void csvExport(req, res, clientRequestId(headerValue(req.headers['x-request-id'])) ?? randomUUID());
    } else {
      app(req, res);
    }
  });

  const apollo = new ApolloServer<RequestContext>({
    gateway: compiledExecution(schema, { timeoutMs: deps.queryTimeoutMs }),
    formatError,
    includeStacktraceInErrorResponses: false,
    // A bound on the parser's work, whatever the limits below would say of the parsed document.
    parseOptions: { maxTokens: MAX_DOCUMENT_TOKENS },
    introspection: true,
    validationRules: klyngeValidationRules(limits),
    // Automatic persisted queries are on by default and live in this cache: an LRU of at most about
    // 30 MiB of query text (Apollo's default, spelled out so it stays bounded).
    cache: 'bounded',
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Apollo's own landing page loads from a CDN; klynge serves its own GraphiQL instead.
      ApolloServerPluginLandingPageDisabled(),
      errorLoggingPlugin(logger),
      ...(deps.metrics ? [deps.metrics.metrics.plugin(logger, deps.metrics.slowQueryMs)] : []),
      ...(deps.tracing ? [graphqlTracingPlugin() as ApolloServerPlugin<RequestContext>] : []),
      ...klyngePlugins(limits),
      ...(deps.trustedDocuments ? [trustedDocumentsPlugin(deps.trustedDocuments)] : []),
    ],
  });

  /** Hands one request (its body parsed, if JSON) to Apollo and writes Apollo's answer. */
  const serveGraphQL = (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const header = (name: string) => headers.get(name);
    const passThrough: PassThroughSlot | undefined = deps.passThrough ? {} : undefined;
    let search = searchOf(req.url);
    if (deps.trustedDocuments) {
      // An operation named by its hash alone gets its text from the manifest.
      if (req.body && typeof req.body === 'object') deps.trustedDocuments.complete(req.body as Record<string, never>);
      search = withTrustedQuery(search, deps.trustedDocuments);
    }
    apollo
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method?.toUpperCase() ?? 'GET', headers, search, body: req.body },
        context: () => {
          const ctx = createRequestContext(
            orm,
            clientRequestId(header('x-request-id')),
            null,
            services,
            clientAddressOf(req, deps.trustProxy ?? false),
          );
          // Apollo copies the context's own properties: the slot is one object, shared by the copy.
          if (passThrough) Object.assign(ctx, { passThrough });
          return authenticateRequest(ctx, header('authorization'));
        },
      })
      .then(async (response) => {
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (response.body.kind === 'complete') {
          res.end(splicePassThrough(response.body.string, passThrough));
          return;
        }
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      })
      .catch((error: unknown) => sendError(res, error));
  };

  /** A failed request in GraphQL's shape (express 5 would answer malformed JSON with an HTML stack trace). */
  const sendError = (res: ServerResponse, error: unknown) => {
    const status = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 500;
    if (status >= 500) logger.error({ err: error }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(
      JSON.stringify({
        errors: [
          {
            message: status < 500 ? `Bad request: ${(error as Error).message}` : 'Internal server error.',
            extensions: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' },
          },
        ],
      }),
    );
  };

  return {
    httpServer,
    get requestsInFlight() {
      return requestsInFlight;
    },
    async start() {
      await apollo.start();
      // Liveness: the process serves HTTP. It does not ask the database, so an outage does not get
      // healthy instances restarted; readiness (below) says whether to send them traffic.
      app.get('/healthz', (_req, res) => {
        res.json({ status: 'ok' });
      });
      const metrics = deps.metrics?.metrics;
      if (metrics) app.get('/metrics', (req, res) => void metrics.handle(req, res));
      app.get('/readyz', async (_req, res) => {
        const readiness = await deps.readiness();
        if (!readiness.ready) logger.warn({ checks: readiness.checks }, 'not ready');
        res
          .status(readiness.ready ? 200 : 503)
          .json({ status: readiness.ready ? 'ready' : 'unavailable', checks: readiness.checks });
      });
      app.use(graphiqlRouter(GRAPHQL_PATH));
      // Every other request to /graphql (GET queries, other methods, which Apollo refuses).
      app.use(GRAPHQL_PATH, parseJson, (req, res) => serveGraphQL(req, res));
      const jsonErrors: ErrorRequestHandler = (error, _req, res, _next) => sendError(res, error);
      app.use(jsonErrors);
    },
    async stop() {
      await apollo.stop();
    },
  };
}

/** Whether this instance should get traffic, and the state of each thing it depends on. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, 'ok' | 'off' | 'unavailable' | 'shutting down'>;
}

/** How long a readiness check waits for an answer. */
const READINESS_TIMEOUT_MS = 2000;

/** Resolves to false when `check` fails or takes longer than the readiness timeout. */
export async function answers(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), READINESS_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** A request URL's path, and its query string (`?…`, or empty). */
const pathOf = (url = '') => url.split('?', 1)[0];
const searchOf = (url = '') => {
  const query = url.indexOf('?');
  return query < 0 ? '' : url.slice(query);
};

/** A GET request's query string with the text of an operation it names by hash alone (trusted documents). */
function withTrustedQuery(search: string, trusted: TrustedDocuments): string {
  if (!search) return search;
  const params = new URLSearchParams(search);
  if (params.has('query')) return search;
  const request: Parameters<TrustedDocuments['complete']>[0] = { documentId: params.get('documentId') ?? undefined };
  try {
    request.extensions = JSON.parse(params.get('extensions') ?? '{}');
  } catch {
    // Apollo answers malformed extensions itself.
  }
  trusted.complete(request);
  if (typeof request.query !== 'string') return search;
  params.set('query', request.query);
  return `?${params.toString()}`;
}

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** A client's own request id is kept if it is short and plain; otherwise we make one. */
const clientRequestId = (value: string | undefined) => (value && /^[\w.:-]{1,100}$/.test(value) ? value : undefined);
