// Who sees which announcement draft, on every read path: the list and its totalCount, by slug,
// Cluster.announcements, node and nodes, search, filters, and the PUBLISHED_AT ordering (drafts
// count as the latest). Anonymous callers see none; a READER the drafts mentioning any of its
// clusters; an EDITOR those it may edit (mentioning only its clusters); an ADMIN all.
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, type TestApi, createTestApi } from '../helpers/api.js';
import { PAGE_INFO, type ConnectionPage, walkBackward, walkForward } from '../helpers/fixtures.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const MINE = 'gce-subsea';
const OTHER = 'nce-eyde';
const ELSEWHERE = 'woodworks';
/** The seeded, published announcements: one mentions MINE and OTHER, the other no cluster. */
const SEEDED = ['nye-naeringsklynger-skal-bidra-til-omstilling', 'giske-vil-videreutvikle-naeringsklyngene'];

/** The drafts of the test, by the clusters they mention. */
const DRAFTS = {
  'utkast-subsea': [MINE],
  'utkast-subsea-eyde': [MINE, OTHER],
  'utkast-eyde': [OTHER],
  'utkast-programmet': [],
} as const;
type DraftSlug = keyof typeof DRAFTS;
const PUBLISHED = 'publisert-kvitsymre';

type Who = 'anonymous' | 'reader' | 'otherReader' | 'editor' | 'editorBoth' | 'otherEditor' | 'elsewhereEditor' | 'admin';

/** The drafts each caller may see. */
const VISIBLE: Record<Who, DraftSlug[]> = {
  anonymous: [],
  reader: ['utkast-subsea', 'utkast-subsea-eyde'],
  otherReader: ['utkast-subsea-eyde', 'utkast-eyde'],
  editor: ['utkast-subsea'],
  editorBoth: ['utkast-subsea', 'utkast-subsea-eyde', 'utkast-eyde'],
  otherEditor: ['utkast-eyde'],
  elsewhereEditor: [],
  admin: ['utkast-subsea', 'utkast-subsea-eyde', 'utkast-eyde', 'utkast-programmet'],
};
const WHO = Object.keys(VISIBLE) as Who[];

let api: TestApi;
const tokens = {} as Record<Exclude<Who, 'anonymous'>, string>;
const ids = {} as Record<DraftSlug | typeof PUBLISHED, string>;

const as = (who: Who): Caller => (who === 'anonymous' ? {} : { token: tokens[who] });
const sorted = (slugs: readonly string[]) => [...slugs].sort();

beforeAll(async () => {
  api = await createTestApi({ demo: false });
  tokens.admin = await issueToken(api, TokenRole.ADMIN);
  tokens.reader = await issueToken(api, TokenRole.READER, [MINE]);
  tokens.otherReader = await issueToken(api, TokenRole.READER, [OTHER]);
  tokens.editor = await issueToken(api, TokenRole.EDITOR, [MINE]);
  tokens.editorBoth = await issueToken(api, TokenRole.EDITOR, [MINE, OTHER]);
  tokens.otherEditor = await issueToken(api, TokenRole.EDITOR, [OTHER]);
  tokens.elsewhereEditor = await issueToken(api, TokenRole.EDITOR, [ELSEWHERE]);

  const create = `mutation ($input: CreateAnnouncementInput!) { createAnnouncement(input: $input) { announcement { id version } } }`;
  const input = (slug: string, clusters: readonly string[]) => ({
    slug,
    title: `Kvitsymre ${slug}`,
    body: 'Et utkast om kvitsymre.',
    language: 'nb',
    kind: 'NEWS',
    clusters,
  });
  for (const [slug, clusters] of Object.entries(DRAFTS)) {
    ids[slug as DraftSlug] = (
      await api.data(create, { input: input(slug, clusters) }, as('admin'))
    ).createAnnouncement.announcement.id;
  }
  const { createAnnouncement } = await api.data(create, { input: input(PUBLISHED, [MINE]) }, as('admin'));
  ids[PUBLISHED] = createAnnouncement.announcement.id;
  await api.data(
    'mutation ($id: ID!) { publishAnnouncement(input: { id: $id, version: 1, publishedAt: "2025-03-01T12:00:00Z" }) { announcement { id } } }',
    { id: ids[PUBLISHED] },
    as('admin'),
  );
});
afterAll(() => api?.dispose());

describe.each(WHO)('drafts as %s', (who) => {
  const visible = VISIBLE[who];

  it('announcements: the list and its totalCount', async () => {
    const { announcements } = await api.data(
      '{ announcements(first: 100) { totalCount nodes { slug status publishedAt } } }',
      {},
      as(who),
    );
    const slugs = announcements.nodes.map((n: { slug: string }) => n.slug);
    expect(sorted(slugs)).toEqual(sorted([...SEEDED, PUBLISHED, ...visible]));
    expect(announcements.totalCount).toBe(slugs.length);
    for (const node of announcements.nodes) {
      const draft = node.slug in DRAFTS;
      expect(node.status).toBe(draft ? 'DRAFT' : 'PUBLISHED');
      expect(node.publishedAt === null).toBe(draft);
    }
  });

  it('announcement(slug:)', async () => {
    for (const slug of Object.keys(DRAFTS) as DraftSlug[]) {
      const { announcement } = await api.data(
        'query ($slug: String!) { announcement(slug: $slug) { slug status } }',
        { slug },
        as(who),
      );
      expect(announcement, slug).toEqual(visible.includes(slug) ? { slug, status: 'DRAFT' } : null);
    }
  });

  it('Cluster.announcements, with totalCount, for two clusters in one query', async () => {
    const { mine, other } = await api.data(
      `{ mine: cluster(slug: "${MINE}") { announcements(first: 50) { totalCount nodes { slug } } }
         other: cluster(slug: "${OTHER}") { announcements(first: 50) { totalCount nodes { slug } } } }`,
      {},
      as(who),
    );
    const mentioning = (cluster: string) => visible.filter((slug) => (DRAFTS[slug] as readonly string[]).includes(cluster));
    expect(sorted(mine.announcements.nodes.map((n: { slug: string }) => n.slug))).toEqual(
      sorted([SEEDED[0], PUBLISHED, ...mentioning(MINE)]),
    );
    expect(mine.announcements.totalCount).toBe(2 + mentioning(MINE).length);
    expect(sorted(other.announcements.nodes.map((n: { slug: string }) => n.slug))).toEqual(
      sorted([SEEDED[0], ...mentioning(OTHER)]),
    );
    expect(other.announcements.totalCount).toBe(1 + mentioning(OTHER).length);
  });

  it('node(id:) and nodes(ids:)', async () => {
    const drafts = Object.keys(DRAFTS) as DraftSlug[];
    const all = [...drafts.map((slug) => ids[slug]), ids[PUBLISHED]];
    const { nodes } = await api.data(
      'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Announcement { slug } } }',
      { ids: all },
      as(who),
    );
    expect(nodes).toEqual([...drafts.map((slug) => (visible.includes(slug) ? { slug } : null)), { slug: PUBLISHED }]);
    for (const slug of drafts) {
      const { node } = await api.data('query ($id: ID!) { node(id: $id) { id } }', { id: ids[slug] }, as(who));
      expect(node, slug).toEqual(visible.includes(slug) ? { id: ids[slug] } : null);
    }
  });

  it('search, and the text and cluster filters', async () => {
    const { search } = await api.data(
      '{ search(query: "kvitsymre", first: 100) { totalCount nodes { ... on Announcement { slug } } } }',
      {},
      as(who),
    );
    expect(sorted(search.nodes.map((hit: { slug: string }) => hit.slug))).toEqual(sorted([PUBLISHED, ...visible]));
    expect(search.totalCount).toBe(1 + visible.length);

    const { announcements } = await api.data(
      `{ announcements(first: 100, filter: { text: "kvitsymre", clusters: ["${OTHER}"] }) { totalCount nodes { slug } } }`,
      {},
      as(who),
    );
    const expected = visible.filter((slug) => (DRAFTS[slug] as readonly string[]).includes(OTHER));
    expect(sorted(announcements.nodes.map((n: { slug: string }) => n.slug))).toEqual(sorted(expected));
    expect(announcements.totalCount).toBe(expected.length);
  });
});

describe('ordering by PUBLISHED_AT with drafts', () => {
  type Node = { id: string; slug: string; publishedAt: string | null };
  const page = (args: string) => async (cursor: string | null) =>
    (
      await api.data<{ announcements: ConnectionPage<Node> }>(
        `query ($cursor: String) { announcements(${args}) { edges { cursor node { id slug publishedAt } } ${PAGE_INFO} } }`,
        { cursor },
        as('admin'),
      )
    ).announcements;

  it('puts drafts first newest-first and last oldest-first, in id order among themselves, and pages through them', async () => {
    const drafts = (Object.keys(DRAFTS) as DraftSlug[]).map((slug) => ({
      slug,
      id: Number(Buffer.from(ids[slug], 'base64url').toString().split(':')[1]),
    }));
    const draftsDesc = drafts.sort((a, b) => b.id - a.id).map((d) => d.slug);
    const publishedDesc = [PUBLISHED, ...SEEDED]; // 2025, 2015, 2013

    const desc = await walkForward(page('first: 1, after: $cursor, orderBy: { field: PUBLISHED_AT, direction: DESC }'));
    expect(desc.nodes.map((n) => n.slug)).toEqual([...draftsDesc, ...publishedDesc]);
    const asc = await walkForward(page('first: 2, after: $cursor, orderBy: { field: PUBLISHED_AT, direction: ASC }'));
    expect(asc.nodes.map((n) => n.slug)).toEqual([...draftsDesc, ...publishedDesc].reverse());
    const back = await walkBackward(page('last: 3, before: $cursor, orderBy: { field: PUBLISHED_AT, direction: DESC }'));
    expect(back.nodes.map((n) => n.slug)).toEqual([...draftsDesc, ...publishedDesc]);
  });

  it('a cursor means the same place to every caller (anonymous ones order by the column itself)', async () => {
    const q = 'query ($c: String) { announcements(first: 10, after: $c) { edges { cursor node { slug } } } }';
    const admin = (await api.data(q, { c: null }, as('admin'))).announcements.edges as {
      cursor: string;
      node: { slug: string };
    }[];
    const cursorAt = (slug: string) => admin.find((e) => e.node.slug === slug)!.cursor;
    const slugsAfter = async (cursor: string, who: Who) =>
      (await api.data(q, { c: cursor }, as(who))).announcements.edges.map((e: { node: { slug: string } }) => e.node.slug);
    // after the last draft, and after the newest published one
    expect(await slugsAfter(cursorAt('utkast-subsea'), 'anonymous')).toEqual([PUBLISHED, ...SEEDED]);
    expect(await slugsAfter(cursorAt(PUBLISHED), 'anonymous')).toEqual(SEEDED);
    const anonymous = (await api.data(q, { c: null })).announcements.edges;
    expect(await slugsAfter(anonymous[0].cursor, 'admin')).toEqual(SEEDED);
  });

  it('anonymous callers page through the published ones only', async () => {
    const { announcements } = await api.data('{ announcements(first: 1) { nodes { slug } pageInfo { endCursor } } }');
    expect(announcements.nodes).toEqual([{ slug: PUBLISHED }]);
    const next = await api.data('query ($c: String) { announcements(first: 5, after: $c) { nodes { slug } } }', {
      c: announcements.pageInfo.endCursor,
    });
    expect(next.announcements.nodes.map((n: { slug: string }) => n.slug)).toEqual(SEEDED);
  });
});

describe('visibility costs no statement of its own', () => {
  const sqlOf = (logged: string) => stripVTControlCharacters(logged).replace(/^\[query\] /, '');
  /** The statements of one operation, without the token lookup that authenticates it. */
  async function statements(query: string, caller: Caller): Promise<string[]> {
    api.statements.length = 0;
    await api.data(query, {}, caller);
    return api.statements.map(sqlOf).filter((sql) => !/api_token/.test(sql));
  }

  it('clusters → announcements (and their totalCount) → clusters: one statement for every caller', async () => {
    const query =
      '{ clusters(first: 50) { nodes { announcements(first: 2) { totalCount nodes { title clusters(first: 3) { nodes { name } } } } } } }';
    for (const who of ['anonymous', 'reader', 'editor', 'admin'] as const) {
      // The nested lists come with the clusters' statement.
      expect(await statements(query, as(who)), who).toHaveLength(1);
    }
  });

  it('announcements, search and node: one statement each for every caller', async () => {
    for (const who of ['anonymous', 'reader', 'editorBoth', 'admin'] as const) {
      expect(await statements('{ announcements(first: 10) { totalCount nodes { slug } } }', as(who)), who).toHaveLength(2);
      expect(
        await statements('{ search(query: "kvitsymre") { nodes { ... on Announcement { slug } } } }', as(who)),
        who,
      ).toHaveLength(2);
      expect(
        await statements(`{ a: node(id: "${ids['utkast-subsea']}") { id } b: node(id: "${ids[PUBLISHED]}") { id } }`, as(who)),
        who,
      ).toHaveLength(1);
    }
  });
});
