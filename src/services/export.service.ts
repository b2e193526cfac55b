// Whole lists and statistics as tables, for CSV downloads: the same filters, orderings and draft
// visibility as the GraphQL lists, read in keyset pages so no list is ever held whole in memory.
import { draftVisibility } from '../auth/permissions.js';
import { type RequestContext, resetLoaders } from '../context/request-context.js';
import { notFound } from '../lib/errors.js';
import { toGlobalId } from '../lib/global-id.js';
import {
  type AnnouncementOrderField,
  announcementListQuery,
  announcementOrdering,
  toAnnouncementRecord,
} from '../repositories/announcement.repository.js';
import { type ClusterOrderField, clusterListQuery, clusterOrdering } from '../repositories/cluster.repository.js';
import { type ListQuery, cursorOf, fetchRootPage, forParent } from '../repositories/keyset.js';
import type { MembershipOrderField } from '../repositories/membership.repository.js';
import type { AnnouncementRecord, ClusterRecord, MembershipRecord } from '../repositories/records.js';
import type { MembershipGroupField } from '../repositories/stats.repository.js';
import { type AnnouncementFilterInput, DEFAULT_ANNOUNCEMENT_ORDER, announcementFilterParams } from './announcement.service.js';
import { type ClusterFilterInput, DEFAULT_CLUSTER_ORDER, clusterFilterParams, findCluster } from './cluster.service.js';
import type { OrderInput } from './connection.js';
import { type MembershipFilterInput, membershipList } from './relation.service.js';
import { membershipCounts, programmeStats } from './stats.service.js';

/** Rows read per statement: large enough that a long list costs few statements, small enough to stream. */
export const EXPORT_PAGE_SIZE = 500;

/** A cell: text, a number, or empty. */
export type ExportCell = string | number | null;

/**
 * A table being read: its column names and its rows, a page (one statement) at a time. Nothing is
 * read before the first page is asked for; errors in the arguments are thrown when the table is
 * made, so they come before anything is sent.
 */
export interface ExportTable {
  columns: readonly string[];
  pages: AsyncIterable<ExportCell[][]>;
}

export interface ExportOptions {
  /** Rows per statement (EXPORT_PAGE_SIZE unless a test wants many pages of little data). */
  pageSize?: number;
}

/**
 * The rows of a list query in its ordering, page after page by keyset (`(order value, id) > last`),
 * as Query.clusters pages them. Each page gets fresh loaders, so what a page looked up (sectors,
 * mentions) is not kept for the rest of the export.
 */
async function* keysetPages<R extends object>(
  ctx: RequestContext,
  query: ListQuery,
  pageSize: number,
  map?: (row: R) => R,
): AsyncGenerator<R[]> {
  let cursor: ReturnType<typeof cursorOf> | undefined;
  for (;;) {
    resetLoaders(ctx);
    const rows = await fetchRootPage<R>(ctx.db, () => query, { limit: pageSize, forward: true, cursor });
    const page = rows.slice(0, pageSize);
    if (page.length > 0) yield map ? page.map(map) : page;
    if (rows.length <= pageSize) return;
    cursor = cursorOf(query.ordering, page[page.length - 1] as Record<string, unknown>);
  }
}

/** A list of values in one cell, as `a; b; c`. */
const joined = (values: readonly string[]) => values.join('; ');

export const CLUSTER_COLUMNS = [
  'id',
  'slug',
  'name',
  'level',
  'status',
  'county',
  'city',
  'sectors',
  'admittedOn',
  'foundedYear',
  'orgNumber',
  'website',
  'provenance',
  'description',
] as const;

/** Clusters by the ClusterFilter and ordering of Query.clusters. */
export function exportClusters(
  ctx: RequestContext,
  args: { filter?: ClusterFilterInput | null; orderBy?: OrderInput<ClusterOrderField> | null },
  options: ExportOptions = {},
): ExportTable {
  const order = args.orderBy ?? DEFAULT_CLUSTER_ORDER;
  const ordering = clusterOrdering(order.field, order.direction);
  const query = clusterListQuery(ctx.db, clusterFilterParams(args.filter), ordering);
  return {
    columns: CLUSTER_COLUMNS,
    pages: (async function* () {
      for await (const clusters of keysetPages<ClusterRecord>(ctx, query, options.pageSize ?? EXPORT_PAGE_SIZE)) {
        const sectors = await ctx.loaders.sectorsByCluster.loadMany(clusters.map((c) => c.id));
        yield clusters.map((c, index) => {
          const own = sectors[index];
          return [
            toGlobalId('Cluster', c.id),
            c.slug,
            c.name,
            c.level,
            c.status,
            c.county,
            c.city,
            own instanceof Error ? '' : joined(own.map((s) => s.sector)),
            c.admittedOn,
            c.foundedYear,
            c.orgNumber,
            c.website,
            c.provenance,
            c.description,
          ];
        });
      }
    })(),
  };
}

export const MEMBERSHIP_COLUMNS = [
  'id',
  'clusterSlug',
  'clusterName',
  'clusterLevel',
  'orgNumber',
  'organizationName',
  'organizationCounty',
  'role',
  'joinedOn',
  'leftOn',
] as const;

type MembershipArgs = { filter?: MembershipFilterInput | null; orderBy?: OrderInput<MembershipOrderField> | null };

/** One cluster's memberships (Cluster.members), in pages, as rows. */
async function* clusterMembershipRows(
  ctx: RequestContext,
  cluster: ClusterRecord,
  args: MembershipArgs,
  pageSize: number,
): AsyncGenerator<ExportCell[][]> {
  const list = membershipList(ctx, 'cluster', args);
  const map = list.map?.bind(list);
  for await (const memberships of keysetPages<MembershipRecord>(ctx, forParent(list.query(ctx.db), cluster.id), pageSize, map)) {
    yield memberships.map((m) => [
      toGlobalId('Membership', m.id),
      cluster.slug,
      cluster.name,
      cluster.level,
      m.organization?.orgNumber ?? null,
      m.organization?.name ?? null,
      m.organization?.county ?? null,
      m.role,
      m.joinedOn,
      m.leftOn,
    ]);
  }
}

/** A cluster's members (Cluster.members with its MembershipFilter and ordering); an unknown slug is NOT_FOUND. */
export async function exportClusterMembers(
  ctx: RequestContext,
  slug: string,
  args: MembershipArgs,
  options: ExportOptions = {},
): Promise<ExportTable> {
  const cluster = await findCluster(ctx, { slug });
  if (!cluster) throw notFound(`No cluster has the slug "${slug}".`, 'cluster');
  return {
    columns: MEMBERSHIP_COLUMNS,
    pages: clusterMembershipRows(ctx, cluster, args, options.pageSize ?? EXPORT_PAGE_SIZE),
  };
}

/**
 * Memberships of every cluster a ClusterFilter selects, filtered like Cluster.members: what
 * `clusters(filter) { nodes { members(filter, orderBy) } }` lists, clusters by name, each cluster's
 * memberships in the membership ordering. Cluster by cluster, so each page reads the
 * (cluster, joined_on, id) index rather than sorting every membership.
 */
export function exportMemberships(
  ctx: RequestContext,
  args: MembershipArgs & { clusters?: ClusterFilterInput | null },
  options: ExportOptions = {},
): ExportTable {
  const pageSize = options.pageSize ?? EXPORT_PAGE_SIZE;
  const clusters = clusterListQuery(ctx.db, clusterFilterParams(args.clusters), clusterOrdering('NAME', 'ASC'));
  return {
    columns: MEMBERSHIP_COLUMNS,
    pages: (async function* () {
      for await (const page of keysetPages<ClusterRecord>(ctx, clusters, pageSize)) {
        for (const cluster of page) yield* clusterMembershipRows(ctx, cluster, args, pageSize);
      }
    })(),
  };
}

export const ANNOUNCEMENT_COLUMNS = [
  'id',
  'slug',
  'title',
  'status',
  'kind',
  'language',
  'publishedAt',
  'clusters',
  'sourceUrl',
  'provenance',
] as const;

/** Announcements the caller may see (drafts by its token, as Query.announcements), by the AnnouncementFilter and ordering. */
export function exportAnnouncements(
  ctx: RequestContext,
  args: { filter?: AnnouncementFilterInput | null; orderBy?: OrderInput<AnnouncementOrderField> | null },
  options: ExportOptions = {},
): ExportTable {
  const order = args.orderBy ?? DEFAULT_ANNOUNCEMENT_ORDER;
  const visibility = draftVisibility(ctx.viewer);
  const ordering = announcementOrdering(ctx.db, order.field, order.direction, visibility);
  const query = announcementListQuery(ctx.db, announcementFilterParams(args.filter), ordering, visibility);
  return {
    columns: ANNOUNCEMENT_COLUMNS,
    pages: (async function* () {
      const pages = keysetPages<AnnouncementRecord>(ctx, query, options.pageSize ?? EXPORT_PAGE_SIZE, toAnnouncementRecord);
      for await (const announcements of pages) {
        const mentions = await ctx.loaders.mentionsByAnnouncement.loadMany(announcements.map((a) => Number(a.id)));
        const clusterIds = [...new Set(mentions.flatMap((m) => (m instanceof Error ? [] : m.map((x) => Number(x.clusterId)))))];
        const clusters = new Map<number, string>();
        for (const cluster of await ctx.loaders.clusterById.loadMany(clusterIds)) {
          if (cluster && !(cluster instanceof Error)) clusters.set(cluster.id, cluster.slug);
        }
        yield announcements.map((a, index) => {
          const own = mentions[index];
          const slugs = own instanceof Error ? [] : own.map((m) => clusters.get(Number(m.clusterId)) ?? '');
          return [
            toGlobalId('Announcement', Number(a.id)),
            a.slug,
            a.title,
            a.status,
            a.kind,
            a.language,
            a.publishedAt ? a.publishedAt.toISOString() : null,
            joined(slugs),
            a.sourceUrl,
            a.provenance,
          ];
        });
      }
    })(),
  };
}

type ProgrammeStats = ReturnType<typeof programmeStats>;
const keyCountRows = async (rows: Promise<{ key: string; count: number }[]>) => (await rows).map((r) => [r.key, r.count]);

/** The figures of ProgrammeStats, by their export names (kebab-case of the field): columns and rows. */
export const STATISTICS = {
  'clusters-by-level': {
    columns: ['key', 'count'],
    rows: (stats: ProgrammeStats, activeOn: string | null) => keyCountRows(stats.clustersByLevel(activeOn)),
  },
  'members-by-level': { columns: ['key', 'count'], rows: (stats: ProgrammeStats) => keyCountRows(stats.membersByLevel) },
  'members-by-county': { columns: ['key', 'count'], rows: (stats: ProgrammeStats) => keyCountRows(stats.membersByCounty) },
  'members-by-sector': { columns: ['key', 'count'], rows: (stats: ProgrammeStats) => keyCountRows(stats.membersBySector) },
  'members-by-county-and-level': {
    columns: ['county', 'level', 'count'],
    rows: async (stats: ProgrammeStats) => (await stats.membersByCountyAndLevel).map((r) => [r.county, r.level, r.count]),
  },
  'memberships-by-year': { columns: ['key', 'count'], rows: (stats: ProgrammeStats) => keyCountRows(stats.membershipsByYear) },
} as const;
export type StatisticName = keyof typeof STATISTICS;

/** One figure of `stats(filter:)`, in the order GraphQL lists it (`activeOn`: clusters-by-level's argument). */
export function exportStatistic(
  ctx: RequestContext,
  name: StatisticName,
  filter: ClusterFilterInput | null,
  activeOn: string | null = null,
): ExportTable {
  const stats = programmeStats(ctx, filter);
  const figure = STATISTICS[name];
  return {
    columns: [...figure.columns],
    pages: (async function* () {
      yield await figure.rows(stats, activeOn);
    })(),
  };
}

/** `stats(filter:) { membershipCounts(groupBy:, activeOn:) }`: a column per grouping field, then the count. */
export function exportMembershipCounts(
  ctx: RequestContext,
  args: { filter: ClusterFilterInput | null; groupBy: MembershipGroupField[]; activeOn?: string | null },
): ExportTable {
  const stats = programmeStats(ctx, args.filter);
  const groupBy = [...new Set(args.groupBy)];
  const counts = membershipCounts(ctx, stats.params, groupBy, args.activeOn);
  // Refused arguments are thrown now; an unhandled rejection must not wait for the first page.
  counts.catch(() => {});
  return {
    columns: [...groupBy, 'count'],
    pages: (async function* () {
      yield (await counts).map((r) => [...r.keys, r.count]);
    })(),
  };
}
