import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import { membershipCounts, type programmeStats } from '../../services/stats.service.js';
import { MembershipGroupField } from '../types/enums.js';
import { LocalDate } from '../types/scalars.js';
import { GroupCount, KeyCount, ProgrammeStats } from '../types/stats.type.js';

@Resolver(() => ProgrammeStats)
export class ProgrammeStatsResolver {
  @FieldResolver(() => [KeyCount], {
    description:
      'Clusters per level, in programme order. With `activeOn`, the clusters in the programme that day, each at the level it had then (from the level history).',
  })
  clustersByLevel(
    @Root() stats: ReturnType<typeof programmeStats>,
    @Arg('activeOn', () => LocalDate, { nullable: true, description: 'Count the clusters in the programme on this date.' })
    activeOn: string | null,
  ) {
    return stats.clustersByLevel(activeOn);
  }

  @FieldResolver(() => [GroupCount], {
    description:
      'Membership rows (current and past, unless `activeOn` is given) counted per combination of the `groupBy` fields, e.g. `[CLUSTER_LEVEL, CLUSTER_COUNTY]`.',
  })
  membershipCounts(
    @Root() stats: ReturnType<typeof programmeStats>,
    @Arg('groupBy', () => [MembershipGroupField], { description: 'One to four fields to group by.' })
    groupBy: MembershipGroupField[],
    @Arg('activeOn', () => LocalDate, { nullable: true, description: 'Count only memberships in force on this date.' })
    activeOn: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return membershipCounts(ctx, stats.params, groupBy, activeOn);
  }
}
