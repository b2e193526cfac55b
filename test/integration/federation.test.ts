// klynge as a federation v2 subgraph, in-process: `_service { sdl }` with the entity keys, and
// `_entities` for every key: in the order asked, null for an unknown key, one SQL statement per
// type (and key) whatever the number of representations, draft visibility as on every read path,
// and the same limits (cost counts the representations, depth, aliases) as any other operation.
import { readFile } from 'node:fs/promises';
import { stripVTControlCharacters } from 'node:util';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryCost } from '../../src/graphql/plugins/query-cost.plugin.js';
import { SUBGRAPH_SCHEMA_FILE, buildKlyngeSchema } from '../../src/graphql/schema.js';
import { type TestApi, createTestApi, errorCodes } from '../helpers/api.js';
import { makeGlobalId } from '../helpers/fixtures.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on Cluster { id slug name }
      ... on Organization { id orgNumber name }
      ... on PartnerInstitution { id slug name }
      ... on Announcement { id slug title status }
    }
  }
`;

type Representation = { __typename: string } & Record<string, unknown>;
type Entity = { __typename: string; id: string; slug?: string; orgNumber?: string; name?: string; title?: string } | null;

let api: TestApi;
let clusters: { id: string; slug: string; name: string }[];
let organizations: { id: string; orgNumber: string; name: string }[];
let partners: { id: string; slug: string; name: string }[];
let announcements: { id: string; slug: string; title: string }[];

/** `_entities` for these representations, anonymously unless a token is given; fails on errors. */
async function entities(representations: Representation[], token?: string): Promise<Entity[]> {
  const data = await api.data<{ _entities: Entity[] }>(ENTITIES, { representations }, token ? { token } : {});
  return data._entities;
}

/** The SQL of a logged statement, without the logger's colours, prefix and timing. */
const sqlOf = (logged: string) =>
  stripVTControlCharacters(logged)
    .replace(/^\[query\] /, '')
    .replace(/ \[took [^\]]*\]$/, '');

/** Runs `_entities` and returns the statements it ran. */
async function statementsOf(representations: Representation[]): Promise<string[]> {
  api.statements.length = 0;
  await entities(representations);
  return api.statements.map(sqlOf);
}

beforeAll(async () => {
  api = await createTestApi();
  const data = await api.data(`{
    clusters(first: 100) { nodes { id slug name } }
    organizations(first: 100) { nodes { id orgNumber name } }
    partners(first: 100) { nodes { id slug name } }
    announcements(first: 10) { nodes { id slug title } }
  }`);
  clusters = data.clusters.nodes;
  organizations = data.organizations.nodes;
  partners = data.partners.nodes;
  announcements = data.announcements.nodes;
});
afterAll(() => api?.dispose());

describe('_service', () => {
  it('answers the subgraph SDL, as checked in (run `npm run schema:emit` after changing the schema)', async () => {
    const { _service } = await api.data('{ _service { sdl } }');
    expect(`${_service.sdl.trimEnd()}\n`).toBe(await readFile(SUBGRAPH_SCHEMA_FILE, 'utf8'));
  });

  it('links federation v2 and puts the keys on the entity types', async () => {
    const { _service } = await api.data('{ _service { sdl } }');
    const sdl: string = _service.sdl;
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+", import: \["@key"\]\)/);
    const keysOf = (type: string) => {
      const block = new RegExp(`type ${type} implements Node((?:\\s+@key\\(fields: "[^"]+"\\))+)`).exec(sdl)?.[1] ?? '';
      return [...block.matchAll(/@key\(fields: "([^"]+)"\)/g)].map((m) => m[1]);
    };
    expect(keysOf('Cluster')).toEqual(['id', 'slug']);
    expect(keysOf('Organization')).toEqual(['orgNumber']);
    expect(keysOf('PartnerInstitution')).toEqual(['id', 'slug']);
    expect(keysOf('Announcement')).toEqual(['id']);
    expect(keysOf('Membership')).toEqual([]);
  });
});

describe('_entities', () => {
  it('has data to work with', () => {
    expect(clusters.length).toBeGreaterThan(10);
    expect(organizations.length).toBeGreaterThan(10);
    expect(partners.length).toBeGreaterThan(2);
    expect(announcements.length).toBeGreaterThan(1);
  });

  it('resolves every type by every key, in the order asked, null for an unknown key', async () => {
    const [c0, c1] = clusters;
    const [o0] = organizations;
    const [p0, p1] = partners;
    const [a0] = announcements;
    const result = await entities([
      { __typename: 'Cluster', slug: c1.slug },
      { __typename: 'Organization', orgNumber: o0.orgNumber },
      { __typename: 'Cluster', id: c0.id },
      { __typename: 'Cluster', slug: 'no-such-cluster' },
      { __typename: 'PartnerInstitution', id: p1.id },
      { __typename: 'Announcement', id: a0.id },
      { __typename: 'PartnerInstitution', slug: p0.slug },
      { __typename: 'Organization', orgNumber: '999999999' },
      { __typename: 'Cluster', id: makeGlobalId('Cluster', 987_654) },
      { __typename: 'Announcement', id: makeGlobalId('Announcement', 987_654) },
      { __typename: 'PartnerInstitution', slug: 'no-such-partner' },
    ]);
    expect(result).toEqual([
      { __typename: 'Cluster', ...c1 },
      { __typename: 'Organization', ...o0 },
      { __typename: 'Cluster', ...c0 },
      null,
      { __typename: 'PartnerInstitution', ...p1 },
      { __typename: 'Announcement', ...a0, status: 'PUBLISHED' },
      { __typename: 'PartnerInstitution', ...p0 },
      null,
      null,
      null,
      null,
    ]);
  });

  it('takes an organisation number written with spaces, as organization(orgNumber:) does', async () => {
    const [o0] = organizations;
    const spaced = `${o0.orgNumber.slice(0, 3)} ${o0.orgNumber.slice(3, 6)} ${o0.orgNumber.slice(6)}`;
    expect(await entities([{ __typename: 'Organization', orgNumber: spaced }])).toEqual([{ __typename: 'Organization', ...o0 }]);
  });

  it('answers the same object for the same key asked twice', async () => {
    const [c0] = clusters;
    const result = await entities([
      { __typename: 'Cluster', slug: c0.slug },
      { __typename: 'Cluster', slug: c0.slug },
    ]);
    expect(result).toEqual([
      { __typename: 'Cluster', ...c0 },
      { __typename: 'Cluster', ...c0 },
    ]);
  });

  it('resolves fields and nested lists under the entities', async () => {
    const [c0] = clusters;
    const { _entities } = await api.data(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Cluster { slug members(first: 2) { totalCount nodes { organization { orgNumber } } } } } }`,
      { r: [{ __typename: 'Cluster', slug: c0.slug }] },
    );
    const { cluster } = await api.data(
      `query ($slug: String!) { cluster(slug: $slug) { slug members(first: 2) { totalCount nodes { organization { orgNumber } } } } }`,
      { slug: c0.slug },
    );
    expect(_entities).toEqual([cluster]);
  });

  it('refuses a malformed representation (BAD_USER_INPUT naming it) before loading anything, as nodes(ids:) does', async () => {
    const cases: [Representation, string][] = [
      [{ __typename: 'Cluster', id: 'not-an-id' }, 'representations[1].id'],
      [{ __typename: 'Cluster', id: organizations[0].id }, 'representations[1].id'],
      [{ __typename: 'Cluster', name: 'no key' }, 'representations[1].id'],
      [{ __typename: 'Organization', orgNumber: 974760673 }, 'representations[1].orgNumber'],
      [{ __typename: 'Membership', id: clusters[0].id }, 'representations[1].__typename'],
      [{ __typename: 'NoSuchType', id: '1' }, 'representations[1].__typename'],
    ];
    for (const [bad, field] of cases) {
      api.statements.length = 0;
      const result = await api.query(ENTITIES, {
        representations: [
          { __typename: 'Cluster', slug: clusters[0].slug },
          bad,
          { __typename: 'Cluster', slug: clusters[1].slug },
        ],
      });
      expect(result.data, JSON.stringify(bad)).toBeNull();
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions?.field).toBe(field);
      expect(result.errors?.[0].path).toEqual(['_entities']);
      expect(api.statements).toEqual([]);
    }
  });
});

describe('_entities statements', () => {
  // One statement per type and key, whatever the number of representations: they go through the
  // request's loaders, whose batches are one `where key in (...)` each.
  const forEach = <T>(rows: T[], n: number, map: (row: T) => Representation) => rows.slice(0, n).map(map);
  const shapes: [string, (n: number) => Representation[], RegExp][] = [
    ['Cluster by id', (n) => forEach(clusters, n, (c) => ({ __typename: 'Cluster', id: c.id })), /from cluster as c where c\.id/],
    [
      'Cluster by slug',
      (n) => forEach(clusters, n, (c) => ({ __typename: 'Cluster', slug: c.slug })),
      /from cluster as c where c\.slug/,
    ],
    [
      'Organization by orgNumber',
      (n) => forEach(organizations, n, (o) => ({ __typename: 'Organization', orgNumber: o.orgNumber })),
      /from organization as o where o\.org_number/,
    ],
    [
      'PartnerInstitution by id',
      (n) => forEach(partners, n, (p) => ({ __typename: 'PartnerInstitution', id: p.id })),
      /from partner_institution as p where p\.id/,
    ],
    [
      'PartnerInstitution by slug',
      (n) => forEach(partners, n, (p) => ({ __typename: 'PartnerInstitution', slug: p.slug })),
      /from partner_institution as p where p\.slug/,
    ],
    [
      'Announcement by id',
      (n) => forEach(announcements, n, (a) => ({ __typename: 'Announcement', id: a.id })),
      /from announcement as a where .*a\.id/,
    ],
  ];

  it.each(shapes)('%s: one statement for one representation or all of them', async (_name, representations, table) => {
    for (const n of [1, 100]) {
      const statements = await statementsOf(representations(n));
      expect(statements, `${n} representations`).toHaveLength(1);
      expect(statements[0]).toMatch(table);
    }
  });

  it('one statement per type for many representations of four types, mixed', async () => {
    const mixed = [
      ...clusters.slice(0, 12).map((c) => ({ __typename: 'Cluster', slug: c.slug })),
      ...organizations.slice(0, 30).map((o) => ({ __typename: 'Organization', orgNumber: o.orgNumber })),
      ...partners.map((p) => ({ __typename: 'PartnerInstitution', slug: p.slug })),
      ...announcements.map((a) => ({ __typename: 'Announcement', id: a.id })),
    ];
    // interleaved, as a gateway's representations of several parents may come
    mixed.sort((a, b) => JSON.stringify(a).length - JSON.stringify(b).length);
    const statements = await statementsOf(mixed);
    expect(statements).toHaveLength(4);
    for (const table of ['cluster as c', 'organization as o', 'partner_institution as p', 'announcement as a']) {
      expect(statements.filter((s) => s.includes(`from ${table} `))).toHaveLength(1);
    }
  });

  it('a nested list under the entities is one statement more, whatever the number of entities', async () => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Cluster { name members(first: 3) { nodes { organization { name } } } } } }`;
    const counts: number[] = [];
    for (const n of [2, 30]) {
      api.statements.length = 0;
      await api.data(query, { r: clusters.slice(0, n).map((c) => ({ __typename: 'Cluster', slug: c.slug })) });
      counts.push(api.statements.length);
    }
    expect(counts[0]).toBe(counts[1]);
    expect(counts[0]).toBeLessThanOrEqual(3); // clusters, their pages of members (with the organization), nothing per item
  });
});

describe('_entities and announcement drafts', () => {
  let draftId: string;
  let admin: string;
  let reader: string;
  let otherReader: string;

  beforeAll(async () => {
    admin = await issueToken(api, TokenRole.ADMIN);
    reader = await issueToken(api, TokenRole.READER, [clusters[0].slug]);
    otherReader = await issueToken(api, TokenRole.READER, [clusters[1].slug]);
    const { createAnnouncement } = await api.data(
      'mutation ($input: CreateAnnouncementInput!) { createAnnouncement(input: $input) { announcement { id } } }',
      {
        input: {
          slug: 'foderert-utkast',
          title: 'Et utkast',
          body: 'Ikke publisert ennå.',
          language: 'nb',
          kind: 'NEWS',
          clusters: [clusters[0].slug],
        },
      },
      { token: admin },
    );
    draftId = createAnnouncement.announcement.id;
  });

  it('a draft is null for those who may not see it, and resolved for those who may', async () => {
    const representations = [
      { __typename: 'Announcement', id: announcements[0].id },
      { __typename: 'Announcement', id: draftId },
    ];
    const published = { __typename: 'Announcement', ...announcements[0], status: 'PUBLISHED' };
    const draft = { __typename: 'Announcement', id: draftId, slug: 'foderert-utkast', title: 'Et utkast', status: 'DRAFT' };
    expect(await entities(representations)).toEqual([published, null]);
    expect(await entities(representations, otherReader)).toEqual([published, null]);
    expect(await entities(representations, reader)).toEqual([published, draft]);
    expect(await entities(representations, admin)).toEqual([published, draft]);
  });

  it('visibility costs no statement of its own', async () => {
    const statements = await statementsOf([
      { __typename: 'Announcement', id: announcements[0].id },
      { __typename: 'Announcement', id: draftId },
    ]);
    expect(statements).toHaveLength(1);
  });
});

describe('_entities limits', () => {
  const DEEP = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Cluster { members(first: 100) { nodes { organization { name orgNumber memberships(first: 100) { nodes { role } } } } } } } }`;

  it('cost counts the representations as a list of their number', async () => {
    const schema = await buildKlyngeSchema();
    const costOf = (n: number) =>
      queryCost({
        schema,
        document: parse(DEEP),
        variables: { r: Array.from({ length: n }, (_, i) => ({ __typename: 'Cluster', id: `${i}` })) },
      });
    const one = costOf(1)!;
    expect(one).toBeGreaterThan(10_000);
    expect(costOf(2)).toBe(2 * one - 1);
    expect(costOf(10)).toBe(10 * one - 9);
  });

  it('refuses too many representations for what is selected under them (QUERY_TOO_COMPLEX), before any statement', async () => {
    const r = (n: number) => clusters.slice(0, n).map((c) => ({ __typename: 'Cluster', slug: c.slug }));
    expect((await api.query(DEEP, { r: r(1) })).errors).toBeUndefined();
    api.statements.length = 0;
    const refused = await api.query(DEEP, { r: r(20) });
    expect(errorCodes(refused)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(refused.errors?.[0].extensions).toMatchObject({ maxCost: 150_000 });
    expect(api.statements).toEqual([]);
    // the same document again with one representation: the cost is not taken from the refusal
    expect((await api.query(DEEP, { r: r(1) })).errors).toBeUndefined();
  });

  it('counts representations given inline as well', async () => {
    const inline = (n: number) =>
      DEEP.replace('query ($r: [_Any!]!) ', '').replace(
        '$r',
        `[${clusters
          .slice(0, n)
          .map((c) => `{ __typename: "Cluster", slug: "${c.slug}" }`)
          .join(', ')}]`,
      );
    expect((await api.query(inline(1))).errors).toBeUndefined();
    expect(errorCodes(await api.query(inline(20)))).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('keeps the depth limit', async () => {
    // 13 levels: _entities, then a Relay path of 12
    const deep = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Cluster { members(first: 1) { nodes { organization { memberships(first: 1) { nodes { cluster { members(first: 1) { nodes { organization { memberships(first: 1) { nodes { role } } } } } } } } } } } } } }`;
    const result = await api.query(deep, { r: [{ __typename: 'Cluster', slug: clusters[0].slug }] });
    expect(errorCodes(result)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(result.errors?.[0].extensions).toMatchObject({ maxDepth: 12 });
  });

  it('keeps the alias limit', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `n${i}: name`).join(' ');
    const result = await api.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Cluster { ${aliases} } } }`, {
      r: [{ __typename: 'Cluster', slug: clusters[0].slug }],
    });
    expect(errorCodes(result)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(result.errors?.[0].extensions).toMatchObject({ maxAliases: 30 });
  });
});
