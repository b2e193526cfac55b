import type { Knex } from '@mikro-orm/knex';
import type { PartnerKind, PartnershipRole } from '../entities/enums.js';
import type { SortDirection } from '../lib/pagination.js';
import type { Db } from './db.js';
import type { StayRow } from './membership.repository.js';
import { type ListQuery, type ListsAlong, type OrderColumn, fetchOneWithLists } from './keyset.js';
import { CLUSTER_SELECT } from './cluster.repository.js';
import { JOINED, fetchWhereIn, listQuery, ordering, prefixedSelect, whereInSet } from './list-query.js';
import type { PartnerRecord, PartnershipRecord } from './records.js';
import { matchingIds } from './search.repository.js';

export type PartnerOrderField = 'NAME';
export type PartnershipOrderField = 'SINCE';

export interface PartnerFilterParams {
  kinds?: PartnerKind[] | null;
  textTerms?: string[] | null;
}

export interface PartnershipFilterParams {
  roles?: PartnershipRole[] | null;
  /** Partnerships in force on this date: begun on or before it, not yet ended. */
  activeOn?: string | null;
}

const PARTNER_ORDER: Record<PartnerOrderField, OrderColumn> = {
  NAME: { expr: 'p.name', kind: 'text', property: 'name' },
};
const PARTNERSHIP_ORDER: Record<PartnershipOrderField, OrderColumn> = {
  SINCE: { expr: 'ps.since', kind: 'date', property: 'since' },
};

export const PARTNER_SELECT = [
  `'PartnerInstitution' as "__typename"`,
  'p.id as "id"',
  'p.slug as "slug"',
  'p.name as "name"',
  'p.kind as "kind"',
  'p.org_number as "orgNumber"',
  'p.city as "city"',
  'p.website as "website"',
  'p.provenance as "provenance"',
  'p.version as "version"',
];

export const PARTNERSHIP_SELECT = [
  `'Partnership' as "__typename"`,
  'ps.id as "id"',
  'ps.cluster_id as "clusterId"',
  'ps.partner_id as "partnerId"',
  'ps.role as "role"',
  'ps.since as "since"',
  'ps.until as "until"',
  'ps.version as "version"',
];

export const partnerOrdering = (field: PartnerOrderField, direction: SortDirection) =>
  ordering('PartnerInstitution', PARTNER_ORDER, field, direction, 'p.id');
export const partnershipOrdering = (field: PartnershipOrderField, direction: SortDirection) =>
  ordering('Partnership', PARTNERSHIP_ORDER, field, direction, 'ps.id');

export function partnerListQuery(
  db: Db,
  filter: PartnerFilterParams | null | undefined,
  order: ReturnType<typeof partnerOrdering>,
): ListQuery {
  return listQuery(db, 'partner_institution as p', {
    select: PARTNER_SELECT,
    ordering: order,
    where: (qb: Knex.QueryBuilder) => {
      whereInSet(qb, db, 'p.kind', filter?.kinds);
      if (filter?.textTerms) qb.whereRaw('p.id in (?)', [matchingIds(db, 'PartnerInstitution', filter.textTerms)]);
    },
  });
}

/** Partnerships per cluster or per partner institution. */
export function partnershipListQuery(
  db: Db,
  parent: 'cluster' | 'partner',
  filter: PartnershipFilterParams | null | undefined,
  order: ReturnType<typeof partnershipOrdering>,
): ListQuery {
  // Each partnership carries its partner (under a cluster) or its cluster (under a partner).
  return listQuery(db, 'partnership as ps', {
    pageJoin:
      parent === 'cluster'
        ? 'join partner_institution as p on p.id = ps.partner_id'
        : 'join cluster as c on c.id = ps.cluster_id',
    select: [...PARTNERSHIP_SELECT, ...prefixedSelect(parent === 'cluster' ? PARTNER_SELECT : CLUSTER_SELECT, JOINED)],
    joinedAs: parent === 'cluster' ? 'partner' : 'cluster',
    ordering: order,
    parentExpr: parent === 'cluster' ? 'ps.cluster_id' : 'ps.partner_id',
    where: (qb: Knex.QueryBuilder) => {
      whereInSet(qb, db, 'ps.role', filter?.roles);
      if (filter?.activeOn) {
        // Like a membership's leftOn, `until` is the first day without the partnership.
        qb.whereRaw('ps.since <= ? and (ps.until is null or ps.until > ?)', [filter.activeOn, filter.activeOn]);
      }
    },
  });
}

export const fetchPartnersById = (db: Db, ids: readonly number[]) =>
  fetchWhereIn<PartnerRecord>(db, 'partner_institution as p', PARTNER_SELECT, 'p.id', ids);
export const fetchPartnersBySlug = (db: Db, slugs: readonly string[]) =>
  fetchWhereIn<PartnerRecord>(db, 'partner_institution as p', PARTNER_SELECT, 'p.slug', slugs);
/** A partner institution by slug, with the nested lists given (see EmbeddedList). */
export const fetchPartnerWithLists = (db: Db, slug: string, lists: ListsAlong) =>
  fetchOneWithLists<PartnerRecord>(db, 'partner_institution as p', PARTNER_SELECT, 'p.slug', slug, lists);
export const fetchPartnershipsById = (db: Db, ids: readonly number[]) =>
  fetchWhereIn<PartnershipRecord>(db, 'partnership as ps', PARTNERSHIP_SELECT, 'ps.id', ids);

/** Every partnership (current and ended) of one partner with one cluster, oldest first. */
export const fetchPartnershipStays = (db: Db, clusterId: number, partnerId: number) =>
  db.rows<StayRow>(
    db.knex
      .from(db.knex.raw('partnership as ps'))
      .select(db.knex.raw('ps.id as "id", ps.since as "from", ps.until as "to"'))
      .where({ 'ps.cluster_id': clusterId, 'ps.partner_id': partnerId })
      .orderBy(['ps.since', 'ps.id']),
  );
