import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { type DocumentNode, type ExecutionResult, GraphQLError, type GraphQLSchema, execute, printSchema } from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { RequestContext } from '../context/request-context.js';
import { passThrough } from './pass-through.js';

/**
 * graphql-jit's field errors lack `extensions` when the thrown error has none, which Apollo's error
 * formatting needs; they become ordinary GraphQLErrors with the same message, path, locations and
 * original error.
 */
function asGraphQLError(error: NonNullable<ExecutionResult['errors']>[number]): GraphQLError {
  const normalized = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions ?? {},
  });
  (normalized as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return normalized;
}

/** Results that ran out of time, so the executor passes them on as they are. */
const timedOutResults = new WeakSet<ExecutionResult>();
const timedOut = (timeoutMs: number): ExecutionResult => {
  const result = {
    errors: [
      new GraphQLError(
        `The operation ran longer than ${timeoutMs} ms and was stopped; ask for less (smaller pages, fewer nested lists) or try again.`,
        { extensions: { code: 'TIMEOUT', timeoutMs } },
      ),
    ],
  };
  timedOutResults.add(result);
  return result;
};

/**
 * The operation's result, or TIMEOUT once it has run `timeoutMs`: the client gets its answer then;
 * the database cancels the statement still running (PostgreSQL's statement_timeout, set to the same
 * limit), so what is left of the execution ends soon after.
 */
async function withTimeout(
  execution: ExecutionResult | PromiseLike<ExecutionResult>,
  timeoutMs: number | undefined,
): Promise<ExecutionResult> {
  // graphql-jit answers synchronously when nothing is asynchronous, and with a thenable otherwise.
  if (!timeoutMs || typeof (execution as PromiseLike<ExecutionResult>).then !== 'function') return execution as ExecutionResult;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<ExecutionResult>((resolve) => {
    timer = setTimeout(() => resolve(timedOut(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([execution, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** PostgreSQL's error code for a statement cancelled (by statement_timeout). */
const QUERY_CANCELED = '57014';

/** Compiled operations per document: at most this many operations of one document are kept. */
const OPERATIONS_PER_DOCUMENT = 16;

/** What one execution of a compiled operation needs. */
export interface CompiledExecutionArgs {
  document: DocumentNode;
  operationName?: string | null;
  variableValues: Record<string, unknown>;
  contextValue: unknown;
  /** The root value: an event for a subscription's executions; none for queries and mutations. */
  rootValue?: unknown;
}

/**
 * Runs operations compiled by graphql-jit, each document's operations compiled once; results and
 * errors as graphql-js gives them. Shared by HTTP requests and subscription events.
 */
export function compiledExecutor(
  schema: GraphQLSchema,
  options: { timeoutMs?: number } = {},
): (args: CompiledExecutionArgs) => Promise<ExecutionResult> {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery>>();
  return async ({ document, operationName, variableValues, contextValue, rootValue }) => {
    let operations = compiled.get(document);
    if (!operations) {
      operations = new Map();
      compiled.set(document, operations);
    }
    const key = operationName ?? '';
    let query = operations.get(key);
    if (!query) {
      const result = compileQuery(schema, document, operationName ?? undefined);
      if (!isCompiledQuery(result)) return result;
      if (operations.size >= OPERATIONS_PER_DOCUMENT) operations.clear();
      query = result;
      operations.set(key, query);
    }
    const result = await withTimeout(query.query(rootValue, contextValue, variableValues), options.timeoutMs);
    if (!result.errors?.length || timedOutResults.has(result)) return result;
    // An error without a path is a request error (invalid variables) and nothing was resolved:
    // graphql-js reports those exactly as the spec and Apollo expect (BAD_USER_INPUT).
    if (result.errors.some((error) => !error.path)) {
      return execute({ schema, document, operationName, variableValues, contextValue, rootValue });
    }
    return { ...result, errors: result.errors.map(asGraphQLError) };
  };
}

/**
 * Executes operations with graphql-jit instead of graphql-js: each operation is compiled once into
 * a JavaScript function (field resolution, argument coercion and result completion written out for
 * that operation), then called per request. Apollo hands the same parsed document to every request
 * with the same text, so documents key the cache and go with Apollo's own document cache.
 *
 * Apollo Server 5 takes a custom executor only through its `gateway` option; nothing here is
 * federation: the gateway serves the one local schema.
 */
export function compiledExecution(schema: GraphQLSchema, options: { timeoutMs?: number } = {}): GatewayInterface {
  const run = compiledExecutor(schema, options);
  const passThroughOf = passThrough(schema);
  const executor: GatewayExecutor = async ({ document, operation, operationName, request, context }) => {
    if (operation?.operation === 'subscription') {
      return {
        errors: [
          new GraphQLError(
            'Subscriptions are served over WebSocket (graphql-ws, subprotocol graphql-transport-ws) at this same /graphql URL, not over HTTP.',
            { nodes: [operation], extensions: { code: 'BAD_REQUEST' } },
          ),
        ],
      };
    }
    const variableValues = request.variables ?? {};
    const usual = () => run({ document, operationName, variableValues, contextValue: context });
    // An operation one statement writes whole skips execution (see src/graphql/pass-through.ts);
    // should that statement fail, the usual path answers, with its own errors, unless it failed
    // for running out of time (PostgreSQL's statement_timeout): running again would not help.
    const passed = passThroughOf(document, operationName, variableValues, context as RequestContext);
    if (!passed) return usual();
    const { timeoutMs } = options;
    return withTimeout(
      passed.catch((error: unknown) =>
        timeoutMs && (error as { code?: unknown })?.code === QUERY_CANCELED ? timedOut(timeoutMs) : usual(),
      ),
      timeoutMs,
    );
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}
