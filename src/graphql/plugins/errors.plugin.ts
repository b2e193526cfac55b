import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { RequestContext } from '../../context/request-context.js';
import { CodedError, ErrorCode } from '../../lib/errors.js';

interface ErrorLogger {
  error(obj: object, msg: string): void;
}

const DATABASE_DOWN =
  /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|connection terminated|Connection terminated|SQLITE_CANTOPEN|too many clients/i;

/**
 * The one place errors get their public shape: expected failures (CodedError) keep their message
 * and code (plus `field`); an unreachable database is DATABASE_UNAVAILABLE; anything else is an
 * INTERNAL_SERVER_ERROR with no detail, logged in full under the request id the client sees.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof CodedError) {
    return {
      ...formatted,
      message: original.message,
      extensions: { code: original.code, ...(original.field ? { field: original.field } : {}) },
    };
  }
  const code = formatted.extensions?.code;
  if (code && code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
  const text = original instanceof Error ? `${original.message} ${(original as { code?: string }).code ?? ''}` : '';
  if (DATABASE_DOWN.test(text)) {
    return {
      message: 'The database is unavailable; try again shortly.',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.DATABASE_UNAVAILABLE },
    };
  }
  return {
    message: 'Internal server error.',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/** Logs unexpected errors with the request id, and tells the client that id. */
export function errorLoggingPlugin(logger: ErrorLogger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (original instanceof CodedError) continue;
            if (error.extensions?.code && error.extensions.code !== ErrorCode.INTERNAL_SERVER_ERROR) continue;
            logger.error(
              { err: original, requestId: contextValue.requestId, operationName, path: error.path },
              'unexpected error',
            );
          }
        },
        async willSendResponse({ response, contextValue }) {
          response.http.headers.set('x-request-id', contextValue.requestId);
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            const code = error.extensions?.code;
            if (code === ErrorCode.INTERNAL_SERVER_ERROR || code === ErrorCode.DATABASE_UNAVAILABLE) {
              (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
          }
        },
      };
    },
  };
}
