import type { RequestContext } from '../context/request-context.js';
import { badInput } from '../lib/errors.js';
import type { ClusterFilterParams } from '../repositories/cluster.repository.js';
import * as stats from '../repositories/stats.repository.js';
import type { GroupCount, MembershipGroupField } from '../repositories/stats.repository.js';
import { type ClusterFilterInput, clusterFilterParams } from './cluster.service.js';

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Programme statistics over the clusters a filter selects. Each figure is a getter running one
 * grouped query, so only the figures a client selects cost anything.
 */
export function programmeStats(ctx: RequestContext, filter: ClusterFilterInput | null | undefined) {
  const params = clusterFilterParams(filter);
  return {
    params,
    get clustersByLevel() {
      return stats.clustersByLevel(ctx.db, params);
    },
    get membersByLevel() {
      return stats.membersByLevel(ctx.db, params, today());
    },
    get membersByCounty() {
      return stats.membersByCounty(ctx.db, params, today());
    },
    get membersBySector() {
      return stats.membersBySector(ctx.db, params, today());
    },
    get membershipsByYear() {
      return stats.membershipsByYear(ctx.db, params);
    },
  };
}

/** Membership rows per combination of `groupBy` keys (at most 4), over the stats' clusters. */
export function membershipCounts(
  ctx: RequestContext,
  params: ClusterFilterParams | undefined,
  groupBy: MembershipGroupField[],
  activeOn: string | null | undefined,
): Promise<GroupCount[]> {
  const keys = [...new Set(groupBy)];
  if (keys.length === 0 || keys.length > 4) throw badInput('Group by one to four distinct fields.', 'groupBy');
  return stats.membershipCounts(ctx.db, params, keys, activeOn ?? undefined);
}
