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
import { type Connection, type ItemFields, type OrderInput, nestedConnection } from './connection.js';

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
export function memberships(
  ctx: RequestContext,
  parent: 'cluster' | 'organization',
  parentId: number,
  args: Args<MembershipFilterInput, MembershipOrderField>,
  fields?: ItemFields,
): Promise<Connection<MembershipRecord>> {
  const order = args.orderBy ?? { field: 'JOINED_ON', direction: 'ASC' };
  const ordering = membershipOrdering(order.field, order.direction);
  // The page carries each membership's other side; priming its loader saves that statement.
  const prime =
    parent === 'cluster'
      ? (row: MembershipRecord) => primeJoined(ctx.loaders.organizationById, row)
      : (row: MembershipRecord) => primeJoined(ctx.loaders.clusterById, row);
  return nestedConnection(
    ctx,
    `memberships.${parent}`,
    parentId,
    args,
    ordering,
    () => membershipListQuery(ctx.db, parent, args.filter, ordering),
    fields,
    prime,
  );
}

/** Partnerships of a cluster or of a partner institution. */
export function partnerships(
  ctx: RequestContext,
  parent: 'cluster' | 'partner',
  parentId: number,
  args: Args<PartnershipFilterInput, PartnershipOrderField>,
  fields?: ItemFields,
): Promise<Connection<PartnershipRecord>> {
  const order = args.orderBy ?? { field: 'SINCE', direction: 'ASC' };
  const ordering = partnershipOrdering(order.field, order.direction);
  const prime =
    parent === 'cluster'
      ? (row: PartnershipRecord) => primeJoined(ctx.loaders.partnerById, row)
      : (row: PartnershipRecord) => primeJoined(ctx.loaders.clusterById, row);
  return nestedConnection(
    ctx,
    `partnerships.${parent}`,
    parentId,
    args,
    ordering,
    () => partnershipListQuery(ctx.db, parent, args.filter, ordering),
    fields,
    prime,
  );
}

/** Announcements that mention a cluster and the viewer may see, newest first by default. */
export function clusterAnnouncements(
  ctx: RequestContext,
  clusterId: number,
  args: Args<AnnouncementFilterInput, AnnouncementOrderField>,
  fields?: ItemFields,
): Promise<Connection<AnnouncementRecord>> {
  const order = args.orderBy ?? DEFAULT_ANNOUNCEMENT_ORDER;
  const visibility = draftVisibility(ctx.viewer);
  const ordering = announcementOrdering(ctx.db, order.field, order.direction, visibility);
  const filter = announcementFilterParams(args.filter);
  return nestedConnection(
    ctx,
    'cluster.announcements',
    clusterId,
    args,
    ordering,
    () => clusterAnnouncementsQuery(ctx.db, filter, ordering, visibility),
    fields,
    toAnnouncementRecord,
  );
}

/** Clusters an announcement mentions. */
export const announcementClusters = (
  ctx: RequestContext,
  announcementId: number,
  args: Args<ClusterFilterInput, ClusterOrderField>,
  fields?: ItemFields,
) => clusterConnection(ctx, 'announcement.clusters', announcementClustersQuery, announcementId, args, fields);

/** The other clusters a membership's organization belongs to (now or before), by name by default. */
export const membershipOtherClusters = (
  ctx: RequestContext,
  membershipId: number,
  args: Args<ClusterFilterInput, ClusterOrderField>,
  fields?: ItemFields,
) => clusterConnection(ctx, 'membership.otherClusters', membershipOtherClustersQuery, membershipId, args, fields);

/** A nested list of clusters under its filter and ordering (by name by default). */
function clusterConnection(
  ctx: RequestContext,
  relation: string,
  listQuery: typeof announcementClustersQuery,
  parentId: number,
  args: Args<ClusterFilterInput, ClusterOrderField>,
  fields: ItemFields,
): Promise<Connection<ClusterRecord>> {
  const order = args.orderBy ?? DEFAULT_CLUSTER_ORDER;
  const ordering = clusterOrdering(order.field, order.direction);
  const filter = clusterFilterParams(args.filter);
  return nestedConnection(ctx, relation, parentId, args, ordering, () => listQuery(ctx.db, filter, ordering), fields);
}

/** Puts the record a page row carries (see membershipListQuery) into its by-id loader; returns the row. */
function primeJoined<R extends { id: number }, T extends object>(loader: DataLoader<number, R | null>, row: T): T {
  const joined = joinedRecord<R>(row, JOINED);
  loader.prime(Number(joined.id), joined);
  return row;
}
