import type { RequestContext } from '../context/request-context.js';
import { badInput } from '../lib/errors.js';
import type { ClusterFilterParams } from '../repositories/cluster.repository.js';
import { ALL_STATUSES, settleMemberFigures } from '../repositories/member-figures.repository.js';
import * as stats from '../repositories/stats.repository.js';
import type { GroupCount, KeptMemberScope, MembershipGroupField } from '../repositories/stats.repository.js';
import { type ClusterFilterInput, clusterFilterParams } from './cluster.service.js';

/** What "today" is for current memberships; tests set another day. */
export const statsClock = { today: (): string => new Date().toISOString().slice(0, 10) };

/**
 * The kept member figures answer a filter that selects clusters by status alone (or no filter),
 * and, for per-level figures, by levels too; anything else is counted from the rows.
 */
function keptScope(params: ClusterFilterParams | undefined, perLevel: boolean): KeptMemberScope | null {
  if (!params) return { status: ALL_STATUSES };
  const { status, levels, ...rest } = params;
  if (Object.values(rest).some((v) => v != null)) return null;
  if (levels != null && !perLevel) return null;
  return { status: status ?? ALL_STATUSES, levels };
}

/**
 * Programme statistics over the clusters a filter selects. Each figure is a getter running one
 * grouped query, so only the figures a client selects cost anything. Member figures the kept
 * counts answer are first brought up to today (once per request; nothing to do unless something
 * was written or the day changed).
 */
export function programmeStats(ctx: RequestContext, filter: ClusterFilterInput | null | undefined) {
  const params = clusterFilterParams(filter);
  const today = statsClock.today();
  let settled: Promise<void> | undefined;
  const kept = async <T>(perLevel: boolean, read: (scope: KeptMemberScope) => Promise<T>, scan: () => Promise<T>) => {
    const scope = keptScope(params, perLevel);
    if (!scope) return scan();
    settled ??= settleMemberFigures(ctx.db, today);
    await settled;
    return read(scope);
  };
  return {
    params,
    clustersByLevel: (activeOn: string | null | undefined) => stats.clustersByLevel(ctx.db, params, activeOn ?? undefined),
    get membersByLevel() {
      return kept(
        true,
        (scope) => stats.keptMembersByLevel(ctx.db, scope),
        () => stats.membersByLevel(ctx.db, params, today),
      );
    },
    get membersByCounty() {
      return kept(
        false,
        (scope) => stats.keptMembersByCounty(ctx.db, scope),
        () => stats.membersByCounty(ctx.db, params, today),
      );
    },
    get membersBySector() {
      return kept(
        false,
        (scope) => stats.keptMembersBySector(ctx.db, scope),
        () => stats.membersBySector(ctx.db, params, today),
      );
    },
    get membersByCountyAndLevel() {
      return kept(
        true,
        (scope) => stats.keptMembersByCountyAndLevel(ctx.db, scope),
        () => stats.membersByCountyAndLevel(ctx.db, params, today),
      );
    },
    get membershipsByYear() {
      return stats.keptMembershipsByYear(ctx.db, params);
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
