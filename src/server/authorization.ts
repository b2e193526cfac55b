import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { authenticate } from '../auth/viewer.js';
import type { RequestContext } from '../context/request-context.js';
import { CodedError, ErrorCode } from '../lib/errors.js';

/** The token of an `Authorization: Bearer <token>` header; null when the header has another form. */
export function bearerToken(header: string): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1] : null;
}

/**
 * Sets the context's viewer from an Authorization header (none: anonymous, no database work). A
 * header that is not a valid, unrevoked klynge token is an UNAUTHENTICATED CodedError.
 */
export async function authenticateViewer(ctx: RequestContext, authorization: string | undefined): Promise<RequestContext> {
  if (authorization === undefined) return ctx;
  const token = bearerToken(authorization);
  if (token === null) {
    throw new CodedError(ErrorCode.UNAUTHENTICATED, 'The Authorization header must be "Bearer <klynge API token>".');
  }
  ctx.viewer = await authenticate(ctx.db, token);
  return ctx;
}

/**
 * Sets the request's viewer from its Authorization header (none: anonymous, no database work).
 * A header that is not a valid, unrevoked klynge token fails the whole request with HTTP 401 and
 * UNAUTHENTICATED, queries included: a client sending a bad token must learn that it is bad.
 */
export async function authenticateRequest(ctx: RequestContext, authorization: string | undefined): Promise<RequestContext> {
  if (authorization === undefined) return ctx;
  try {
    return await authenticateViewer(ctx, authorization);
  } catch (error) {
    if (!(error instanceof CodedError) || error.code !== ErrorCode.UNAUTHENTICATED) throw error;
    throw new GraphQLError(error.message, {
      extensions: {
        code: ErrorCode.UNAUTHENTICATED,
        http: {
          status: 401,
          headers: new HeaderMap([
            ['www-authenticate', 'Bearer realm="klynge"'],
            ['cache-control', 'private, no-store'],
          ]),
        },
      },
    });
  }
}
