import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnnouncementDocument, CreateAnnouncementDocument, PublishAnnouncementDocument } from '../generated/graphql.js';
import { request } from '../helpers/http-client.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { bearer, issueTokenWithCli } from '../helpers/tokens.js';

// Announcement drafts over real HTTP, with codegen-typed operations: a draft reaches only the tokens
// that may see it, and never a response shared caches may keep.
describe('announcement drafts over HTTP', () => {
  let server: TestServer;
  let editor: string;
  let otherReader: string;

  const issue = (...args: string[]) => issueTokenWithCli(server.orm, ...args);

  beforeAll(async () => {
    server = await startTestServer();
    editor = await issue('--role', 'editor', '--name', 'HTTP editor', '--clusters', 'gce-subsea');
    otherReader = await issue('--role', 'reader', '--name', 'HTTP reader', '--clusters', 'nce-eyde');
  });
  afterAll(() => server?.stop());

  it('shows a draft to its EDITOR, privately, and to nobody else until it is published', async () => {
    const created = await request(
      server.url,
      CreateAnnouncementDocument,
      {
        input: {
          slug: 'subsea-utkast',
          title: 'Utkast fra GCE Subsea',
          body: 'Ikke publisert ennå.',
          language: 'nb',
          kind: 'NEWS',
          clusters: ['gce-subsea'],
        },
      },
      bearer(editor),
    );
    expect(created.errors).toBeUndefined();
    const draft = created.data!.createAnnouncement.announcement;
    expect(draft).toMatchObject({ slug: 'subsea-utkast', status: 'DRAFT', publishedAt: null, version: 1 });

    const own = await request(server.url, AnnouncementDocument, { slug: 'subsea-utkast' }, bearer(editor));
    expect(own.data?.announcement).toMatchObject({ status: 'DRAFT', publishedAt: null });
    expect(own.headers.get('cache-control')).toBe('private, no-store');

    const anonymous = await request(server.url, AnnouncementDocument, { slug: 'subsea-utkast' });
    expect(anonymous.data?.announcement).toBeNull();
    expect(anonymous.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const elsewhere = await request(server.url, AnnouncementDocument, { slug: 'subsea-utkast' }, bearer(otherReader));
    expect(elsewhere.data?.announcement).toBeNull();

    const published = await request(
      server.url,
      PublishAnnouncementDocument,
      { input: { id: draft.id, version: 1 } },
      bearer(editor),
    );
    expect(published.data?.publishAnnouncement.announcement).toMatchObject({ status: 'PUBLISHED', version: 2 });
    const now = await request(server.url, AnnouncementDocument, { slug: 'subsea-utkast' });
    expect(now.data?.announcement).toMatchObject({ status: 'PUBLISHED', publishedAt: expect.any(String) });
  });
});
