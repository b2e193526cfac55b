import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, createTestApi, errorCodes } from '../helpers/api.js';

interface MemberRow {
  role: string;
  joinedOn: string;
  leftOn: string | null;
  cluster: { slug: string; level: string; county: string };
  organization: { orgNumber: string };
}

describe('membership counts and other clusters', () => {
  let api: TestApi;
  let rows: MemberRow[];

  beforeAll(async () => {
    api = await createTestApi();
    // Every membership, read through the API, to compute expectations independently of the SQL.
    const data = await api.data<{ clusters: { nodes: { members: { nodes: MemberRow[] } }[] } }>(`{
      clusters(first: 100) { nodes { members(first: 100) { nodes {
        role joinedOn leftOn cluster { slug level county } organization { orgNumber }
      } } } }
    }`);
    rows = data.clusters.nodes.flatMap((c) => c.members.nodes);
    expect(rows.length).toBeGreaterThan(20);
  });
  afterAll(() => api?.dispose());

  const tally = (keyOf: (r: MemberRow) => string[], list = rows) => {
    const counts = new Map<string, number>();
    for (const r of list) counts.set(JSON.stringify(keyOf(r)), (counts.get(JSON.stringify(keyOf(r))) ?? 0) + 1);
    return counts;
  };
  const asMap = (groups: { keys: string[]; count: number }[]) => new Map(groups.map((g) => [JSON.stringify(g.keys), g.count]));

  it('counts membership rows per cluster level and county, levels in programme order', async () => {
    const data = await api.data(`{ stats { membershipCounts(groupBy: [CLUSTER_LEVEL, CLUSTER_COUNTY]) { keys count } } }`);
    const groups = data.stats.membershipCounts as { keys: string[]; count: number }[];
    expect(asMap(groups)).toEqual(tally((r) => [r.cluster.level, r.cluster.county]));
    const rank = ['ARENA', 'ARENA_PRO', 'NCE', 'GCE'];
    const levels = groups.map((g) => rank.indexOf(g.keys[0]));
    expect(levels).toEqual([...levels].sort((a, b) => a - b));
  });

  it('counts by one cluster attribute, and by cluster attributes of the filtered clusters, as the rows do', async () => {
    const byLevel = await api.data(`{ stats { membershipCounts(groupBy: [CLUSTER_LEVEL]) { keys count } } }`);
    expect(asMap(byLevel.stats.membershipCounts)).toEqual(tally((r) => [r.cluster.level]));
    const byCounty = await api.data(`{ stats { membershipCounts(groupBy: [CLUSTER_COUNTY]) { keys count } } }`);
    expect(asMap(byCounty.stats.membershipCounts)).toEqual(tally((r) => [r.cluster.county]));
    const nce = await api.data(
      `{ stats(filter: { levels: [NCE] }) { membershipCounts(groupBy: [CLUSTER_COUNTY]) { keys count } } }`,
    );
    expect(asMap(nce.stats.membershipCounts)).toEqual(
      tally(
        (r) => [r.cluster.county],
        rows.filter((r) => r.cluster.level === 'NCE'),
      ),
    );
  });

  it('groups by membership fields, filters clusters and counts only active memberships when asked', async () => {
    const data = await api.data(`{
      stats(filter: { levels: [NCE, GCE] }) {
        membershipCounts(groupBy: [ROLE, JOINED_YEAR], activeOn: "2020-01-01") { keys count }
      }
    }`);
    const active = rows.filter(
      (r) =>
        ['NCE', 'GCE'].includes(r.cluster.level) && r.joinedOn <= '2020-01-01' && (r.leftOn === null || r.leftOn > '2020-01-01'),
    );
    expect(asMap(data.stats.membershipCounts)).toEqual(tally((r) => [r.role, r.joinedOn.slice(0, 4)], active));
  });

  it('refuses an empty or too long groupBy', async () => {
    expect(errorCodes(await api.query(`{ stats { membershipCounts(groupBy: []) { count } } }`))).toEqual(['BAD_USER_INPUT']);
    const five = await api.query(
      `{ stats { membershipCounts(groupBy: [ROLE, JOINED_YEAR, CLUSTER_LEVEL, CLUSTER_COUNTY, CLUSTER_STATUS]) { count } } }`,
    );
    expect(errorCodes(five)).toEqual(['BAD_USER_INPUT']);
  });

  it("lists a member's other clusters, never the membership's own", async () => {
    const data = await api.data(`{
      clusters(first: 100) { nodes { slug members(first: 20) { nodes {
        organization { orgNumber }
        otherClusters(first: 10) { totalCount nodes { slug name } }
      } } } }
    }`);
    let checked = 0;
    for (const cluster of data.clusters.nodes) {
      for (const m of cluster.members.nodes) {
        const expected = rows.filter(
          (r) => r.organization.orgNumber === m.organization.orgNumber && r.cluster.slug !== cluster.slug,
        );
        const slugs = m.otherClusters.nodes.map((c: { slug: string }) => c.slug);
        expect(slugs).not.toContain(cluster.slug);
        expect(new Set(slugs)).toEqual(new Set(expected.map((r) => r.cluster.slug)));
        expect(m.otherClusters.totalCount).toBe(expected.length);
        const names = m.otherClusters.nodes.map((c: { name: string }) => c.name);
        expect(names).toEqual([...names].sort());
        checked += slugs.length;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
