import { CLUSTER_LEVEL_RANK, type ClusterLevel, type ClusterStatus } from '../entities/enums.js';
import type { SortDirection } from '../lib/pagination.js';
import type { Db } from './db.js';
import type { Knex } from '@mikro-orm/knex';
import { type ListQuery, type ListsAlong, type OrderColumn, fetchOneWithLists } from './keyset.js';
import { type DateRange, fetchWhereIn, listQuery, ordering, whereDateRange, whereInSet } from './list-query.js';
import type { ClusterLevelPeriodRecord, ClusterRecord } from './records.js';
import { matchingIds } from './search.repository.js';

export type ClusterOrderField = 'NAME' | 'ADMITTED_ON' | 'LEVEL';

export interface ClusterFilterParams {
  levels?: ClusterLevel[] | null;
  counties?: string[] | null;
  sectors?: string[] | null;
  status?: ClusterStatus | null;
  admittedOn?: DateRange | null;
  /** Search terms, all of which must match. */
  textTerms?: string[] | null;
}

/** Levels in programme order (Arena lowest, GCE highest), not alphabetically. */
export const LEVEL_RANK_SQL = `(case c.level ${Object.entries(CLUSTER_LEVEL_RANK)
  .map(([level, rank]) => `when '${level}' then ${rank}`)
  .join(' ')} end)`;

const ORDER_COLUMNS: Record<ClusterOrderField, OrderColumn> = {
  NAME: { expr: 'c.name', kind: 'text', property: 'name' },
  ADMITTED_ON: { expr: 'c.admitted_on', kind: 'date', property: 'admittedOn' },
  LEVEL: { expr: LEVEL_RANK_SQL, kind: 'int', property: 'levelRank' },
};

export const CLUSTER_SELECT = [
  `'Cluster' as "__typename"`,
  'c.id as "id"',
  'c.slug as "slug"',
  'c.name as "name"',
  'c.level as "level"',
  `${LEVEL_RANK_SQL} as "levelRank"`,
  'c.status as "status"',
  'c.county as "county"',
  'c.city as "city"',
  'c.description as "description"',
  'c.website as "website"',
  'c.org_number as "orgNumber"',
  'c.founded_year as "foundedYear"',
  'c.admitted_on as "admittedOn"',
  'c.provenance as "provenance"',
  'c.version as "version"',
];

export function clusterOrdering(field: ClusterOrderField, direction: SortDirection) {
  return ordering('Cluster', ORDER_COLUMNS, field, direction, 'c.id');
}

function applyClusterFilter(db: Db, filter: ClusterFilterParams | null | undefined) {
  return (qb: Knex.QueryBuilder) => {
    if (!filter) return;
    whereInSet(qb, db, 'c.level', filter.levels);
    whereInSet(qb, db, 'c.county', filter.counties);
    if (filter.status) qb.where('c.status', filter.status);
    whereDateRange(qb, 'c.admitted_on', filter.admittedOn);
    if (filter.sectors) {
      if (filter.sectors.length === 0) qb.whereRaw('1 = 0');
      else
        qb.whereExists(
          db.knex
            .select(db.knex.raw('1'))
            .from('cluster_sector as s')
            .whereRaw('s.cluster_id = c.id')
            .whereIn('s.sector', filter.sectors),
        );
    }
    if (filter.textTerms) qb.whereRaw('c.id in (?)', [matchingIds(db, 'Cluster', filter.textTerms)]);
  };
}

/** All clusters (root list). */
export function clusterListQuery(
  db: Db,
  filter: ClusterFilterParams | null | undefined,
  order: ReturnType<typeof clusterOrdering>,
): ListQuery {
  return listQuery(db, 'cluster as c', { select: CLUSTER_SELECT, ordering: order, where: applyClusterFilter(db, filter) });
}

/** The clusters an announcement mentions, per announcement. */
export function announcementClustersQuery(
  db: Db,
  filter: ClusterFilterParams | null | undefined,
  order: ReturnType<typeof clusterOrdering>,
): ListQuery {
  return listQuery(db, 'announcement_cluster as ac join cluster as c on c.id = ac.cluster_id', {
    select: CLUSTER_SELECT,
    ordering: order,
    parentExpr: 'ac.announcement_id',
    where: applyClusterFilter(db, filter),
  });
}

/** Per membership: the member organization's other clusters (not the membership's own). */
export function membershipOtherClustersQuery(
  db: Db,
  filter: ClusterFilterParams | null | undefined,
  order: ReturnType<typeof clusterOrdering>,
): ListQuery {
  return listQuery(
    db,
    'membership as pm join membership as om on om.organization_id = pm.organization_id and om.cluster_id <> pm.cluster_id join cluster as c on c.id = om.cluster_id',
    { select: CLUSTER_SELECT, ordering: order, parentExpr: 'pm.id', where: applyClusterFilter(db, filter) },
  );
}

export const fetchClustersById = (db: Db, ids: readonly number[]) =>
  fetchWhereIn<ClusterRecord>(db, 'cluster as c', CLUSTER_SELECT, 'c.id', ids);

export const fetchClustersBySlug = (db: Db, slugs: readonly string[]) =>
  fetchWhereIn<ClusterRecord>(db, 'cluster as c', CLUSTER_SELECT, 'c.slug', slugs);

/** A cluster by id or slug, with the nested lists given (see EmbeddedList). */
export const fetchClusterWithLists = (db: Db, by: 'c.id' | 'c.slug', key: number | string, lists: ListsAlong) =>
  fetchOneWithLists<ClusterRecord>(db, 'cluster as c', CLUSTER_SELECT, by, key, lists);

/** Sectors per cluster, in their given order. */
export async function fetchSectors(db: Db, clusterIds: readonly number[]): Promise<{ clusterId: number; sector: string }[]> {
  const qb = db
    .whereKeys(db.knex.from('cluster_sector as s'), 's.cluster_id', clusterIds)
    .select(db.knex.raw('s.cluster_id as "clusterId", s.sector as "sector"'))
    .orderBy(['s.cluster_id', 's.position']);
  return db.rows(qb);
}

/** Level periods per cluster, oldest first. */
export async function fetchLevelPeriods(db: Db, clusterIds: readonly number[]): Promise<ClusterLevelPeriodRecord[]> {
  const qb = db
    .whereKeys(db.knex.from('cluster_level_period as p'), 'p.cluster_id', clusterIds)
    .select(db.knex.raw('p.cluster_id as "clusterId", p.level as "level", p.from_date as "fromDate", p.to_date as "toDate"'))
    .orderBy(['p.cluster_id', 'p.from_date', 'p.id']);
  return db.rows(qb);
}

/**
 * One cluster by slug or id, and on PostgreSQL a lock on its row until the transaction ends
 * (`for no key update`: it queues writers that lock or update the cluster, not inserts that only
 * refer to it). Writers of a cluster's memberships and partnerships take it first, so a rule they
 * check by reading (no second current membership, one HOST) cannot be raced past. SQLite runs one
 * write transaction at a time, so there it only reads.
 */
export async function lockCluster(db: Db, where: { slug: string } | { id: number }): Promise<ClusterRecord | null> {
  const qb = db.knex
    .from(db.knex.raw('cluster as c'))
    .select(db.knex.raw(CLUSTER_SELECT.join(', ')))
    .where(db.knex.raw('slug' in where ? 'c.slug' : 'c.id') as unknown as string, 'slug' in where ? where.slug : where.id);
  if (db.dialect === 'postgresql') qb.forNoKeyUpdate();
  const rows = await db.rows<ClusterRecord>(qb);
  return rows[0] ?? null;
}
