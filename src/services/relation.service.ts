// The nested lists of the graph (cluster members, partners, announcements; organization
// memberships; partner partnerships; announcement clusters). Each batches across parents.
import { draftVisibility } from '../auth/permissions.js';
import type DataLoader from 'dataloader';
import type { RequestContext } from '../context/request-context.js';
import type { MembershipRole, PartnershipRole } from '../entities/enums.js';
import type { PageArgs } from '../lib/pagination.js';
import {
  type AnnouncementOrderField,
  announcementOrdering,
  clusterAnnouncementsQuery,
  toAnnouncementRecord,
} from '../repositories/announcement.repository.js';
import {
  type ClusterOrderField,
  announcementClustersQuery,
  clusterOrdering,
  membershipOtherClustersQuery,
} from '../repositories/cluster.repository.js';
import { type MembershipOrderField, membershipListQuery, membershipOrdering } from '../repositories/membership.repository.js';
import { JOINED, joinedRecord } from '../repositories/list-query.js';
import { type PartnershipOrderField, partnershipListQuery, partnershipOrdering } from '../repositories/partner.repository.js';
import type { AnnouncementRecord, ClusterRecord, MembershipRecord, PartnershipRecord } from '../repositories/records.js';
import { type AnnouncementFilterInput, DEFAULT_ANNOUNCEMENT_ORDER, announcementFilterParams } from './announcement.service.js';
import { type ClusterFilterInput, DEFAULT_CLUSTER_ORDER, clusterFilterParams } from './cluster.service.js';
import { type NestedList, type OrderInput, nestedList } from './connection.js';

export interface MembershipFilterInput {
  roles?: MembershipRole[] | null;
  activeOn?: string | null;
}
export interface PartnershipFilterInput {
  roles?: PartnershipRole[] | null;
  activeOn?: string | null;
}

type Args<F, O extends string> = PageArgs & { filter?: F | null; orderBy?: OrderInput<O> | null };

/** Memberships of a cluster or of an organization, oldest first by default. */
export function membershipList(
  _ctx: RequestContext,
  parent: 'cluster' | 'organization',
  args: Args<MembershipFilterInput, MembershipOrderField>,
): NestedList<MembershipRecord> {
  const order = args.orderBy ?? { field: 'JOINED_ON', direction: 'ASC' };
  const ordering = membershipOrdering(order.field, order.direction);
  return nestedList({
    relation: `memberships.${parent}`,
    args,
    ordering,
    query: (db) => membershipListQuery(db, parent, args.filter, ordering),
    // The page carries each membership's other side, which saves that statement.
    map: parent === 'cluster' ? (row) => attachJoined(row, 'organization') : (row) => attachJoined(row, 'cluster'),
  });
}

/** Partnerships of a cluster or of a partner institution. */
export function partnershipList(
  _ctx: RequestContext,
  parent: 'cluster' | 'partner',
  args: Args<PartnershipFilterInput, PartnershipOrderField>,
): NestedList<PartnershipRecord> {
  const order = args.orderBy ?? { field: 'SINCE', direction: 'ASC' };
  const ordering = partnershipOrdering(order.field, order.direction);
  return nestedList({
    relation: `partnerships.${parent}`,
    args,
    ordering,
    query: (db) => partnershipListQuery(db, parent, args.filter, ordering),
    map: parent === 'cluster' ? (row) => attachJoined(row, 'partner') : (row) => attachJoined(row, 'cluster'),
  });
}

/** Announcements that mention a cluster and the viewer may see, newest first by default. */
export function clusterAnnouncementList(
  ctx: RequestContext,
  args: Args<AnnouncementFilterInput, AnnouncementOrderField>,
): NestedList<AnnouncementRecord> {
  const order = args.orderBy ?? DEFAULT_ANNOUNCEMENT_ORDER;
  const visibility = draftVisibility(ctx.viewer);
  const ordering = announcementOrdering(ctx.db, order.field, order.direction, visibility);
  const filter = announcementFilterParams(args.filter);
  return nestedList({
    relation: 'cluster.announcements',
    args,
    ordering,
    query: (db) => clusterAnnouncementsQuery(db, filter, ordering, visibility),
    map: toAnnouncementRecord,
  });
}

/** Clusters an announcement mentions. */
export const announcementClusterList = (_ctx: RequestContext, args: Args<ClusterFilterInput, ClusterOrderField>) =>
  clusterList('announcement.clusters', announcementClustersQuery, args);

/** The other clusters a membership's organization belongs to (now or before), by name by default. */
export const membershipOtherClusterList = (_ctx: RequestContext, args: Args<ClusterFilterInput, ClusterOrderField>) =>
  clusterList('membership.otherClusters', membershipOtherClustersQuery, args);

/** A nested list of clusters under its filter and ordering (by name by default). */
function clusterList(
  relation: string,
  listQuery: typeof announcementClustersQuery,
  args: Args<ClusterFilterInput, ClusterOrderField>,
): NestedList<ClusterRecord> {
  const order = args.orderBy ?? DEFAULT_CLUSTER_ORDER;
  const ordering = clusterOrdering(order.field, order.direction);
  const filter = clusterFilterParams(args.filter);
  return nestedList<ClusterRecord>({ relation, args, ordering, query: (db) => listQuery(db, filter, ordering) });
}

/** The other side of a membership or partnership: the record its page carried, or from the loader. */
const carriedOr = <R>(carried: R | undefined, loader: DataLoader<number, R | null>, id: number) => carried ?? loader.load(id);

export const membershipCluster = (ctx: RequestContext, membership: MembershipRecord) =>
  carriedOr(membership.cluster, ctx.loaders.clusterById, membership.clusterId);
export const membershipOrganization = (ctx: RequestContext, membership: MembershipRecord) =>
  carriedOr(membership.organization, ctx.loaders.organizationById, membership.organizationId);
export const partnershipCluster = (ctx: RequestContext, partnership: PartnershipRecord) =>
  carriedOr(partnership.cluster, ctx.loaders.clusterById, partnership.clusterId);
export const partnershipPartner = (ctx: RequestContext, partnership: PartnershipRecord) =>
  carriedOr(partnership.partner, ctx.loaders.partnerById, partnership.partnerId);

/**
 * Puts the record a page row carries (see membershipListQuery) on the row, under the field it
 * answers; returns the row. It has only the columns asked for under that field (see selectOnly),
 * so it answers these rows' field and fills no loader.
 */
function attachJoined<T extends object>(row: T, field: string): T {
  (row as Record<string, unknown>)[field] = joinedRecord(row, JOINED);
  return row;
}
