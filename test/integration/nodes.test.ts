import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Organization } from '../../src/entities/index.js';
import { type TestApi, createTestApi, errorCodes } from '../helpers/api.js';
import { makeGlobalId } from '../helpers/fixtures.js';

// Identity: global ids through node/nodes for every type, natural-key lookups, and what unknown
// or malformed keys give back.

const ADMISSION_SLUG = 'nye-naeringsklynger-skal-bidra-til-omstilling';
const ADMISSION_2015 = [
  'gce-subsea',
  'nce-seafood-innovation-cluster',
  'nce-health-technology',
  'nce-eyde',
  'arena-innovasjon-torskefisk',
  'arena-olje-og-gassklynge-helgeland',
  'oslo-edtech-cluster',
];

/** Selects a node's type and a field that tells which object it is. */
const NODE_FIELDS = `
  __typename
  id
  ... on Cluster { slug }
  ... on Organization { orgNumber }
  ... on Membership { joinedOn cluster { slug } organization { orgNumber } }
  ... on PartnerInstitution { slug }
  ... on Partnership { role cluster { slug } partner { slug } }
  ... on Announcement { slug }
`;
const NODE = `query ($id: ID!) { node(id: $id) { ${NODE_FIELDS} } }`;
const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) { ${NODE_FIELDS} } }`;

interface NodeResult {
  __typename: string;
  id: string;
  [field: string]: unknown;
}

let api: TestApi;
/** One object of every node type, as the API lists them. */
let samples: NodeResult[];

beforeAll(async () => {
  api = await createTestApi();
  const data = await api.data(`{
    cluster(slug: "gce-subsea") {
      __typename id slug
      members(first: 1) {
        nodes { __typename id joinedOn cluster { slug } organization { orgNumber } org: organization { __typename id orgNumber } }
      }
      partners(first: 1) { nodes { __typename id role cluster { slug } partner { slug } institution: partner { __typename id slug } } }
      announcements(first: 1) { nodes { __typename id slug } }
    }
  }`);
  const { members, partners, announcements, ...cluster } = data.cluster;
  const { org, ...membership } = members.nodes[0];
  const { institution, ...partnership } = partners.nodes[0];
  samples = [cluster, org, membership, institution, partnership, announcements.nodes[0]];
});

afterAll(async () => {
  await api?.dispose();
});

describe('node and nodes', () => {
  it('has a sample of every node type', () => {
    expect(samples.map((s) => s.__typename)).toEqual([
      'Cluster',
      'Organization',
      'Membership',
      'PartnerInstitution',
      'Partnership',
      'Announcement',
    ]);
    expect(new Set(samples.map((s) => s.id)).size).toBe(samples.length);
  });

  it('fetches every type back by its id with node(id)', async () => {
    for (const sample of samples) {
      const { node } = await api.data<{ node: NodeResult }>(NODE, { id: sample.id });
      expect(node, sample.__typename).toEqual(sample);
    }
  });

  it('fetches them all at once with nodes(ids), in the order asked, null where unknown', async () => {
    const unknown = makeGlobalId('Organization', 987654);
    const ids = [...samples.map((s) => s.id)].reverse();
    const { nodes } = await api.data<{ nodes: (NodeResult | null)[] }>(NODES, {
      ids: [ids[0], unknown, ...ids.slice(1), ids[0]],
    });
    const reversed = [...samples].reverse();
    expect(nodes).toEqual([reversed[0], null, ...reversed.slice(1), reversed[0]]);
  });

  it('answers an unknown but well-formed id with null and no error', async () => {
    for (const type of ['Cluster', 'Organization', 'Membership', 'PartnerInstitution', 'Partnership', 'Announcement']) {
      for (const id of [999_999, 2_147_483_647, 99_999_999_999]) {
        const result = await api.query(NODE, { id: makeGlobalId(type, id) });
        expect(result.errors, `${type}:${id}`).toBeUndefined();
        expect(result.data?.node, `${type}:${id}`).toBeNull();
      }
    }
    const result = await api.query(`{ cluster(id: "${makeGlobalId('Cluster', 424242)}") { slug } }`);
    expect(result).toEqual({ data: { cluster: null } });
  });

  it.each([
    ['a word', 'nope'],
    ['an empty string', ''],
    ['a raw database id', '1'],
    ['an id of an unknown type', makeGlobalId('Widget', 1)],
    ['a type without a key', makeGlobalId('Cluster', '')],
    ['a key that is not a number', makeGlobalId('Cluster', 'abc')],
    ['a key of zero', makeGlobalId('Cluster', 0)],
    ['a negative key', makeGlobalId('Cluster', -3)],
    ['standard base64 with padding', `${Buffer.from('Cluster:1').toString('base64')}==`],
  ])('refuses %s with BAD_USER_INPUT', async (_what, id) => {
    const single = await api.query(NODE, { id });
    expect(errorCodes(single)).toEqual(['BAD_USER_INPUT']);
    expect(single.errors?.[0].extensions?.field).toBe('id');
    const many = await api.query(NODES, { ids: [samples[0].id, id] });
    expect(errorCodes(many)).toEqual(['BAD_USER_INPUT']);
    expect(many.errors?.[0].extensions?.field).toBe('ids[1]');
  });

  it('fetches up to 100 ids at once and refuses more', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? samples[0].id : makeGlobalId('Cluster', 500_000 + i)));
    const { nodes } = await api.data<{ nodes: (NodeResult | null)[] }>(NODES, { ids: hundred });
    expect(nodes).toHaveLength(100);
    expect(nodes.filter((n) => n !== null)).toHaveLength(50);
    const result = await api.query(NODES, { ids: [...hundred, samples[1].id] });
    expect(errorCodes(result)).toEqual(['PAGE_SIZE_EXCEEDED']);
    expect(result.errors?.[0].extensions?.field).toBe('ids');
  });
});

describe('cluster(slug:, id:)', () => {
  const CLUSTER = 'query ($slug: String, $id: ID) { cluster(slug: $slug, id: $id) { id slug name } }';

  it('finds a cluster by slug or by id, the same either way', async () => {
    const bySlug = (await api.data(CLUSTER, { slug: 'gce-subsea' })).cluster;
    expect(bySlug).toMatchObject({ slug: 'gce-subsea', name: 'GCE Subsea' });
    expect((await api.data(CLUSTER, { id: bySlug.id })).cluster).toEqual(bySlug);
  });

  it('refuses the id of another type', async () => {
    const organization = samples.find((s) => s.__typename === 'Organization') as NodeResult;
    const result = await api.query(CLUSTER, { id: organization.id });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe('id');
  });

  it('needs exactly one of slug and id', async () => {
    expect(errorCodes(await api.query(CLUSTER, { slug: 'gce-subsea', id: samples[0].id }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await api.query(CLUSTER, {}))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await api.query('{ cluster { slug } }'))).toEqual(['BAD_USER_INPUT']);
  });

  it('answers an unknown slug with null and no error', async () => {
    expect(await api.query(CLUSTER, { slug: 'no-such-cluster' })).toEqual({ data: { cluster: null } });
  });
});

describe('natural keys', () => {
  it('organization(orgNumber:) finds an organization, also written with spaces', async () => {
    const known = await api.orm.em.fork().findOneOrFail(Organization, { orgNumber: { $ne: '' } }, { orderBy: { id: 'asc' } });
    const query = 'query ($n: String!) { organization(orgNumber: $n) { __typename orgNumber name provenance } }';
    const expected = { __typename: 'Organization', orgNumber: known.orgNumber, name: known.name, provenance: 'DEMO' };
    expect((await api.data(query, { n: known.orgNumber })).organization).toEqual(expected);
    const spaced = known.orgNumber.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3');
    expect((await api.data(query, { n: spaced })).organization).toEqual(expected);
    expect(await api.query(query, { n: '000000000' })).toEqual({ data: { organization: null } });
    expect(await api.query(query, { n: 'not a number' })).toEqual({ data: { organization: null } });
  });

  it('partner(slug:) finds a partner institution; unknown is null', async () => {
    const query = 'query ($slug: String!) { partner(slug: $slug) { __typename slug name kind orgNumber city } }';
    expect((await api.data(query, { slug: 'innovasjon-norge' })).partner).toEqual({
      __typename: 'PartnerInstitution',
      slug: 'innovasjon-norge',
      name: 'Innovasjon Norge',
      kind: 'FUNDING_AGENCY',
      orgNumber: '986399445',
      city: 'Oslo',
    });
    expect(await api.query(query, { slug: 'no-such-partner' })).toEqual({ data: { partner: null } });
  });

  it('announcement(slug:) finds an announcement; unknown is null', async () => {
    const query = 'query ($slug: String!) { announcement(slug: $slug) { __typename slug title kind language publishedAt } }';
    expect((await api.data(query, { slug: ADMISSION_SLUG })).announcement).toEqual({
      __typename: 'Announcement',
      slug: ADMISSION_SLUG,
      title: 'Nye næringsklynger skal bidra til omstilling',
      kind: 'ADMISSION',
      language: 'nb',
      publishedAt: '2015-06-15T10:00:00.000Z',
    });
    expect(await api.query(query, { slug: 'no-such-announcement' })).toEqual({ data: { announcement: null } });
  });
});

describe('relations by key', () => {
  it('GCE Subsea was an NCE, then a GCE from the day after its NCE period ended', async () => {
    const { cluster } = await api.data('{ cluster(slug: "gce-subsea") { level levelHistory { level fromDate toDate } } }');
    expect(cluster.level).toBe('GCE');
    expect(cluster.levelHistory).toEqual([
      { level: 'NCE', fromDate: '2006-01-01', toDate: '2015-06-14' },
      { level: 'GCE', fromDate: '2015-06-15', toDate: null },
    ]);
  });

  it('a cluster that never changed level has one open period', async () => {
    const { cluster } = await api.data('{ cluster(slug: "nce-eyde") { admittedOn levelHistory { level fromDate toDate } } }');
    expect(cluster.levelHistory).toEqual([{ level: 'NCE', fromDate: cluster.admittedOn, toDate: null }]);
  });

  it('the 2015 admission announcement names its seven clusters', async () => {
    const { announcement } = await api.data(
      `query ($slug: String!) { announcement(slug: $slug) { clusters { totalCount nodes { slug } } } }`,
      { slug: ADMISSION_SLUG },
    );
    expect(announcement.clusters.totalCount).toBe(7);
    expect(announcement.clusters.nodes.map((c: { slug: string }) => c.slug).sort()).toEqual([...ADMISSION_2015].sort());
  });

  it('each of those clusters lists the announcement, and the policy announcement names none', async () => {
    const { clusters } = await api.data(`{
      clusters(first: 100) { nodes { slug announcements { nodes { slug } } } }
    }`);
    for (const cluster of clusters.nodes as { slug: string; announcements: { nodes: { slug: string }[] } }[]) {
      const slugs = cluster.announcements.nodes.map((a) => a.slug);
      expect(slugs, cluster.slug).toEqual(ADMISSION_2015.includes(cluster.slug) ? [ADMISSION_SLUG] : []);
    }
    const { announcement } = await api.data(
      '{ announcement(slug: "giske-vil-videreutvikle-naeringsklyngene") { clusters { totalCount nodes { slug } } } }',
    );
    expect(announcement.clusters).toEqual({ totalCount: 0, nodes: [] });
  });
});
