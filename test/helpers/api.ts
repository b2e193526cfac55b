import { ApolloServer } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { CompanyRegister } from '../../src/connectors/company-register.connector.js';
import { type RequestContext, createRequestContext } from '../../src/context/request-context.js';
import { compiledExecution } from '../../src/graphql/compiled-execution.js';
import { formatError } from '../../src/graphql/plugins/errors.plugin.js';
import { klyngePlugins, klyngeValidationRules } from '../../src/graphql/plugins/index.js';
import { buildKlyngeSchema } from '../../src/graphql/schema.js';
import { authenticateRequest } from '../../src/server/authorization.js';
import { type TestDatabase, createTestDatabase } from './database.js';
import { assertLoopback } from './register-server.js';

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: readonly GraphQLFormattedError[];
}

/** Who sends an operation: an API token, or a raw Authorization header; anonymous when absent. */
export interface Caller {
  token?: string;
  authorization?: string;
}

export interface TestApi extends TestDatabase {
  /** Runs one operation in-process, in a fresh request context, like an HTTP request would. */
  query<T = any>(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<GraphQLResult<T>>;
  /** Like query, plus the HTTP status the server would answer with (Apollo's, 200 when it sets none). */
  exchange<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    caller?: Caller,
  ): Promise<{ status: number; result: GraphQLResult<T> }>;
  /** Like query, but fails the test on any error. */
  data<T = any>(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<T>;
}

export type TestApiOptions = Parameters<typeof createTestDatabase>[0] & {
  /**
   * The company register requests use (the caller closes it). Switched off when absent: tests
   * never call the real register; a test that wants one starts its own on 127.0.0.1.
   */
  register?: CompanyRegister & { url?: string };
};

/** An in-process API over a fresh, migrated and seeded test database. */
export async function createTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const { register } = options;
  if (register?.url !== undefined) assertLoopback(register.url);
  const db = await createTestDatabase(options);
  // The same executor, limits and plugins as the HTTP server, so in-process tests see what clients see.
  const apollo = new ApolloServer<RequestContext>({
    gateway: compiledExecution(await buildKlyngeSchema()),
    formatError,
    validationRules: klyngeValidationRules(),
    plugins: klyngePlugins(),
  });
  await apollo.start();
  const exchange = async <T>(query: string, variables?: Record<string, unknown>, caller: Caller = {}) => {
    const authorization = caller.authorization ?? (caller.token === undefined ? undefined : `Bearer ${caller.token}`);
    let contextValue: RequestContext;
    try {
      // The viewer is resolved as the HTTP server does; a bad token fails the request before it runs.
      contextValue = await authenticateRequest(createRequestContext(db.orm, undefined, null, { register }), authorization);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 401;
      return {
        status,
        result: { errors: [{ message: error.message, extensions: { code: error.extensions.code } }] } as GraphQLResult<T>,
      };
    }
    const response = await apollo.executeOperation({ query, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not expected here');
    return { status: response.http.status ?? 200, result: response.body.singleResult as GraphQLResult<T> };
  };
  const query = async <T>(query: string, variables?: Record<string, unknown>, caller: Caller = {}) =>
    (await exchange<T>(query, variables, caller)).result;
  return {
    ...db,
    query,
    exchange,
    async data<T>(q: string, variables?: Record<string, unknown>, caller?: Caller) {
      const result = await query<T>(q, variables, caller);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
      return result.data as T;
    },
    async dispose() {
      await apollo.stop();
      await db.dispose();
    },
  };
}

/** The `extensions.code` of each error, for asserting on failures. */
export const errorCodes = (result: GraphQLResult) => (result.errors ?? []).map((e) => e.extensions?.code);
