import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClusterListDocument,
  ClusterPageDocument,
  NodeByIdDocument,
  ProgrammeStatsDocument,
  SearchDocument,
} from '../generated/graphql.js';
import { request } from '../helpers/http-client.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

// The operations under test/operations, typed by codegen, against a started server: what a
// frontend team's generated client does.
describe('typed operations over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.stop());

  it('loads a cluster page and pages through its members', async () => {
    const first = await request(server.url, ClusterPageDocument, { slug: 'gce-subsea', membersFirst: 2 });
    expect(first.errors).toBeUndefined();
    const cluster = first.data?.cluster;
    expect(cluster?.level).toBe('GCE');
    expect(cluster?.levelHistory.map((p) => p.level)).toEqual(['NCE', 'GCE']);
    expect(cluster?.members.edges).toHaveLength(2);
    expect(cluster?.members.totalCount).toBeGreaterThan(2);
    expect(cluster?.partners.nodes.map((p) => p.partner.name)).toContain('Innovasjon Norge');

    const second = await request(server.url, ClusterPageDocument, {
      slug: 'gce-subsea',
      membersFirst: 100,
      membersAfter: cluster?.members.pageInfo.endCursor,
    });
    const seen = [...(cluster?.members.edges ?? []), ...(second.data?.cluster?.members.edges ?? [])].map(
      (e) => e.node.organization.orgNumber,
    );
    expect(seen).toHaveLength(cluster?.members.totalCount ?? -1);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('lists, filters and orders clusters, and refetches one by global id', async () => {
    const list = await request(server.url, ClusterListDocument, {
      first: 100,
      filter: { levels: ['NCE', 'GCE'] },
      orderBy: { field: 'ADMITTED_ON', direction: 'DESC' },
    });
    const nodes = list.data?.clusters.nodes ?? [];
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((c) => c.level === 'NCE' || c.level === 'GCE')).toBe(true);
    const dates = nodes.map((c) => c.admittedOn);
    expect(dates).toEqual([...dates].sort().reverse());

    const refetched = await request(server.url, NodeByIdDocument, { id: nodes[0].id });
    expect(refetched.data?.node).toMatchObject({ __typename: 'Cluster', id: nodes[0].id, name: nodes[0].name });
  });

  it('searches across types and reports statistics', async () => {
    const found = await request(server.url, SearchDocument, { query: 'Næringsklynger' });
    expect(found.data?.search.edges.some((e) => e.node.__typename === 'Announcement')).toBe(true);
    expect(found.data?.search.totalCount).toBe(found.data?.search.countsByType.reduce((sum, c) => sum + c.count, 0));
    expect(found.data?.search.totalCountIsExact).toBe(found.data?.search.countsByType.every((c) => c.isExact));

    const stats = await request(server.url, ProgrammeStatsDocument, { filter: null });
    const byLevel = stats.data?.stats.clustersByLevel ?? [];
    expect(byLevel.map((k) => k.key)).toEqual(
      ['ARENA', 'ARENA_PRO', 'NCE', 'GCE'].filter((l) => byLevel.some((k) => k.key === l)),
    );
    const clusters = await request(server.url, ClusterListDocument, { first: 1 });
    expect(byLevel.reduce((sum, k) => sum + k.count, 0)).toBe(clusters.data?.clusters.totalCount);
  });

  it('answers bad variables with a stable code', async () => {
    const result = await request(server.url, ClusterListDocument, { first: 1000 });
    expect(result.errors?.[0]?.extensions?.code).toBe('PAGE_SIZE_EXCEEDED');
  });
});
