import type { Knex } from '@mikro-orm/knex';
import type { MembershipRole } from '../entities/enums.js';
import type { SortDirection } from '../lib/pagination.js';
import type { Db } from './db.js';
import type { ListQuery, OrderColumn } from './keyset.js';
import { fetchWhereIn, listQuery, ordering, whereInSet } from './list-query.js';
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
];

export const membershipOrdering = (field: MembershipOrderField, direction: SortDirection) =>
  ordering('Membership', ORDER_COLUMNS, field, direction, 'm.id');

/** Memberships per cluster or per organization. */
export function membershipListQuery(
  db: Db,
  parent: 'cluster' | 'organization',
  filter: MembershipFilterParams | null | undefined,
  order: ReturnType<typeof membershipOrdering>,
): ListQuery {
  return listQuery(db, 'membership as m', {
    select: MEMBERSHIP_SELECT,
    ordering: order,
    parentExpr: parent === 'cluster' ? 'm.cluster_id' : 'm.organization_id',
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
