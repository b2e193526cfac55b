import { type GraphQLSchema, getIntrospectionQuery, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_QUERY_COST, QUERY_TOO_COMPLEX, queryCost } from '../../src/graphql/plugins/query-cost.plugin.js';
import { DEFAULT_MAX_ALIASES, DEFAULT_MAX_DEPTH } from '../../src/graphql/plugins/query-shape.rules.js';
import { buildKlyngeSchema } from '../../src/graphql/schema.js';
import { type TestApi, createTestApi, errorCodes } from '../helpers/api.js';

// Query limits: estimated cost (graphql-query-complexity), depth and aliases (graphql-armor), all
// refused as QUERY_TOO_COMPLEX before anything is resolved; realistic queries and introspection pass.

/** The nested fan-out of the benchmark (bench/queries.ts, Q3). */
const BENCHMARK = `{
  clusters(first: 100) {
    nodes {
      slug name
      members(first: 10) {
        nodes {
          role
          organization { orgNumber name }
          otherClusters(first: 3) { nodes { name level } }
        }
      }
    }
  }
}`;

/** Three nested pages of 100: a million memberships, if the data had them. */
const TOO_COSTLY =
  '{ clusters(first: 100) { nodes { members(first: 100) { nodes { organization { memberships(first: 100) { nodes { cluster { name } } } } } } } } }';

let api: TestApi;
let schema: GraphQLSchema;
const cost = (query: string, variables?: Record<string, unknown>) => queryCost({ schema, document: parse(query), variables });

beforeAll(async () => {
  api = await createTestApi();
  schema = await buildKlyngeSchema();
});
afterAll(async () => {
  await api?.dispose();
});

describe('query cost', () => {
  it('lets the benchmark query through, well within the limit', async () => {
    // 1 + 100 × (slug + name + members: 1 + 10 × (role + organization 3 + otherClusters: 1 + 3 × 2))
    expect(cost(BENCHMARK)).toBe(11_301);
    expect(cost(BENCHMARK)!).toBeLessThan(DEFAULT_MAX_QUERY_COST / 10);
    const data = await api.data<{ clusters: { nodes: { members: { nodes: unknown[] } }[] } }>(BENCHMARK);
    expect(data.clusters.nodes.length).toBeGreaterThan(0);
  });

  it('refuses a query over the limit, saying its cost and the limit, and resolves nothing', async () => {
    const result = await api.query(TOO_COSTLY);
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error!.message).toBe(
      'Query cost 2,020,101 exceeds the limit of 150,000; ask for smaller pages (first/last) or fewer nested lists.',
    );
    expect(error!.extensions).toEqual({ code: QUERY_TOO_COMPLEX, cost: 2_020_101, maxCost: DEFAULT_MAX_QUERY_COST });
  });

  it('lets two nested pages of 100 through, but not a third nested list under them', async () => {
    const everyMember = `{ clusters(first: 100) { nodes { members(first: 100) { nodes {
      role joinedOn leftOn cluster { slug level county } organization { orgNumber }
    } } } } }`;
    expect(cost(everyMember)).toBe(90_101);
    expect(errorCodes(await api.query(everyMember))).toEqual([]);
    // organization.memberships pages 20 by default: 100 × 100 × 20.
    const third = `{ clusters(first: 100) { nodes { members(first: 100) { nodes {
      organization { memberships { nodes { role } } }
    } } } } }`;
    expect(cost(third)).toBe(220_101);
    expect(errorCodes(await api.query(third))).toEqual([QUERY_TOO_COMPLEX]);
  });

  it('counts page sizes given as variables', async () => {
    const query = 'query ($n: Int) { clusters(first: $n) { nodes { members(first: $n) { nodes { role } } } } }';
    expect(cost(query, { n: 2 })).toBe(1 + 2 * (1 + 2 * 1));
    expect(cost(query, {})).toBe(1 + 20 * (1 + 20 * 1)); // first defaults to 20
    expect(errorCodes(await api.query(query, { n: 100 }))).toEqual([]);
    // 100 × 100 roles is fine; one more nested page of 100 is not.
    const deeper =
      'query ($n: Int) { clusters(first: $n) { nodes { members(first: $n) { nodes { organization { memberships(first: $n) { nodes { role } } } } } } } }';
    expect(errorCodes(await api.query(deeper, { n: 10 }))).toEqual([]);
    expect(errorCodes(await api.query(deeper, { n: 100 }))).toEqual([QUERY_TOO_COMPLEX]);
  });

  it('prices a document sent again by the values of its cost variables (@include, defaults, null)', async () => {
    const nested = (page: string, extra = '') =>
      `{ clusters(first: 100) { nodes { members(first: 50) { nodes { organization { memberships(first: ${page}) @include(if: $deep) { nodes { role } } } } } } } ${extra} }`;
    const included = `query ($deep: Boolean!, $slug: String) ${nested('100', 'cluster(slug: $slug) { name }')}`;
    expect(errorCodes(await api.query(included, { deep: false, slug: 'a' }))).toEqual([]);
    expect(errorCodes(await api.query(included, { deep: true, slug: 'a' }))).toEqual([QUERY_TOO_COMPLEX]);
    expect(errorCodes(await api.query(included, { deep: false, slug: 'b' }))).toEqual([]);
    // Left out, $n takes its default of 100; sent as null, the page size falls back to 20.
    const defaulted = `query ($deep: Boolean! = true, $n: Int = 100) ${nested('$n')}`;
    expect(errorCodes(await api.query(defaulted, {}))).toEqual([QUERY_TOO_COMPLEX]);
    expect(errorCodes(await api.query(defaulted, { n: null }))).toEqual([]);
  });

  it('prices edges { node } like nodes, and totalCount and pageInfo once per connection', () => {
    expect(cost('{ clusters(first: 10) { edges { node { name } } } }')).toBe(cost('{ clusters(first: 10) { nodes { name } } }'));
    expect(cost('{ clusters(first: 10) { edges { cursor node { name } } } }')).toBe(1 + 10 * 2);
    expect(cost('{ clusters(first: 50) { totalCount pageInfo { hasNextPage endCursor } nodes { name } } }')).toBe(
      1 + (1 + 3) + 50 * 1,
    );
    // The same through fragments.
    expect(
      cost(
        '{ clusters(first: 50) { ...Page nodes { name } } } fragment Page on ClusterConnection { totalCount ... on ClusterConnection { pageInfo { hasNextPage endCursor } } }',
      ),
    ).toBe(1 + (1 + 3) + 50 * 1);
    // `last` pages backwards with the same size rule.
    expect(cost('{ clusters(last: 5) { nodes { name } } }')).toBe(1 + 5);
  });

  it('prices search like any connection, and nodes by the number of ids', () => {
    expect(cost('{ search(query: "a", first: 50) { nodes { ... on Cluster { name slug } } } }')).toBe(1 + 50 * 2);
    expect(cost('{ search(query: "a") { nodes { ... on Cluster { name slug } } } }')).toBe(1 + 20 * 2);
    // Counts once per search; highlights per result.
    expect(
      cost('{ search(query: "a", last: 10) { totalCount countsByType { type count } edges { rank highlights { snippet } } } }'),
    ).toBe(1 + (1 + 3) + 10 * (1 + 2));
    expect(cost('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ['a', 'b', 'c'] })).toBe(1 + 3 * 1);
    // Other fields cost 1 each.
    expect(cost('{ cluster(slug: "x") { name levelHistory { level fromDate } } }')).toBe(1 + 1 + 1 + 2);
  });

  it('leaves page sizes over 100 to the paging rules (PAGE_SIZE_EXCEEDED, not QUERY_TOO_COMPLEX)', async () => {
    expect(cost('{ clusters(first: 1000) { nodes { name } } }')).toBe(1 + 100);
    expect(errorCodes(await api.query('{ clusters(first: 1000) { nodes { name } } }'))).toEqual(['PAGE_SIZE_EXCEEDED']);
  });

  it('leaves invalid variables to execution (BAD_USER_INPUT)', async () => {
    const result = await api.query('query ($n: Int) { clusters(first: $n) { totalCount } }', { n: 'ten' });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('depth and aliases', () => {
  /** A query `levels` deep: a path of fields (clusters, nodes, members, nodes, organization, …) and a leaf. */
  const deep = (levels: number) => {
    const hops = ['clusters(first: 1)', 'nodes', 'members(first: 1)', 'nodes', 'organization', 'memberships(first: 1)', 'nodes'];
    const cycle = ['cluster', 'members(first: 1)', 'nodes', 'organization', 'memberships(first: 1)', 'nodes'];
    const path = [...hops];
    while (path.length < levels - 1) path.push(cycle[(path.length - hops.length) % cycle.length]!);
    path.length = levels - 1;
    return `{ ${path.join(' { ')} { __typename ${'} '.repeat(levels - 1)}}`;
  };

  it(`allows a depth of ${DEFAULT_MAX_DEPTH}`, async () => {
    expect(errorCodes(await api.query(deep(DEFAULT_MAX_DEPTH)))).toEqual([]);
  });

  it(`refuses a depth of ${DEFAULT_MAX_DEPTH + 1} as QUERY_TOO_COMPLEX`, async () => {
    const result = await api.query(deep(DEFAULT_MAX_DEPTH + 1));
    expect(result.data).toBeUndefined();
    expect(result.errors).toEqual([
      {
        message: `Query depth limit of ${DEFAULT_MAX_DEPTH} exceeded, found ${DEFAULT_MAX_DEPTH + 1}.`,
        extensions: { code: QUERY_TOO_COMPLEX, maxDepth: DEFAULT_MAX_DEPTH },
      },
    ]);
  });

  it('fits a Relay path through three connections (edges { node }) exactly', async () => {
    const relay =
      '{ clusters { edges { node { members { edges { node { organization { memberships { edges { node { cluster { name } } } } } } } } } } } }';
    expect(errorCodes(await api.query(relay))).toEqual([]);
  });

  it('does not count fragments as levels', async () => {
    const query = `{ clusters(first: 1) { ...C } }
      fragment C on ClusterConnection { nodes { ...M } }
      fragment M on Cluster { ... on Cluster { members(first: 1) { nodes { role } } } }`;
    expect(errorCodes(await api.query(query))).toEqual([]);
  });

  it(`allows ${DEFAULT_MAX_ALIASES} aliases and refuses ${DEFAULT_MAX_ALIASES + 1}`, async () => {
    const aliased = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `c${i}: cluster(slug: "gce-subsea") { name }`).join(' ')} }`;
    expect(errorCodes(await api.query(aliased(DEFAULT_MAX_ALIASES)))).toEqual([]);
    const result = await api.query(aliased(DEFAULT_MAX_ALIASES + 1));
    expect(result.data).toBeUndefined();
    expect(result.errors).toEqual([
      {
        message: `Aliases limit of ${DEFAULT_MAX_ALIASES} exceeded, found ${DEFAULT_MAX_ALIASES + 1}.`,
        extensions: { code: QUERY_TOO_COMPLEX, maxAliases: DEFAULT_MAX_ALIASES },
      },
    ]);
  });

  it('still reports ordinary validation errors as GRAPHQL_VALIDATION_FAILED', async () => {
    expect(errorCodes(await api.query('{ clusters { nope } }'))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});

describe('introspection', () => {
  it("answers GraphiQL's full introspection query (deeper than the depth limit)", async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    expect(cost(query)!).toBeLessThan(1_000);
    const data = await api.data<{ __schema: { types: { name: string }[] } }>(query);
    expect(data.__schema.types.map((t) => t.name)).toContain('ClusterConnection');
  });

  it('answers __type lookups', async () => {
    const data = await api.data<{ __type: { fields: { name: string }[] } }>('{ __type(name: "Cluster") { fields { name } } }');
    expect(data.__type.fields.map((f) => f.name)).toContain('members');
  });
});
