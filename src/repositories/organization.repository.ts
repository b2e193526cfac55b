import type { Knex } from '@mikro-orm/knex';
import type { SortDirection } from '../lib/pagination.js';
import type { Db } from './db.js';
import { type ListQuery, type ListsAlong, type OrderColumn, fetchOneWithLists } from './keyset.js';
import { fetchWhereIn, listQuery, ordering, whereInSet } from './list-query.js';
import type { OrganizationRecord } from './records.js';
import { matchingIds } from './search.repository.js';

export type OrganizationOrderField = 'NAME' | 'ORG_NUMBER' | 'EMPLOYEES';

export interface OrganizationFilterParams {
  counties?: string[] | null;
  /** NACE code prefix, e.g. "62" or "62.01". */
  naceCodePrefix?: string | null;
  /** Organizations with a membership (current or past) in any of these cluster slugs. */
  clusterSlugs?: string[] | null;
  textTerms?: string[] | null;
}

const ORDER_COLUMNS: Record<OrganizationOrderField, OrderColumn> = {
  NAME: { expr: 'o.name', kind: 'text', property: 'name' },
  ORG_NUMBER: { expr: 'o.org_number', kind: 'text', property: 'orgNumber' },
  // Unknown head counts sort as 0 so the keyset stays total.
  EMPLOYEES: { expr: 'coalesce(o.employees, 0)', kind: 'int', property: 'employeesOrZero' },
};

export const ORGANIZATION_SELECT = [
  `'Organization' as "__typename"`,
  'o.id as "id"',
  'o.org_number as "orgNumber"',
  'o.name as "name"',
  'o.city as "city"',
  'o.county as "county"',
  'o.nace_code as "naceCode"',
  'o.employees as "employees"',
  'coalesce(o.employees, 0) as "employeesOrZero"',
  'o.website as "website"',
  'o.provenance as "provenance"',
  'o.version as "version"',
];

export const organizationOrdering = (field: OrganizationOrderField, direction: SortDirection) =>
  ordering('Organization', ORDER_COLUMNS, field, direction, 'o.id');

export function organizationListQuery(
  db: Db,
  filter: OrganizationFilterParams | null | undefined,
  order: ReturnType<typeof organizationOrdering>,
): ListQuery {
  return listQuery(db, 'organization as o', {
    select: ORGANIZATION_SELECT,
    ordering: order,
    where: (qb: Knex.QueryBuilder) => {
      if (!filter) return;
      whereInSet(qb, db, 'o.county', filter.counties);
      if (filter.naceCodePrefix) qb.whereRaw('o.nace_code like ?', [`${filter.naceCodePrefix.replace(/[%_]/g, '')}%`]);
      if (filter.clusterSlugs) {
        if (filter.clusterSlugs.length === 0) qb.whereRaw('1 = 0');
        else
          qb.whereExists(
            db.knex
              .select(db.knex.raw('1'))
              .from('membership as fm')
              .whereRaw('fm.organization_id = o.id')
              .whereIn('fm.cluster_id', db.knex('cluster').select('id').whereIn('slug', filter.clusterSlugs)),
          );
      }
      if (filter.textTerms) qb.whereRaw('o.id in (?)', [matchingIds(db, 'Organization', filter.textTerms)]);
    },
  });
}

export const fetchOrganizationsById = (db: Db, ids: readonly number[]) =>
  fetchWhereIn<OrganizationRecord>(db, 'organization as o', ORGANIZATION_SELECT, 'o.id', ids);

export const fetchOrganizationsByOrgNumber = (db: Db, orgNumbers: readonly string[]) =>
  fetchWhereIn<OrganizationRecord>(db, 'organization as o', ORGANIZATION_SELECT, 'o.org_number', orgNumbers);

/** An organization by organisation number, with the nested lists given (see EmbeddedList). */
export const fetchOrganizationWithLists = (db: Db, orgNumber: string, lists: ListsAlong) =>
  fetchOneWithLists<OrganizationRecord>(db, 'organization as o', ORGANIZATION_SELECT, 'o.org_number', orgNumber, lists);

/** Organizations after an id, in id order, leaving out one provenance (the register sync skips DEMO). */
export function fetchOrganizationsToSync(db: Db, afterId: number, limit: number, skip: string): Promise<OrganizationRecord[]> {
  const qb = db.knex
    .from(db.knex.raw('organization as o'))
    .select(db.knex.raw(ORGANIZATION_SELECT.join(', ')))
    .where('o.id', '>', afterId)
    .whereNot('o.provenance', skip)
    .orderBy('o.id')
    .limit(limit);
  return db.rows<OrganizationRecord>(qb);
}

/** How many organizations fetchOrganizationsToSync has left after an id. */
export async function countOrganizationsToSync(db: Db, afterId: number, skip: string): Promise<number> {
  const qb = db.knex.from('organization as o').count({ n: '*' }).where('o.id', '>', afterId).whereNot('o.provenance', skip);
  const [row] = await db.rows<{ n: number | string }>(qb);
  return Number(row?.n ?? 0);
}
