import type { Knex } from '@mikro-orm/knex';
import type { AnnouncementKind, Language } from '../entities/enums.js';
import type { SortDirection } from '../lib/pagination.js';
import type { Db } from './db.js';
import { parseDateTime } from './db.js';
import type { ListQuery, OrderColumn } from './keyset.js';
import { type DateRange, fetchWhereIn, listQuery, ordering, whereDateTimeRange, whereInSet } from './list-query.js';
import type { AnnouncementRecord } from './records.js';
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

const ORDER_COLUMNS: Record<AnnouncementOrderField, OrderColumn> = {
  PUBLISHED_AT: { expr: 'a.published_at', kind: 'datetime', property: 'publishedAt' },
  TITLE: { expr: 'a.title', kind: 'text', property: 'title' },
};

export const ANNOUNCEMENT_SELECT = [
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
];

export const announcementOrdering = (field: AnnouncementOrderField, direction: SortDirection) =>
  ordering('Announcement', ORDER_COLUMNS, field, direction, 'a.id');

/** Datetimes come back as the driver stores them; records carry Dates. */
export function toAnnouncementRecord(row: AnnouncementRecord): AnnouncementRecord {
  row.publishedAt = parseDateTime(row.publishedAt);
  return row;
}

function applyFilter(db: Db, filter: AnnouncementFilterParams | null | undefined) {
  return (qb: Knex.QueryBuilder) => {
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

/** All announcements (root list). */
export function announcementListQuery(
  db: Db,
  filter: AnnouncementFilterParams | null | undefined,
  order: ReturnType<typeof announcementOrdering>,
): ListQuery {
  return listQuery(db, 'announcement as a', { select: ANNOUNCEMENT_SELECT, ordering: order, where: applyFilter(db, filter) });
}

/** The announcements mentioning a cluster, per cluster. */
export function clusterAnnouncementsQuery(
  db: Db,
  filter: AnnouncementFilterParams | null | undefined,
  order: ReturnType<typeof announcementOrdering>,
): ListQuery {
  return listQuery(db, 'announcement_cluster as ac join announcement as a on a.id = ac.announcement_id', {
    select: ANNOUNCEMENT_SELECT,
    ordering: order,
    parentExpr: 'ac.cluster_id',
    where: applyFilter(db, filter),
  });
}

export const fetchAnnouncementsById = async (db: Db, ids: readonly number[]) =>
  (await fetchWhereIn<AnnouncementRecord>(db, 'announcement as a', ANNOUNCEMENT_SELECT, 'a.id', ids)).map(toAnnouncementRecord);
export const fetchAnnouncementsBySlug = async (db: Db, slugs: readonly string[]) =>
  (await fetchWhereIn<AnnouncementRecord>(db, 'announcement as a', ANNOUNCEMENT_SELECT, 'a.slug', slugs)).map(
    toAnnouncementRecord,
  );
