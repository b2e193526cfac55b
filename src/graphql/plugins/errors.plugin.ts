import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { RequestContext } from '../../context/request-context.js';
import { CodedError, ErrorCode } from '../../lib/errors.js';

interface ErrorLogger {
  error(obj: object, msg: string): void;
}

const DATABASE_DOWN =
  /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|connection terminated|Connection terminated|SQLITE_CANTOPEN|too many clients/i;

/** PostgreSQL cancelled a statement at statement_timeout (SQLSTATE 57014, query_canceled). */
const STATEMENT_TIMEOUT = /canceling statement due to statement timeout|\b57014\b/;

/**
 * Apollo's own refusals of a malformed request (a persisted-query hash that does not match its
 * query, an unsupported APQ version) carry an HTTP 4xx status but no code: the client's mistake.
 */
const isRequestError = (error: unknown): boolean => {
  if (!(error instanceof GraphQLError) || error.originalError || error.path || error.extensions.code) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
};

/**
 * The one place errors get their public shape: expected failures (CodedError) keep their message
 * and code (plus `field`, and `fields` for every problem of an input); an unreachable database is
 * DATABASE_UNAVAILABLE; anything else is an INTERNAL_SERVER_ERROR with no detail, logged in full
 * under the request id the client sees.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof CodedError) {
    return {
      ...formatted,
      message: original.message,
      extensions: {
        code: original.code,
        ...(original.field ? { field: original.field } : {}),
        ...(original.fields ? { fields: original.fields } : {}),
      },
    };
  }
  const code = formatted.extensions?.code;
  // Apollo labels every validation failure GRAPHQL_VALIDATION_FAILED; klynge's own rules (depth and
  // alias limits: QUERY_TOO_COMPLEX) put their code on the error Apollo wraps, which wins here.
  if (code === ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED && error instanceof GraphQLError) {
    const ruleCode = error.originalError instanceof GraphQLError ? error.originalError.extensions.code : undefined;
    if (typeof ruleCode === 'string') return { ...formatted, extensions: { ...formatted.extensions, code: ruleCode } };
  }
  if (isRequestError(error)) return { ...formatted, extensions: { code: ApolloServerErrorCode.BAD_REQUEST } };
  if (code && code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
  const text = original instanceof Error ? `${original.message} ${(original as { code?: string }).code ?? ''}` : '';
  // Unexpected failures: the client gets a code and a plain message, never the detail (it is logged).
  const replaced = (code: ErrorCode, message: string): GraphQLFormattedError => ({
    message,
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code },
  });
  if (STATEMENT_TIMEOUT.test(text)) {
    return replaced(
      ErrorCode.TIMEOUT,
      'The operation took too long and was stopped; ask for less (smaller pages, fewer nested lists) or try again.',
    );
  }
  if (DATABASE_DOWN.test(text))
    return replaced(ErrorCode.DATABASE_UNAVAILABLE, 'The database is unavailable; try again shortly.');
  return replaced(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error.');
}

/** Logs unexpected errors with the request id, and tells the client that id. */
export function errorLoggingPlugin(logger: ErrorLogger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (original instanceof CodedError || isRequestError(error)) continue;
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
          const result = response.body.singleResult;
          let unavailable = false;
          for (const error of result.errors ?? []) {
            const code = error.extensions?.code;
            if (code === ErrorCode.INTERNAL_SERVER_ERROR || code === ErrorCode.DATABASE_UNAVAILABLE) {
              (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
            if (code === ErrorCode.DATABASE_UNAVAILABLE || code === ErrorCode.TIMEOUT) unavailable = true;
          }
          // Nothing resolved because the database is down or the operation ran out of time: 503, so
          // clients and proxies retry later; with partial data it stays 200 with the errors.
          if (unavailable && result.data == null) response.http.status = 503;
        },
      };
    },
  };
}
