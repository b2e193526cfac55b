import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnnouncementKind,
  ClusterLevel,
  ClusterStatus,
  Language,
  MembershipRole,
  PartnershipRole,
} from '../../src/entities/enums.js';
import { Cluster, Membership, Organization } from '../../src/entities/index.js';
import { type TestApi, createTestApi, errorCodes } from '../helpers/api.js';
import {
  LEVEL_ORDER,
  addDays,
  insertAnnouncements,
  insertClusters,
  insertMemberships,
  insertOrganizations,
  insertPartnerships,
  makeGlobalId,
} from '../helpers/fixtures.js';

// Filters on every list, bad filter input, search and statistics, against the seeded data plus a
// few rows inserted here (an ended cluster, announcements at day boundaries, an ended partnership,
// a membership that starts in the future). Expectations come from the database where they can.

type Vars = Record<string, unknown>;

let api: TestApi;

const CLUSTER_SLUGS = `query ($filter: ClusterFilter) {
  clusters(first: 100, filter: $filter) { totalCount nodes { slug level county status admittedOn sectors } }
}`;
interface ClusterRow {
  slug: string;
  level: ClusterLevel;
  county: string;
  status: ClusterStatus;
  admittedOn: string;
  sectors: string[];
}
async function clusterRows(filter: Vars): Promise<ClusterRow[]> {
  const { clusters } = await api.data<{ clusters: { totalCount: number; nodes: ClusterRow[] } }>(CLUSTER_SLUGS, { filter });
  expect(clusters.totalCount).toBe(clusters.nodes.length);
  return clusters.nodes;
}
const clusterSlugs = async (filter: Vars) => (await clusterRows(filter)).map((c) => c.slug).sort();

const ORGANIZATIONS = `query ($filter: OrganizationFilter) {
  organizations(first: 100, filter: $filter) { totalCount nodes { orgNumber name county naceCode } }
}`;
async function organizationNumbers(filter: Vars): Promise<string[]> {
  const { organizations } = await api.data<{ organizations: { totalCount: number; nodes: { orgNumber: string }[] } }>(
    ORGANIZATIONS,
    { filter },
  );
  expect(organizations.totalCount).toBe(organizations.nodes.length);
  return organizations.nodes.map((o) => o.orgNumber).sort();
}

const ANNOUNCEMENTS = `query ($filter: AnnouncementFilter) {
  announcements(first: 100, filter: $filter) { totalCount nodes { slug } }
}`;
async function announcementSlugs(filter: Vars): Promise<string[]> {
  const { announcements } = await api.data<{ announcements: { totalCount: number; nodes: { slug: string }[] } }>(ANNOUNCEMENTS, {
    filter,
  });
  expect(announcements.totalCount).toBe(announcements.nodes.length);
  return announcements.nodes.map((a) => a.slug).sort();
}

const MEMBERS = `query ($slug: String!, $filter: MembershipFilter) {
  cluster(slug: $slug) { members(first: 100, filter: $filter) { totalCount nodes { id role joinedOn leftOn } } }
}`;
interface MemberRow {
  id: string;
  role: MembershipRole;
  joinedOn: string;
  leftOn: string | null;
}
async function members(slug: string, filter: Vars): Promise<MemberRow[]> {
  const { cluster } = await api.data<{ cluster: { members: { totalCount: number; nodes: MemberRow[] } } }>(MEMBERS, {
    slug,
    filter,
  });
  expect(cluster.members.totalCount).toBe(cluster.members.nodes.length);
  return cluster.members.nodes;
}

const PARTNERS = `query ($slug: String!, $filter: PartnershipFilter) {
  cluster(slug: $slug) { partners(first: 100, filter: $filter) { totalCount nodes { role since until partner { slug } } } }
}`;
async function partnerSlugs(clusterSlug: string, filter: Vars): Promise<string[]> {
  const { cluster } = await api.data<{
    cluster: { partners: { totalCount: number; nodes: { partner: { slug: string } }[] } };
  }>(PARTNERS, { slug: clusterSlug, filter });
  expect(cluster.partners.totalCount).toBe(cluster.partners.nodes.length);
  return cluster.partners.nodes.map((p) => p.partner.slug).sort();
}

const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  api = await createTestApi();
  const [endedId] = await insertClusters(api, [
    {
      slug: 'solenergiklyngen',
      name: 'Solenergiklyngen',
      level: ClusterLevel.ARENA,
      status: ClusterStatus.ENDED,
      county: 'Akershus',
      city: 'Lillestrøm',
      description: 'solenergiklynge på østlandet',
      admittedOn: '2017-06-01',
      sectors: ['solar energy', 'energy'],
    },
  ]);
  const em = api.orm.em.fork();
  const idOf = async (slug: string) => (await em.findOneOrFail(Cluster, { slug })).id;
  await insertAnnouncements(api, [
    {
      slug: 'offshore-wind-news',
      title: 'Offshore wind cluster grows',
      body: 'News in English about the Norwegian Offshore Wind cluster.',
      language: Language.en,
      kind: AnnouncementKind.NEWS,
      publishedAt: '2024-03-10T23:30:00.000Z',
      clusterIds: [await idOf('norwegian-offshore-wind')],
    },
    {
      slug: 'nivaaendring-2024',
      title: 'Klynger endrer nivå',
      body: 'Woodworks! og GCE Subsea får ny status. Møtet var i Ålesund.',
      language: Language.nb,
      kind: AnnouncementKind.LEVEL_CHANGE,
      publishedAt: '2024-03-11T00:00:00.000Z',
      clusterIds: [await idOf('woodworks'), await idOf('gce-subsea')],
    },
  ]);
  await insertPartnerships(api, [
    { clusterSlug: 'gce-node', partnerSlug: 'nofima', role: PartnershipRole.FUNDING, since: '2015-01-01', until: '2016-12-31' },
  ]);
  // Someone who joins GCE Subsea only in the future is not a current member yet; one member of the ended cluster.
  const [futureOrg, solarOrg] = await insertOrganizations(api, [
    { name: 'Future Member AS', county: 'Finnmark', city: 'Alta', naceCode: '99.000', employees: 3 },
    { name: 'Solar Member AS', county: 'Akershus', city: 'Lillestrøm', naceCode: '35.110', employees: 12 },
  ]);
  await insertMemberships(api, [
    { clusterId: await idOf('gce-subsea'), organizationId: futureOrg, joinedOn: addDays(today(), 400) },
    { clusterId: endedId, organizationId: solarOrg, role: MembershipRole.HOST, joinedOn: '2017-06-01' },
  ]);
});

afterAll(async () => {
  await api?.dispose();
});

describe('cluster filters', () => {
  it('by levels (any of them)', async () => {
    const em = api.orm.em.fork();
    for (const levels of [[ClusterLevel.NCE], [ClusterLevel.ARENA, ClusterLevel.ARENA_PRO], [ClusterLevel.GCE]]) {
      const rows = await clusterRows({ levels });
      expect(rows.length, levels.join()).toBe(await em.count(Cluster, { level: { $in: levels } }));
      expect(
        rows.every((c) => levels.includes(c.level)),
        levels.join(),
      ).toBe(true);
    }
  });

  it('matches nothing for an empty list', async () => {
    for (const filter of [{ levels: [] }, { counties: [] }, { sectors: [] }]) {
      expect(await clusterSlugs(filter), JSON.stringify(filter)).toEqual([]);
    }
  });

  it('by counties and sectors', async () => {
    const em = api.orm.em.fork();
    const inCounties = (await em.find(Cluster, { county: { $in: ['Vestland', 'Oslo'] } })).map((c) => c.slug).sort();
    expect(inCounties.length).toBeGreaterThan(0);
    expect(await clusterSlugs({ counties: ['Vestland', 'Oslo'] })).toEqual(inCounties);
    expect(await clusterSlugs({ counties: ['Møre og Romsdal'] })).toEqual(['gce-blue-maritime', 'ikuben']);
    expect(await clusterSlugs({ sectors: ['seafood'] })).toEqual([
      'arena-innovasjon-torskefisk',
      'nce-seafood-innovation-cluster',
    ]);
    expect(await clusterSlugs({ sectors: ['energy', 'tourism'] })).toEqual([
      'gce-node',
      'nce-tourism-fjord-norway',
      'norwegian-offshore-wind',
      'solenergiklyngen',
    ]);
  });

  it('by status', async () => {
    expect(await clusterSlugs({ status: 'ENDED' })).toEqual(['solenergiklyngen']);
    const active = await clusterRows({ status: 'ACTIVE' });
    expect(active.length).toBe((await api.orm.em.fork().count(Cluster, {})) - 1);
    expect(active.every((c) => c.status === 'ACTIVE')).toBe(true);
  });

  it('by admission date range, both ends inclusive', async () => {
    const rows = await clusterRows({ admittedOn: { from: '2015-06-15', to: '2015-06-15' } });
    expect(rows).toHaveLength(6);
    expect(rows.every((c) => c.admittedOn === '2015-06-15')).toBe(true);
    expect(await clusterSlugs({ admittedOn: { to: '2009-01-01' } })).toEqual([
      'gce-blue-maritime',
      'gce-node',
      'gce-subsea',
      'nce-tourism-fjord-norway',
    ]);
    expect(await clusterSlugs({ admittedOn: { from: '2019-01-01' } })).toEqual([
      'construction-city-cluster',
      'marine-recycling-cluster',
    ]);
    expect(await clusterSlugs({ admittedOn: { from: '2019-01-02' } })).toEqual([]);
  });

  it('refuses a range whose start is after its end, naming the field', async () => {
    const result = await api.query(CLUSTER_SLUGS, { filter: { admittedOn: { from: '2020-01-02', to: '2020-01-01' } } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe('filter.admittedOn');
  });

  it('combines fields with AND', async () => {
    expect(await clusterSlugs({ levels: ['NCE'], counties: ['Vestland'] })).toEqual([
      'finance-innovation',
      'nce-seafood-innovation-cluster',
      'nce-tourism-fjord-norway',
    ]);
    expect(await clusterSlugs({ levels: ['GCE'], text: 'bergen' })).toEqual(['gce-subsea']);
  });

  it('by text: Norwegian letters and case, prefixes, all words', async () => {
    expect(await clusterSlugs({ text: 'ØSTLANDET' })).toEqual(['solenergiklyngen']);
    expect(await clusterSlugs({ text: 'ÅLESUND' })).toEqual(['gce-blue-maritime']);
    expect(await clusterSlugs({ text: 'trøndelag' })).toEqual(['nce-aquatech-cluster', 'woodworks']);
    expect(await clusterSlugs({ text: 'LILLESTRØM' })).toEqual(['solenergiklyngen']);
    expect(await clusterSlugs({ text: 'subs' })).toEqual(['gce-subsea']);
    expect(await clusterSlugs({ text: 'Bergen seafood' })).toEqual(['nce-seafood-innovation-cluster']);
    expect(await clusterSlugs({ text: 'bergen tunnel' })).toEqual([]);
    // Norwegian letters are letters: "o" is not a prefix of "østlandet", "a" not of "ålesund".
    expect(await clusterSlugs({ text: 'ostlandet' })).toEqual([]);
    expect(await clusterSlugs({ text: 'alesund' })).toEqual([]);
  });

  it('refuses text without any word', async () => {
    const result = await api.query(CLUSTER_SLUGS, { filter: { text: '  - ' } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe('filter.text');
  });
});

describe('organization filters', () => {
  const orgs = async () => api.orm.em.fork().find(Organization, {});

  it('by counties', async () => {
    const expected = (await orgs())
      .filter((o) => o.county === 'Nordland' || o.county === 'Agder')
      .map((o) => o.orgNumber)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(await organizationNumbers({ counties: ['Nordland', 'Agder'] })).toEqual(expected);
    expect(await organizationNumbers({ counties: [] })).toEqual([]);
  });

  it('by NACE code prefix', async () => {
    for (const prefix of ['62', '71.1', '62.010', '03']) {
      const expected = (await orgs())
        .filter((o) => o.naceCode?.startsWith(prefix))
        .map((o) => o.orgNumber)
        .sort();
      expect(expected.length, prefix).toBeGreaterThan(0);
      expect(await organizationNumbers({ naceCodePrefix: prefix }), prefix).toEqual(expected);
    }
    expect(await organizationNumbers({ naceCodePrefix: '2%' })).toEqual(
      (await orgs())
        .filter((o) => o.naceCode?.startsWith('2'))
        .map((o) => o.orgNumber)
        .sort(),
    );
  });

  it('refuses a NACE code prefix longer than a NACE code, naming the field', async () => {
    for (const naceCodePrefix of ['62.0101', '6'.repeat(100_000)]) {
      const result = await api.query(ORGANIZATIONS, { filter: { naceCodePrefix } });
      expect(result.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([
        ['BAD_USER_INPUT', 'filter.naceCodePrefix'],
      ]);
    }
  });

  it('by clusters (slugs), current and past members', async () => {
    const memberships = await api.orm.em.fork().find(Membership, {}, { populate: ['cluster', 'organization'] });
    const expected = [
      ...new Set(
        memberships
          .filter((m) => m.cluster.slug === 'gce-subsea' || m.cluster.slug === 'nce-eyde')
          .map((m) => m.organization.orgNumber),
      ),
    ].sort();
    expect(await organizationNumbers({ clusters: ['gce-subsea', 'nce-eyde'] })).toEqual(expected);
    expect(await organizationNumbers({ clusters: ['no-such-cluster'] })).toEqual([]);
    expect(await organizationNumbers({ clusters: [] })).toEqual([]);
  });

  it('by text in name, place or organisation number', async () => {
    const all = await orgs();
    const subsea = all
      .filter((o) => /subsea/i.test(o.name))
      .map((o) => o.orgNumber)
      .sort();
    expect(subsea.length).toBeGreaterThan(0);
    expect(await organizationNumbers({ text: 'SUBSEA' })).toEqual(subsea);
    expect(await organizationNumbers({ text: 'alta' })).toEqual(all.filter((o) => o.city === 'Alta').map((o) => o.orgNumber));
    const one = all[5].orgNumber;
    expect(await organizationNumbers({ text: one })).toEqual([one]);
    expect(await organizationNumbers({ text: 'subsea', counties: ['Oslo'] })).toEqual([]);
  });
});

describe('membership filters', () => {
  it('by roles', async () => {
    const hostsAndCore = await members('gce-subsea', { roles: ['HOST', 'CORE'] });
    expect(hostsAndCore.length).toBeGreaterThanOrEqual(2);
    expect(hostsAndCore.every((m) => m.role === 'HOST' || m.role === 'CORE')).toBe(true);
    expect((await members('gce-subsea', { roles: ['HOST'] })).map((m) => m.role)).toEqual(['HOST']);
    expect(await members('gce-subsea', { roles: [] })).toEqual([]);
  });

  it('by activeOn: active from the joinedOn day, no longer on the leftOn day', async () => {
    const ended = await api.orm.em.fork().findOneOrFail(Membership, { leftOn: { $ne: null } }, { populate: ['cluster'] });
    const id = makeGlobalId('Membership', ended.id);
    const leftOn = ended.leftOn as string;
    const activeOn = async (day: string) => (await members(ended.cluster.slug, { activeOn: day })).some((m) => m.id === id);
    expect(await activeOn(addDays(ended.joinedOn, -1))).toBe(false);
    expect(await activeOn(ended.joinedOn)).toBe(true);
    expect(await activeOn(addDays(leftOn, -1))).toBe(true);
    expect(await activeOn(leftOn)).toBe(false);
  });

  it('combines roles and activeOn, counted per the database', async () => {
    const day = '2018-03-01';
    const memberships = await api.orm.em.fork().find(Membership, {}, { populate: ['cluster'] });
    const expected = memberships.filter(
      (m) =>
        m.cluster.slug === 'gce-subsea' &&
        m.role !== MembershipRole.HOST &&
        m.joinedOn <= day &&
        (m.leftOn == null || m.leftOn > day),
    );
    const rows = await members('gce-subsea', { roles: ['CORE', 'MEMBER'], activeOn: day });
    expect(rows.map((m) => m.id).sort()).toEqual(expected.map((m) => makeGlobalId('Membership', m.id)).sort());
  });
});

describe('partnership filters', () => {
  it('by roles', async () => {
    expect(await partnerSlugs('nce-seafood-innovation-cluster', { roles: ['RESEARCH'] })).toEqual([
      'havforskningsinstituttet',
      'nofima',
    ]);
    expect(await partnerSlugs('nce-seafood-innovation-cluster', { roles: ['PROGRAMME_OWNER'] })).toEqual([
      'forskningsradet',
      'innovasjon-norge',
      'siva',
    ]);
    expect(await partnerSlugs('gce-node', { roles: ['FUNDING', 'RESEARCH'] })).toEqual(['nofima']);
  });

  it('by activeOn: from the since day, not after the until day', async () => {
    // The programme owners came in when NIC started (2014-01-01); the research partner since admission (2006).
    expect(await partnerSlugs('gce-subsea', { activeOn: '2013-12-31' })).toEqual(['universitetet-i-bergen']);
    expect(await partnerSlugs('gce-subsea', { activeOn: '2014-01-01' })).toEqual([
      'forskningsradet',
      'innovasjon-norge',
      'siva',
      'universitetet-i-bergen',
    ]);
    expect(await partnerSlugs('nce-seafood-innovation-cluster', { activeOn: '2015-06-14' })).toEqual([]);
    expect(await partnerSlugs('gce-node', { activeOn: '2014-12-31', roles: ['FUNDING'] })).toEqual([]);
    expect(await partnerSlugs('gce-node', { activeOn: '2015-01-01', roles: ['FUNDING'] })).toEqual(['nofima']);
    expect(await partnerSlugs('gce-node', { activeOn: '2017-01-01', roles: ['FUNDING'] })).toEqual([]);
  });
});

describe('announcement filters', () => {
  const SEEDED = ['giske-vil-videreutvikle-naeringsklyngene', 'nye-naeringsklynger-skal-bidra-til-omstilling'];

  it('by kinds and language', async () => {
    expect(await announcementSlugs({ kinds: ['ADMISSION'] })).toEqual(['nye-naeringsklynger-skal-bidra-til-omstilling']);
    expect(await announcementSlugs({ kinds: ['POLICY', 'NEWS'] })).toEqual([
      'giske-vil-videreutvikle-naeringsklyngene',
      'offshore-wind-news',
    ]);
    expect(await announcementSlugs({ kinds: [] })).toEqual([]);
    expect(await announcementSlugs({ language: 'en' })).toEqual(['offshore-wind-news']);
    expect(await announcementSlugs({ language: 'nb' })).toEqual([...SEEDED, 'nivaaendring-2024'].sort());
  });

  it('by clusters (slugs)', async () => {
    expect(await announcementSlugs({ clusters: ['gce-subsea'] })).toEqual([
      'nivaaendring-2024',
      'nye-naeringsklynger-skal-bidra-til-omstilling',
    ]);
    expect(await announcementSlugs({ clusters: ['norwegian-offshore-wind', 'woodworks'] })).toEqual([
      'nivaaendring-2024',
      'offshore-wind-news',
    ]);
    expect(await announcementSlugs({ clusters: ['ikuben'] })).toEqual([]);
  });

  it('by publishedAt, whole days at both ends (UTC)', async () => {
    expect(await announcementSlugs({ publishedAt: { from: '2024-03-10', to: '2024-03-10' } })).toEqual(['offshore-wind-news']);
    expect(await announcementSlugs({ publishedAt: { from: '2024-03-11', to: '2024-03-11' } })).toEqual(['nivaaendring-2024']);
    expect(await announcementSlugs({ publishedAt: { from: '2024-03-11' } })).toEqual(['nivaaendring-2024']);
    expect(await announcementSlugs({ publishedAt: { to: '2015-06-15' } })).toEqual(SEEDED);
    expect(await announcementSlugs({ publishedAt: { to: '2015-06-14' } })).toEqual(['giske-vil-videreutvikle-naeringsklyngene']);
    const result = await api.query(ANNOUNCEMENTS, { filter: { publishedAt: { from: '2024-03-11', to: '2024-03-10' } } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe('filter.publishedAt');
  });

  it('by text in title or body, Norwegian letters and case handled', async () => {
    expect(await announcementSlugs({ text: 'NÆRINGSKLYNGER' })).toEqual(SEEDED);
    expect(await announcementSlugs({ text: 'omstilling' })).toEqual(['nye-naeringsklynger-skal-bidra-til-omstilling']);
    expect(await announcementSlugs({ text: 'ÅLESUND' })).toEqual(['nivaaendring-2024']);
    expect(await announcementSlugs({ text: 'offsh' })).toEqual(['offshore-wind-news']);
    expect(await announcementSlugs({ text: 'giske', kinds: ['ADMISSION'] })).toEqual([]);
  });

  it('filters a cluster’s nested announcements too', async () => {
    const { cluster } = await api.data<{ cluster: { announcements: { totalCount: number; nodes: { slug: string }[] } } }>(
      `{ cluster(slug: "gce-subsea") { announcements(filter: { kinds: [LEVEL_CHANGE] }) { totalCount nodes { slug } } } }`,
    );
    expect(cluster.announcements.nodes.map((a) => a.slug)).toEqual(['nivaaendring-2024']);
    expect(cluster.announcements.totalCount).toBe(1);
  });
});

describe('bad filter values in variables', () => {
  it.each([
    ['a cluster level', CLUSTER_SLUGS, { filter: { levels: ['ARENA', 'SUPER'] } }],
    ['a cluster status', CLUSTER_SLUGS, { filter: { status: 'active' } }],
    ['an announcement kind', ANNOUNCEMENTS, { filter: { kinds: ['GOSSIP'] } }],
    ['a language', ANNOUNCEMENTS, { filter: { language: 'NB' } }],
    ['a membership role', MEMBERS, { slug: 'gce-subsea', filter: { roles: ['BOSS'] } }],
  ])('refuses an unknown enum value (%s) with BAD_USER_INPUT', async (_what, query, vars) => {
    const result = await api.query(query, vars);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.data).toBeUndefined();
  });

  it.each(['2020-02-30', 'yesterday', '2020-1-1', '2020-01-01T00:00:00Z'])(
    'refuses the date %j with BAD_USER_INPUT',
    async (date) => {
      for (const [query, vars] of [
        [CLUSTER_SLUGS, { filter: { admittedOn: { from: date } } }],
        [ANNOUNCEMENTS, { filter: { publishedAt: { to: date } } }],
        [MEMBERS, { slug: 'gce-subsea', filter: { activeOn: date } }],
      ] as const) {
        expect(errorCodes(await api.query(query, vars)), JSON.stringify(vars)).toEqual(['BAD_USER_INPUT']);
      }
    },
  );
});

describe('search', () => {
  const SEARCH = `query ($query: String!, $first: Int) {
    search(query: $query, first: $first) {
      nodes {
        __typename
        ... on Cluster { id slug }
        ... on Organization { id orgNumber }
        ... on PartnerInstitution { id slug }
        ... on Announcement { id slug }
      }
    }
  }`;
  interface Hit {
    __typename: string;
    id: string;
    slug?: string;
    orgNumber?: string;
  }
  const search = async (query: string, first?: number) =>
    (await api.data<{ search: { nodes: Hit[] } }>(SEARCH, { query, first })).search.nodes;
  const key = (h: Hit) => `${h.__typename}:${h.slug ?? h.orgNumber}`;

  it('returns one ranked list across types', async () => {
    const hits = await search('bergen', 100);
    expect(new Set(hits.map((h) => h.__typename))).toEqual(
      new Set(['Cluster', 'Organization', 'PartnerInstitution', 'Announcement']),
    );
    expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length);
    expect(hits.map(key)).toEqual(expect.arrayContaining(['Cluster:gce-subsea', 'PartnerInstitution:universitetet-i-bergen']));
  });

  it('ranks a name match above a passing mention in a long text', async () => {
    const hits = (await search('subsea')).map(key);
    const cluster = hits.indexOf('Cluster:gce-subsea');
    const announcement = hits.indexOf('Announcement:nye-naeringsklynger-skal-bidra-til-omstilling');
    expect(cluster).toBeGreaterThanOrEqual(0);
    expect(announcement).toBeGreaterThan(cluster);
  });

  it('finds Norwegian words whatever their case, and prefixes', async () => {
    expect((await search('ÅLESUND')).map(key)).toContain('Cluster:gce-blue-maritime');
    expect((await search('NÆRINGSKLYNGER')).map(key)).toEqual(
      expect.arrayContaining([
        'Announcement:nye-naeringsklynger-skal-bidra-til-omstilling',
        'Announcement:giske-vil-videreutvikle-naeringsklyngene',
      ]),
    );
    expect((await search('forskningsråd')).map(key)).toContain('PartnerInstitution:forskningsradet');
    expect((await search('HANDELSHØYSK')).map(key)).toEqual(['PartnerInstitution:nhh']);
    expect((await search('østlandet')).map(key)).toEqual(['Cluster:solenergiklyngen']);
    expect((await search('subs')).map(key)).toContain('Cluster:gce-subsea');
  });

  it('needs every word to match', async () => {
    const hits = await search('seafood bergen', 100);
    expect(hits.map(key)).toContain('Cluster:nce-seafood-innovation-cluster');
    expect(hits.map(key)).not.toContain('Cluster:arena-innovasjon-torskefisk');
    expect(await search('seafood tunnel')).toEqual([]);
  });

  it('returns at most `first` results (default 20)', async () => {
    const all = await search('demo', 100);
    expect(all.length).toBeGreaterThan(20);
    expect(await search('demo')).toHaveLength(20);
    expect((await search('demo', 3)).map((h) => h.id)).toEqual(all.slice(0, 3).map((h) => h.id));
  });

  it.each(['', '   ', '?!'])('refuses the query %j with BAD_USER_INPUT', async (query) => {
    const result = await api.query(SEARCH, { query });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe('query');
  });

  it('refuses more than 100 results with PAGE_SIZE_EXCEEDED', async () => {
    expect(errorCodes(await api.query(SEARCH, { query: 'bergen', first: 101 }))).toEqual(['PAGE_SIZE_EXCEEDED']);
    expect(errorCodes(await api.query(SEARCH, { query: 'bergen', first: -1 }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('stats', () => {
  const STATS = `query ($filter: ClusterFilter) {
    stats(filter: $filter) {
      clustersByLevel { key count }
      membersByLevel { key count }
      membersByCounty { key count }
      membersBySector { key count }
      membershipsByYear { key count }
    }
  }`;
  interface KeyCount {
    key: string;
    count: number;
  }
  type Stats = Record<
    'clustersByLevel' | 'membersByLevel' | 'membersByCounty' | 'membersBySector' | 'membershipsByYear',
    KeyCount[]
  >;
  const stats = async (filter?: Vars) => (await api.data<{ stats: Stats }>(STATS, { filter })).stats;

  /** Distinct organizations per group, as a key → count map. */
  function countDistinct(pairs: [key: string, org: number][]): Record<string, number> {
    const groups = new Map<string, Set<number>>();
    for (const [k, org] of pairs) groups.set(k, (groups.get(k) ?? new Set()).add(org));
    return Object.fromEntries([...groups].map(([k, orgs]) => [k, orgs.size]));
  }
  const asMap = (rows: KeyCount[]) => Object.fromEntries(rows.map((r) => [r.key, r.count]));
  const isLargestFirst = (rows: KeyCount[]) => rows.every((r, i) => i === 0 || rows[i - 1].count >= r.count);

  /** The statistics computed from the rows in the database, over the clusters `include` keeps. */
  async function expectedStats(include: (cluster: Cluster) => boolean) {
    const em = api.orm.em.fork();
    const clusters = (await em.find(Cluster, {}, { populate: ['sectors'] })).filter(include);
    const ids = new Set(clusters.map((c) => c.id));
    const memberships = (await em.find(Membership, {}, { populate: ['cluster', 'organization'] })).filter((m) =>
      ids.has(m.cluster.id),
    );
    const day = today();
    const current = memberships.filter((m) => m.joinedOn <= day && (m.leftOn == null || m.leftOn > day));
    const sectorsOf = new Map(clusters.map((c) => [c.id, c.sectors.getItems().map((s) => s.sector)]));
    const clustersByLevel: Record<string, number> = {};
    for (const c of clusters) clustersByLevel[c.level] = (clustersByLevel[c.level] ?? 0) + 1;
    const membershipsByYear: Record<string, number> = {};
    for (const m of memberships) membershipsByYear[m.joinedOn.slice(0, 4)] = (membershipsByYear[m.joinedOn.slice(0, 4)] ?? 0) + 1;
    return {
      clustersByLevel,
      membersByLevel: countDistinct(current.map((m) => [m.cluster.level, m.organization.id])),
      membersByCounty: countDistinct(current.map((m) => [m.organization.county ?? 'UNKNOWN', m.organization.id])),
      membersBySector: countDistinct(
        current.flatMap((m) => (sectorsOf.get(m.cluster.id) ?? []).map((s): [string, number] => [s, m.organization.id])),
      ),
      membershipsByYear,
    };
  }

  it('counts clusters per level in programme order, matching the clusters list', async () => {
    const { clustersByLevel } = await stats();
    expect(clustersByLevel.map((r) => r.key)).toEqual([...LEVEL_ORDER]);
    for (const { key, count } of clustersByLevel) {
      const { clusters } = await api.data<{ clusters: { totalCount: number } }>(
        'query ($levels: [ClusterLevel!]) { clusters(filter: { levels: $levels }) { totalCount } }',
        { levels: [key] },
      );
      expect(count, key).toBe(clusters.totalCount);
    }
  });

  it('agrees with the memberships in the database', async () => {
    const actual = await stats();
    const expected = await expectedStats(() => true);
    expect(asMap(actual.clustersByLevel)).toEqual(expected.clustersByLevel);
    expect(asMap(actual.membersByLevel)).toEqual(expected.membersByLevel);
    expect(asMap(actual.membersByCounty)).toEqual(expected.membersByCounty);
    expect(asMap(actual.membersBySector)).toEqual(expected.membersBySector);
    expect(asMap(actual.membershipsByYear)).toEqual(expected.membershipsByYear);
    expect(actual.membersByLevel.map((r) => r.key)).toEqual(LEVEL_ORDER.filter((l) => l in expected.membersByLevel));
    expect(isLargestFirst(actual.membersByCounty)).toBe(true);
    expect(isLargestFirst(actual.membersBySector)).toBe(true);
    const years = actual.membershipsByYear.map((r) => r.key);
    expect(years).toEqual([...years].sort());
  });

  it('does not count a membership that has not started yet as current', async () => {
    const actual = await stats();
    expect(actual.membersByCounty.map((r) => r.key)).not.toContain('Finnmark');
    // It is history all the same: memberships started per year include it.
    expect(actual.membershipsByYear.at(-1)?.key).toBe(addDays(today(), 400).slice(0, 4));
  });

  it('narrows every figure to the clusters the filter selects', async () => {
    const filters: [Vars, (c: Cluster) => boolean][] = [
      [{ levels: ['GCE'] }, (c) => c.level === ClusterLevel.GCE],
      [{ counties: ['Vestland'] }, (c) => c.county === 'Vestland'],
      [{ status: 'ENDED' }, (c) => c.status === ClusterStatus.ENDED],
      [
        { levels: ['NCE'], admittedOn: { from: '2015-01-01' } },
        (c) => c.level === ClusterLevel.NCE && c.admittedOn >= '2015-01-01',
      ],
      [{ levels: [] }, () => false],
    ];
    for (const [filter, include] of filters) {
      const actual = await stats(filter);
      const expected = await expectedStats(include);
      const label = JSON.stringify(filter);
      expect(asMap(actual.clustersByLevel), label).toEqual(expected.clustersByLevel);
      expect(asMap(actual.membersByLevel), label).toEqual(expected.membersByLevel);
      expect(asMap(actual.membersByCounty), label).toEqual(expected.membersByCounty);
      expect(asMap(actual.membersBySector), label).toEqual(expected.membersBySector);
      expect(asMap(actual.membershipsByYear), label).toEqual(expected.membershipsByYear);
    }
    expect(asMap((await stats({ levels: ['GCE'] })).clustersByLevel)).toEqual({ GCE: 3 });
  });

  it('refuses a bad filter like the clusters list does', async () => {
    const result = await api.query(STATS, { filter: { admittedOn: { from: '2020-01-02', to: '2020-01-01' } } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe('filter.admittedOn');
  });
});
