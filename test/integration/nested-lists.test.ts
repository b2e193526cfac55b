// On PostgreSQL the nested lists a client selects under a list's items (or under one cluster)
// come along in the parent's own statement, as JSON, to any depth. These tests compare each such
// answer with the same lists fetched level by level (under `node`/`nodes`, which do not bring
// lists along), and check what is left to the lists' own resolvers. On SQLite the same queries
// must give the same answers, one statement per level.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, createTestApi, errorCodes } from '../helpers/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.dispose());

async function run<T>(query: string, variables?: Record<string, unknown>) {
  api.statements.length = 0;
  const data = await api.data<T>(query, variables);
  return { data, statements: api.statements.length };
}

/** Everything the lists of a cluster can be asked, in both directions of paging, with counts. */
const CLUSTER_LISTS = /* GraphQL */ `
  fragment ClusterLists on Cluster {
    slug
    members(first: 3, orderBy: { field: JOINED_ON, direction: DESC }) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { role joinedOn organization { name } otherClusters(first: 2) { totalCount nodes { slug level } } } }
    }
    last: members(last: 2) { nodes { role organization { orgNumber } } pageInfo { hasPreviousPage } }
    hosts: members(filter: { roles: [HOST] }) { totalCount nodes { organization { name } } }
    partners(first: 5) { totalCount nodes { role since partner { name kind } } }
    announcements(first: 2) { edges { cursor node { title publishedAt clusters(first: 3) { nodes { slug } } } } }
  }`;

describe('nested lists fetched with their parents', () => {
  it('a cluster and all its lists, to three levels: one statement, the same data as level by level', async () => {
    const { data: byId } = await run<{ cluster: { id: string } }>('{ cluster(slug: "gce-subsea") { id } }');
    const embedded = await run<{ cluster: Record<string, unknown> }>(
      `{ cluster(slug: "gce-subsea") { ...ClusterLists } } ${CLUSTER_LISTS}`,
    );
    const levelByLevel = await run<{ node: Record<string, unknown> }>(
      `query ($id: ID!) { node(id: $id) { ...ClusterLists } } ${CLUSTER_LISTS}`,
      { id: byId.cluster.id },
    );
    expect(embedded.data.cluster).toEqual(levelByLevel.data.node);
    expect((embedded.data.cluster.members as { edges: unknown[] }).edges).toHaveLength(3);
    expect(embedded.statements).toBe(1);
    expect(levelByLevel.statements).toBeGreaterThan(3);
  });

  it('the lists of every item of a root list: one statement, the same data as level by level', async () => {
    const embedded = await run<{ clusters: { nodes: { id: string }[] } }>(
      `{ clusters(first: 6) { nodes { id ...ClusterLists } } } ${CLUSTER_LISTS}`,
    );
    const ids = embedded.data.clusters.nodes.map((c) => c.id);
    const levelByLevel = await run<{ nodes: unknown[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Cluster { id ...ClusterLists } } } ${CLUSTER_LISTS}`,
      { ids },
    );
    expect(embedded.data.clusters.nodes).toEqual(levelByLevel.data.nodes);
    expect(embedded.statements).toBe(1);
  });

  it('announcements with their clusters, and organizations with their memberships, come along too', async () => {
    const announcements = await run<{ announcements: { nodes: { clusters: { nodes: unknown[] } }[] } }>(
      '{ announcements(first: 5) { nodes { slug clusters { totalCount nodes { slug } } } } }',
    );
    const organizations = await run<{ organizations: { nodes: { memberships: { nodes: unknown[] } }[] } }>(
      '{ organizations(first: 5) { nodes { name memberships(first: 2) { nodes { cluster { slug } } } } } }',
    );
    const partners = await run(
      '{ partners(first: 5) { nodes { name partnerships { totalCount nodes { cluster { slug } } } } } }',
    );
    expect(announcements.data.announcements.nodes.some((a) => a.clusters.nodes.length > 0)).toBe(true);
    expect(organizations.data.organizations.nodes.some((o) => o.memberships.nodes.length > 0)).toBe(true);
    expect(announcements.statements).toBe(1);
    expect(organizations.statements).toBe(1);
    expect(partners.statements).toBe(1);
  });

  it('an organization by number and a partner by slug bring their lists along too, with the same data', async () => {
    const { data: some } = await run<{
      organizations: { nodes: { id: string; orgNumber: string }[] };
      partners: { nodes: { id: string; slug: string }[] };
    }>(
      '{ organizations(first: 1, filter: { clusters: ["gce-subsea"] }) { nodes { id orgNumber } } partners(first: 1) { nodes { id slug } } }',
    );
    const [organization] = some.organizations.nodes;
    const [partner] = some.partners.nodes;
    const ORGANIZATION_LISTS =
      'memberships(first: 3) { totalCount nodes { role cluster { slug } otherClusters(first: 2) { nodes { slug } } } }';
    const PARTNER_LISTS = 'partnerships { totalCount nodes { since cluster { slug } } }';
    const embedded = await run<{ organization: unknown; partner: unknown }>(
      `{ organization(orgNumber: "${organization.orgNumber}") { name ${ORGANIZATION_LISTS} } partner(slug: "${partner.slug}") { name ${PARTNER_LISTS} } }`,
    );
    const levelByLevel = await run<{ o: unknown; p: unknown }>(
      `query ($o: ID!, $p: ID!) {
        o: node(id: $o) { ... on Organization { name ${ORGANIZATION_LISTS} } }
        p: node(id: $p) { ... on PartnerInstitution { name ${PARTNER_LISTS} } }
      }`,
      { o: organization.id, p: partner.id },
    );
    expect(embedded.data.organization).toEqual(levelByLevel.data.o);
    expect(embedded.data.partner).toEqual(levelByLevel.data.p);
    expect((embedded.data.organization as { memberships: { totalCount: number } }).memberships.totalCount).toBeGreaterThan(0);
    // one statement per object, its lists to any depth included
    expect(embedded.statements).toBe(2);
  });

  it('leaves a list whose arguments are refused to its own field: the error is there, the rest is answered', async () => {
    const result = await api.query(`{
      cluster(slug: "gce-subsea") { slug members(after: "not-a-cursor") { nodes { role } } }
      clusters(first: 2) { nodes { slug partners(first: 1) { nodes { role } } } }
    }`);
    expect(errorCodes(result)).toEqual(['BAD_CURSOR']);
    expect(result.errors?.[0].path).toEqual(['cluster', 'members']);
    const data = result.data as { cluster: unknown; clusters: { nodes: { partners: { nodes: unknown[] } }[] } };
    // members is non-null: its error makes the cluster null, and nothing else
    expect(data.cluster).toBeNull();
    expect(data.clusters.nodes).toHaveLength(2);
    expect(data.clusters.nodes.every((c) => c.partners.nodes.length <= 1)).toBe(true);
  });

  it('a list under @skip(if: true) is left out of the answer (whether or not it came along)', async () => {
    const result = await api.query(
      'query ($skip: Boolean!) { clusters(first: 1) { nodes { slug members(first: 2) @skip(if: $skip) { nodes { role } } } } }',
      { skip: true },
    );
    expect(result.errors).toBeUndefined();
    expect((result.data as { clusters: { nodes: Record<string, unknown>[] } }).clusters.nodes[0]).toEqual({
      slug: expect.any(String),
    });
  });
});
