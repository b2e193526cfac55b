import { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { type RequestContext, createRequestContext } from '../../src/context/request-context.js';
import { formatError } from '../../src/graphql/plugins/errors.plugin.js';
import { buildKlyngeSchema } from '../../src/graphql/schema.js';
import { type TestDatabase, createTestDatabase } from './database.js';

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: readonly GraphQLFormattedError[];
}

export interface TestApi extends TestDatabase {
  /** Runs one operation in-process, in a fresh request context, like an HTTP request would. */
  query<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
  /** Like query, but fails the test on any error. */
  data<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/** An in-process API over a fresh, migrated and seeded test database. */
export async function createTestApi(options: Parameters<typeof createTestDatabase>[0] = {}): Promise<TestApi> {
  const db = await createTestDatabase(options);
  const apollo = new ApolloServer<RequestContext>({ schema: await buildKlyngeSchema(), formatError });
  await apollo.start();
  const query = async <T>(query: string, variables?: Record<string, unknown>) => {
    const response = await apollo.executeOperation({ query, variables }, { contextValue: createRequestContext(db.orm) });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not expected here');
    return response.body.singleResult as GraphQLResult<T>;
  };
  return {
    ...db,
    query,
    async data<T>(q: string, variables?: Record<string, unknown>) {
      const result = await query<T>(q, variables);
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
