import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/core';
import express, { type ErrorRequestHandler } from 'express';
import type { GraphQLSchema } from 'graphql';
import { type RequestContext, createRequestContext } from '../context/request-context.js';
import { compiledExecution } from '../graphql/compiled-execution.js';
import { errorLoggingPlugin, formatError } from '../graphql/plugins/errors.plugin.js';
import { type KlyngePluginOptions, klyngePlugins, klyngeValidationRules } from '../graphql/plugins/index.js';
import { authenticateRequest } from './authorization.js';
import { graphiqlRouter } from './graphiql.js';
import type { Logger } from './logger.js';

export const GRAPHQL_PATH = '/graphql';

export interface KlyngeApp {
  httpServer: Server;
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
}): KlyngeApp {
  const { orm, schema, logger, limits } = deps;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);

  const apollo = new ApolloServer<RequestContext>({
    gateway: compiledExecution(schema),
    formatError,
    includeStacktraceInErrorResponses: false,
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
      ...klyngePlugins(limits),
    ],
  });

  return {
    httpServer,
    async start() {
      await apollo.start();
      app.get('/healthz', async (_req, res) => {
        try {
          await orm.em.fork().getConnection().execute('select 1');
          res.json({ status: 'ok' });
        } catch (error) {
          logger.warn({ err: error }, 'health check failed');
          res.status(503).json({ status: 'unavailable', reason: 'database' });
        }
      });
      app.use(graphiqlRouter(GRAPHQL_PATH));
      app.use(
        GRAPHQL_PATH,
        express.json({ limit: '1mb' }),
        expressMiddleware(apollo, {
          context: async ({ req }) =>
            authenticateRequest(createRequestContext(orm, clientRequestId(req.get('x-request-id'))), req.get('authorization')),
        }),
      );
      // express 5 would answer malformed JSON with an HTML stack trace; answer in GraphQL's shape.
      const jsonErrors: ErrorRequestHandler = (error, _req, res, _next) => {
        const status = typeof error?.status === 'number' ? error.status : 500;
        if (status >= 500) logger.error({ err: error }, 'request failed');
        res.status(status).json({
          errors: [
            {
              message: status < 500 ? `Bad request: ${error.message}` : 'Internal server error.',
              extensions: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' },
            },
          ],
        });
      };
      app.use(jsonErrors);
    },
    async stop() {
      await apollo.stop();
    },
  };
}

/** A client's own request id is kept if it is short and plain; otherwise we make one. */
const clientRequestId = (value: string | undefined) => (value && /^[\w.:-]{1,100}$/.test(value) ? value : undefined);
