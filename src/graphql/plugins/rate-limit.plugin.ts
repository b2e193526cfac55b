import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  getNamedType,
  getNullableType,
  isListType,
} from 'graphql';
import { type ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import type { RequestContext } from '../../context/request-context.js';
import { ErrorCode } from '../../lib/errors.js';
import { DEFAULT_PAGE_SIZE } from '../../lib/pagination.js';
import { type OperationInput, isPageField, perDocumentCache, size } from './query-cost.plugin.js';
import {
  type RateLimitKey,
  type RateLimitState,
  type RateLimiter,
  retryAfterSeconds,
} from '../../services/rate-limit.service.js';

/** What a mutation costs, whatever it asks for (GitHub charges its mutations a flat amount too). */
export const MUTATION_POINTS = 5;

/**
 * The requests a query asks the server to make, GitHub's way: each list costs one request for
 * every item of the lists above it (`clusters(first: 100) { members(first: 10) }` is 1 + 100).
 */
const requestsEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (isPageField(type.name, field.name)) return childComplexity;
  if (getNamedType(field.type).name.endsWith('Connection')) {
    return 1 + (size(args.first) ?? size(args.last) ?? DEFAULT_PAGE_SIZE) * childComplexity;
  }
  if (isListType(getNullableType(field.type))) {
    const items = Array.isArray(args.ids)
      ? args.ids.length
      : Array.isArray(args.representations)
        ? args.representations.length
        : size(args.first);
    if (items !== undefined) return 1 + items * childComplexity;
  }
  return childComplexity;
};

/** An operation's requests, remembered per document like its cost; 1 when its variables are invalid (execution refuses them). */
const requestsOf = perDocumentCache((input: OperationInput): number => {
  try {
    return getComplexity({ ...input, query: input.document, estimators: [requestsEstimator] });
  } catch {
    return 1;
  }
});

/** An operation's points: its requests / 100, at least 1; a mutation MUTATION_POINTS; only `rateLimit`: 0. */
export function rateLimitPoints(input: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables?: Record<string, unknown>;
}): number {
  const root = input.operation.selectionSet.selections;
  if (root.every((s) => s.kind === Kind.FIELD && (s.name.value === 'rateLimit' || s.name.value === '__typename'))) return 0;
  if (input.operation.operation === 'mutation') return MUTATION_POINTS;
  const requests = requestsOf({
    schema: input.schema,
    document: input.document,
    operationName: input.operation.name?.value,
    variables: input.variables,
  });
  return Math.max(1, Math.round(requests / 100));
}

/** The caller's key: its API token, or its address. */
export const rateLimitKey = (ctx: Pick<RequestContext, 'viewer' | 'clientAddress'>): RateLimitKey =>
  ctx.viewer?.tokenId != null
    ? { kind: 'token', tokenId: ctx.viewer.tokenId }
    : { kind: 'address', address: ctx.clientAddress ?? 'unknown' };

/** GitHub's rate-limit response headers. */
export function rateLimitHeaders(state: RateLimitState): [string, string][] {
  return [
    ['x-ratelimit-limit', String(state.limit)],
    ['x-ratelimit-remaining', String(state.remaining)],
    ['x-ratelimit-used', String(state.used)],
    ['x-ratelimit-reset', String(Math.ceil(state.resetAt.getTime() / 1000))],
  ];
}

/** The refusal of an operation over budget: RATE_LIMITED, with when to come back. */
export function rateLimited(state: RateLimitState): GraphQLError {
  const retryAfter = retryAfterSeconds(state);
  return new GraphQLError(
    `Rate limit exceeded: this operation costs ${state.cost} points and ${state.remaining} of your ${state.limit} per hour remain; the budget is whole again at ${state.resetAt.toISOString()}.`,
    {
      extensions: {
        code: ErrorCode.RATE_LIMITED,
        cost: state.cost,
        limit: state.limit,
        remaining: state.remaining,
        resetAt: state.resetAt.toISOString(),
        http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)], ...rateLimitHeaders(state)]) },
      },
    },
  );
}

/**
 * Charges each operation to its caller's budget before anything is resolved (after the cost,
 * depth and alias limits: a refused operation spends nothing), refuses it with 429 when the budget
 * is spent, and puts the budget in every response's headers and in `Query.rateLimit`.
 */
export function rateLimitPlugin(limiter: RateLimiter): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          // Subscriptions are served over the socket, which charges them there; over HTTP they are refused.
          if (!operation || operation.operation === 'subscription') return;
          const cost = rateLimitPoints({ schema, document, operation, variables: request.variables });
          const { allowed, state } = await limiter.spend(rateLimitKey(contextValue), cost);
          contextValue.rateLimit = state;
          if (!allowed) throw rateLimited(state);
        },
        async willSendResponse({ response, contextValue }) {
          if (!contextValue.rateLimit) return;
          for (const [name, value] of rateLimitHeaders(contextValue.rateLimit)) response.http.headers.set(name, value);
        },
      };
    },
  };
}
