import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { GraphQLObjectType, GraphQLSchema, GraphQLString, type ExecutionResult, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compiledExecution } from '../../src/graphql/compiled-execution.js';

// The operation time limit (QUERY_TIMEOUT_MS): past it the client gets TIMEOUT, whatever is still running.
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      slow: { type: GraphQLString, resolve: () => new Promise((resolve) => setTimeout(() => resolve('late'), 2000)) },
      fast: { type: GraphQLString, resolve: async () => 'now' },
    },
  }),
});

async function run(query: string, timeoutMs?: number): Promise<ExecutionResult> {
  const { executor } = await compiledExecution(schema, { timeoutMs }).load({ apollo: {} } as never);
  const document = parse(query);
  return executor!({
    document,
    operation: document.definitions[0],
    request: { query },
    context: {},
  } as unknown as GatewayGraphQLRequestContext) as Promise<ExecutionResult>;
}

describe('operation time limit', () => {
  it('answers TIMEOUT once the limit has passed', async () => {
    const started = Date.now();
    const result = await run('{ slow }', 100);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(result.data).toBeUndefined();
    expect(result.errors?.map((e) => e.extensions.code)).toEqual(['TIMEOUT']);
  });

  it('lets operations within the limit finish', async () => {
    expect((await run('{ fast }', 100)).data).toEqual({ fast: 'now' });
  });
});
