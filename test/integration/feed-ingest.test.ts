// News feeds ingested from files: announcements upserted by (feed, item id), published with an
// event each, linked to the clusters their text names (and how), idempotent, and nothing written
// for a feed with a bad item. What a client sees of them through GraphQL.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedsConfig } from '../../src/config/config.js';
import { createRequestContext } from '../../src/context/request-context.js';
import { Db } from '../../src/repositories/db.js';
import { fetchEventsAfter, fetchLogState } from '../../src/repositories/event-log.repository.js';
import type { EventRow } from '../../src/repositories/event-log.repository.js';
import { FeedIngestError, feedKey, ingestFeed } from '../../src/services/feed-ingest.service.js';
import { runIngest } from '../../src/cli/ingest-command.js';
import { type TestApi, createTestApi } from '../helpers/api.js';
import { sql } from '../helpers/database.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/feeds/', import.meta.url));
const LIMITS = feedsConfig({});

let api: TestApi;
let dir: string;
let admin: string;

const db = () => new Db(api.orm.em.fork() as never);
const lastPosition = async () => (await fetchLogState(db())).lastPosition;
const ingest = (source: string, events?: { publish(rows: readonly EventRow[]): void }) =>
  ingestFeed(createRequestContext(api.orm, undefined, null, { events }), source, LIMITS);
const countFeedAnnouncements = async () =>
  Number((await sql(api, 'select count(*) as n from announcement where feed_id is not null'))[0].n);

const ANNOUNCEMENT = `query ($slug: String!) { announcement(slug: $slug) {
  title body language kind status provenance sourceUrl publishedAt version
  source { feedUrl title }
  clusters { nodes { slug } }
  mentions { matchedBy matchedText cluster { slug } }
} }`;

async function feedAnnouncements(): Promise<{ slug: string; title: string; feedItemId: string }[]> {
  return sql(api, 'select slug, title, feed_item_id as "feedItemId" from announcement where feed_id is not null order by id');
}
const slugOfItem = async (itemId: string) => (await feedAnnouncements()).find((a) => a.feedItemId === itemId)?.slug as string;

beforeAll(async () => {
  api = await createTestApi({ demo: false });
  admin = await issueToken(api, TokenRole.ADMIN);
  dir = await mkdtemp(join(tmpdir(), 'klynge-feeds-'));
});
afterAll(async () => {
  await api?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ingesting an RSS file', () => {
  let rss: string;
  let start: number;
  const published: EventRow[] = [];

  beforeAll(async () => {
    rss = join(dir, 'regjeringen.rss');
    await copyFile(join(FIXTURES, 'regjeringen.rss'), rss);
    start = await lastPosition();
  });

  it('inserts every item, counts them, and publishes an event for each after commit', async () => {
    const result = await ingest(rss, { publish: (rows) => published.push(...rows) });
    expect(result).toEqual({
      feed: feedKey(rss),
      title: 'Nyheter fra Nærings- og fiskeridepartementet',
      items: 3,
      inserted: 3,
      updated: 0,
      unchanged: 0,
      notModified: false,
    });
    const events = await fetchEventsAfter(db(), start, 100);
    expect(events.map((e) => [e.type, e.kind])).toEqual([
      ['ANNOUNCEMENT_CHANGED', 'PUBLISHED'],
      ['ANNOUNCEMENT_CHANGED', 'PUBLISHED'],
      ['ANNOUNCEMENT_CHANGED', 'PUBLISHED'],
    ]);
    expect(events[0].facets).toMatchObject({ announcementKind: 'NEWS', language: 'nb' });
    expect(published.map((e) => e.position)).toEqual(events.map((e) => e.position));
    const ids = (await sql(api, 'select id from announcement where feed_id is not null order by id')).map((r) => Number(r.id));
    expect(events.map((e) => e.entityId)).toEqual(ids);
  });

  it('shows each item as a published NEWS announcement from the feed, with clean text and its source', async () => {
    const slug = await slugOfItem('https://www.regjeringen.no/id2423456');
    expect(slug).toMatch(/^nye-naeringsklynger-skal-bidra-til-omstilling-[0-9a-f]{10}$/);
    const { announcement } = await api.data(ANNOUNCEMENT, { slug });
    expect(announcement).toMatchObject({
      title: 'Nye næringsklynger skal bidra til omstilling',
      language: 'nb',
      kind: 'NEWS',
      status: 'PUBLISHED',
      provenance: 'FEED',
      sourceUrl: 'https://www.regjeringen.no/no/aktuelt/nye-naringsklynger/id2423456/',
      publishedAt: '2015-06-16T08:00:00.000Z',
      version: 1,
      source: { feedUrl: feedKey(rss), title: 'Nyheter fra Nærings- og fiskeridepartementet' },
    });
    expect(announcement.body).toContain('GCE Subsea i Bergen blir Global Centre of Expertise.');
    expect(announcement.body).not.toMatch(/<|&[a-z]+;/);
  });

  it('links the clusters named, and says how: name (any case), a short name, a former name, a slug', async () => {
    const first = (await api.data(ANNOUNCEMENT, { slug: await slugOfItem('https://www.regjeringen.no/id2423456') })).announcement;
    expect(first.mentions).toEqual([
      { matchedBy: 'NAME', matchedText: 'GCE Subsea', cluster: { slug: 'gce-subsea' } },
      { matchedBy: 'NAME', matchedText: 'NCE Seafood Innovation Cluster', cluster: { slug: 'nce-seafood-innovation-cluster' } },
      { matchedBy: 'NAME', matchedText: 'nce eyde', cluster: { slug: 'nce-eyde' } },
      { matchedBy: 'SHORT_NAME', matchedText: 'Innovasjon Torskefisk', cluster: { slug: 'arena-innovasjon-torskefisk' } },
    ]);
    expect(first.clusters.nodes.map((c: { slug: string }) => c.slug).sort()).toEqual(
      ['arena-innovasjon-torskefisk', 'gce-subsea', 'nce-eyde', 'nce-seafood-innovation-cluster'].sort(),
    );
    const second = (await api.data(ANNOUNCEMENT, { slug: await slugOfItem('https://www.regjeringen.no/id2455000') }))
      .announcement;
    expect(second.mentions).toEqual([
      { matchedBy: 'FORMER_NAME', matchedText: 'NCE Subsea', cluster: { slug: 'gce-subsea' } },
      { matchedBy: 'SLUG', matchedText: 'gce-node', cluster: { slug: 'gce-node' } },
    ]);
  });

  it('links nothing for "Arena" alone or a bare word of a name; an item without date is dated when first seen', async () => {
    const third = (await api.data(ANNOUNCEMENT, { slug: await slugOfItem('arena-2016-info') })).announcement;
    expect(third.mentions).toEqual([]);
    expect(third.sourceUrl).toBeNull();
    expect(Date.now() - Date.parse(third.publishedAt)).toBeLessThan(120_000);
  });

  it('ingesting it again inserts nothing, updates nothing, writes no event', async () => {
    const before = await lastPosition();
    expect(await ingest(rss)).toMatchObject({ items: 3, inserted: 0, updated: 0, unchanged: 3 });
    expect(await lastPosition()).toBe(before);
    const versions = await sql(api, 'select version from announcement where feed_id is not null');
    expect(versions.map((r) => Number(r.version))).toEqual([1, 1, 1]);
  });

  it('a changed item is updated (UPDATED event), its found links found again, an editor’s link kept', async () => {
    // An editor links the third item to a cluster by hand.
    const slug = await slugOfItem('arena-2016-info');
    const read = (await api.data(`query ($slug: String!) { announcement(slug: $slug) { id version } }`, { slug })).announcement;
    await api.data(
      `mutation ($id: ID!, $v: Int!) { updateAnnouncement(input: { id: $id, version: $v, clusters: ["woodworks"] }) { announcement { version } } }`,
      { id: read.id, v: read.version },
      { token: admin },
    );
    const text = await readFile(rss, 'utf8');
    await writeFile(
      rss,
      text.replace('Maritime alene og Subsea alene er ikke navn på klynger', 'GCE Blue Maritime er et eksempel'),
    );
    const before = await lastPosition();
    expect(await ingest(rss)).toMatchObject({ items: 3, inserted: 0, updated: 1, unchanged: 2 });
    const events = await fetchEventsAfter(db(), before, 100);
    expect(events.map((e) => [e.kind, e.entityId])).toEqual([
      ['UPDATED', Number((await sql(api, `select id from announcement where slug = '${slug}'`))[0].id)],
    ]);
    expect(events[0].changedFields).toEqual(expect.arrayContaining(['body', 'clusters']));
    const third = (await api.data(ANNOUNCEMENT, { slug })).announcement;
    expect(third.version).toBe(read.version + 2);
    expect(third.mentions).toEqual([
      { matchedBy: 'MANUAL', matchedText: null, cluster: { slug: 'woodworks' } },
      { matchedBy: 'NAME', matchedText: 'GCE Blue Maritime', cluster: { slug: 'gce-blue-maritime' } },
    ]);
    const audit = await api.data(
      `{ auditLog(first: 1, filter: { entityType: "Announcement" }) { nodes { action actorName changes { field } } } }`,
      {},
      { token: admin },
    );
    expect(audit.auditLog.nodes[0]).toMatchObject({ action: 'announcement.ingest', actorName: `feed:${feedKey(rss)}` });
  });
});

describe('ingesting an Atom file', () => {
  it('reads entries with their languages (en, nn) and links, through the ingest command with counts', async () => {
    const lines: string[] = [];
    const failed = await runIngest(api.orm, [join(FIXTURES, 'innovasjon.atom')], LIMITS, (line) => lines.push(line));
    expect(failed).toBe(0);
    expect(lines).toEqual([
      `${feedKey(join(FIXTURES, 'innovasjon.atom'))} (Cluster news): 3 items, 3 inserted, 0 updated, 0 unchanged`,
    ]);
    const nn = (await api.data(ANNOUNCEMENT, { slug: await slugOfItem('tag:example.org,2016:nye-klynger-trondelag') }))
      .announcement;
    expect(nn).toMatchObject({ language: 'nn', sourceUrl: null, publishedAt: '2016-06-15T10:00:00.000Z' });
    expect(nn.mentions).toEqual([
      { matchedBy: 'NAME', matchedText: 'NCE Aquatech Cluster', cluster: { slug: 'nce-aquatech-cluster' } },
    ]);
    const en = (await api.data(ANNOUNCEMENT, { slug: await slugOfItem('tag:example.org,2019:woodworks-arena-pro') }))
      .announcement;
    expect(en.language).toBe('en');
    expect(en.mentions.map((m: { cluster: { slug: string } }) => m.cluster.slug)).toEqual([
      'woodworks',
      'gce-blue-maritime',
      'norwegian-offshore-wind',
    ]);
    const again: string[] = [];
    await runIngest(api.orm, [join(FIXTURES, 'innovasjon.atom')], LIMITS, (line) => again.push(line));
    expect(again[0]).toMatch(/3 items, 0 inserted, 0 updated, 3 unchanged$/);
  });

  it('source and mentions come along in lists and nested lists too', async () => {
    const data = await api.data(`{
      cluster(slug: "nce-aquatech-cluster") { announcements(first: 5) { nodes { title source { title } mentions { matchedBy cluster { slug } } } } }
      announcements(first: 100) { nodes { provenance source { feedUrl } } }
    }`);
    expect(data.cluster.announcements.nodes).toEqual([
      {
        title: 'Nye klynger i Trøndelag',
        source: { title: 'Cluster news' },
        mentions: [{ matchedBy: 'NAME', cluster: { slug: 'nce-aquatech-cluster' } }],
      },
    ]);
    for (const node of data.announcements.nodes) expect(node.source === null).toBe(node.provenance !== 'FEED');
  });

  it('ingested news is found by the announcements filters and search', async () => {
    const data = await api.data(`{ announcements(first: 50, filter: { language: nn }) { nodes { title provenance } } }`);
    expect(data.announcements.nodes).toEqual([{ title: 'Nye klynger i Trøndelag', provenance: 'FEED' }]);
    const found = await api.data(
      `{ search(query: "aquatech trøndelag") { nodes { __typename ... on Announcement { title } } } }`,
    );
    expect(found.search.nodes).toContainEqual({ __typename: 'Announcement', title: 'Nye klynger i Trøndelag' });
  });
});

describe('a feed that cannot be read writes nothing', () => {
  it('a bad item: the message names feed and item, and not even the good items are written', async () => {
    const before = await countFeedAnnouncements();
    const start = await lastPosition();
    const file = join(FIXTURES, 'malformed-item.rss');
    await expect(ingest(file)).rejects.toThrow(
      new FeedIngestError(`Feed ${feedKey(file)}: item bad-2: <pubDate> "sometime next week" is not an RFC 822 or ISO 8601 date`),
    );
    expect(await countFeedAnnouncements()).toBe(before);
    expect(await lastPosition()).toBe(start);
    const [feed] = await sql(api, `select failures, last_error as "lastError" from feed where url = '${feedKey(file)}'`);
    expect(Number(feed.failures)).toBe(1);
    expect(feed.lastError).toContain('item bad-2');
  });

  it('XML that is not well-formed, an XML bomb, a missing file, and the command goes on with the next feed', async () => {
    const lines: string[] = [];
    const failed = await runIngest(
      api.orm,
      [join(FIXTURES, 'not-xml.rss'), join(FIXTURES, 'bomb.rss'), join(dir, 'missing.rss'), join(FIXTURES, 'innovasjon.atom')],
      LIMITS,
      (line) => lines.push(line),
    );
    expect(failed).toBe(3);
    expect(lines[0]).toMatch(/not-xml\.rss: not well-formed XML at line 2, column \d+: .*\(nothing written for this feed\)$/);
    expect(lines[1]).toMatch(/bomb\.rss: declares its own entities in a DOCTYPE; refused/);
    expect(lines[2]).toMatch(/missing\.rss: cannot be read/);
    expect(lines[3]).toMatch(/innovasjon\.atom \(Cluster news\): 3 items, 0 inserted/);
  });

  it('an item id longer than the column is kept as its hash, and found again', async () => {
    const file = join(dir, 'long-guid.rss');
    const guid = `https://example.org/${'x'.repeat(1500)}`;
    await writeFile(
      file,
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Long</title><item><title>Langt</title><guid>${guid}</guid><pubDate>Mon, 01 Jun 2020 10:00:00 +0000</pubDate></item></channel></rss>`,
    );
    expect(await ingest(file)).toMatchObject({ inserted: 1 });
    expect(await ingest(file)).toMatchObject({ inserted: 0, unchanged: 1 });
    expect((await feedAnnouncements()).find((a) => a.title === 'Langt')?.feedItemId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('a file over the size limit is refused before it is read', async () => {
    await expect(
      ingestFeed(createRequestContext(api.orm), join(FIXTURES, 'regjeringen.rss'), { ...LIMITS, maxBytes: 1024 }),
    ).rejects.toThrow(/regjeringen\.rss: is \d+ bytes, more than the 1024 allowed/);
  });
});
