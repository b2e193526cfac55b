import type { Knex } from '@mikro-orm/knex';
import { CLUSTER_LEVEL_RANK } from '../entities/enums.js';
import type { ClusterFilterParams } from './cluster.repository.js';
import { LEVEL_RANK_SQL, clusterListQuery, clusterOrdering } from './cluster.repository.js';
import { CLUSTER_GROUP_MEMBERSHIP_COUNT, CLUSTER_MEMBERSHIP_COUNT } from './membership.repository.js';
import type { Db } from './db.js';
import { keptCounts } from './keyset.js';
import { whereInSet } from './list-query.js';
import type { MemberKind } from './member-figures.repository.js';

export interface KeyCount {
  key: string;
  count: number;
}

/** The ids of the clusters the filter selects, as a subquery. */
const filteredClusterIds = (db: Db, filter: ClusterFilterParams | undefined): Knex.QueryBuilder =>
  clusterListQuery(db, filter, clusterOrdering('NAME', 'ASC')).base().select('c.id');

const toKeyCounts = (rows: { key: string | number | null; count: number | string }[]): KeyCount[] =>
  rows.map((r) => ({ key: r.key === null ? 'UNKNOWN' : String(r.key), count: Number(r.count) }));

const levelOrder = (rows: KeyCount[]) =>
  rows.sort(
    (a, b) =>
      (CLUSTER_LEVEL_RANK[a.key as keyof typeof CLUSTER_LEVEL_RANK] ?? 99) -
      (CLUSTER_LEVEL_RANK[b.key as keyof typeof CLUSTER_LEVEL_RANK] ?? 99),
  );

/** Current memberships (started by `today`, not ended on it) of the filtered clusters. */
function activeMemberships(db: Db, filter: ClusterFilterParams | undefined, today: string): Knex.QueryBuilder {
  return db.knex
    .from('membership as m')
    .join('cluster as c', 'c.id', 'm.cluster_id')
    .whereIn('m.cluster_id', filteredClusterIds(db, filter))
    .whereRaw('m.joined_on <= ? and (m.left_on is null or m.left_on > ?)', [today, today]);
}

/** Clusters per level, in programme order; with `activeOn`, the clusters in the programme that day, at their level then. */
export async function clustersByLevel(db: Db, filter: ClusterFilterParams | undefined, activeOn?: string): Promise<KeyCount[]> {
  const qb = activeOn
    ? db.knex
        .from('cluster_level_period as c')
        .whereIn('c.cluster_id', filteredClusterIds(db, filter))
        .whereRaw('c.from_date <= ? and (c.to_date is null or c.to_date >= ?)', [activeOn, activeOn])
    : db.knex.from('cluster as c').whereIn('c.id', filteredClusterIds(db, filter));
  const rows = await db.rows<{ key: string; count: number }>(
    qb.groupBy('c.level').select(db.knex.raw('c.level as "key", count(*) as "count"')),
  );
  return levelOrder(toKeyCounts(rows));
}

/** Distinct member organizations per cluster level (an organization counts once per level). */
export async function membersByLevel(db: Db, filter: ClusterFilterParams | undefined, today: string): Promise<KeyCount[]> {
  const rows = await db.rows<{ key: string; count: number }>(
    activeMemberships(db, filter, today)
      .groupBy('c.level')
      .select(db.knex.raw('c.level as "key", count(distinct m.organization_id) as "count"')),
  );
  return levelOrder(toKeyCounts(rows));
}

/** Distinct member organizations per the organization's own county, largest first. */
export async function membersByCounty(db: Db, filter: ClusterFilterParams | undefined, today: string): Promise<KeyCount[]> {
  const rows = await db.rows<{ key: string; count: number }>(
    activeMemberships(db, filter, today)
      .join('organization as o', 'o.id', 'm.organization_id')
      .groupBy('o.county')
      .select(db.knex.raw('o.county as "key", count(distinct m.organization_id) as "count"'))
      .orderByRaw('count(distinct m.organization_id) desc, o.county'),
  );
  return toKeyCounts(rows);
}

/** Distinct member organizations per cluster sector, largest first. */
export async function membersBySector(db: Db, filter: ClusterFilterParams | undefined, today: string): Promise<KeyCount[]> {
  const rows = await db.rows<{ key: string; count: number }>(
    activeMemberships(db, filter, today)
      .join('cluster_sector as s', 's.cluster_id', 'm.cluster_id')
      .groupBy('s.sector')
      .select(db.knex.raw('s.sector as "key", count(distinct m.organization_id) as "count"'))
      .orderByRaw('count(distinct m.organization_id) desc, s.sector'),
  );
  return toKeyCounts(rows);
}

/** Memberships started per year (ended ones included: this is history), oldest year first: scans the rows. */
export async function membershipsByYear(db: Db, filter: ClusterFilterParams | undefined): Promise<KeyCount[]> {
  const year = db.dialect === 'sqlite' ? 'substr(m.joined_on, 1, 4)' : `to_char(m.joined_on, 'YYYY')`;
  const rows = await db.rows<{ key: string; count: number }>(
    db.knex
      .from('membership as m')
      .whereIn('m.cluster_id', filteredClusterIds(db, filter))
      .groupByRaw(year)
      .select(db.knex.raw(`${year} as "key", count(*) as "count"`))
      .orderByRaw(year),
  );
  return toKeyCounts(rows);
}

/** A filter on levels, counties and status only: what the counts kept per cluster group and year answer. */
const onlyGroupAttributes = (filter: ClusterFilterParams): boolean => {
  const { levels, counties, status, ...rest } = filter;
  return Object.values(rest).every((v) => v == null);
};

/**
 * Memberships started per year, from the counts the database keeps: per year over all clusters
 * without a filter; per cluster group (level, county, status) and year for a filter on those alone;
 * else summed per cluster and year over the filtered clusters.
 */
export async function keptMembershipsByYear(db: Db, filter: ClusterFilterParams | undefined): Promise<KeyCount[]> {
  let qb: Knex.QueryBuilder;
  if (!filter) qb = db.knex.from('membership_year_count as k');
  else if (onlyGroupAttributes(filter)) {
    qb = db.knex.from('cluster_group_year_membership_count as k');
    whereInSet(qb, db, 'k.level', filter.levels);
    whereInSet(qb, db, 'k.county', filter.counties);
    if (filter.status) qb.where('k.status', filter.status);
  } else qb = db.knex.from('cluster_year_membership_count as k').whereIn('k.cluster_id', filteredClusterIds(db, filter));
  const rows = await db.rows<{ key: string; count: number }>(
    qb
      .groupBy('k.year')
      .havingRaw('sum(k.memberships) > 0')
      .select(db.knex.raw('k.year as "key", sum(k.memberships) as "count"'))
      .orderBy('k.year'),
  );
  return toKeyCounts(rows);
}

export interface CountyLevelCount {
  county: string;
  level: string;
  count: number;
}

const toCountyLevelCounts = (rows: { county: string | null; level: string; count: number | string }[]): CountyLevelCount[] =>
  rows.map((r) => ({ county: r.county === null ? 'UNKNOWN' : r.county, level: r.level, count: Number(r.count) }));

/** Distinct member organizations per the organization's county and cluster level, by county then level: scans the rows. */
export async function membersByCountyAndLevel(
  db: Db,
  filter: ClusterFilterParams | undefined,
  today: string,
): Promise<CountyLevelCount[]> {
  const rows = await db.rows<{ county: string | null; level: string; count: number }>(
    activeMemberships(db, filter, today)
      .join('organization as o', 'o.id', 'm.organization_id')
      .groupBy('o.county', 'c.level')
      .select(db.knex.raw('o.county as "county", c.level as "level", count(distinct m.organization_id) as "count"'))
      .orderByRaw(`o.county, ${LEVEL_RANK_SQL}`),
  );
  return toCountyLevelCounts(rows);
}

/** What the kept member figures answer: every cluster, or those of one status (and, per level, of some levels). */
export interface KeptMemberScope {
  status: string;
  levels?: string[] | null;
}

const keptMembers = (db: Db, kind: MemberKind, scope: KeptMemberScope): Knex.QueryBuilder => {
  const qb = db.knex.from('member_count as k').where('k.kind', kind).where('k.status', scope.status);
  if (kind === 'LEVEL') whereInSet(qb, db, 'k.key', scope.levels);
  return qb;
};
const KEPT_COUNTY = `nullif(k.county, '')`;

/** membersByLevel from member_count. */
export async function keptMembersByLevel(db: Db, scope: KeptMemberScope): Promise<KeyCount[]> {
  const rows = await db.rows<{ key: string; count: number }>(
    keptMembers(db, 'LEVEL', scope).groupBy('k.key').select(db.knex.raw('k.key as "key", sum(k.organizations) as "count"')),
  );
  return levelOrder(toKeyCounts(rows));
}

/** membersByCounty from member_count. */
export async function keptMembersByCounty(db: Db, scope: KeptMemberScope): Promise<KeyCount[]> {
  const rows = await db.rows<{ key: string | null; count: number }>(
    keptMembers(db, 'ANY', scope)
      .select(db.knex.raw(`${KEPT_COUNTY} as "key", k.organizations as "count"`))
      .orderByRaw(`k.organizations desc, ${KEPT_COUNTY}`),
  );
  return toKeyCounts(rows);
}

/** membersBySector from member_count. */
export async function keptMembersBySector(db: Db, scope: KeptMemberScope): Promise<KeyCount[]> {
  const rows = await db.rows<{ key: string; count: number }>(
    keptMembers(db, 'SECTOR', scope)
      .groupBy('k.key')
      .select(db.knex.raw('k.key as "key", sum(k.organizations) as "count"'))
      .orderByRaw('sum(k.organizations) desc, k.key'),
  );
  return toKeyCounts(rows);
}

/** membersByCountyAndLevel from member_count. */
export async function keptMembersByCountyAndLevel(db: Db, scope: KeptMemberScope): Promise<CountyLevelCount[]> {
  const rows = await db.rows<{ county: string | null; level: string; count: number }>(
    keptMembers(db, 'LEVEL', scope)
      .select(db.knex.raw(`${KEPT_COUNTY} as "county", k.key as "level", k.organizations as "count"`))
      .orderByRaw(`${KEPT_COUNTY}, ${LEVEL_RANK_SQL.replace('c.level', 'k.key')}`),
  );
  return toCountyLevelCounts(rows);
}

/** What membership counts can be grouped by. */
export type MembershipGroupField =
  | 'CLUSTER_LEVEL'
  | 'CLUSTER_COUNTY'
  | 'CLUSTER_STATUS'
  | 'ORGANIZATION_COUNTY'
  | 'ROLE'
  | 'JOINED_YEAR';

export interface GroupCount {
  keys: string[];
  count: number;
}

/** Cluster attributes are grouped after a per-cluster pre-aggregation; the rest inside it. */
const CLUSTER_KEYS: Partial<Record<MembershipGroupField, { expr: string; order: string }>> = {
  CLUSTER_LEVEL: { expr: 'c.level', order: LEVEL_RANK_SQL },
  CLUSTER_COUNTY: { expr: 'c.county', order: 'c.county' },
  CLUSTER_STATUS: { expr: 'c.status', order: 'c.status' },
};

function membershipKeyExpr(db: Db, field: MembershipGroupField): string {
  switch (field) {
    case 'ROLE':
      return 'm.role';
    case 'ORGANIZATION_COUNTY':
      return 'o.county';
    case 'JOINED_YEAR':
      return db.dialect === 'sqlite' ? 'substr(m.joined_on, 1, 4)' : `to_char(m.joined_on, 'YYYY')`;
    default:
      throw new Error(`not a membership key: ${field}`);
  }
}

/** Every cluster's membership count as the database keeps it (clusters without memberships left out). */
const keptClusterCounts = (db: Db): Knex.QueryBuilder =>
  keptCounts(db, CLUSTER_MEMBERSHIP_COUNT).where(`kept.${CLUSTER_MEMBERSHIP_COUNT.countColumn}`, '>', 0);

/** Memberships counted per cluster (`parentId`, `count`) and per combination of the non-cluster keys (`k0`, `k1`, ...). */
function countedClusterMemberships(db: Db, inner: MembershipGroupField[], activeOn: string | undefined): Knex.QueryBuilder {
  const innerSelect = inner.map((f, i) => `${membershipKeyExpr(db, f)} as "k${i}"`);
  const qb = db.knex
    .from('membership as m')
    .select(db.knex.raw(['m.cluster_id as "parentId"', ...innerSelect, 'count(*) as "count"'].join(', ')))
    .groupByRaw(['m.cluster_id', ...inner.map((f) => membershipKeyExpr(db, f))].join(', '));
  if (inner.includes('ORGANIZATION_COUNTY')) qb.join('organization as o', 'o.id', 'm.organization_id');
  if (activeOn) qb.whereRaw('m.joined_on <= ? and (m.left_on is null or m.left_on > ?)', [activeOn, activeOn]);
  return qb;
}

/**
 * Where membershipCounts sums from: rows that carry the cluster attributes as `c.level`,
 * `c.county` and `c.status`, the non-cluster keys as `g."k0"`, ..., and a count.
 */
interface CountSource {
  from: Knex.QueryBuilder;
  count: string;
}

/** The counts the database keeps per cluster group (level, county, status): one row per group. */
const keptGroupCounts = (db: Db): CountSource => ({
  from: db.knex.from(`${CLUSTER_GROUP_MEMBERSHIP_COUNT} as c`).where('c.memberships', '>', 0),
  count: 'c.memberships',
});

/** Memberships counted per cluster (or kept per cluster), with each cluster's attributes joined. */
function perClusterCounts(
  db: Db,
  filter: ClusterFilterParams | undefined,
  inner: MembershipGroupField[],
  activeOn: string | undefined,
): CountSource {
  const innerQb = inner.length === 0 && !activeOn ? keptClusterCounts(db) : countedClusterMemberships(db, inner, activeOn);
  const from = db.knex.from(innerQb.as('g')).join('cluster as c', 'c.id', 'g.parentId');
  if (filter) from.whereIn('c.id', filteredClusterIds(db, filter));
  return { from, count: 'g."count"' };
}

/**
 * Membership rows counted per combination of the given keys, over the filtered clusters
 * (optionally only those in force on `activeOn`). By cluster attributes alone, over all clusters
 * and all time, they are the counts the database keeps per group. Otherwise memberships are first
 * counted per cluster (by cluster attributes alone: the counts the database keeps per cluster),
 * then summed per cluster attribute.
 */
export async function membershipCounts(
  db: Db,
  filter: ClusterFilterParams | undefined,
  groupBy: MembershipGroupField[],
  activeOn: string | undefined,
): Promise<GroupCount[]> {
  const inner = groupBy.filter((f) => !CLUSTER_KEYS[f]);
  const source = inner.length === 0 && !activeOn && !filter ? keptGroupCounts(db) : perClusterCounts(db, filter, inner, activeOn);

  const outerKey = (f: MembershipGroupField) => CLUSTER_KEYS[f]?.expr ?? `g."k${inner.indexOf(f)}"`;
  const outerOrder = (f: MembershipGroupField) => CLUSTER_KEYS[f]?.order ?? `g."k${inner.indexOf(f)}"`;
  const qb = source.from.select(
    db.knex.raw([...groupBy.map((f, i) => `${outerKey(f)} as "key${i}"`), `sum(${source.count}) as "count"`].join(', ')),
  );
  if (groupBy.length > 0) {
    qb.groupByRaw([...new Set(groupBy.flatMap((f) => [outerKey(f), outerOrder(f)]))].join(', '));
    qb.orderByRaw(groupBy.map(outerOrder).join(', '));
  }
  const rows = await db.rows<Record<string, string | number | null>>(qb);
  return rows.map((row) => ({
    keys: groupBy.map((_, i) => (row[`key${i}`] === null ? 'UNKNOWN' : String(row[`key${i}`]))),
    count: Number(row.count),
  }));
}
