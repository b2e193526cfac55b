import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { type ExecutionResult, type GraphQLSchema, execute, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KLYNGE_QUERIES } from '../../bench/queries.js';
import { createRequestContext } from '../../src/context/request-context.js';
import { compiledExecution } from '../../src/graphql/compiled-execution.js';
import { buildKlyngeSchema } from '../../src/graphql/schema.js';
import { EXAMPLE_QUERY, MORE_EXAMPLES } from '../../src/server/graphiql.js';
import { type TestDatabase, createTestDatabase } from '../helpers/database.js';

// klynge executes operations with graphql-jit; graphql-js is the reference implementation. The same
// operations over the same data must give the same answer, errors included.

let db: TestDatabase;
let schema: GraphQLSchema;
let executor: (context: GatewayGraphQLRequestContext) => Promise<ExecutionResult>;

beforeAll(async () => {
  db = await createTestDatabase();
  schema = await buildKlyngeSchema();
  const gateway = compiledExecution(schema);
  executor = (await gateway.load({ apollo: {} })).executor as typeof executor;
});
afterAll(() => db?.dispose());

async function bothWays(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const reference = await execute({ schema, document, variableValues: variables, contextValue: createRequestContext(db.orm) });
  const compiled = await executor({
    document,
    request: { query, variables },
    context: createRequestContext(db.orm),
  } as unknown as GatewayGraphQLRequestContext);
  // Errors compared by what clients see of them.
  const shape = (r: ExecutionResult) => JSON.parse(JSON.stringify({ data: r.data, errors: r.errors?.map((e) => e.toJSON()) }));
  return { reference: shape(reference), compiled: shape(compiled) };
}

const SLUG = 'gce-subsea';

describe('graphql-jit answers as graphql-js does', () => {
  it.each([
    ...[EXAMPLE_QUERY, ...MORE_EXAMPLES].map((q) => [q.split('\n')[0], q, {}] as const),
    ...Object.entries(KLYNGE_QUERIES).map(([name, q]) => [`benchmark ${name}`, q.graphql, q.vars ? { slug: SLUG } : {}] as const),
  ])('%s', async (_title, query, variables) => {
    const { reference, compiled } = await bothWays(query, variables);
    expect(reference.errors).toBeUndefined();
    expect(compiled).toEqual(reference);
  });

  it('for abstract types, fragments, aliases, directives and lazy parts (totalCount, pageInfo, stats)', async () => {
    const query = `query ($skip: Boolean!) {
      a: cluster(slug: "${SLUG}") { id name members(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { role } } } }
      search(query: "klynge", first: 5) { totalCount countsByType { type count } edges { cursor rank highlights { field snippet } node { __typename ... on Cluster { slug } ... on Organization { orgNumber } } } }
      stats { clustersByLevel { key count } membersByCounty @skip(if: $skip) { key count } }
    }`;
    const { reference, compiled } = await bothWays(query, { skip: true });
    expect(reference.errors).toBeUndefined();
    expect(compiled).toEqual(reference);
    const node = (reference.data as { a: { id: string } }).a.id;
    const again = await bothWays(`{ node(id: "${node}") { __typename id ... on Cluster { slug } } }`);
    expect(again.compiled).toEqual(again.reference);
  });

  it('reports a resolver error with the same message, path and code', async () => {
    const { reference, compiled } = await bothWays(`{ clusters(first: 1000) { nodes { name } } }`);
    expect(reference.errors).toHaveLength(1);
    expect(compiled).toEqual(reference);
  });

  it('reports invalid variables as graphql-js does', async () => {
    const { reference, compiled } = await bothWays('query ($n: Int) { clusters(first: $n) { totalCount } }', { n: 'ten' });
    expect(reference.errors).toHaveLength(1);
    expect(compiled).toEqual(reference);
  });
});
