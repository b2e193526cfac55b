import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { ValidationRule } from 'graphql';
import type { RequestContext } from '../../context/request-context.js';
import { httpCachePlugin } from './http-cache.plugin.js';
import { textInputPlugin } from './text-input.plugin.js';
import { queryCostPlugin } from './query-cost.plugin.js';
import { queryShapeRules } from './query-shape.rules.js';
import { rateLimitPlugin } from './rate-limit.plugin.js';
import type { RateLimiter } from '../../services/rate-limit.service.js';

export { QUERY_TOO_COMPLEX } from './query-cost.plugin.js';

/** klynge's limits and caching; anything left out takes the plugin's default. */
export interface KlyngePluginOptions {
  /** Highest estimated cost of an operation (default 150,000). */
  maxQueryCost?: number;
  /** Deepest field nesting (default 12). */
  maxDepth?: number;
  /** Most aliases per operation (default 30). */
  maxAliases?: number;
  /** max-age in seconds for successful queries; 0 sends no-store (default 60). */
  cacheMaxAge?: number;
  /** Budgets of points per caller and hour; no rate limits when absent. */
  rateLimiter?: RateLimiter;
}

/** The plugins that shape every response, shared by the HTTP server and the in-process test API. */
export function klyngePlugins(options: KlyngePluginOptions = {}): ApolloServerPlugin<RequestContext>[] {
  return [
    // Apollo's per-field cache-control plugin hooks every resolver call to collect @cacheControl hints;
    // klynge sets one policy per response (httpCachePlugin), so that per-field work is switched off.
    ApolloServerPluginCacheControlDisabled(),
    // Apollo switches inline tracing (ftv1, for a gateway's usage reports to Apollo Studio) on for
    // every subgraph; klynge reports nowhere, its compiled execution runs no per-field hooks to
    // trace, and the plugin would build a trace tree for every request.
    ApolloServerPluginInlineTraceDisabled(),
    queryCostPlugin({ maxCost: options.maxQueryCost }),
    textInputPlugin(),
    // After the limits and the input check: an operation refused by them spends nothing.
    ...(options.rateLimiter ? [rateLimitPlugin(options.rateLimiter)] : []),
    httpCachePlugin({ maxAge: options.cacheMaxAge }),
  ];
}

/** The extra validation rules (depth and alias limits), shared like klyngePlugins. */
export function klyngeValidationRules(options: KlyngePluginOptions = {}): ValidationRule[] {
  return queryShapeRules({ maxDepth: options.maxDepth, maxAliases: options.maxAliases });
}
