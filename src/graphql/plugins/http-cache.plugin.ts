import type { ApolloServerPlugin } from '@apollo/server';
import { OperationTypeNode } from 'graphql';
import { DEFAULT_CACHE_MAX_AGE } from '../../config/defaults.js';

export interface HttpCacheOptions {
  /** Seconds shared caches (CDN, browser) may keep a successful query's response; 0 disables caching (default 60). */
  maxAge?: number;
  /** Request headers that make a response personal, never shared (default: authorization). */
  privateHeaders?: readonly string[];
}

/** The Cache-Control value for one response. */
export function cacheControlFor(response: {
  operation: OperationTypeNode | undefined;
  hasErrors: boolean;
  personal: boolean;
  maxAge: number;
}): string {
  if (response.operation !== OperationTypeNode.QUERY || response.hasErrors || response.personal) return 'private, no-store';
  return response.maxAge > 0 ? `public, max-age=${response.maxAge}` : 'no-store';
}

/** Sets Cache-Control on every GraphQL response: public for clean queries, private and uncached otherwise. */
export function httpCachePlugin(options: HttpCacheOptions = {}): ApolloServerPlugin<any> {
  const maxAge = options.maxAge ?? DEFAULT_CACHE_MAX_AGE;
  const privateHeaders = (options.privateHeaders ?? ['authorization']).map((name) => name.toLowerCase());
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, operation, errors }) {
          const body = response.body;
          const hasErrors = (errors?.length ?? 0) > 0 || body.kind !== 'single' || (body.singleResult.errors?.length ?? 0) > 0;
          const personal = privateHeaders.some((name) => request.http?.headers.has(name));
          response.http.headers.set(
            'cache-control',
            cacheControlFor({ operation: operation?.operation, hasErrors, personal, maxAge }),
          );
        },
      };
    },
  };
}
