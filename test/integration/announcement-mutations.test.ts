// createAnnouncement, updateAnnouncement, publishAnnouncement and unpublishAnnouncement through
// GraphQL on the real database: what each writes (re-read as the writer and as the public), what it
// refuses and why (field named, nothing written), who may (by the clusters an announcement
// mentions), stale versions, and the draft → published → draft life cycle. Which reader sees which
// draft on every read path is in announcement-drafts.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, type TestApi, createTestApi } from '../helpers/api.js';
import { globalId, problemFields, refusal } from '../helpers/mutations.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const ANNOUNCEMENT = `id slug title body language kind sourceUrl status publishedAt provenance version
  clusters(first: 50) { nodes { slug } }`;
const CREATE = `mutation ($input: CreateAnnouncementInput!) { createAnnouncement(input: $input) { announcement { ${ANNOUNCEMENT} } } }`;
const UPDATE = `mutation ($input: UpdateAnnouncementInput!) { updateAnnouncement(input: $input) { announcement { ${ANNOUNCEMENT} } } }`;
const PUBLISH = `mutation ($input: PublishAnnouncementInput!) { publishAnnouncement(input: $input) { announcement { ${ANNOUNCEMENT} } } }`;
const UNPUBLISH = `mutation ($input: UnpublishAnnouncementInput!) { unpublishAnnouncement(input: $input) { announcement { ${ANNOUNCEMENT} } } }`;
const READ = `query ($slug: String!) { announcement(slug: $slug) { ${ANNOUNCEMENT} } }`;
const AUDIT = `query ($id: ID!) { auditLog(first: 10, filter: { entityId: $id }) { nodes { actorName action changes { field before after } } } }`;

interface AnnouncementData {
  id: string;
  slug: string;
  title: string;
  body: string;
  language: string;
  kind: string;
  sourceUrl: string | null;
  status: 'DRAFT' | 'PUBLISHED';
  publishedAt: string | null;
  provenance: string;
  version: number;
  clusters: { nodes: { slug: string }[] };
}

const MINE = 'gce-subsea';
const ALSO = 'nce-health-technology';
const OTHER = 'nce-eyde';
/** Seeded, published, mentions seven clusters (MINE, ALSO and OTHER among them). */
const SOURCE = 'nye-naeringsklynger-skal-bidra-til-omstilling';

let api: TestApi;
const tokens = {} as Record<'admin' | 'editor' | 'editorBoth' | 'otherEditor' | 'reader', string>;

beforeAll(async () => {
  api = await createTestApi({ demo: false });
  tokens.admin = await issueToken(api, TokenRole.ADMIN, [], 'Programme admin');
  tokens.editor = await issueToken(api, TokenRole.EDITOR, [MINE], 'Subsea editor');
  tokens.editorBoth = await issueToken(api, TokenRole.EDITOR, [MINE, ALSO], 'Subsea and health editor');
  tokens.otherEditor = await issueToken(api, TokenRole.EDITOR, [OTHER]);
  tokens.reader = await issueToken(api, TokenRole.READER, [MINE]);
});
afterAll(() => api?.dispose());

const as = (who: keyof typeof tokens): Caller => ({ token: tokens[who] });
/** An announcement as `who` sees it (anonymous by default). */
const read = async (slug: string, caller: Caller = {}) =>
  (await api.data<{ announcement: AnnouncementData | null }>(READ, { slug }, caller)).announcement;
/** Every announcement, drafts included, as an ADMIN counts them. */
const allCount = async () =>
  (await api.data<{ announcements: { totalCount: number } }>('{ announcements { totalCount } }', {}, as('admin'))).announcements
    .totalCount;

const NEW = {
  slug: 'subsea-arsmote-2025',
  title: 'Årsmøte i GCE Subsea',
  body: 'Klyngen holder årsmøte i Bergen.\n\nAlle medlemmer er velkomne.',
  language: 'nb',
  kind: 'NEWS',
  sourceUrl: 'https://www.gcesubsea.no/nyheter/arsmote',
  clusters: [MINE],
};

describe('createAnnouncement', () => {
  it('writes a DRAFT that its writer sees and the public does not; audited', async () => {
    const before = await allCount();
    const { createAnnouncement: payload } = await api.data(CREATE, { input: NEW }, as('editor'));
    const draft = payload.announcement as AnnouncementData;
    expect(draft).toEqual({
      ...NEW,
      id: expect.any(String),
      clusters: { nodes: [{ slug: MINE }] },
      status: 'DRAFT',
      publishedAt: null,
      provenance: 'MANUAL',
      version: 1,
    });
    expect(await read(NEW.slug, as('editor'))).toEqual(draft);
    expect(await read(NEW.slug)).toBeNull();
    expect(await allCount()).toBe(before + 1);
    const { auditLog } = await api.data(AUDIT, { id: draft.id }, as('admin'));
    expect(auditLog.nodes).toEqual([
      {
        actorName: 'Subsea editor',
        action: 'announcement.create',
        changes: [
          { field: 'body', before: null, after: NEW.body },
          { field: 'clusters', before: null, after: [MINE] },
          { field: 'kind', before: null, after: 'NEWS' },
          { field: 'language', before: null, after: 'nb' },
          { field: 'slug', before: null, after: NEW.slug },
          { field: 'sourceUrl', before: null, after: NEW.sourceUrl },
          { field: 'status', before: null, after: 'DRAFT' },
          { field: 'title', before: null, after: NEW.title },
        ],
      },
    ]);
  });

  it('lets an ADMIN write about no cluster at all, or about any', async () => {
    const { createAnnouncement: policy } = await api.data(
      CREATE,
      { input: { ...NEW, slug: 'ny-klyngepolitikk', kind: 'POLICY', sourceUrl: null, clusters: [] } },
      as('admin'),
    );
    expect(policy.announcement).toMatchObject({ status: 'DRAFT', clusters: { nodes: [] }, sourceUrl: null });
    const { createAnnouncement: many } = await api.data(
      CREATE,
      { input: { ...NEW, slug: 'tre-klynger', clusters: [OTHER, MINE, ALSO] } },
      as('admin'),
    );
    expect(many.announcement.clusters.nodes.map((c: { slug: string }) => c.slug).sort()).toEqual([MINE, OTHER, ALSO].sort());
  });

  it('names every bad field at once and writes nothing', async () => {
    const before = await allCount();
    const error = refusal(
      await api.query(
        CREATE,
        {
          input: {
            slug: 'Årsmøte 2025',
            title: ' ',
            body: '',
            language: 'nb',
            kind: 'NEWS',
            sourceUrl: 'mailto:post@gcesubsea.no',
            clusters: [MINE, 'Not A Slug', MINE],
          },
        },
        as('admin'),
      ),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual([
      'input.slug',
      'input.title',
      'input.body',
      'input.sourceUrl',
      'input.clusters[1]',
      'input.clusters[2]',
    ]);
    expect(await allCount()).toBe(before);
  });

  it('is NOT_FOUND for a cluster that does not exist, naming it', async () => {
    const error = refusal(
      await api.query(CREATE, { input: { ...NEW, slug: 'ghost', clusters: [MINE, 'no-such-cluster'] } }, as('admin')),
      'NOT_FOUND',
    );
    expect(error.extensions?.field).toBe('input.clusters[1]');
    expect(await read('ghost', as('admin'))).toBeNull();
  });

  it('refuses a slug that is taken (CONFLICT), even by a draft the writer cannot see', async () => {
    let error = refusal(await api.query(CREATE, { input: { ...NEW, slug: SOURCE } }, as('admin')), 'CONFLICT');
    expect(error.extensions?.field).toBe('input.slug');
    error = refusal(
      await api.query(CREATE, { input: { ...NEW, slug: 'ny-klyngepolitikk', clusters: [MINE] } }, as('editor')),
      'CONFLICT',
    );
    expect(error.extensions?.field).toBe('input.slug');
  });

  it('lets an EDITOR write only about its own clusters: UNAUTHENTICATED, FORBIDDEN otherwise; nothing is written', async () => {
    const before = await allCount();
    const input = { ...NEW, slug: 'not-allowed' };
    refusal(await api.query(CREATE, { input }), 'UNAUTHENTICATED');
    refusal(await api.query(CREATE, { input }, as('reader')), 'FORBIDDEN');
    refusal(await api.query(CREATE, { input }, as('otherEditor')), 'FORBIDDEN');
    refusal(await api.query(CREATE, { input: { ...input, clusters: [MINE, OTHER] } }, as('editor')), 'FORBIDDEN');
    refusal(await api.query(CREATE, { input: { ...input, clusters: [] } }, as('editor')), 'FORBIDDEN');
    expect(await read('not-allowed', as('admin'))).toBeNull();
    expect(await allCount()).toBe(before);
  });
});

describe('updateAnnouncement', () => {
  it('changes the given fields and mentions, clears with null, bumps the version; no change keeps it', async () => {
    const before = (await read(NEW.slug, as('editor')))!;
    const { updateAnnouncement: payload } = await api.data(
      UPDATE,
      { input: { id: before.id, version: before.version, title: 'Årsmøte 2025', sourceUrl: null, clusters: [ALSO, MINE] } },
      as('editorBoth'),
    );
    const expected = {
      ...before,
      title: 'Årsmøte 2025',
      sourceUrl: null,
      clusters: { nodes: expect.arrayContaining([{ slug: MINE }, { slug: ALSO }]) },
      version: before.version + 1,
    };
    expect(payload.announcement).toEqual(expected);
    expect(await read(NEW.slug, as('editorBoth'))).toEqual(expected);
    const { auditLog } = await api.data(AUDIT, { id: before.id }, as('admin'));
    expect(auditLog.nodes[0]).toEqual({
      actorName: 'Subsea and health editor',
      action: 'announcement.update',
      changes: [
        { field: 'clusters', before: [MINE], after: [ALSO, MINE] },
        { field: 'sourceUrl', before: NEW.sourceUrl, after: null },
        { field: 'title', before: NEW.title, after: 'Årsmøte 2025' },
      ],
    });

    const { updateAnnouncement: same } = await api.data(
      UPDATE,
      { input: { id: before.id, version: before.version + 1, title: 'Årsmøte 2025', clusters: [ALSO, MINE] } },
      as('admin'),
    );
    expect(same.announcement.version).toBe(before.version + 1);
  });

  it('refuses an EDITOR what it may not: a mention outside its clusters, a published one mentioning others; a draft it cannot see is NOT_FOUND', async () => {
    const mine = (await read(NEW.slug, as('admin')))!;
    // it now mentions ALSO too: the EDITOR of MINE alone can neither see nor change it
    expect(await read(NEW.slug, as('editor'))).toBeNull();
    let error = refusal(
      await api.query(UPDATE, { input: { id: mine.id, version: mine.version, title: 'X' } }, as('editor')),
      'NOT_FOUND',
    );
    expect(error.extensions?.field).toBe('input.id');
    error = refusal(
      await api.query(UPDATE, { input: { id: mine.id, version: mine.version, clusters: [MINE, OTHER] } }, as('editorBoth')),
      'FORBIDDEN',
    );
    const source = (await read(SOURCE))!;
    refusal(
      await api.query(UPDATE, { input: { id: source.id, version: source.version, title: 'X' } }, as('editor')),
      'FORBIDDEN',
    );
    refusal(
      await api.query(UPDATE, { input: { id: source.id, version: source.version, title: 'X' } }, as('reader')),
      'FORBIDDEN',
    );
    refusal(await api.query(UPDATE, { input: { id: source.id, version: source.version, title: 'X' } }), 'UNAUTHENTICATED');
    expect(await read(NEW.slug, as('admin'))).toEqual(mine);
    expect(await read(SOURCE)).toEqual(source);
  });

  it('refuses bad input, an unknown id, a taken slug and a stale version; nothing changes', async () => {
    const before = (await read(NEW.slug, as('admin')))!;
    let error = refusal(
      await api.query(UPDATE, { input: { id: before.id, version: before.version, title: null, slug: '-x-' } }, as('admin')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.slug', 'input.title']);
    error = refusal(
      await api.query(UPDATE, { input: { id: globalId('Cluster', 1), version: 1, title: 'X' } }, as('admin')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.id']);
    error = refusal(
      await api.query(UPDATE, { input: { id: globalId('Announcement', 999_999), version: 1, title: 'X' } }, as('admin')),
      'NOT_FOUND',
    );
    error = refusal(
      await api.query(UPDATE, { input: { id: before.id, version: before.version, slug: SOURCE } }, as('admin')),
      'CONFLICT',
    );
    expect(error.extensions?.field).toBe('input.slug');
    error = refusal(
      await api.query(UPDATE, { input: { id: before.id, version: before.version - 1, title: 'Stale' } }, as('editorBoth')),
      'CONFLICT',
    );
    expect(error.extensions?.field).toBe('input.version');
    expect(await read(NEW.slug, as('admin'))).toEqual(before);
  });
});

describe('publishAnnouncement and unpublishAnnouncement', () => {
  it('publishes a draft now: everyone sees it from then on; audited', async () => {
    const draft = (await read(NEW.slug, as('editorBoth')))!;
    const started = Date.now();
    const { publishAnnouncement: payload } = await api.data(
      PUBLISH,
      { input: { id: draft.id, version: draft.version } },
      as('editorBoth'),
    );
    const published = payload.announcement as AnnouncementData;
    expect(published).toEqual({ ...draft, status: 'PUBLISHED', publishedAt: expect.any(String), version: draft.version + 1 });
    const at = Date.parse(published.publishedAt!);
    expect(at).toBeGreaterThanOrEqual(started - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await read(NEW.slug)).toEqual(published);
    const { auditLog } = await api.data(AUDIT, { id: draft.id }, as('admin'));
    expect(auditLog.nodes[0]).toEqual({
      actorName: 'Subsea and health editor',
      action: 'announcement.publish',
      changes: [
        { field: 'publishedAt', before: null, after: published.publishedAt },
        { field: 'status', before: 'DRAFT', after: 'PUBLISHED' },
      ],
    });
  });

  it('refuses to publish what is published, and to unpublish a draft', async () => {
    const published = (await read(NEW.slug))!;
    let error = refusal(
      await api.query(PUBLISH, { input: { id: published.id, version: published.version } }, as('admin')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.id']);
    const draft = (await read('ny-klyngepolitikk', as('admin')))!;
    error = refusal(
      await api.query(UNPUBLISH, { input: { id: draft.id, version: draft.version } }, as('admin')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.id']);
    expect(await read(NEW.slug)).toEqual(published);
    expect(await read('ny-klyngepolitikk', as('admin'))).toEqual(draft);
  });

  it('unpublishes: a draft again, with no publication time, hidden from the public', async () => {
    const published = (await read(NEW.slug))!;
    const { unpublishAnnouncement: payload } = await api.data(
      UNPUBLISH,
      { input: { id: published.id, version: published.version } },
      as('editorBoth'),
    );
    const draft = { ...published, status: 'DRAFT', publishedAt: null, version: published.version + 1 };
    expect(payload.announcement).toEqual(draft);
    expect(await read(NEW.slug)).toBeNull();
    expect(await read(NEW.slug, as('editorBoth'))).toEqual(draft);
  });

  it('publishes at a given past time, but not in the future', async () => {
    const draft = (await read('ny-klyngepolitikk', as('admin')))!;
    const future = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const error = refusal(
      await api.query(PUBLISH, { input: { id: draft.id, version: draft.version, publishedAt: future } }, as('admin')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.publishedAt']);
    expect(await read('ny-klyngepolitikk')).toBeNull();

    const { publishAnnouncement: payload } = await api.data(
      PUBLISH,
      { input: { id: draft.id, version: draft.version, publishedAt: '2024-05-02T08:00:00Z' } },
      as('admin'),
    );
    expect(payload.announcement).toMatchObject({ status: 'PUBLISHED', publishedAt: '2024-05-02T08:00:00.000Z' });
    expect(await read('ny-klyngepolitikk')).toEqual(payload.announcement);
  });

  it('is UNAUTHENTICATED without a token, FORBIDDEN for a READER and an EDITOR it does not belong to, CONFLICT when stale; nothing changes', async () => {
    const draft = (await read(NEW.slug, as('admin')))!;
    const published = (await read(SOURCE))!;
    for (const [mutation, target] of [
      [PUBLISH, draft],
      [UNPUBLISH, published],
    ] as const) {
      const input = { id: target.id, version: target.version };
      refusal(await api.query(mutation, { input }), 'UNAUTHENTICATED');
      refusal(await api.query(mutation, { input }, as('reader')), 'FORBIDDEN');
      refusal(await api.query(mutation, { input: { ...input, version: target.version + 1 } }, as('admin')), 'CONFLICT');
    }
    // a draft the EDITOR cannot see does not exist for it; a published one it may not edit is FORBIDDEN
    refusal(await api.query(PUBLISH, { input: { id: draft.id, version: draft.version } }, as('otherEditor')), 'NOT_FOUND');
    refusal(await api.query(UNPUBLISH, { input: { id: published.id, version: published.version } }, as('editor')), 'FORBIDDEN');
    expect(await read(NEW.slug, as('admin'))).toEqual(draft);
    expect(await read(SOURCE)).toEqual(published);
  });
});
