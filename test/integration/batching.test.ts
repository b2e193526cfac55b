// Reads run one SQL statement per relation level, whatever the number of rows (DESIGN.md, "Reads:
// one statement per relation level"); on PostgreSQL the nested lists selected under a list's items
// come along in the list's own statement, as JSON. Every test counts the statements of one query
// on two data sets of different sizes, and checks the nested data it gets back against the rows
// it inserted.
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Announcement,
  AnnouncementCluster,
  Cluster,
  ClusterLevelPeriod,
  ClusterSector,
  Membership,
  Organization,
  PartnerInstitution,
  Partnership,
} from '../../src/entities/index.js';
import {
  AnnouncementKind,
  ClusterLevel,
  Language,
  MembershipRole,
  PartnerKind,
  PartnershipRole,
  Provenance,
} from '../../src/entities/enums.js';
import { type NodeType, toGlobalId } from '../../src/lib/global-id.js';
import { orgNumberCheckDigit } from '../../src/lib/org-number.js';
import { type TestApi, createTestApi } from '../helpers/api.js';
import { TEST_DIALECT } from '../helpers/database.js';

// ---- the data set, planned in memory first so the tests know what each list must hold

interface Size {
  label: string;
  clusters: number;
  organizations: number;
  partners: number;
  announcements: number;
  /** How many members cluster number i gets. */
  membersOf: (i: number) => number;
}

const LARGE: Size = {
  label: '50 clusters, up to 14 members each',
  clusters: 50,
  organizations: 60,
  partners: 8,
  announcements: 12,
  membersOf: (i) => 4 + (i % 11),
};
const SMALL: Size = {
  label: '10 clusters, 2 to 4 members each',
  clusters: 10,
  organizations: 12,
  partners: 3,
  announcements: 4,
  membersOf: (i) => 2 + (i % 3),
};

const SECTORS = ['Havbruk', 'Energi', 'Helse', 'IKT', 'Reiseliv', 'Prosessindustri', 'Maritim'];

interface PlannedCluster {
  id: number;
  name: string;
  sectors: string[];
  levels: { level: ClusterLevel; fromDate: string; toDate: string | null }[];
}
interface PlannedMembership {
  id: number;
  clusterId: number;
  organizationId: number;
  role: MembershipRole;
  joinedOn: string;
}
interface PlannedPartnership {
  id: number;
  clusterId: number;
  partnerId: number;
  since: string;
}
interface PlannedAnnouncement {
  id: number;
  title: string;
  publishedAt: string;
  clusterIds: number[];
}

/** What was inserted, with database ids; ids are filled in after the flush. */
interface Graph {
  clusters: PlannedCluster[];
  organizations: { id: number; name: string }[];
  memberships: PlannedMembership[];
  partners: { id: number; name: string }[];
  partnerships: PlannedPartnership[];
  announcements: PlannedAnnouncement[];
}

const pad = (n: number) => String(n).padStart(2, '0');

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Valid organisation numbers (modulus 11), in a block of their own. */
function* orgNumbers(): Generator<string> {
  for (let base = 91_500_000; ; base++) {
    const check = orgNumberCheckDigit(String(base));
    if (check !== null) yield `${base}${check}`;
  }
}

/**
 * Inserts the whole data set through the entities, in a forked EntityManager and one flush (one
 * transaction). Organizations are members of several clusters; some clusters have more than ten
 * members, some organizations more than five memberships, so the `first` of nested lists matters.
 */
async function insertGraph(api: TestApi, size: Size): Promise<Graph> {
  const em = api.orm.em.fork();
  const numbers = orgNumbers();

  const organizations = Array.from({ length: size.organizations }, (_, k) =>
    em.create(Organization, {
      orgNumber: numbers.next().value as string,
      name: `Batch org ${pad(k)} AS`,
      provenance: Provenance.MANUAL,
    }),
  );
  const partners = Array.from({ length: size.partners }, (_, k) =>
    em.create(PartnerInstitution, {
      slug: `batch-partner-${pad(k)}`,
      name: `Batch partner ${pad(k)}`,
      kind: PartnerKind.RESEARCH_INSTITUTE,
      provenance: Provenance.MANUAL,
    }),
  );
  const announcements = Array.from({ length: size.announcements }, (_, k) =>
    em.create(Announcement, {
      slug: `batch-announcement-${pad(k)}`,
      title: `Batch announcement ${pad(k)}`,
      body: 'Synthetic announcement for the batching tests.',
      language: Language.nb,
      kind: AnnouncementKind.NEWS,
      // distinct, so newest-first has no ties
      publishedAt: new Date(Date.UTC(2024, 0, 1 + 3 * k, 12)),
      provenance: Provenance.MANUAL,
    }),
  );

  const clusters: { entity: Cluster; sectors: string[]; levels: PlannedCluster['levels'] }[] = [];
  const memberships: { entity: Membership; clusterIndex: number; organizationIndex: number }[] = [];
  const partnerships: { entity: Partnership; clusterIndex: number; partnerIndex: number }[] = [];
  const mentions: { clusterIndex: number; announcementIndex: number }[] = [];

  for (let i = 0; i < size.clusters; i++) {
    const admittedOn = addDays('2014-01-01', 30 * i);
    const cluster = em.create(Cluster, {
      slug: `batch-cluster-${pad(i)}`,
      name: `Batch cluster ${pad(i)}`,
      level: i % 2 ? ClusterLevel.NCE : ClusterLevel.ARENA,
      county: 'Vestland',
      city: 'Bergen',
      admittedOn,
      provenance: Provenance.MANUAL,
    });
    const sectors = [SECTORS[i % SECTORS.length], SECTORS[(i + 3) % SECTORS.length]];
    for (const [position, sector] of sectors.entries()) em.create(ClusterSector, { cluster, sector, position });
    const levels: PlannedCluster['levels'] =
      i % 2
        ? [
            { level: ClusterLevel.ARENA, fromDate: admittedOn, toDate: '2019-12-31' },
            { level: ClusterLevel.NCE, fromDate: '2020-01-01', toDate: null },
          ]
        : [{ level: ClusterLevel.ARENA, fromDate: admittedOn, toDate: null }];
    for (const period of levels) em.create(ClusterLevelPeriod, { cluster, ...period });
    clusters.push({ entity: cluster, sectors, levels });

    for (let j = 0; j < size.membersOf(i); j++) {
      // 7 is coprime with the number of organizations: no organization twice in one cluster
      const organizationIndex = (i + 7 * j) % size.organizations;
      const entity = em.create(Membership, {
        cluster,
        organization: organizations[organizationIndex],
        role: j === 0 ? MembershipRole.HOST : j < 3 ? MembershipRole.CORE : MembershipRole.MEMBER,
        joinedOn: addDays('2015-01-01', (37 * i + 53 * j) % 1000),
      });
      memberships.push({ entity, clusterIndex: i, organizationIndex });
    }
    for (let k = 0; k < 1 + (i % 3); k++) {
      const partnerIndex = (i + k) % size.partners;
      const entity = em.create(Partnership, {
        cluster,
        partner: partners[partnerIndex],
        role: PartnershipRole.RESEARCH,
        since: addDays('2016-01-01', (11 * i + 17 * k) % 700),
      });
      partnerships.push({ entity, clusterIndex: i, partnerIndex });
    }
    for (let k = 0; k < 1 + (i % 3); k++) mentions.push({ clusterIndex: i, announcementIndex: (i + k) % size.announcements });
  }
  const mentionsOf = announcements.map((_, a) => mentions.filter((m) => m.announcementIndex === a));
  for (const [a, announcement] of announcements.entries()) {
    for (const [position, m] of mentionsOf[a].entries()) {
      em.create(AnnouncementCluster, { announcement, cluster: clusters[m.clusterIndex].entity, position });
    }
  }

  await em.flush();

  return {
    clusters: clusters.map((c) => ({ id: c.entity.id, name: c.entity.name, sectors: c.sectors, levels: c.levels })),
    organizations: organizations.map((o) => ({ id: o.id, name: o.name })),
    memberships: memberships.map((m) => ({
      id: m.entity.id,
      clusterId: clusters[m.clusterIndex].entity.id,
      organizationId: organizations[m.organizationIndex].id,
      role: m.entity.role,
      joinedOn: m.entity.joinedOn,
    })),
    partners: partners.map((p) => ({ id: p.id, name: p.name })),
    partnerships: partnerships.map((p) => ({
      id: p.entity.id,
      clusterId: clusters[p.clusterIndex].entity.id,
      partnerId: partners[p.partnerIndex].id,
      since: p.entity.since,
    })),
    announcements: announcements.map((a, k) => ({
      id: a.id,
      title: a.title,
      publishedAt: a.publishedAt!.toISOString(),
      clusterIds: mentionsOf[k].map((m) => clusters[m.clusterIndex].entity.id),
    })),
  };
}

// ---- what each list must hold: the API's orderings, applied to the plan

const byThenId =
  <T extends { id: number }>(key: (row: T) => string, direction: 1 | -1 = 1) =>
  (a: T, b: T) =>
    direction * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id);

/** A cluster's members, oldest membership first (the default order of Cluster.members). */
const membersOf = (g: Graph, clusterId: number) =>
  g.memberships.filter((m) => m.clusterId === clusterId).sort(byThenId((m) => m.joinedOn));
/** An organization's memberships, oldest first. */
const membershipsOf = (g: Graph, organizationId: number) =>
  g.memberships.filter((m) => m.organizationId === organizationId).sort(byThenId((m) => m.joinedOn));
const partnershipsOf = (g: Graph, clusterId: number) =>
  g.partnerships.filter((p) => p.clusterId === clusterId).sort(byThenId((p) => p.since));
/** Announcements mentioning a cluster, newest first. */
const announcementsOf = (g: Graph, clusterId: number) =>
  g.announcements.filter((a) => a.clusterIds.includes(clusterId)).sort(byThenId((a) => a.publishedAt, -1));
const clustersMentionedBy = (g: Graph, announcement: PlannedAnnouncement) =>
  g.clusters.filter((c) => announcement.clusterIds.includes(c.id)).sort(byThenId((c) => c.name));

const clusterNamed = (g: Graph, name: string) => g.clusters.find((c) => c.name === name)!;
const clusterName = (g: Graph, id: number) => g.clusters.find((c) => c.id === id)!.name;
const organizationName = (g: Graph, id: number) => g.organizations.find((o) => o.id === id)!.name;
const partnerName = (g: Graph, id: number) => g.partners.find((p) => p.id === id)!.name;
const organizationNamed = (g: Graph, name: string) => g.organizations.find((o) => o.name === name)!;

// ---- counting statements

/** The SQL of a logged statement, without the logger's colours, prefix and timing. */
const sqlOf = (logged: string) =>
  stripVTControlCharacters(logged)
    .replace(/^\[query\] /, '')
    .replace(/ \[took [^\]]*\]$/, '');

/** Runs one operation and returns its data and every SQL statement it ran, in order. */
async function measure<T>(api: TestApi, query: string): Promise<{ data: T; statements: string[] }> {
  api.statements.length = 0;
  const data = await api.data<T>(query);
  return { data, statements: api.statements.map(sqlOf) };
}

/** Statements that count rows, or read the counts the database keeps (a cluster's memberships). */
const counts = (statements: string[]) => statements.filter((s) => s.includes('count(') || s.includes('cluster_membership_count'));

// ---- the queries

const CLUSTERS_MEMBERS_MEMBERSHIPS = /* GraphQL */ `{
  clusters(first: 50) {
    nodes {
      name
      members(first: 10) {
        nodes {
          role
          organization { name memberships(first: 5) { nodes { cluster { name } } } }
        }
      }
    }
  }
}`;

const WITH_TOTAL_COUNTS = /* GraphQL */ `{
  clusters(first: 50) {
    totalCount
    nodes {
      name
      members(first: 10) {
        totalCount
        nodes {
          role
          organization { name memberships(first: 5) { totalCount nodes { cluster { name } } } }
        }
      }
    }
  }
}`;

interface MembersData {
  clusters: {
    totalCount?: number;
    nodes: {
      name: string;
      members: {
        totalCount?: number;
        nodes: {
          role: string;
          organization: {
            name: string;
            memberships: { totalCount?: number; nodes: { cluster: { name: string } }[] };
          };
        }[];
      };
    }[];
  };
}

/** Checks every level of the clusters → members → organization → memberships → cluster tree. */
function expectMembersTree(g: Graph, data: MembersData, withCounts: boolean) {
  expect(data.clusters.nodes.map((c) => c.name)).toEqual(g.clusters.map((c) => c.name).sort());
  for (const cluster of data.clusters.nodes) {
    const all = membersOf(g, clusterNamed(g, cluster.name).id);
    const members = cluster.members.nodes;
    // each cluster gets its own members, its first ten in order, never more
    expect(members.length, cluster.name).toBe(Math.min(all.length, 10));
    expect(
      members.map((m) => [m.role, m.organization.name]),
      cluster.name,
    ).toEqual(all.slice(0, 10).map((m) => [m.role, organizationName(g, m.organizationId)]));
    if (withCounts) expect(cluster.members.totalCount, cluster.name).toBe(all.length);

    for (const { organization } of members) {
      const memberships = membershipsOf(g, organizationNamed(g, organization.name).id);
      expect(
        organization.memberships.nodes.map((m) => m.cluster.name),
        organization.name,
      ).toEqual(memberships.slice(0, 5).map((m) => clusterName(g, m.clusterId)));
      if (withCounts) expect(organization.memberships.totalCount, organization.name).toBe(memberships.length);
    }
  }
  if (withCounts) expect(data.clusters.totalCount).toBe(g.clusters.length);
}

describe.each([LARGE, SMALL])('statements per query, $label', (size) => {
  let api: TestApi;
  let g: Graph;

  beforeAll(async () => {
    api = await createTestApi({ seed: false });
    g = await insertGraph(api, size);
  });
  afterAll(() => api?.dispose());

  it('has the shape the tests rely on', () => {
    expect(g.clusters).toHaveLength(size.clusters);
    const memberCounts = g.clusters.map((c) => membersOf(g, c.id).length);
    const membershipCounts = g.organizations.map((o) => membershipsOf(g, o.id).length);
    if (size === LARGE) {
      // so that `members(first: 10)` and `memberships(first: 5)` cut lists short
      expect(Math.max(...memberCounts)).toBeGreaterThan(10);
      expect(Math.max(...membershipCounts)).toBeGreaterThan(5);
    }
    // organizations are shared between clusters
    expect(membershipCounts.filter((n) => n > 1).length).toBeGreaterThan(1);
  });

  it('logs the read statements themselves', async () => {
    const { statements } = await measure(api, CLUSTERS_MEMBERS_MEMBERSHIPS);
    // Each parent's page is a subquery cut by its own limit (it reads no more rows than the page,
    // however long the list): on PostgreSQL a lateral subquery, on SQLite a JSON array per parent.
    const perParent = (column: string) =>
      TEST_DIALECT === 'postgresql'
        ? new RegExp(`cross join lateral \\(.* where .*${column} = parent\\.id order by .* limit \\d+\\) as page`)
        : new RegExp(
            `json_group_array\\(json_object\\(.*\\) order by .*where ${column} = parent\\.value order by .* limit \\d+\\) as item\\) as "page" from json_each\\(\\?\\) as parent$`,
          );
    // a page of memberships brings the side a client follows next: organizations under a cluster...
    const membersPage = /join organization as o on o\.id = m\.organization_id/;
    // ...and clusters under an organization
    const membershipsPage = /join cluster as c on c\.id = m\.cluster_id/;
    // The members come with the clusters: one JSON page per cluster row, cut by its own limit.
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(
      /^select .* from \(select .* from cluster as c order by .* limit 51\) as ["`]embedding_parent_0["`]/,
    );
    expect(statements[0]).toMatch(membersPage);
    expect(statements[0]).toMatch(
      TEST_DIALECT === 'postgresql'
        ? /json_agg\(item order by .*where m\.cluster_id = embedding_parent_0\.id order by .* limit 11\)/
        : /json_group_array\(json_object\(.*\) order by .*where m\.cluster_id = embedding_parent_0\.id order by .* limit 11\)/,
    );
    // An organization comes from the loader its page primed, not from a list: its memberships
    // are a level of their own.
    expect(statements[1]).toMatch(membershipsPage);
    expect(statements[1]).toMatch(perParent('m\\.organization_id'));
  });

  it('clusters → members → organization → memberships → cluster: 2 statements, no count', async () => {
    const { data, statements } = await measure<MembersData>(api, CLUSTERS_MEMBERS_MEMBERSHIPS);
    expect(statements).toHaveLength(2);
    expect(counts(statements)).toEqual([]);
    expectMembersTree(g, data, false);
  });

  it('the same with totalCount on three lists: 2 count statements more', async () => {
    const { data, statements } = await measure<MembersData>(api, WITH_TOTAL_COUNTS);
    // The members' counts come with the clusters' page, as its members do.
    expect(statements).toHaveLength(4);
    expect(counts(statements)).toHaveLength(3);
    expectMembersTree(g, data, true);
  });

  it('a nested totalCount alone costs its count statement, not the page', async () => {
    const { data, statements } = await measure<{ clusters: { nodes: { members: { totalCount: number } }[] } }>(
      api,
      '{ clusters(first: 50) { nodes { members { totalCount } } } }',
    );
    expect(statements).toHaveLength(1);
    expect(counts(statements)).toHaveLength(1);
    expect(statements.some((s) => /partition by|json_agg|json_group_array/.test(s))).toBe(false);
    // the count reads memberships alone, not the organizations a page carries along
    expect(counts(statements).some((s) => s.includes('join organization'))).toBe(false);
    // a cluster's members are not counted at all: the database keeps their number
    expect(counts(statements).some((s) => s.includes('count('))).toBe(false);
    expect(data.clusters.nodes.every((c) => c.members.totalCount > 0)).toBe(true);
  });

  it('Cluster.partners → partner: 1 statement (partners come with their page)', async () => {
    const { data, statements } = await measure<{
      clusters: { nodes: { name: string; partners: { nodes: { since: string; partner: { name: string } }[] } }[] };
    }>(api, '{ clusters(first: 50) { nodes { name partners(first: 10) { nodes { since partner { name } } } } } }');
    expect(statements).toHaveLength(1);
    expect(counts(statements)).toEqual([]);
    for (const cluster of data.clusters.nodes) {
      expect(
        cluster.partners.nodes.map((p) => [p.since, p.partner.name]),
        cluster.name,
      ).toEqual(partnershipsOf(g, clusterNamed(g, cluster.name).id).map((p) => [p.since, partnerName(g, p.partnerId)]));
    }
  });

  it('Cluster.announcements → Announcement.clusters: 1 statement', async () => {
    const { data, statements } = await measure<{
      clusters: {
        nodes: { name: string; announcements: { nodes: { title: string; clusters: { nodes: { name: string }[] } }[] } }[];
      };
    }>(
      api,
      '{ clusters(first: 50) { nodes { name announcements(first: 2) { nodes { title clusters(first: 3) { nodes { name } } } } } } }',
    );
    expect(statements).toHaveLength(1);
    expect(counts(statements)).toEqual([]);
    for (const cluster of data.clusters.nodes) {
      const expected = announcementsOf(g, clusterNamed(g, cluster.name).id).slice(0, 2);
      expect(
        cluster.announcements.nodes.map((a) => a.title),
        cluster.name,
      ).toEqual(expected.map((a) => a.title));
      for (const [k, announcement] of cluster.announcements.nodes.entries()) {
        expect(
          announcement.clusters.nodes.map((c) => c.name),
          announcement.title,
        ).toEqual(
          clustersMentionedBy(g, expected[k])
            .slice(0, 3)
            .map((c) => c.name),
        );
      }
    }
  });

  it('sectors and levelHistory: one statement each', async () => {
    const { data, statements } = await measure<{
      clusters: { nodes: { name: string; sectors: string[]; levelHistory: PlannedCluster['levels'] }[] };
    }>(api, '{ clusters(first: 50) { nodes { name sectors levelHistory { level fromDate toDate } } } }');
    expect(statements).toHaveLength(3);
    for (const cluster of data.clusters.nodes) {
      const planned = clusterNamed(g, cluster.name);
      expect(cluster.sectors, cluster.name).toEqual(planned.sectors);
      expect(cluster.levelHistory, cluster.name).toEqual(planned.levels);
    }
  });

  it('sectors and levelHistory one level down: one statement each there too', async () => {
    const { data, statements } = await measure<{
      announcements: {
        nodes: { clusters: { nodes: { name: string; sectors: string[]; levelHistory: { level: string }[] }[] } }[];
      };
    }>(api, '{ announcements(first: 50) { nodes { clusters(first: 10) { nodes { name sectors levelHistory { level } } } } } }');
    // announcements with their clusters, sectors, level periods
    expect(statements).toHaveLength(3);
    const clusters = data.announcements.nodes.flatMap((a) => a.clusters.nodes);
    expect(clusters.length).toBeGreaterThan(g.announcements.length);
    for (const cluster of clusters) {
      const planned = clusterNamed(g, cluster.name);
      expect(cluster.sectors, cluster.name).toEqual(planned.sectors);
      expect(
        cluster.levelHistory.map((l) => l.level),
        cluster.name,
      ).toEqual(planned.levels.map((l) => l.level));
    }
  });

  describe('node and nodes', () => {
    const NODE_FIELDS = `__typename id
      ... on Cluster { name }
      ... on Organization { name }
      ... on Membership { role }
      ... on PartnerInstitution { name }
      ... on Partnership { since }
      ... on Announcement { title }`;

    /** Up to 95 ids of all six types, interleaved, plus an unknown cluster and an id asked twice. */
    function mixedIds(): { type: NodeType; id: number; expected: Record<string, unknown> | null }[] {
      const asked = [
        ...g.clusters.map((c) => ({ type: 'Cluster' as const, id: c.id, expected: { name: c.name } })),
        ...g.organizations.slice(0, 20).map((o) => ({ type: 'Organization' as const, id: o.id, expected: { name: o.name } })),
        ...g.memberships.slice(0, 10).map((m) => ({ type: 'Membership' as const, id: m.id, expected: { role: m.role } })),
        ...g.partners.slice(0, 5).map((p) => ({ type: 'PartnerInstitution' as const, id: p.id, expected: { name: p.name } })),
        ...g.partnerships.slice(0, 5).map((p) => ({ type: 'Partnership' as const, id: p.id, expected: { since: p.since } })),
        ...g.announcements.slice(0, 5).map((a) => ({ type: 'Announcement' as const, id: a.id, expected: { title: a.title } })),
      ];
      // interleave the types: every type is asked for again and again, in no particular order
      const interleaved = asked.map((x, k) => ({ x, key: (k * 37) % asked.length })).sort((a, b) => a.key - b.key);
      return [...interleaved.map(({ x }) => x), { type: 'Cluster', id: 999_999, expected: null }, asked[0]];
    }

    it('nodes(ids:) with ids of every type: one statement per type, answers in the order asked', async () => {
      const asked = mixedIds();
      const ids = asked.map((a) => toGlobalId(a.type, a.id));
      const { data, statements } = await measure<{ nodes: (Record<string, unknown> | null)[] }>(
        api,
        `{ nodes(ids: ${JSON.stringify(ids)}) { ${NODE_FIELDS} } }`,
      );
      expect(statements).toHaveLength(6);
      expect(data.nodes).toEqual(asked.map((a, k) => (a.expected ? { __typename: a.type, id: ids[k], ...a.expected } : null)));
    });

    it('many node(id:) fields of two types in one query: one statement per type', async () => {
      const asked = [
        ...g.clusters.slice(0, 8).map((c) => ({ type: 'Cluster' as const, id: c.id, expected: { name: c.name } })),
        ...g.organizations.slice(0, 8).map((o) => ({ type: 'Organization' as const, id: o.id, expected: { name: o.name } })),
      ];
      const fields = asked.map((a, k) => `n${k}: node(id: "${toGlobalId(a.type, a.id)}") { ${NODE_FIELDS} }`);
      const { data, statements } = await measure<Record<string, unknown>>(api, `{ ${fields.join('\n')} }`);
      expect(statements).toHaveLength(2);
      asked.forEach((a, k) => {
        expect(data[`n${k}`]).toEqual({ __typename: a.type, id: toGlobalId(a.type, a.id), ...a.expected });
      });
    });
  });
});
