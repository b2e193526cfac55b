import type { Knex } from '@mikro-orm/knex';
import type { AnnouncementKind, Language } from '../entities/enums.js';
import type { SortDirection } from '../lib/pagination.js';
import type { Db } from './db.js';
import { parseDateTime } from './db.js';
import { type DraftVisibility, visibleAnnouncementSql } from './draft-visibility.js';
import type { ListQuery, OrderColumn } from './keyset.js';
import { type DateRange, listQuery, ordering, whereDateTimeRange, whereInSet } from './list-query.js';
import type { AnnouncementRecord, FeedSourceRecord, MentionRecord } from './records.js';
import { matchingIds } from './search.repository.js';

export type AnnouncementOrderField = 'PUBLISHED_AT' | 'TITLE';

export interface AnnouncementFilterParams {
  kinds?: AnnouncementKind[] | null;
  language?: Language | null;
  /** Announcements mentioning any of these cluster slugs. */
  clusterSlugs?: string[] | null;
  publishedAt?: DateRange | null;
  textTerms?: string[] | null;
}

/**
 * Drafts have no publication time; for a total keyset they sort as if published at the end of
 * time: first newest-first, last oldest-first (as open memberships do by LEFT_ON). SQLite keeps
 * datetimes as epoch milliseconds, PostgreSQL as timestamptz.
 */
const publishedAtOrDraft = (db: Db) =>
  db.dialect === 'sqlite'
    ? 'coalesce(a.published_at, 253402300799999)'
    : "coalesce(a.published_at, timestamptz '9999-12-31 23:59:59.999+00')";

/**
 * A reader who sees no drafts orders by the column itself, which the (published_at, id) index
 * serves (coalesce would sort every row). On published rows both keys are equal, so a cursor from
 * either ordering means the same position in the other.
 */
const orderColumns = (db: Db, visibility: DraftVisibility): Record<AnnouncementOrderField, OrderColumn> => ({
  PUBLISHED_AT: {
    expr: visibility.drafts === 'none' ? 'a.published_at' : publishedAtOrDraft(db),
    kind: 'datetime',
    property: 'publishedAtOrDraft',
  },
  TITLE: { expr: 'a.title', kind: 'text', property: 'title' },
});

const BASE_SELECT = [
  `'Announcement' as "__typename"`,
  'a.id as "id"',
  'a.slug as "slug"',
  'a.title as "title"',
  'a.body as "body"',
  'a.language as "language"',
  'a.published_at as "publishedAt"',
  'a.kind as "kind"',
  'a.source_url as "sourceUrl"',
  'a.provenance as "provenance"',
  'a.status as "status"',
  'a.version as "version"',
  'a.feed_id as "feedId"',
];

/** The columns of an announcement record, with the sort key of PUBLISHED_AT. */
export const announcementSelect = (db: Db) => [...BASE_SELECT, `${publishedAtOrDraft(db)} as "publishedAtOrDraft"`];

export const announcementOrdering = (
  db: Db,
  field: AnnouncementOrderField,
  direction: SortDirection,
  visibility: DraftVisibility,
) => ordering('Announcement', orderColumns(db, visibility), field, direction, 'a.id');

/** Datetimes come back as the driver stores them; records carry Dates. */
export function toAnnouncementRecord(row: AnnouncementRecord): AnnouncementRecord {
  row.publishedAt = row.publishedAt == null ? null : parseDateTime(row.publishedAt);
  return row;
}

function whereVisible(qb: Knex.QueryBuilder, db: Db, visibility: DraftVisibility): void {
  const condition = visibleAnnouncementSql(db, visibility);
  if (condition) qb.whereRaw(condition);
}

function applyFilter(db: Db, filter: AnnouncementFilterParams | null | undefined, visibility: DraftVisibility) {
  return (qb: Knex.QueryBuilder) => {
    whereVisible(qb, db, visibility);
    if (!filter) return;
    whereInSet(qb, db, 'a.kind', filter.kinds);
    if (filter.language) qb.where('a.language', filter.language);
    whereDateTimeRange(qb, db, 'a.published_at', filter.publishedAt);
    if (filter.clusterSlugs) {
      if (filter.clusterSlugs.length === 0) qb.whereRaw('1 = 0');
      else
        qb.whereExists(
          db.knex
            .select(db.knex.raw('1'))
            .from('announcement_cluster as fac')
            .whereRaw('fac.announcement_id = a.id')
            .whereIn('fac.cluster_id', db.knex('cluster').select('id').whereIn('slug', filter.clusterSlugs)),
        );
    }
    if (filter.textTerms) qb.whereRaw('a.id in (?)', [matchingIds(db, 'Announcement', filter.textTerms)]);
  };
}

/** All announcements the reader may see (root list). */
export function announcementListQuery(
  db: Db,
  filter: AnnouncementFilterParams | null | undefined,
  order: ReturnType<typeof announcementOrdering>,
  visibility: DraftVisibility,
): ListQuery {
  return listQuery(db, 'announcement as a', {
    select: announcementSelect(db),
    ordering: order,
    where: applyFilter(db, filter, visibility),
  });
}

/** The announcements mentioning a cluster that the reader may see, per cluster. */
export function clusterAnnouncementsQuery(
  db: Db,
  filter: AnnouncementFilterParams | null | undefined,
  order: ReturnType<typeof announcementOrdering>,
  visibility: DraftVisibility,
): ListQuery {
  return listQuery(db, 'announcement_cluster as ac join announcement as a on a.id = ac.announcement_id', {
    select: announcementSelect(db),
    ordering: order,
    parentExpr: 'ac.cluster_id',
    where: applyFilter(db, filter, visibility),
  });
}

/** Announcements whose `column` is one of `keys`, those the reader may see. */
async function fetchVisibleWhereIn(
  db: Db,
  column: 'a.id' | 'a.slug',
  keys: readonly (string | number)[],
  visibility: DraftVisibility,
): Promise<AnnouncementRecord[]> {
  if (keys.length === 0) return [];
  const qb = db.whereKeys(
    db.knex.from(db.knex.raw('announcement as a')).select(db.knex.raw(announcementSelect(db).join(', '))),
    column,
    keys,
  );
  whereVisible(qb, db, visibility);
  return (await db.rows<AnnouncementRecord>(qb)).map(toAnnouncementRecord);
}

export const fetchAnnouncementsById = (db: Db, ids: readonly number[], visibility: DraftVisibility) =>
  fetchVisibleWhereIn(db, 'a.id', ids, visibility);
export const fetchAnnouncementsBySlug = (db: Db, slugs: readonly string[], visibility: DraftVisibility) =>
  fetchVisibleWhereIn(db, 'a.slug', slugs, visibility);

/** The feeds of these ids (an announcement's `source`). */
export function fetchFeedsById(db: Db, ids: readonly number[]): Promise<FeedSourceRecord[]> {
  return db.rows(
    db
      .whereKeys(db.knex.from('feed as f'), 'f.id', ids)
      .select(db.knex.raw('f.id as "id", f.url as "feedUrl", f.title as "title"')),
  );
}

/** The mentions of these announcements, in order, with how each was made. */
export function fetchMentions(db: Db, announcementIds: readonly number[]): Promise<MentionRecord[]> {
  return db.rows(
    db
      .whereKeys(db.knex.from('announcement_cluster as ac'), 'ac.announcement_id', announcementIds)
      .select(
        db.knex.raw(
          'ac.announcement_id as "announcementId", ac.cluster_id as "clusterId", ac.position as "position", ac.matched_by as "matchedBy", ac.matched_text as "matchedText"',
        ),
      )
      .orderBy(['ac.announcement_id', 'ac.position', 'ac.id']),
  );
}
