import { draftVisibility } from '../auth/permissions.js';
import type { RequestContext } from '../context/request-context.js';
import type { AnnouncementKind, Language } from '../entities/enums.js';
import type { PageArgs } from '../lib/pagination.js';
import {
  type AnnouncementOrderField,
  announcementListQuery,
  announcementOrdering,
  toAnnouncementRecord,
} from '../repositories/announcement.repository.js';
import type { DateRange } from '../repositories/list-query.js';
import type { AnnouncementRecord, ClusterRecord, FeedSourceRecord, MentionRecord } from '../repositories/records.js';
import type { Db } from '../repositories/db.js';
import {
  type Connection,
  type ItemFields,
  type OrderInput,
  type PlannedList,
  type RootList,
  rootConnection,
  rootList,
} from './connection.js';
import { checkRange, textTerms } from './filters.js';

export interface AnnouncementFilterInput {
  kinds?: AnnouncementKind[] | null;
  language?: Language | null;
  clusters?: string[] | null;
  publishedAt?: DateRange | null;
  text?: string | null;
}

export const DEFAULT_ANNOUNCEMENT_ORDER: OrderInput<AnnouncementOrderField> = { field: 'PUBLISHED_AT', direction: 'DESC' };

/** Turns the public filter into query parameters. */
export function announcementFilterParams(filter: AnnouncementFilterInput | null | undefined, field = 'filter') {
  if (!filter) return undefined;
  return {
    kinds: filter.kinds,
    language: filter.language,
    clusterSlugs: filter.clusters,
    publishedAt: checkRange(filter.publishedAt, `${field}.publishedAt`),
    textTerms: textTerms(filter.text, `${field}.text`),
  };
}

/** One announcement by slug (null when unknown, or a draft the viewer may not see). */
export const findAnnouncement = (ctx: RequestContext, slug: string): Promise<AnnouncementRecord | null> =>
  ctx.loaders.announcementBySlug.load(slug);

type AnnouncementListArgs = PageArgs & {
  filter?: AnnouncementFilterInput | null;
  orderBy?: OrderInput<AnnouncementOrderField> | null;
};

/** Announcements the viewer may see (drafts by its token), newest first unless ordered otherwise, one page. */
export function listAnnouncements(
  ctx: RequestContext,
  args: AnnouncementListArgs,
  fields?: ItemFields,
  lists?: readonly PlannedList[],
): Promise<Connection<AnnouncementRecord>> {
  const { ordering, query } = announcementListOf(ctx, args);
  return rootConnection(ctx, args, ordering, query(ctx.db), fields, toAnnouncementRecord, lists);
}

/** The announcements the viewer may see under the arguments, as listAnnouncements pages them (the pass-through writes the same page). */
export function announcementRootList(ctx: RequestContext, args: AnnouncementListArgs): RootList {
  const { ordering, query } = announcementListOf(ctx, args);
  return rootList(args, ordering, query);
}

function announcementListOf(ctx: RequestContext, args: AnnouncementListArgs) {
  const order = args.orderBy ?? DEFAULT_ANNOUNCEMENT_ORDER;
  const visibility = draftVisibility(ctx.viewer);
  const ordering = announcementOrdering(ctx.db, order.field, order.direction, visibility);
  const filter = announcementFilterParams(args.filter);
  return { ordering, query: (db: Db) => announcementListQuery(db, filter, ordering, visibility) };
}

/** The news feed an announcement was ingested from; null for one written by an editor, seeded or imported. */
export async function announcementSource(
  ctx: RequestContext,
  announcement: AnnouncementRecord,
): Promise<FeedSourceRecord | null> {
  return announcement.feedId == null ? null : ctx.loaders.feedById.load(Number(announcement.feedId));
}

/** The clusters an announcement mentions, in order, with how each mention was made. */
export const announcementMentions = (ctx: RequestContext, announcement: AnnouncementRecord): Promise<MentionRecord[]> =>
  ctx.loaders.mentionsByAnnouncement.load(Number(announcement.id));

/** The cluster of a mention (every mention has one). */
export async function mentionCluster(ctx: RequestContext, mention: MentionRecord): Promise<ClusterRecord> {
  const cluster = await ctx.loaders.clusterById.load(Number(mention.clusterId));
  if (!cluster) throw new Error(`cluster ${mention.clusterId} of a mention does not exist`);
  return cluster;
}
