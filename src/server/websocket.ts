// graphql-ws (`graphql-transport-ws`) on the HTTP server's port and path. Each operation passes the
// same validation, depth, alias and cost limits as over HTTP; subscriptions are served by the
// multiplexing hub; queries and mutations get a request context of their own, as over HTTP.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  execute,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Viewer, authenticate, stillValidTokens } from '../auth/viewer.js';
import type { WebSocketConfig } from '../config/config.js';
import { type ProcessServices, createRequestContext } from '../context/request-context.js';
import { type KlyngePluginOptions, klyngeValidationRules } from '../graphql/plugins/index.js';
import { DEFAULT_MAX_QUERY_COST } from '../config/defaults.js';
import { cachedQueryCost, tooComplex } from '../graphql/plugins/query-cost.plugin.js';
import { badTextArguments } from '../graphql/plugins/text-input.plugin.js';
import { TrustedDocuments } from '../graphql/plugins/trusted-documents.plugin.js';
import { rateLimitKey, rateLimitPoints, rateLimited } from '../graphql/plugins/rate-limit.plugin.js';
import { type SubscriptionHub, errorResult, formatted } from '../graphql/subscriptions/subscription-hub.js';
import { CodedError, ErrorCode, invalidInput } from '../lib/errors.js';
import { Db } from '../repositories/db.js';
import { MAX_DOCUMENT_TOKENS } from './app.js';
import { bearerToken } from './authorization.js';
import { type TrustProxy, clientAddressOf } from './client-address.js';
import type { Logger } from './logger.js';

/** Close code for a connection over its token's or address's limit (graphql-ws's "too many" code). */
export const TOO_MANY_CONNECTIONS = CloseCode.TooManyInitialisationRequests;
/** Close code for a connection whose token was revoked (the code graphql-ws uses for a refused init). */
export const TOKEN_REVOKED = CloseCode.Forbidden;

/** What klynge keeps per connection. */
interface ConnectionState {
  viewer: Viewer | null;
  address: string;
}

type Extra = { socket: WebSocket; request: IncomingMessage; klynge?: ConnectionState };

export interface WebSocketDeps {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  orm: MikroORM;
  hub: SubscriptionHub;
  /** What request contexts of queries and mutations over the socket share (events, the register). */
  services: ProcessServices;
  logger: Logger;
  limits?: KlyngePluginOptions;
  /** Which proxies' X-Forwarded-For names the client (TRUST_PROXY). */
  trustProxy?: TrustProxy;
  /** Only these operations run (ADMIN tokens excepted). */
  trustedDocuments?: TrustedDocuments;
  config: WebSocketConfig;
}

export interface KlyngeWebSockets {
  /** Open connections now. */
  readonly connectionCount: number;
  /** Closes every connection with 1001 (going away) and stops taking new ones. */
  close(): Promise<void>;
}

const errorOf = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extra } });

/** An HTTP refusal as a socket sends it: the same message and code, without the HTTP status and headers. */
const withoutHttp = (error: GraphQLError) => {
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { extensions });
};

/** Serves graphql-ws on the HTTP server's upgrades to `path`. */
export function attachWebSockets(deps: WebSocketDeps): KlyngeWebSockets {
  const { httpServer, path, schema, orm, hub, config, logger } = deps;
  const validationRules = [...specifiedRules, ...klyngeValidationRules(deps.limits)];
  const maxCost = deps.limits?.maxQueryCost ?? DEFAULT_MAX_QUERY_COST;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const byAddress = new Map<string, number>();
  const byToken = new Map<number, Set<WebSocket>>();
  const db = () => new Db(orm.em.fork() as EntityManager);

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((request.url ?? '').split('?', 1)[0] !== path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const address = clientAddressOf(request, deps.trustProxy ?? false);
    if ((byAddress.get(address) ?? 0) >= config.maxConnectionsPerAddress) {
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nRetry-After: 60\r\nContent-Type: text/plain\r\nContent-Length: 56\r\n\r\n${'Too many WebSocket connections from this address.'.padEnd(56)}`,
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
      ws.once('close', () => {
        const left = (byAddress.get(address) ?? 1) - 1;
        if (left > 0) byAddress.set(address, left);
        else byAddress.delete(address);
      });
      wss.emit('connection', ws, request);
    });
  };
  httpServer.on('upgrade', onUpgrade);

  const serverCleanup = useServer<Record<string, unknown> | undefined, Partial<Extra>>(
    {
      connectionInitWaitTimeout: config.initTimeoutMs,
      async onConnect(ctx) {
        const extra = ctx.extra as Extra;
        const state: ConnectionState = { viewer: null, address: clientAddressOf(extra.request, deps.trustProxy ?? false) };
        const authorization = ctx.connectionParams?.authorization;
        if (authorization !== undefined) {
          const token = typeof authorization === 'string' ? bearerToken(authorization) : null;
          if (token === null) return false;
          try {
            state.viewer = await authenticate(db(), token);
          } catch (error) {
            if (error instanceof CodedError && error.code === ErrorCode.UNAUTHENTICATED) return false;
            throw error;
          }
          const tokenId = state.viewer.tokenId as number;
          const sockets = byToken.get(tokenId) ?? new Set();
          if (sockets.size >= config.maxConnectionsPerToken) {
            extra.socket.close(TOO_MANY_CONNECTIONS, 'Too many WebSocket connections for this token');
            return false;
          }
          sockets.add(extra.socket);
          byToken.set(tokenId, sockets);
          extra.socket.once('close', () => {
            sockets.delete(extra.socket);
            if (sockets.size === 0 && byToken.get(tokenId) === sockets) byToken.delete(tokenId);
          });
        }
        extra.klynge = state;
        return true;
      },
      async onSubscribe(ctx, _id, payload) {
        const extra = ctx.extra as Extra;
        const state = extra.klynge as ConnectionState;
        if (Object.keys(ctx.subscriptions).length > config.maxSubscriptionsPerConnection) {
          return [
            errorOf(
              ErrorCode.TOO_MANY_SUBSCRIPTIONS,
              `A connection may hold at most ${config.maxSubscriptionsPerConnection} operations at once; complete one first or open another connection.`,
              { maxSubscriptions: config.maxSubscriptionsPerConnection },
            ),
          ];
        }
        const trusted = deps.trustedDocuments;
        if (trusted) {
          if (typeof payload.query !== 'string' || payload.query === '') trusted.complete(payload as never);
          const text = typeof payload.query === 'string' ? payload.query : '';
          if (!trusted.allows(TrustedDocuments.hashOf(text), state.viewer)) {
            const refusal = trusted.refusal();
            return [errorOf(String(refusal.extensions.code), refusal.message)];
          }
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: MAX_DOCUMENT_TOKENS });
        } catch (error) {
          return [errorOf('GRAPHQL_PARSE_FAILED', (error as Error).message)];
        }
        const problems = validate(schema, document, validationRules);
        if (problems.length > 0) {
          return problems.map((p) =>
            errorOf(typeof p.extensions.code === 'string' ? p.extensions.code : 'GRAPHQL_VALIDATION_FAILED', p.message, {
              ...p.extensions,
            }),
          );
        }
        const variables = (payload.variables ?? {}) as Record<string, unknown>;
        const operationName = payload.operationName ?? undefined;
        const cost = cachedQueryCost({ schema, document, operationName, variables });
        if (cost !== undefined && cost > maxCost) return [withoutHttp(tooComplex(cost, maxCost))];
        const operation = getOperationAST(document, operationName);
        // Text no database can store (NUL, unpaired surrogates) is refused as over HTTP.
        const badText = operation ? badTextArguments(schema, document, operation, variables) : [];
        if (badText.length > 0) {
          const error = invalidInput(badText);
          return [errorOf(error.code, error.message, { field: error.field, fields: error.fields })];
        }
        // Operations over the socket spend the caller's budget as over HTTP, after the limits and the
        // input check (a refused operation spends nothing); a subscription once, when it starts.
        if (operation && deps.limits?.rateLimiter) {
          const points = rateLimitPoints({ schema, document, operation, variables });
          const key = rateLimitKey({ viewer: state.viewer, clientAddress: state.address });
          const { allowed, state: budget } = await deps.limits.rateLimiter.spend(key, points);
          if (!allowed) return [withoutHttp(rateLimited(budget))];
        }
        if (operation?.operation === 'subscription') {
          const subscription = await hub.subscribe({
            document,
            operationName,
            variables,
            viewer: state.viewer,
            connection: {
              bufferedAmount: () => extra.socket.bufferedAmount,
              close: (code, reason) => closeSlowConsumer(extra.socket, code, reason),
            },
          });
          if (!(Symbol.asyncIterator in subscription)) return [...(subscription.errors ?? [])];
          return { schema, document, operationName, variableValues: variables, contextValue: { subscription } } as ExecutionArgs;
        }
        // Queries and mutations over the socket: a request context of their own, as over HTTP.
        const context = createRequestContext(orm, undefined, state.viewer, deps.services, state.address);
        return { schema, document, operationName, variableValues: variables, contextValue: context } as ExecutionArgs;
      },
      subscribe: (args) => (args.contextValue as { subscription: AsyncIterableIterator<ExecutionResult> }).subscription,
      execute: async (args) => {
        try {
          const result = await execute(args);
          return formatted(result);
        } catch (error) {
          return errorResult(error);
        }
      },
    },
    wss,
    config.keepAliveSeconds * 1000,
  );

  // A revoked (or deleted) token's connections close; checked for all open tokens in one statement.
  const recheck = setInterval(async () => {
    if (byToken.size === 0) return;
    try {
      const valid = await stillValidTokens(db(), [...byToken.keys()]);
      for (const [tokenId, sockets] of byToken) {
        if (valid.has(tokenId)) continue;
        for (const socket of sockets) socket.close(TOKEN_REVOKED, 'The API token has been revoked');
      }
    } catch (error) {
      logger.warn({ err: error }, 'could not recheck the tokens of WebSocket connections');
    }
  }, config.tokenRecheckSeconds * 1000);
  recheck.unref();

  return {
    get connectionCount() {
      return wss.clients.size;
    },
    async close() {
      clearInterval(recheck);
      httpServer.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.close(1001, 'Server shutting down');
      await serverCleanup.dispose();
    },
  };
}

/** How long a stalled socket gets to take its close frame before it is cut off. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Closes a socket whose reader has stalled: the close frame queues behind what it has not read, so
 * the socket is cut off if it has not closed after a grace period; its buffers are freed either way.
 */
function closeSlowConsumer(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, reason);
  const cutOff = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
  cutOff.unref();
  socket.once('close', () => clearTimeout(cutOff));
}
