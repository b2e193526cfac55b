// `search` as a Relay connection: paging both ways through every hit, best first (a match in the
// name or title before one elsewhere, newest first within each), without gaps or duplicates across
// pages of one rank; totalCount and countsByType (with and without `types`, capped at 1,000); cursors bound to their query
// and types (BAD_CURSOR otherwise); highlights escaped and marked; drafts hidden; and a statement
// count that does not grow with the rows.
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Announcement, PartnerInstitution } from '../../src/entities/index.js';
import { AnnouncementKind, AnnouncementStatus, Language, PartnerKind, Provenance } from '../../src/entities/enums.js';
import { type TestApi, createTestApi } from '../helpers/api.js';
import {
  type ConnectionPage,
  PAGE_INFO,
  forgeCursor,
  insertAnnouncements,
  insertClusters,
  insertOrganizations,
  walkBackward,
  walkForward,
} from '../helpers/fixtures.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';
import { fromGlobalId } from '../../src/lib/global-id.js';

const WORD = 'tindrefjell';
/** How many objects of each type carry WORD (one announcement more is a draft). */
const PLANNED = { CLUSTER: 9, ORGANIZATION: 31, PARTNER: 4, ANNOUNCEMENT: 7 } as const;
const TOTAL = Object.values(PLANNED).reduce((a, b) => a + b, 0);
const SCRIPT_TITLE = '<script>alert("x")</script> Tindrefjell & Co';

interface Hit {
  __typename: string;
  id: string;
  label: string;
}
interface Edge {
  cursor: string;
  rank: number;
  node: Hit;
}

const HIT = `__typename
  ... on Cluster { id label: name }
  ... on Organization { id label: name }
  ... on PartnerInstitution { id label: name }
  ... on Announcement { id label: title }`;

const PAGE = `query ($query: String!, $types: [SearchType!], $first: Int, $after: String, $last: Int, $before: String) {
  search(query: $query, types: $types, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor rank node { ${HIT} } }
    ${PAGE_INFO}
  }
}`;

let api: TestApi;
let adminToken: string;

beforeAll(async () => {
  api = await createTestApi({ demo: false });
  adminToken = await issueToken(api, TokenRole.ADMIN);
  // Different texts, so ranks differ; repeated ones, so ties are broken by the stable tiebreak.
  await insertClusters(
    api,
    Array.from({ length: PLANNED.CLUSTER }, (_, i) => ({
      slug: `sok-klynge-${i}`,
      name: i % 3 === 0 ? `Tindrefjell klynge ${i}` : `Fjellklynge ${i}`,
      description: `Klyngen samler bedrifter rundt ${WORD}${i % 2 ? ` og ${WORD}-platået` : ''}.`,
    })),
  );
  await insertOrganizations(
    api,
    Array.from({ length: PLANNED.ORGANIZATION }, (_, i) => ({
      name: i % 4 === 0 ? `Tindrefjell Tindrefjell ${i} AS` : `Tindrefjell ${i % 5} AS`,
      city: i % 2 ? 'Bergen' : 'Tromsø',
    })),
  );
  const em = api.orm.em.fork();
  for (let i = 0; i < PLANNED.PARTNER; i++) {
    em.create(PartnerInstitution, {
      slug: `sok-partner-${i}`,
      name: `Tindrefjell forskningssenter ${i}`,
      kind: PartnerKind.RESEARCH_INSTITUTE,
      city: 'Tromsø',
      provenance: Provenance.MANUAL,
    });
  }
  em.create(Announcement, {
    slug: 'sok-utkast',
    title: 'Utkast om Tindrefjell',
    body: 'Hemmelig plan for tindrefjell.',
    language: Language.nb,
    kind: AnnouncementKind.NEWS,
    status: AnnouncementStatus.DRAFT,
    publishedAt: null,
    provenance: Provenance.MANUAL,
  });
  await em.flush();
  await insertAnnouncements(api, [
    {
      slug: 'sok-script',
      title: SCRIPT_TITLE,
      body: 'Tekst om <b>fjell</b> & Tindrefjell "sitat".',
      publishedAt: '2024-01-01T00:00:00Z',
    },
    ...Array.from({ length: PLANNED.ANNOUNCEMENT - 1 }, (_, i) => ({
      slug: `sok-nyhet-${i}`,
      title: i % 2 ? `Nyhet ${i} fra Tindrefjell` : `Nyhet ${i}`,
      body: `Lang tekst om regionen. ${'Ord '.repeat(i * 5)}Til slutt nevnes ${WORD} og ${WORD}stien.`,
      publishedAt: `2024-02-0${i + 1}T00:00:00Z`,
    })),
  ]);
});

afterAll(async () => {
  await api?.dispose();
});

type Vars = {
  query: string;
  types?: string[] | null;
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
};
const page = async (vars: Vars) =>
  (await api.data<{ search: Omit<ConnectionPage<Hit>, 'edges'> & { edges: Edge[] } }>(PAGE, vars)).search;
const key = (hit: Hit) => `${hit.__typename}:${hit.label}:${hit.id}`;
const codes = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  (result.errors ?? []).map((e) => e.extensions?.code);

describe('paging', () => {
  it('walks forwards through every hit, best first, without gaps or duplicates', async () => {
    const all = await page({ query: WORD, first: 100 });
    expect(all.edges).toHaveLength(TOTAL);
    expect(all.pageInfo.hasNextPage).toBe(false);
    const ranks = all.edges.map((e) => e.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    // A match in the name or title (rank 1) comes before a match elsewhere only (rank 0).
    for (const edge of all.edges) expect(edge.rank, edge.node.label).toBe(/tindrefjell/i.test(edge.node.label) ? 1 : 0);
    expect(new Set(ranks)).toEqual(new Set([1, 0]));
    // Within a rank, the types in the tabs' order, and each type newest first (its ids descend).
    const TAB_ORDER = ['Cluster', 'Organization', 'PartnerInstitution', 'Announcement'];
    for (const rank of [1, 0]) {
      const types = all.edges.filter((e) => e.rank === rank).map((e) => TAB_ORDER.indexOf(e.node.__typename));
      expect(types, `rank ${rank}`).toEqual([...types].sort((a, b) => a - b));
      for (const type of ['Cluster', 'Organization', 'PartnerInstitution', 'Announcement']) {
        const ids = all.edges.filter((e) => e.rank === rank && e.node.__typename === type).map((e) => fromGlobalId(e.node.id).id);
        expect(ids, `${type}, rank ${rank}`).toEqual([...ids].sort((a, b) => b - a));
      }
    }

    const { nodes, pages } = await walkForward((after) => page({ query: WORD, first: 5, after }));
    expect(pages).toHaveLength(Math.ceil(TOTAL / 5));
    expect(nodes.map(key)).toEqual(all.edges.map((e) => key(e.node)));
    expect(new Set(nodes.map(key)).size).toBe(TOTAL);
    expect(pages[0].pageInfo.hasPreviousPage).toBe(false);
    expect(pages[1].pageInfo.hasPreviousPage).toBe(true);
    // Pages of 5 cross from one rank to the other inside a page and run through ties of one rank.
    expect(pages.some((p) => new Set((p.edges as unknown as Edge[]).map((e) => e.rank)).size === 2)).toBe(true);
  });

  it('pages through ties of one rank in pages of one, both ways', async () => {
    const all = (await page({ query: WORD, types: ['CLUSTER'], first: 100 })).edges.map((e) => key(e.node));
    const forward = await walkForward((after) => page({ query: WORD, types: ['CLUSTER'], first: 1, after }));
    expect(forward.nodes.map(key)).toEqual(all);
    const backward = await walkBackward((before) => page({ query: WORD, types: ['CLUSTER'], last: 1, before }));
    expect(backward.nodes.map(key)).toEqual(all);
  });

  it('walks backwards to the same list, and a page back from a cursor is the page before it', async () => {
    const all = (await page({ query: WORD, first: 100 })).edges.map((e) => key(e.node));
    const { nodes, pages } = await walkBackward((before) => page({ query: WORD, last: 6, before }));
    expect(nodes.map(key)).toEqual(all);
    expect(pages[0].pageInfo.hasNextPage).toBe(false);

    const second = await page({ query: WORD, first: 10, after: (await page({ query: WORD, first: 10 })).pageInfo.endCursor });
    const back = await page({ query: WORD, last: 10, before: second.pageInfo.startCursor });
    expect(back.edges.map((e) => key(e.node))).toEqual(all.slice(0, 10));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  it('follows the paging rules: default size, at most 100, one direction at a time', async () => {
    expect((await page({ query: WORD })).edges).toHaveLength(20);
    expect(codes(await api.query(PAGE, { query: WORD, first: 101 }))).toEqual(['PAGE_SIZE_EXCEEDED']);
    expect(codes(await api.query(PAGE, { query: WORD, first: 5, last: 5 }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await api.query(PAGE, { query: '  -- ' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await api.query(PAGE, { query: WORD, types: [] }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('counts and types', () => {
  const COUNTS = `query ($query: String!, $types: [SearchType!]) {
    search(query: $query, types: $types, first: 100) { totalCount totalCountIsExact countsByType { type count isExact } nodes { __typename } }
  }`;
  const counts = async (query: string, types?: string[]) =>
    (
      await api.data<{
        search: {
          totalCount: number;
          totalCountIsExact: boolean;
          countsByType: { type: string; count: number; isExact: boolean }[];
          nodes: { __typename: string }[];
        };
      }>(COUNTS, { query, types })
    ).search;

  it('counts every hit and every type, in the order of the tabs', async () => {
    const result = await counts(WORD);
    expect(result.totalCount).toBe(TOTAL);
    expect(result.totalCountIsExact).toBe(true);
    expect(result.countsByType).toEqual([
      { type: 'CLUSTER', count: PLANNED.CLUSTER, isExact: true },
      { type: 'ORGANIZATION', count: PLANNED.ORGANIZATION, isExact: true },
      { type: 'PARTNER', count: PLANNED.PARTNER, isExact: true },
      { type: 'ANNOUNCEMENT', count: PLANNED.ANNOUNCEMENT, isExact: true },
    ]);
  });

  it('with `types`, pages and totalCount hold those types only; countsByType still has every type', async () => {
    const result = await counts(WORD, ['PARTNER', 'ANNOUNCEMENT']);
    expect(result.totalCount).toBe(PLANNED.PARTNER + PLANNED.ANNOUNCEMENT);
    expect(new Set(result.nodes.map((n) => n.__typename))).toEqual(new Set(['PartnerInstitution', 'Announcement']));
    expect(result.nodes).toHaveLength(PLANNED.PARTNER + PLANNED.ANNOUNCEMENT);
    expect(result.countsByType.map((c) => c.count)).toEqual(Object.values(PLANNED));
    const { nodes } = await walkForward((after) => page({ query: WORD, types: ['ORGANIZATION'], first: 8, after }));
    expect(nodes).toHaveLength(PLANNED.ORGANIZATION);
    expect(nodes.every((n) => n.__typename === 'Organization')).toBe(true);
  });

  it('lists types without hits with 0', async () => {
    const result = await counts('tindrefjellstien');
    expect(result.totalCount).toBe(PLANNED.ANNOUNCEMENT - 1);
    expect(result.countsByType).toEqual([
      { type: 'CLUSTER', count: 0, isExact: true },
      { type: 'ORGANIZATION', count: 0, isExact: true },
      { type: 'PARTNER', count: 0, isExact: true },
      { type: 'ANNOUNCEMENT', count: PLANNED.ANNOUNCEMENT - 1, isExact: true },
    ]);
    expect(await counts('ingenting-her-xq')).toMatchObject({ totalCount: 0, nodes: [] });
  });

  it('count each type up to 1,000 and say when a count stopped there', async () => {
    // More than a count's cap, and more than PostgreSQL's window of a kind's newest rows (2,000).
    const MASS = 2001;
    await insertOrganizations(
      api,
      Array.from({ length: MASS }, (_, i) => ({ name: `Massefjell ${i} AS` })),
    );
    await insertClusters(api, [{ slug: 'massefjell-klynge', name: 'Massefjell', description: 'Massefjell.' }]);
    const all = await counts('massefjell');
    expect(all.countsByType).toEqual([
      { type: 'CLUSTER', count: 1, isExact: true },
      { type: 'ORGANIZATION', count: 1000, isExact: false },
      { type: 'PARTNER', count: 0, isExact: true },
      { type: 'ANNOUNCEMENT', count: 0, isExact: true },
    ]);
    expect(all).toMatchObject({ totalCount: 1001, totalCountIsExact: false });
    // Only the types asked for decide whether totalCount is exact.
    expect(await counts('massefjell', ['CLUSTER'])).toMatchObject({ totalCount: 1, totalCountIsExact: true });
    // The page is not capped: the last organization is there.
    const { nodes } = await walkForward((after) => page({ query: 'massefjell', types: ['ORGANIZATION'], first: 100, after }));
    expect(nodes).toHaveLength(MASS);
    // Older hits behind more newer rows that do not match than the window (PostgreSQL finds them through the index).
    const older = await walkForward((after) => page({ query: WORD, types: ['ORGANIZATION'], first: 10, after }));
    expect(older.nodes).toHaveLength(PLANNED.ORGANIZATION);
    const ids = older.nodes.map((n) => fromGlobalId(n.id).id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });
});

describe('cursors', () => {
  it('are refused (BAD_CURSOR) for another query or other types, and when forged', async () => {
    const first = await page({ query: WORD, first: 5 });
    const after = first.pageInfo.endCursor;
    const typed = await page({ query: WORD, types: ['ORGANIZATION'], first: 5 });
    expect(codes(await api.query(PAGE, { query: `${WORD} bergen`, first: 5, after }))).toEqual(['BAD_CURSOR']);
    expect(codes(await api.query(PAGE, { query: WORD, types: ['ORGANIZATION'], first: 5, after }))).toEqual(['BAD_CURSOR']);
    expect(codes(await api.query(PAGE, { query: WORD, first: 5, after: typed.pageInfo.endCursor }))).toEqual(['BAD_CURSOR']);
    expect(codes(await api.query(PAGE, { query: WORD, last: 5, before: typed.pageInfo.startCursor }))).toEqual(['BAD_CURSOR']);
    const [order] = JSON.parse(Buffer.from(after as string, 'base64url').toString('utf8'));
    for (const forged of [
      forgeCursor([order, 'x', 9]),
      forgeCursor([order, 1, 0]),
      forgeCursor([order, 1, 13]),
      // Ranks are tiers: 1 or 0.
      forgeCursor([order, 0.5, 9]),
      'not-a-cursor',
    ]) {
      expect(codes(await api.query(PAGE, { query: WORD, first: 5, after: forged })), forged).toEqual(['BAD_CURSOR']);
    }
  });

  it('belong to the normalized query: case, punctuation and the order of `types` do not matter', async () => {
    const all = (await page({ query: WORD, types: ['PARTNER', 'CLUSTER'], first: 100 })).edges.map((e) => key(e.node));
    const first = await page({ query: WORD, types: ['PARTNER', 'CLUSTER'], first: 4 });
    const next = await page({
      query: ` ${WORD.toUpperCase()}!`,
      types: ['CLUSTER', 'PARTNER'],
      first: 4,
      after: first.pageInfo.endCursor,
    });
    expect(next.edges.map((e) => key(e.node))).toEqual(all.slice(4, 8));
    // Leaving `types` out is the same search as naming every type.
    const everything = await page({ query: WORD, first: 3 });
    const named = ['CLUSTER', 'ORGANIZATION', 'PARTNER', 'ANNOUNCEMENT'];
    expect((await page({ query: WORD, types: named, first: 3, after: everything.pageInfo.endCursor })).edges).toHaveLength(3);
  });
});

describe('highlights', () => {
  const HIGHLIGHTS = `query ($query: String!, $types: [SearchType!]) {
    search(query: $query, types: $types, first: 100) { edges { node { ${HIT} } highlights { field snippet } } }
  }`;
  type Highlighted = { node: Hit; highlights: { field: string; snippet: string }[] };
  const highlighted = async (query: string, types?: string[]) =>
    (await api.data<{ search: { edges: Highlighted[] } }>(HIGHLIGHTS, { query, types })).search.edges;

  it('escape the text and mark the matched words with <mark> only', async () => {
    const edges = await highlighted(WORD, ['ANNOUNCEMENT']);
    const script = edges.find((e) => e.node.label === SCRIPT_TITLE);
    expect(script?.highlights).toEqual([
      { field: 'title', snippet: '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Tindrefjell</mark> &amp; Co' },
      { field: 'body', snippet: expect.stringContaining('&lt;b&gt;fjell&lt;/b&gt; &amp; <mark>Tindrefjell</mark> &quot;sitat') },
    ]);
    for (const edge of edges) {
      expect(edge.highlights.length).toBeGreaterThan(0);
      for (const { snippet } of edge.highlights) {
        expect(snippet).toMatch(/<mark>[^<]+<\/mark>/);
        // No markup but the marks.
        expect(snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>"]/);
      }
    }
  });

  it('name the fields that matched, and mark prefixes', async () => {
    const edges = await highlighted('tindref');
    const fields = (label: string) => edges.find((e) => e.node.label === label)?.highlights.map((h) => h.field);
    expect(fields('Fjellklynge 1')).toEqual(['details']);
    expect(fields('Tindrefjell klynge 3')).toEqual(['name', 'details']);
    expect(fields('Tindrefjell 1 AS')).toEqual(['name']);
    expect(fields('Nyhet 0')).toEqual(['body']);
    const organization = edges.find((e) => e.node.label === 'Tindrefjell 1 AS');
    expect(organization?.highlights[0].snippet).toBe('<mark>Tindrefjell</mark> 1 AS');
    const news = edges.find((e) => e.node.label === 'Nyhet 4');
    expect(news?.highlights.find((h) => h.field === 'body')?.snippet).toMatch(/nevnes <mark>tindrefjell<\/mark>/);
    // A snippet is short: not the whole body.
    expect(news?.highlights.find((h) => h.field === 'body')?.snippet.length).toBeLessThan(200);
    // Only the other word of a two-word search in a field: that field is still named.
    const city = (await highlighted(`${WORD} bergen`, ['ORGANIZATION']))[0];
    expect(city.highlights.map((h) => h.field)).toEqual(['name', 'details']);
    expect(city.highlights[1].snippet).toContain('<mark>Bergen</mark>');
  });
});

describe('drafts', () => {
  const DRAFT = `{ search(query: "hemmelig ${WORD}") { totalCount countsByType { type count } nodes { ... on Announcement { slug } } } }`;

  it('are hidden from those who may not see them, in pages and counts', async () => {
    const anonymous = await api.data(DRAFT);
    expect(anonymous.search).toMatchObject({ totalCount: 0, nodes: [] });
    expect(anonymous.search.countsByType.find((c: { type: string }) => c.type === 'ANNOUNCEMENT').count).toBe(0);
    const admin = await api.data(DRAFT, {}, { token: adminToken });
    expect(admin.search).toMatchObject({ totalCount: 1, nodes: [{ slug: 'sok-utkast' }] });
    expect(admin.search.countsByType.find((c: { type: string }) => c.type === 'ANNOUNCEMENT').count).toBe(1);
  });
});

describe('statements', () => {
  const sqlOf = (logged: string) => stripVTControlCharacters(logged).replace(/^\[query\] /, '');
  const EVERYTHING = (first: number) => `{ search(query: "${WORD}", first: ${first}) {
    totalCount countsByType { type count } ${PAGE_INFO}
    edges { cursor rank highlights { field snippet } node { ${HIT} } }
  } }`;

  async function statements(query: string): Promise<string[]> {
    api.statements.length = 0;
    await api.data(query);
    return api.statements.map(sqlOf).filter((sql) => !/api_token/.test(sql));
  }

  it('do not grow with the rows: the page, one per type through the loaders, the highlights, the counts', async () => {
    for (const first of [4, 50]) {
      const data = await api.data(EVERYTHING(first));
      const types = new Set(data.search.edges.map((e: Edge) => e.node.__typename)).size;
      expect(await statements(EVERYTHING(first)), `first: ${first}`).toHaveLength(1 + types + 1 + 1);
    }
  });

  it('run only for what is selected', async () => {
    expect(await statements(`{ search(query: "${WORD}") { totalCount countsByType { count } } }`)).toHaveLength(1);
    expect(await statements(`{ search(query: "${WORD}", types: [ORGANIZATION]) { pageInfo { hasNextPage } } }`)).toHaveLength(2);
    expect(await statements(`{ search(query: "${WORD}", types: [ORGANIZATION]) { edges { cursor rank } } }`)).toHaveLength(2);
  });
});
