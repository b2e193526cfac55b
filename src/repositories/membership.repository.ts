import type { Knex } from '@mikro-orm/knex';
import { MembershipRole } from '../entities/enums.js';
import type { SortDirection } from '../lib/pagination.js';
import type { Db } from './db.js';
import type { KeptCount, ListQuery, OrderColumn } from './keyset.js';
import { CLUSTER_SELECT } from './cluster.repository.js';
import { JOINED, fetchWhereIn, listQuery, ordering, prefixedSelect, whereInSet } from './list-query.js';
import { ORGANIZATION_SELECT } from './organization.repository.js';
import type { MembershipRecord } from './records.js';

export type MembershipOrderField = 'JOINED_ON' | 'LEFT_ON';

export interface MembershipFilterParams {
  roles?: MembershipRole[] | null;
  /** Memberships active on this date: joined on or before it, not left before or on it. */
  activeOn?: string | null;
}

const ORDER_COLUMNS: Record<MembershipOrderField, OrderColumn> = {
  JOINED_ON: { expr: 'm.joined_on', kind: 'date', property: 'joinedOn' },
  // Open memberships sort last going up: they have not ended.
  LEFT_ON: { expr: "coalesce(m.left_on, '9999-12-31')", kind: 'date', property: 'leftOnOrOpen' },
};

export const MEMBERSHIP_SELECT = [
  `'Membership' as "__typename"`,
  'm.id as "id"',
  'm.cluster_id as "clusterId"',
  'm.organization_id as "organizationId"',
  'm.role as "role"',
  'm.joined_on as "joinedOn"',
  'm.left_on as "leftOn"',
  `coalesce(m.left_on, '9999-12-31') as "leftOnOrOpen"`,
  'm.version as "version"',
];

export const membershipOrdering = (field: MembershipOrderField, direction: SortDirection) =>
  ordering('Membership', ORDER_COLUMNS, field, direction, 'm.id');

/** Every cluster's membership count, kept by triggers (see the cluster_membership_count migration). */
export const CLUSTER_MEMBERSHIP_COUNT: KeptCount = {
  table: 'cluster_membership_count',
  parentColumn: 'cluster_id',
  countColumn: 'memberships',
};

/** Memberships per cluster group (level, county, status), kept by triggers (see the cluster_group_membership_count migration). */
export const CLUSTER_GROUP_MEMBERSHIP_COUNT = 'cluster_group_membership_count';

/**
 * Memberships per cluster (each with its organization under JOINED) or per organization (each with
 * its cluster): the side a client follows next comes in the same statement.
 */
export function membershipListQuery(
  db: Db,
  parent: 'cluster' | 'organization',
  filter: MembershipFilterParams | null | undefined,
  order: ReturnType<typeof membershipOrdering>,
): ListQuery {
  return listQuery(db, 'membership as m', {
    pageJoin:
      parent === 'cluster' ? 'join organization as o on o.id = m.organization_id' : 'join cluster as c on c.id = m.cluster_id',
    select: [...MEMBERSHIP_SELECT, ...prefixedSelect(parent === 'cluster' ? ORGANIZATION_SELECT : CLUSTER_SELECT, JOINED)],
    joinedAs: parent === 'cluster' ? 'organization' : 'cluster',
    ordering: order,
    parentExpr: parent === 'cluster' ? 'm.cluster_id' : 'm.organization_id',
    keptCount: parent === 'cluster' && !filter?.roles && !filter?.activeOn ? CLUSTER_MEMBERSHIP_COUNT : undefined,
    where: (qb: Knex.QueryBuilder) => {
      whereInSet(qb, db, 'm.role', filter?.roles);
      if (filter?.activeOn) {
        qb.whereRaw('m.joined_on <= ? and (m.left_on is null or m.left_on > ?)', [filter.activeOn, filter.activeOn]);
      }
    },
  });
}

export const fetchMembershipsById = (db: Db, ids: readonly number[]) =>
  fetchWhereIn<MembershipRecord>(db, 'membership as m', MEMBERSHIP_SELECT, 'm.id', ids);

/** A stay of an organization in a cluster, or of a partner with a cluster: when it began and ended. */
export interface StayRow {
  id: number;
  from: string;
  /** The first day after it; null while it lasts. */
  to: string | null;
}

/** Every membership (current and ended) of one organization in one cluster, oldest first. */
export const fetchMembershipStays = (db: Db, clusterId: number, organizationId: number) =>
  db.rows<StayRow>(
    db.knex
      .from(db.knex.raw('membership as m'))
      .select(db.knex.raw('m.id as "id", m.joined_on as "from", m.left_on as "to"'))
      .where({ 'm.cluster_id': clusterId, 'm.organization_id': organizationId })
      .orderBy(['m.joined_on', 'm.id']),
  );

/** The cluster's current HOST membership (id and organization), if it has one. */
export async function fetchCurrentHost(db: Db, clusterId: number): Promise<{ id: number; organizationId: number } | null> {
  const rows = await db.rows<{ id: number; organizationId: number }>(
    db.knex
      .from(db.knex.raw('membership as m'))
      .select(db.knex.raw('m.id as "id", m.organization_id as "organizationId"'))
      .where({ 'm.cluster_id': clusterId, 'm.role': MembershipRole.HOST })
      .whereNull('m.left_on')
      .orderBy('m.id')
      .limit(1),
  );
  return rows[0] ?? null;
}
