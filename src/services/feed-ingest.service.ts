// News feeds as announcements. One feed is one transaction: its items are upserted by (feed, item
// id), published as NEWS with provenance FEED, linked to the clusters their text names, audited
// and announced (announcementChanged PUBLISHED for a new item, UPDATED for a changed published
// one) as a mutation would be. A feed that cannot be fetched or read writes nothing but its
// failure (for the poller's backoff).
import { createHash } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EntityManager } from '@mikro-orm/knex';
import { systemViewer } from '../auth/viewer.js';
import type { FeedsConfig } from '../config/config.js';
import { FeedFetchError, fetchFeed, readFeedFile } from '../connectors/feed-fetch.connector.js';
import { FeedError, type FeedItem, type ParsedFeed, parseFeed } from '../connectors/feed-parser.connector.js';
import type { RequestContext } from '../context/request-context.js';
import { AnnouncementKind, AnnouncementStatus, Language, MentionMatch, Provenance } from '../entities/enums.js';
import { Announcement, AnnouncementCluster, Feed } from '../entities/index.js';
import { type ClusterMention, MentionIndex, type MentionableCluster } from '../lib/cluster-mentions.js';
import { slugify } from '../lib/slug.js';
import { parseDateTime } from '../repositories/db.js';
import type { Db } from '../repositories/db.js';
import { diffFields, recordAudit, recordCreation } from './audit.service.js';
import { recordAnnouncementEvent } from './event-log.service.js';
import { type WantedMention, replaceMentions } from './mentions.js';
import { inTransaction, touch, transactionDb } from './write.js';

/** What one feed's ingest did; `notModified` when the server answered 304. */
export interface FeedIngestResult {
  /** The feed's URL (`file:` URL for a file). */
  feed: string;
  title: string | null;
  items: number;
  inserted: number;
  updated: number;
  unchanged: number;
  notModified: boolean;
}

const MAX_MENTIONS = 50;

/** The bounds a fetch and parse keep to (FEED_* settings). */
export type FeedLimits = Pick<FeedsConfig, 'timeoutMs' | 'maxBytes' | 'maxRedirects' | 'allowedHosts' | 'maxItems'>;

/** A feed that could not be ingested: fetching, reading or writing it failed. Nothing of it was written. */
export class FeedIngestError extends Error {
  override name = 'FeedIngestError';
}

/** The key a feed is stored under: its URL, or the file's `file:` URL. */
export function feedKey(source: string): string {
  let key: string;
  try {
    key = /^[a-z][a-z0-9+.-]*:\/\//i.test(source) ? new URL(source).toString() : pathToFileURL(resolvePath(source)).toString();
  } catch {
    throw new FeedIngestError(`Feed ${source}: is not a URL or a file name`);
  }
  if (key.length > 1000) throw new FeedIngestError(`Feed ${key.slice(0, 100)}…: its URL is longer than 1000 characters`);
  return key;
}

const isHttp = (key: string) => key.startsWith('http://') || key.startsWith('https://');

/**
 * Ingests one feed (an http(s) URL or a file) in one transaction and returns its counts. A URL is
 * fetched conditionally (the ETag and Last-Modified of the last fetch). Throws FeedIngestError,
 * naming the feed (and item), when it cannot be fetched or read; its failure is then recorded.
 */
export async function ingestFeed(ctx: RequestContext, source: string, limits: FeedLimits): Promise<FeedIngestResult> {
  const key = feedKey(source);
  const known = await ctx.em.fork().findOne(Feed, { url: key }, { fields: ['id', 'etag', 'lastModified', 'title'] });
  let document: string;
  let validators: { etag: string | null; lastModified: string | null } = { etag: null, lastModified: null };
  try {
    if (isHttp(key)) {
      const fetched = await fetchFeed(key, { ...limits, etag: known?.etag, lastModified: known?.lastModified });
      if (fetched.status === 'not-modified') {
        await recordNotModified(ctx, key);
        return { feed: key, title: known?.title ?? null, items: 0, inserted: 0, updated: 0, unchanged: 0, notModified: true };
      }
      document = fetched.body;
      validators = { etag: fetched.etag, lastModified: fetched.lastModified };
    } else if (key.startsWith('file:')) {
      document = await readFeedFile(fileURLToPath(key), limits.maxBytes);
    } else {
      throw new FeedFetchError(key, 'only http and https URLs and files are read');
    }
    const parsed = parseFeed(document, key, { maxItems: limits.maxItems });
    return await writeFeed(ctx, key, parsed, validators);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await recordFailure(ctx, key, message).catch(() => undefined);
    if (error instanceof FeedError || error instanceof FeedFetchError) throw new FeedIngestError(message);
    throw new FeedIngestError(`Feed ${key}: ${message}`, { cause: error });
  }
}

/** What an item becomes: the announcement's own fields and its found mentions. */
interface ItemFields {
  title: string;
  body: string;
  language: Language;
  sourceUrl: string | null;
  publishedAt: Date | null;
  readonly mentions: ClusterMention[];
}

/** An announcement of the feed as stored (plain row: loading entities would rewrite them on SQLite). */
interface StoredItem {
  id: number;
  feedItemId: string;
  title: string;
  body: string;
  language: Language;
  sourceUrl: string | null;
  publishedAt: Date | null;
}

async function writeFeed(
  ctx: RequestContext,
  key: string,
  parsed: ParsedFeed,
  validators: { etag: string | null; lastModified: string | null },
): Promise<FeedIngestResult> {
  const viewer = systemViewer(`feed:${key}`.slice(0, 200));
  const counts = { inserted: 0, updated: 0, unchanged: 0 };
  // The first of items sharing an id counts; feeds do repeat themselves.
  const seen = new Set<string>();
  const items = parsed.items
    .map((item) => ({ ...item, id: itemKey(item) }))
    .filter((item) => !seen.has(item.id) && Boolean(seen.add(item.id)));
  await inTransaction(ctx, async (em) => {
    const db = transactionDb(em);
    const feed = await upsertFeed(em, key, parsed.title, validators);
    const index = new MentionIndex(await mentionableClusters(db));
    const stored = new Map((await storedItems(db, feed.id)).map((row) => [row.feedItemId, row]));
    const now = new Date();
    const created: { announcement: Announcement; fields: ItemFields }[] = [];
    for (const item of items) {
      const fields = itemFields(item, parsed, index);
      const existing = stored.get(item.id);
      if (!existing) {
        const announcement = em.create(Announcement, {
          slug: slugOf(key, item),
          title: fields.title,
          body: fields.body,
          language: fields.language,
          kind: AnnouncementKind.NEWS,
          sourceUrl: fields.sourceUrl,
          status: AnnouncementStatus.PUBLISHED,
          publishedAt: fields.publishedAt ?? now,
          provenance: Provenance.FEED,
          feed,
          feedItemId: item.id,
        });
        replaceMentions(em, announcement, [], fields.mentions.map(wantedMention));
        created.push({ announcement, fields });
        counts.inserted += 1;
      } else if (await updateItem(em, viewer, existing, fields)) {
        counts.updated += 1;
      } else {
        counts.unchanged += 1;
      }
    }
    await em.flush();
    for (const { announcement, fields } of created) {
      const clusterIds = fields.mentions.map((m) => m.clusterId);
      recordCreation(
        em,
        viewer,
        { action: 'announcement.ingest', entityType: 'Announcement', entityId: announcement.id },
        {
          slug: announcement.slug,
          title: fields.title,
          body: fields.body,
          language: fields.language,
          kind: AnnouncementKind.NEWS,
          sourceUrl: fields.sourceUrl,
          clusters: fields.mentions.map((m) => m.matchedText),
          status: AnnouncementStatus.PUBLISHED,
          publishedAt: announcement.publishedAt?.toISOString() ?? null,
        },
      );
      announcementEvent(em, 'PUBLISHED', announcement.id, fields.language, clusterIds, ['status', 'publishedAt']);
    }
  });
  return { feed: key, title: parsed.title, items: items.length, ...counts, notModified: false };
}

/**
 * Updates an item whose content changed (title, text, language, link, date); returns whether it
 * did. Mentions found in the text are found again; those an editor set by hand stay.
 */
async function updateItem(
  em: EntityManager,
  viewer: ReturnType<typeof systemViewer>,
  existing: StoredItem,
  fields: ItemFields,
): Promise<boolean> {
  const before = {
    title: existing.title,
    body: existing.body,
    language: existing.language,
    sourceUrl: existing.sourceUrl,
    publishedAt: existing.publishedAt?.toISOString() ?? null,
  };
  const after = {
    title: fields.title,
    body: fields.body,
    language: fields.language,
    sourceUrl: fields.sourceUrl,
    // An item without a date keeps the one it got when first seen.
    publishedAt: fields.publishedAt?.toISOString() ?? before.publishedAt,
  };
  const changes = diffFields(before, after);
  if (Object.keys(changes).length === 0) return false;

  const announcement = await em.findOneOrFail(Announcement, { id: existing.id });
  em.assign(announcement, {
    title: after.title,
    body: after.body,
    language: after.language,
    sourceUrl: after.sourceUrl,
    // A draft (an editor took it back) stays a draft, without a date.
    publishedAt:
      announcement.status === AnnouncementStatus.PUBLISHED && after.publishedAt
        ? new Date(after.publishedAt)
        : announcement.publishedAt,
  });
  touch(announcement);
  await em.flush();

  const mentions = await em.find(AnnouncementCluster, { announcement }, { orderBy: { position: 'asc', id: 'asc' } });
  const clustersBefore = mentions.map((m) => m.cluster.id);
  const manual = mentions.filter((m) => m.matchedBy === MentionMatch.MANUAL);
  const manualIds = new Set(manual.map((m) => m.cluster.id));
  const found = fields.mentions.filter((m) => !manualIds.has(m.clusterId));
  // Links an editor made stay first; those found in the text follow, the rest go.
  replaceMentions(em, announcement, mentions, [...manual.map((m) => ({ clusterId: m.cluster.id })), ...found.map(wantedMention)]);
  // Positions are unique per announcement only by convention; removals go first.
  await em.flush();
  const clustersAfter = [...manual.map((m) => m.cluster.id), ...found.map((m) => m.clusterId)];
  if (JSON.stringify(clustersBefore) !== JSON.stringify(clustersAfter)) {
    changes.clusters = { before: clustersBefore, after: clustersAfter };
  }
  recordAudit(em, viewer, { action: 'announcement.ingest', entityType: 'Announcement', entityId: existing.id, changes });
  if (announcement.status === AnnouncementStatus.PUBLISHED) {
    announcementEvent(em, 'UPDATED', existing.id, after.language, [...clustersBefore, ...clustersAfter], Object.keys(changes));
  }
  return true;
}

/** A mention found in an item's text, as the announcement should have it. */
const wantedMention = (mention: ItemFields['mentions'][number]): WantedMention => ({
  clusterId: mention.clusterId,
  matchedBy: MentionMatch[mention.matchedBy],
  matchedText: mention.matchedText,
});

/** Records an ingested item's announcementChanged event (feed items are NEWS). */
const announcementEvent = (
  em: EntityManager,
  kind: 'PUBLISHED' | 'UPDATED',
  id: number,
  language: Language,
  clusterIds: number[],
  changedFields: string[],
) =>
  recordAnnouncementEvent(em, {
    kind,
    announcementId: id,
    announcementKind: AnnouncementKind.NEWS,
    language,
    clusterIds,
    changedFields,
  });

function itemFields(item: FeedItem, feed: ParsedFeed, index: MentionIndex): ItemFields {
  let mentions: ClusterMention[] | undefined;
  return {
    title: item.title,
    body: item.body,
    language: Language[item.language ?? feed.language ?? 'nb'],
    sourceUrl: item.link,
    publishedAt: item.publishedAt,
    // Searched only for a new or changed item (a body may be 100,000 characters, a feed 1,000
    // items, and most are unchanged at each poll). As many as an editor may set
    // (updateAnnouncement's limit), the first named first.
    get mentions() {
      mentions ??= index.find(item.title, item.body).slice(0, MAX_MENTIONS);
      return mentions;
    },
  };
}

/** An item's key in its feed: its id, or a hash of it when longer than the column (1,000 characters). */
const itemKey = (item: FeedItem) =>
  item.id.length <= 1000 ? item.id : `sha256:${createHash('sha256').update(item.id).digest('hex')}`;

/** A readable, unique slug: the title's words and a hash of feed and item id. */
function slugOf(feedKey: string, item: FeedItem): string {
  const hash = createHash('sha256').update(`${feedKey}\n${item.id}`).digest('hex').slice(0, 10);
  const words = slugify(item.title, 120);
  return words ? `${words}-${hash}` : `feed-item-${hash}`;
}

/** The feed's row, created on first sight, with its title and the validators of this fetch. */
async function upsertFeed(
  em: EntityManager,
  key: string,
  title: string | null,
  validators: { etag: string | null; lastModified: string | null },
): Promise<Feed> {
  const feed = (await em.findOne(Feed, { url: key })) ?? em.create(Feed, { url: key });
  feed.title = title?.slice(0, 300) ?? null;
  feed.etag = validators.etag;
  feed.lastModified = validators.lastModified;
  feed.lastFetchedAt = new Date();
  feed.failures = 0;
  feed.lastError = null;
  feed.nextFetchAt = null;
  await em.flush();
  return feed;
}

/** Records a fetch that changed nothing (304): the feed's failures are over. */
/** A 304: the feed is as it was; its validators stay, its failures are over. */
async function recordNotModified(ctx: RequestContext, key: string): Promise<void> {
  await inTransaction(ctx, async (em) => {
    const feed = await em.findOne(Feed, { url: key });
    if (!feed) return;
    Object.assign(feed, { lastFetchedAt: new Date(), failures: 0, lastError: null, nextFetchAt: null });
  });
}

/** Records a failed ingest on the feed's row (created if new), for the poller's backoff. */
async function recordFailure(ctx: RequestContext, key: string, message: string): Promise<void> {
  await inTransaction(ctx, async (em) => {
    const feed = (await em.findOne(Feed, { url: key })) ?? em.create(Feed, { url: key });
    feed.failures += 1;
    feed.lastError = message.slice(0, 2000);
  });
}

/** Every cluster with the levels of its history: what the mention index is built from. */
async function mentionableClusters(db: Db): Promise<MentionableCluster[]> {
  const rows = await db.rows<{ id: number; slug: string; name: string; level: string; history: string | null }>(
    db.knex
      .from('cluster as c')
      .leftJoin('cluster_level_period as p', 'p.cluster_id', 'c.id')
      .select('c.id', 'c.slug', 'c.name', 'c.level', 'p.level as history'),
  );
  const clusters = new Map<number, MentionableCluster & { levels: string[] }>();
  for (const row of rows) {
    const id = Number(row.id);
    let cluster = clusters.get(id);
    if (!cluster) {
      cluster = { id, slug: row.slug, name: row.name, levels: [row.level] };
      clusters.set(id, cluster);
    }
    if (row.history && !cluster.levels.includes(row.history)) cluster.levels.push(row.history);
  }
  return [...clusters.values()];
}

async function storedItems(db: Db, feedId: number): Promise<StoredItem[]> {
  const rows = await db.rows<StoredItem>(
    db.knex
      .from('announcement as a')
      .where('a.feed_id', feedId)
      .select(
        'a.id as id',
        'a.feed_item_id as feedItemId',
        'a.title as title',
        'a.body as body',
        'a.language as language',
        'a.source_url as sourceUrl',
        'a.published_at as publishedAt',
      ),
  );
  return rows.map((row) => ({
    ...row,
    id: Number(row.id),
    publishedAt: row.publishedAt == null ? null : parseDateTime(row.publishedAt),
  }));
}

/** The feeds to poll now: those not backing off after failures. */
export async function dueFeeds(ctx: RequestContext, urls: readonly string[], now = new Date()): Promise<string[]> {
  const keys = urls.map(feedKey);
  const waiting = await ctx.em.fork().find(Feed, { url: { $in: keys }, nextFetchAt: { $gt: now } }, { fields: ['url'] });
  const blocked = new Set(waiting.map((f) => f.url));
  return keys.filter((k) => !blocked.has(k));
}

/** Sets when a failing feed is tried again: `delayMs` from now. */
export async function backOff(ctx: RequestContext, url: string, delayMs: number): Promise<void> {
  await inTransaction(ctx, async (em) => {
    const feed = await em.findOne(Feed, { url: feedKey(url) });
    if (feed) feed.nextFetchAt = new Date(Date.now() + delayMs);
  });
}

/** How many failures in a row a feed has had. */
export async function feedFailures(ctx: RequestContext, url: string): Promise<number> {
  const feed = await ctx.em.fork().findOne(Feed, { url: feedKey(url) }, { fields: ['failures'] });
  return feed?.failures ?? 0;
}
