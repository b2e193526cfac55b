import type { RequestContext } from '../context/request-context.js';
import type { ClusterLevel, ClusterStatus } from '../entities/enums.js';
import { badInput } from '../lib/errors.js';
import { fromGlobalIdOf } from '../lib/global-id.js';
import type { PageArgs } from '../lib/pagination.js';
import {
  type ClusterOrderField,
  clusterListQuery,
  clusterOrdering,
  fetchClusterWithLists,
} from '../repositories/cluster.repository.js';
import type { Db } from '../repositories/db.js';
import type { DateRange } from '../repositories/list-query.js';
import type { ClusterLevelPeriodRecord, ClusterRecord } from '../repositories/records.js';
import {
  type Connection,
  type ItemFields,
  type OrderInput,
  type PlannedList,
  type RootList,
  findWithLists,
  rootConnection,
  rootList,
} from './connection.js';
import { checkRange, textTerms } from './filters.js';

export interface ClusterFilterInput {
  levels?: ClusterLevel[] | null;
  counties?: string[] | null;
  sectors?: string[] | null;
  status?: ClusterStatus | null;
  admittedOn?: DateRange | null;
  text?: string | null;
}

export const DEFAULT_CLUSTER_ORDER: OrderInput<ClusterOrderField> = { field: 'NAME', direction: 'ASC' };

/** Turns the public filter into query parameters (validating ranges and search text). */
export function clusterFilterParams(filter: ClusterFilterInput | null | undefined, field = 'filter') {
  if (!filter) return undefined;
  return {
    levels: filter.levels,
    counties: filter.counties,
    sectors: filter.sectors,
    status: filter.status,
    admittedOn: checkRange(filter.admittedOn, `${field}.admittedOn`),
    textTerms: textTerms(filter.text, `${field}.text`),
  };
}

/** One cluster by slug or by global id (exactly one of them). */
export async function findCluster(
  ctx: RequestContext,
  by: { slug?: string | null; id?: string | null },
  lists?: readonly PlannedList[],
): Promise<ClusterRecord | null> {
  if ((by.slug == null) === (by.id == null))
    throw badInput('Give exactly one of "slug" and "id".', by.slug == null ? 'slug' : 'id');
  if (by.slug != null) {
    const slug = by.slug;
    return findWithLists(ctx, ctx.loaders.clusterBySlug, slug, lists, (embedded) =>
      fetchClusterWithLists(ctx.db, 'c.slug', slug, embedded),
    );
  }
  const id = fromGlobalIdOf('Cluster', by.id as string);
  return findWithLists(ctx, ctx.loaders.clusterById, id, lists, (embedded) =>
    fetchClusterWithLists(ctx.db, 'c.id', id, embedded),
  );
}

type ClusterListArgs = PageArgs & { filter?: ClusterFilterInput | null; orderBy?: OrderInput<ClusterOrderField> | null };

/** Clusters, filtered and ordered, one page. */
export function listClusters(
  ctx: RequestContext,
  args: ClusterListArgs,
  fields?: ItemFields,
  lists?: readonly PlannedList[],
): Promise<Connection<ClusterRecord>> {
  const { ordering, query } = clusterListOf(args);
  return rootConnection(ctx, args, ordering, query(ctx.db), fields, undefined, lists);
}

/** Clusters under the arguments, as listClusters pages them (the pass-through writes the same page). */
export function clusterRootList(args: ClusterListArgs): RootList {
  const { ordering, query } = clusterListOf(args);
  return rootList(args, ordering, query);
}

function clusterListOf(args: ClusterListArgs) {
  const order = args.orderBy ?? DEFAULT_CLUSTER_ORDER;
  const ordering = clusterOrdering(order.field, order.direction);
  const filter = clusterFilterParams(args.filter);
  return { ordering, query: (db: Db) => clusterListQuery(db, filter, ordering) };
}

/** A cluster's sectors, in their given order. */
export async function clusterSectors(ctx: RequestContext, clusterId: number): Promise<string[]> {
  return (await ctx.loaders.sectorsByCluster.load(clusterId)).map((s) => s.sector);
}

/** The levels a cluster has held, oldest first; the current period has no end date. */
export const clusterLevelHistory = (ctx: RequestContext, clusterId: number): Promise<ClusterLevelPeriodRecord[]> =>
  ctx.loaders.levelPeriodsByCluster.load(clusterId);
