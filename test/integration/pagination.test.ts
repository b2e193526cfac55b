import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterLevel, MembershipRole } from '../../src/entities/enums.js';
import { Cluster, Membership } from '../../src/entities/index.js';
import { type TestApi, createTestApi, errorCodes } from '../helpers/api.js';
import {
  type ConnectionPage,
  LEVEL_ORDER,
  PAGE_INFO,
  byKeyThenId,
  forgeCursor,
  insertAnnouncements,
  insertClusters,
  insertMemberships,
  insertOrganizations,
  walkBackward,
  walkForward,
} from '../helpers/fixtures.js';

// Relay paging: page sizes, walking both ways, cursors (also bad ones), stability under inserts,
// every ordering with deliberate ties, nested connections and totalCount.

type Vars = Record<string, unknown>;

interface ClusterNode {
  id: string;
  slug: string;
  name: string;
  level: ClusterLevel;
  admittedOn: string;
}
interface OrganizationNode {
  id: string;
  name: string;
  orgNumber: string;
  employees: number | null;
}
interface AnnouncementNode {
  id: string;
  title: string;
  publishedAt: string;
}
interface MembershipNode {
  id: string;
  joinedOn: string;
  leftOn: string | null;
}

const PAGING_VARS = '$first: Int, $after: String, $last: Int, $before: String';
const PAGING_ARGS = 'first: $first, after: $after, last: $last, before: $before';

const CLUSTERS = `query (${PAGING_VARS}, $orderBy: ClusterOrder, $filter: ClusterFilter) {
  clusters(${PAGING_ARGS}, orderBy: $orderBy, filter: $filter) {
    totalCount
    edges { cursor node { id slug name level admittedOn } }
    ${PAGE_INFO}
  }
}`;
const ORGANIZATIONS = `query (${PAGING_VARS}, $orderBy: OrganizationOrder) {
  organizations(${PAGING_ARGS}, orderBy: $orderBy) {
    totalCount
    edges { cursor node { id name orgNumber employees } }
    ${PAGE_INFO}
  }
}`;
const ANNOUNCEMENTS = `query (${PAGING_VARS}, $orderBy: AnnouncementOrder) {
  announcements(${PAGING_ARGS}, orderBy: $orderBy) {
    totalCount
    edges { cursor node { id title publishedAt } }
    ${PAGE_INFO}
  }
}`;
const CLUSTER_MEMBERS = `query ($slug: String!, ${PAGING_VARS}, $orderBy: MembershipOrder, $filter: MembershipFilter) {
  cluster(slug: $slug) {
    members(${PAGING_ARGS}, orderBy: $orderBy, filter: $filter) {
      totalCount
      edges { cursor node { id joinedOn leftOn } }
      ${PAGE_INFO}
    }
  }
}`;
const ORGANIZATION_MEMBERSHIPS = `query ($orgNumber: String!, ${PAGING_VARS}, $orderBy: MembershipOrder) {
  organization(orgNumber: $orgNumber) {
    memberships(${PAGING_ARGS}, orderBy: $orderBy) {
      totalCount
      edges { cursor node { id joinedOn leftOn } }
      ${PAGE_INFO}
    }
  }
}`;

const clusters = async (api: TestApi, vars: Vars = {}) =>
  (await api.data<{ clusters: ConnectionPage<ClusterNode> }>(CLUSTERS, vars)).clusters;
const organizations = async (api: TestApi, vars: Vars = {}) =>
  (await api.data<{ organizations: ConnectionPage<OrganizationNode> }>(ORGANIZATIONS, vars)).organizations;
const announcements = async (api: TestApi, vars: Vars = {}) =>
  (await api.data<{ announcements: ConnectionPage<AnnouncementNode> }>(ANNOUNCEMENTS, vars)).announcements;
const clusterMembers = async (api: TestApi, slug: string, vars: Vars = {}) =>
  (await api.data<{ cluster: { members: ConnectionPage<MembershipNode> } }>(CLUSTER_MEMBERS, { slug, ...vars })).cluster.members;
const organizationMemberships = async (api: TestApi, orgNumber: string, vars: Vars = {}) =>
  (
    await api.data<{ organization: { memberships: ConnectionPage<MembershipNode> } }>(ORGANIZATION_MEMBERSHIPS, {
      orgNumber,
      ...vars,
    })
  ).organization.memberships;

const nodesOf = <N>(page: ConnectionPage<N>) => page.edges.map((e) => e.node);
const idsOf = (nodes: { id: string }[]) => nodes.map((n) => n.id);

let api: TestApi;
let clusterCount: number;

beforeAll(async () => {
  api = await createTestApi();
  // Deliberate ties for every ordering, plus enough organizations (40 demo + 70) to fill a page of 100.
  const tieClusterIds = await insertClusters(api, [
    { slug: 'tie-b', name: 'Tie Cluster', level: ClusterLevel.ARENA_PRO, admittedOn: '2015-06-15' },
    { slug: 'tie-a', name: 'Tie Cluster', level: ClusterLevel.ARENA_PRO, admittedOn: '2015-06-15' },
    { slug: 'tie-c', name: 'Tie Cluster', level: ClusterLevel.GCE, admittedOn: '2015-06-15' },
  ]);
  const orgIds = await insertOrganizations(api, [
    ...Array.from({ length: 66 }, (_, i) => ({ name: `Filler ${String(i).padStart(2, '0')} AS`, employees: 10 })),
    { name: 'Twin AS', employees: 10 },
    { name: 'Twin AS', employees: 10 },
    { name: 'Twin AS', employees: null },
    { name: 'Headless AS', employees: 0 },
  ]);
  const tieA = tieClusterIds[1];
  await insertMemberships(api, [
    { clusterId: tieA, organizationId: orgIds[66], role: MembershipRole.HOST, joinedOn: '2015-06-15' },
    { clusterId: tieA, organizationId: orgIds[67], joinedOn: '2016-01-01', leftOn: '2018-01-01' },
    { clusterId: tieA, organizationId: orgIds[68], joinedOn: '2016-01-01', leftOn: '2018-01-01' },
    { clusterId: tieA, organizationId: orgIds[69], joinedOn: '2016-01-01' },
    { clusterId: tieA, organizationId: orgIds[0], joinedOn: '2016-01-01' },
    { clusterId: tieA, organizationId: orgIds[1], joinedOn: '2017-03-01', leftOn: '2017-09-01' },
  ]);
  await insertAnnouncements(api, [
    { slug: 'same-time-1', title: 'Same time', publishedAt: '2020-05-05T12:00:00.000Z' },
    { slug: 'same-time-2', title: 'Same time', publishedAt: '2020-05-05T12:00:00.000Z' },
    { slug: 'same-time-3', title: 'Another', publishedAt: '2020-05-05T12:00:00.000Z' },
    { slug: 'later', title: 'Later', publishedAt: '2024-01-01T00:00:00.500Z' },
  ]);
  clusterCount = await api.orm.em.fork().count(Cluster, {});
});

afterAll(async () => {
  await api?.dispose();
});

describe('page size', () => {
  it('defaults to 20 items', async () => {
    const page = await organizations(api);
    expect(page.totalCount).toBeGreaterThan(20);
    expect(page.edges).toHaveLength(20);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it('allows exactly 100 items', async () => {
    const page = await organizations(api, { first: 100 });
    expect(page.totalCount).toBeGreaterThan(100);
    expect(page.edges).toHaveLength(100);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect((await organizations(api, { last: 100 })).edges).toHaveLength(100);
  });

  it.each([
    { first: 101, field: 'first' },
    { first: 1000, field: 'first' },
    { last: 101, field: 'last' },
    { last: 1000, field: 'last' },
  ])('refuses %o with PAGE_SIZE_EXCEEDED', async ({ field, ...vars }) => {
    const result = await api.query(CLUSTERS, vars);
    expect(errorCodes(result)).toEqual(['PAGE_SIZE_EXCEEDED']);
    expect(result.errors?.[0].extensions?.field).toBe(field);
    expect(result.data).toBeNull();
  });

  it('refuses an oversized nested page on every parent without crashing, and keeps serving', async () => {
    const result = await api.query('{ clusters(first: 3) { nodes { slug members(first: 1000) { totalCount } } } }');
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(new Set(errorCodes(result))).toEqual(new Set(['PAGE_SIZE_EXCEEDED']));
    expect((await clusters(api, { first: 1 })).edges).toHaveLength(1);
  });

  it.each([{ first: -1 }, { last: -5 }])('refuses a negative size %o with BAD_USER_INPUT', async (vars) => {
    const result = await api.query(CLUSTERS, vars);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe(Object.keys(vars)[0]);
  });

  it('answers first: 0 with an empty page that still knows more items follow', async () => {
    const page = await clusters(api, { first: 0 });
    expect(page.edges).toEqual([]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null });
    expect(page.totalCount).toBe(clusterCount);
  });

  it('refuses mixing forwards and backwards arguments with BAD_USER_INPUT', async () => {
    const { pageInfo } = await clusters(api, { first: 2 });
    for (const vars of [
      { first: 2, last: 2 },
      { first: 2, before: pageInfo.endCursor },
      { last: 2, after: pageInfo.endCursor },
    ]) {
      expect(errorCodes(await api.query(CLUSTERS, vars)), JSON.stringify(vars)).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('walking a list', () => {
  it('forwards, page by page, visits every cluster once in order and ends with hasNextPage false', async () => {
    const all = nodesOf(await clusters(api, { first: 100 }));
    expect(all).toHaveLength(clusterCount);
    const { nodes, pages } = await walkForward((after) => clusters(api, { first: 5, after }));
    expect(idsOf(nodes)).toEqual(idsOf(all));
    expect(new Set(idsOf(nodes)).size).toBe(clusterCount);
    expect(pages).toHaveLength(Math.ceil(clusterCount / 5));
    expect(pages.at(-1)?.pageInfo.hasNextPage).toBe(false);
    pages.forEach((page, i) => {
      expect(page.pageInfo.hasPreviousPage).toBe(i > 0);
      expect(page.pageInfo.startCursor).toBe(page.edges[0].cursor);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor);
      expect(page.totalCount).toBe(clusterCount);
    });
  });

  it('backwards with last/before gives the same items in reverse', async () => {
    const forward = idsOf(nodesOf(await clusters(api, { first: 100 })));
    const { nodes, pages } = await walkBackward((before) => clusters(api, { last: 5, before }));
    expect(idsOf(nodes)).toEqual(forward);
    // Read in the order fetched, each page from its end: the whole list reversed.
    expect(pages.flatMap((p) => idsOf(nodesOf(p)).reverse())).toEqual([...forward].reverse());
    expect(pages[0].pageInfo.hasNextPage).toBe(false);
    pages.forEach((page, i) => {
      if (i > 0) expect(page.pageInfo.hasNextPage).toBe(true);
      expect(page.pageInfo.hasPreviousPage).toBe(i < pages.length - 1);
      expect(page.pageInfo.startCursor).toBe(page.edges[0].cursor);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor);
    });
  });

  it('turns around: items before a page’s start cursor are the ones walked before it', async () => {
    const first = await clusters(api, { first: 4 });
    const second = await clusters(api, { first: 4, after: first.pageInfo.endCursor });
    const back = await clusters(api, { last: 4, before: second.pageInfo.startCursor });
    expect(idsOf(nodesOf(back))).toEqual(idsOf(nodesOf(first)));
    expect(back.pageInfo.hasPreviousPage).toBe(false);
    const forwardAgain = await clusters(api, { first: 4, after: back.pageInfo.endCursor });
    expect(idsOf(nodesOf(forwardAgain))).toEqual(idsOf(nodesOf(second)));
  });

  it('gives an empty last page after the final cursor', async () => {
    const last = await clusters(api, { last: 1 });
    const after = await clusters(api, { first: 5, after: last.pageInfo.endCursor });
    expect(after.edges).toEqual([]);
    expect(after.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
  });
});

describe('bad cursors', () => {
  it.each([
    ['a word', 'nope'],
    ['random base64url', randomBytes(18).toString('base64url')],
    ['random standard base64', randomBytes(20).toString('base64')],
    ['JSON of the wrong shape', forgeCursor({ order: 'Cluster:NAME_ASC', value: 'x', id: 1 })],
    ['an id that is not an integer', forgeCursor(['Cluster:NAME_ASC', 'x', 1.5])],
  ])('refuses %s with BAD_CURSOR', async (_what, cursor) => {
    for (const vars of [
      { first: 2, after: cursor },
      { last: 2, before: cursor },
    ]) {
      const result = await api.query(CLUSTERS, vars);
      expect(errorCodes(result)).toEqual(['BAD_CURSOR']);
      expect(result.errors?.[0].extensions?.field).toBe('after' in vars ? 'after' : 'before');
    }
  });

  it('refuses a cursor made for another ordering or direction', async () => {
    const byName = (await clusters(api, { first: 2 })).pageInfo.endCursor;
    for (const orderBy of [
      { field: 'ADMITTED_ON', direction: 'ASC' },
      { field: 'LEVEL', direction: 'ASC' },
      { field: 'NAME', direction: 'DESC' },
    ]) {
      expect(errorCodes(await api.query(CLUSTERS, { first: 2, after: byName, orderBy }))).toEqual(['BAD_CURSOR']);
    }
    const byAdmission = (await clusters(api, { first: 2, orderBy: { field: 'ADMITTED_ON' } })).pageInfo.endCursor;
    expect(errorCodes(await api.query(CLUSTERS, { first: 2, after: byAdmission }))).toEqual(['BAD_CURSOR']);
  });

  it('refuses a cursor made for another list, even under an ordering of the same name', async () => {
    const clusterCursor = (await clusters(api, { first: 2 })).pageInfo.endCursor;
    const result = await api.query(`query ($after: String) { organizations(first: 2, after: $after) { totalCount } }`, {
      after: clusterCursor,
    });
    expect(errorCodes(result)).toEqual(['BAD_CURSOR']);
  });

  it('refuses a cursor for the right ordering whose value has the wrong type', async () => {
    const cases: [string, Vars][] = [
      [CLUSTERS, { first: 2, after: forgeCursor(['Cluster:ADMITTED_ON_ASC', 'nope', 1]), orderBy: { field: 'ADMITTED_ON' } }],
      [
        CLUSTERS,
        { first: 2, after: forgeCursor(['Cluster:ADMITTED_ON_ASC', '2020-02-30', 1]), orderBy: { field: 'ADMITTED_ON' } },
      ],
      [
        CLUSTERS,
        { last: 2, before: forgeCursor(['Cluster:ADMITTED_ON_ASC', '2020-13-45', 1]), orderBy: { field: 'ADMITTED_ON' } },
      ],
      [CLUSTERS, { first: 2, after: forgeCursor(['Cluster:LEVEL_ASC', 'x', 1]), orderBy: { field: 'LEVEL' } }],
      [CLUSTERS, { first: 2, after: forgeCursor(['Cluster:NAME_ASC', 7, 1]) }],
      [ANNOUNCEMENTS, { first: 2, after: forgeCursor(['Announcement:PUBLISHED_AT_DESC', 'nope', 1]) }],
      [
        ORGANIZATIONS,
        { last: 2, before: forgeCursor(['Organization:EMPLOYEES_ASC', 'many', 1]), orderBy: { field: 'EMPLOYEES' } },
      ],
      [CLUSTER_MEMBERS, { slug: 'gce-subsea', first: 2, after: forgeCursor(['Membership:JOINED_ON_ASC', 'soon', 1]) }],
    ];
    for (const [query, vars] of cases) {
      expect(errorCodes(await api.query(query, vars)), JSON.stringify(vars)).toEqual(['BAD_CURSOR']);
    }
  });
});

describe('orderings are correct and total (ties broken by id)', () => {
  const levelRank = (n: ClusterNode) => LEVEL_ORDER.indexOf(n.level);
  const clusterOrders: [string, (n: ClusterNode) => string | number][] = [
    ['NAME', (n) => n.name],
    ['ADMITTED_ON', (n) => n.admittedOn],
    ['LEVEL', levelRank],
  ];

  it.each(clusterOrders)('clusters by %s, ascending and descending', async (field, key) => {
    const all = nodesOf(await clusters(api, { first: 100 }));
    const expected = idsOf([...all].sort(byKeyThenId(key)));
    const asc = await walkForward((after) => clusters(api, { first: 3, after, orderBy: { field, direction: 'ASC' } }));
    expect(idsOf(asc.nodes)).toEqual(expected);
    const desc = await walkForward((after) => clusters(api, { first: 3, after, orderBy: { field, direction: 'DESC' } }));
    expect(idsOf(desc.nodes)).toEqual([...expected].reverse());
  });

  it('orders levels in programme order, not alphabetically', async () => {
    const levels = nodesOf(await clusters(api, { first: 100, orderBy: { field: 'LEVEL' } })).map((n) => n.level);
    const firstIndex = (level: ClusterLevel) => levels.indexOf(level);
    expect(firstIndex(ClusterLevel.ARENA)).toBe(0);
    expect(firstIndex(ClusterLevel.ARENA)).toBeLessThan(firstIndex(ClusterLevel.ARENA_PRO));
    expect(firstIndex(ClusterLevel.ARENA_PRO)).toBeLessThan(firstIndex(ClusterLevel.NCE));
    expect(firstIndex(ClusterLevel.NCE)).toBeLessThan(firstIndex(ClusterLevel.GCE));
    expect(levels.at(-1)).toBe(ClusterLevel.GCE);
  });

  it('breaks a name tie by id in both directions', async () => {
    const ties = nodesOf(await clusters(api, { first: 100, filter: { text: 'tie' } }));
    expect(ties.map((n) => n.slug)).toEqual(['tie-b', 'tie-a', 'tie-c']);
    const desc = nodesOf(
      await clusters(api, { first: 100, filter: { text: 'tie' }, orderBy: { field: 'NAME', direction: 'DESC' } }),
    );
    expect(desc.map((n) => n.slug)).toEqual(['tie-c', 'tie-a', 'tie-b']);
  });

  const organizationOrders: [string, (n: OrganizationNode) => string | number][] = [
    ['NAME', (n) => n.name],
    ['ORG_NUMBER', (n) => n.orgNumber],
    ['EMPLOYEES', (n) => n.employees ?? 0],
  ];

  it.each(organizationOrders)('organizations by %s, ascending and descending', async (field, key) => {
    const all = (await walkForward((after) => organizations(api, { first: 100, after }))).nodes;
    const expected = idsOf([...all].sort(byKeyThenId(key)));
    const asc = await walkForward((after) => organizations(api, { first: 7, after, orderBy: { field, direction: 'ASC' } }));
    expect(idsOf(asc.nodes)).toEqual(expected);
    const desc = await walkForward((after) => organizations(api, { first: 7, after, orderBy: { field, direction: 'DESC' } }));
    expect(idsOf(desc.nodes)).toEqual([...expected].reverse());
  });

  it('counts unknown head counts as 0 employees', async () => {
    const asc = nodesOf(await organizations(api, { first: 3, orderBy: { field: 'EMPLOYEES' } }));
    expect(asc.slice(0, 2).map((n) => [n.name, n.employees])).toEqual([
      ['Twin AS', null],
      ['Headless AS', 0],
    ]);
    expect(asc[2].employees).toBeGreaterThan(0);
  });

  it('announcements newest first by default, and by PUBLISHED_AT and TITLE both ways', async () => {
    const all = nodesOf(await announcements(api, { first: 100 }));
    const byTime = idsOf([...all].sort(byKeyThenId((n) => n.publishedAt)));
    expect(idsOf((await walkForward((after) => announcements(api, { first: 2, after }))).nodes)).toEqual([...byTime].reverse());
    expect(all.map((n) => n.title).slice(0, 1)).toEqual(['Later']);
    for (const [field, key] of [
      ['PUBLISHED_AT', (n: AnnouncementNode) => n.publishedAt],
      ['TITLE', (n: AnnouncementNode) => n.title],
    ] as const) {
      const expected = idsOf([...all].sort(byKeyThenId(key)));
      const asc = await walkForward((after) => announcements(api, { first: 2, after, orderBy: { field, direction: 'ASC' } }));
      expect(idsOf(asc.nodes), field).toEqual(expected);
      const desc = await walkForward((after) => announcements(api, { first: 2, after, orderBy: { field, direction: 'DESC' } }));
      expect(idsOf(desc.nodes), field).toEqual([...expected].reverse());
    }
  });

  const membershipOrders: [string, (n: MembershipNode) => string][] = [
    ['JOINED_ON', (n) => n.joinedOn],
    ['LEFT_ON', (n) => n.leftOn ?? '9999-12-31'],
  ];

  it.each(membershipOrders)('cluster members by %s, ascending and descending', async (field, key) => {
    const all = nodesOf(await clusterMembers(api, 'tie-a', { first: 100 }));
    expect(all.length).toBe(6);
    const expected = idsOf([...all].sort(byKeyThenId(key)));
    const asc = await walkForward((after) => clusterMembers(api, 'tie-a', { first: 2, after, orderBy: { field } }));
    expect(idsOf(asc.nodes)).toEqual(expected);
    const desc = await walkForward((after) =>
      clusterMembers(api, 'tie-a', { first: 2, after, orderBy: { field, direction: 'DESC' } }),
    );
    expect(idsOf(desc.nodes)).toEqual([...expected].reverse());
  });

  it('members by LEFT_ON put current memberships last going up', async () => {
    const leftOn = nodesOf(await clusterMembers(api, 'tie-a', { first: 100, orderBy: { field: 'LEFT_ON' } })).map(
      (n) => n.leftOn,
    );
    expect(leftOn).toEqual(['2017-09-01', '2018-01-01', '2018-01-01', null, null, null]);
  });

  it.each(membershipOrders)('an organization’s memberships by %s, ascending and descending', async (field, key) => {
    const em = api.orm.em.fork();
    // The organization with the most memberships, so paging has something to do.
    const memberships = await em.find(Membership, {}, { populate: ['organization'] });
    const counts = new Map<string, number>();
    for (const m of memberships) counts.set(m.organization.orgNumber, (counts.get(m.organization.orgNumber) ?? 0) + 1);
    const [orgNumber, count] = [...counts].sort((a, b) => b[1] - a[1])[0];
    expect(count).toBeGreaterThan(1);
    const all = nodesOf(await organizationMemberships(api, orgNumber, { first: 100 }));
    expect(all).toHaveLength(count);
    const expected = idsOf([...all].sort(byKeyThenId(key)));
    const asc = await walkForward((after) => organizationMemberships(api, orgNumber, { first: 1, after, orderBy: { field } }));
    expect(idsOf(asc.nodes)).toEqual(expected);
    const desc = await walkForward((after) =>
      organizationMemberships(api, orgNumber, { first: 1, after, orderBy: { field, direction: 'DESC' } }),
    );
    expect(idsOf(desc.nodes)).toEqual([...expected].reverse());
  });
});

describe('nested connections', () => {
  const NESTED = `query ($first: Int, $after: String, $last: Int, $before: String, $filter: MembershipFilter) {
    clusters(first: 100) {
      nodes {
        slug
        members(${PAGING_ARGS}, filter: $filter) { totalCount edges { cursor node { id joinedOn leftOn } } ${PAGE_INFO} }
      }
    }
  }`;
  type NestedResult = { clusters: { nodes: { slug: string; members: ConnectionPage<MembershipNode> }[] } };
  const nested = async (vars: Vars) => (await api.data<NestedResult>(NESTED, vars)).clusters.nodes;

  it('pages each parent’s list separately, with its own totalCount', async () => {
    const fullLists = new Map(
      (await nested({ first: 100 })).map((c) => [c.slug, { ids: idsOf(nodesOf(c.members)), total: c.members.totalCount }]),
    );
    const memberships = await api.orm.em.fork().find(Membership, {}, { populate: ['cluster'] });
    for (const cluster of await nested({ first: 2 })) {
      const full = fullLists.get(cluster.slug);
      const own = memberships.filter((m) => m.cluster.slug === cluster.slug);
      expect(full?.total, cluster.slug).toBe(own.length);
      expect(full?.ids, cluster.slug).toHaveLength(own.length);
      expect(cluster.members.totalCount, cluster.slug).toBe(own.length);
      expect(idsOf(nodesOf(cluster.members)), cluster.slug).toEqual(full?.ids.slice(0, 2));
      expect(cluster.members.pageInfo.hasNextPage, cluster.slug).toBe(own.length > 2);
    }
  });

  it('continues one parent’s list from its cursor inside the root list', async () => {
    const subseaMembers = async (vars: Vars) => {
      const subsea = (await nested(vars)).find((c) => c.slug === 'gce-subsea');
      if (!subsea) throw new Error('gce-subsea missing from the root list');
      return subsea.members;
    };
    const allIds = idsOf(nodesOf(await subseaMembers({ first: 100 })));
    expect(allIds.length).toBeGreaterThanOrEqual(4);
    const firstPage = await subseaMembers({ first: 2 });
    const secondPage = await subseaMembers({ first: 2, after: firstPage.pageInfo.endCursor });
    expect(idsOf(nodesOf(secondPage))).toEqual(allIds.slice(2, 4));
    expect(secondPage.pageInfo.hasPreviousPage).toBe(true);
    expect(secondPage.totalCount).toBe(allIds.length);
  });

  it('walks one cluster’s members forwards and backwards', async () => {
    const all = idsOf(nodesOf(await clusterMembers(api, 'gce-subsea', { first: 100 })));
    const forward = await walkForward((after) => clusterMembers(api, 'gce-subsea', { first: 2, after }));
    expect(idsOf(forward.nodes)).toEqual(all);
    const backward = await walkBackward((before) => clusterMembers(api, 'gce-subsea', { last: 2, before }));
    expect(idsOf(backward.nodes)).toEqual(all);
  });

  it('counts nested lists under their filter', async () => {
    const hosts = await nested({ first: 1, filter: { roles: ['HOST'] } });
    expect(hosts.length).toBe(clusterCount);
    for (const cluster of hosts) {
      // Every seeded cluster has one host; tie-b and tie-c have no members at all.
      const expected = cluster.slug === 'tie-b' || cluster.slug === 'tie-c' ? 0 : 1;
      expect(cluster.members.totalCount, cluster.slug).toBe(expected);
    }
    const day = '2019-06-01';
    const active = await nested({ first: 1, filter: { activeOn: day } });
    const memberships = await api.orm.em.fork().find(Membership, {}, { populate: ['cluster'] });
    for (const cluster of active) {
      const expected = memberships.filter(
        (m) => m.cluster.slug === cluster.slug && m.joinedOn <= day && (m.leftOn == null || m.leftOn > day),
      ).length;
      expect(cluster.members.totalCount, cluster.slug).toBe(expected);
    }
  });
});

describe('totalCount on root lists', () => {
  it('counts the whole filtered list, whatever the page', async () => {
    const em = api.orm.em.fork();
    for (const levels of [[ClusterLevel.NCE], [ClusterLevel.ARENA, ClusterLevel.GCE], []]) {
      const expected = await em.count(Cluster, { level: { $in: levels } });
      const page = await clusters(api, { first: 1, filter: { levels } });
      expect(page.totalCount, levels.join()).toBe(expected);
      const later = await clusters(api, { first: 1, after: page.pageInfo.endCursor, filter: { levels } });
      if (expected > 1) expect(later.totalCount, levels.join()).toBe(expected);
    }
    expect((await clusters(api, { last: 2, filter: { counties: ['Vestland'] } })).totalCount).toBe(
      await em.count(Cluster, { county: 'Vestland' }),
    );
  });
});

describe('stability under inserts', () => {
  let fresh: TestApi;
  beforeAll(async () => {
    fresh = await createTestApi();
  });
  afterAll(async () => {
    await fresh?.dispose();
  });

  it('continues from an old cursor without duplicates or skipped items when rows are inserted', async () => {
    const before = nodesOf(await clusters(fresh, { first: 100 }));
    const page1 = await clusters(fresh, { first: 5 });
    const page1Ids = idsOf(nodesOf(page1));
    const lastOfPage1 = nodesOf(page1).at(-1) as ClusterNode;
    await insertClusters(fresh, [
      { slug: 'aaa-first', name: 'AAA Inserted First' },
      { slug: 'same-name-later', name: lastOfPage1.name },
      { slug: 'zzz-last', name: 'zzz inserted last' },
    ]);
    const rest = await walkForward(async (after) => clusters(fresh, { first: 5, after: after ?? page1.pageInfo.endCursor }));
    const restSlugs = rest.nodes.map((n) => n.slug);
    expect(idsOf(rest.nodes).filter((id) => page1Ids.includes(id))).toEqual([]);
    expect(new Set(idsOf(rest.nodes)).size).toBe(rest.nodes.length);
    // Every old item after page 1 comes, in its old order.
    const oldRest = before.slice(5).map((n) => n.slug);
    expect(restSlugs.filter((s) => oldRest.includes(s))).toEqual(oldRest);
    // New rows after the cursor (a name tie with a higher id counts as after) appear; the one before does not.
    expect(restSlugs).toContain('same-name-later');
    expect(restSlugs).toContain('zzz-last');
    expect(restSlugs).not.toContain('aaa-first');
    expect(restSlugs[0]).toBe('same-name-later');
    expect(restSlugs.at(-1)).toBe('zzz-last');
  });

  it('keeps a descending date ordering stable too', async () => {
    const orderBy = { field: 'ADMITTED_ON', direction: 'DESC' };
    const before = nodesOf(await clusters(fresh, { first: 100, orderBy }));
    const page1 = await clusters(fresh, { first: 6, orderBy });
    const cursorNode = nodesOf(page1).at(-1) as ClusterNode;
    await insertClusters(fresh, [
      { slug: 'newest', name: 'Newest', admittedOn: '2030-01-01' },
      { slug: 'same-day', name: 'Same day', admittedOn: cursorNode.admittedOn },
      { slug: 'oldest', name: 'Oldest', admittedOn: '1990-01-01' },
    ]);
    const rest = await walkForward(async (after) =>
      clusters(fresh, { first: 4, after: after ?? page1.pageInfo.endCursor, orderBy }),
    );
    const restSlugs = rest.nodes.map((n) => n.slug);
    const oldRest = before.slice(6).map((n) => n.slug);
    expect(restSlugs.filter((s) => oldRest.includes(s))).toEqual(oldRest);
    expect(restSlugs).not.toContain('newest');
    // Same date, higher id: in a descending list it comes before the cursor, so it is not repeated after it.
    expect(restSlugs).not.toContain('same-day');
    expect(restSlugs.at(-1)).toBe('oldest');
  });
});
