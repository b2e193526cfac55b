import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, FieldResolver, ID, Info, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import type { ClusterRecord } from '../../repositories/records.js';
import { clusterLevelHistory, clusterSectors } from '../../services/cluster.service.js';
import { AnnouncementConnection } from '../types/announcement.type.js';
import { AnnouncementsArgs, MembershipsArgs, PartnershipsArgs } from '../types/args.js';
import { Cluster, ClusterLevelPeriod } from '../types/cluster.type.js';
import { MembershipConnection } from '../types/membership.type.js';
import { PartnershipConnection } from '../types/partner.type.js';
import { globalIdOf } from './global-id.js';
import { PER_ITEM_RESOLVERS } from '../per-item-resolvers.js';

// The id, nested lists and relations of each item are resolved at run time by PER_ITEM_RESOLVERS
// (set on the schema, past type-graphql's wrapper); the methods here declare them and do the same.
@Resolver(() => Cluster)
export class ClusterResolver {
  @FieldResolver(() => ID, { description: 'Global, opaque identifier; stable for the life of the object.' })
  id(@Root() cluster: ClusterRecord) {
    return globalIdOf(cluster);
  }

  @FieldResolver(() => [String], { description: 'Sectors the cluster works in, most important first.' })
  sectors(@Root() cluster: ClusterRecord, @Ctx() ctx: RequestContext) {
    return clusterSectors(ctx, cluster.id);
  }

  @FieldResolver(() => [ClusterLevelPeriod], {
    description: 'Every level the cluster has held, oldest first; the last is the current one.',
  })
  levelHistory(@Root() cluster: ClusterRecord, @Ctx() ctx: RequestContext) {
    return clusterLevelHistory(ctx, cluster.id);
  }

  @FieldResolver(() => MembershipConnection, {
    description: 'Member organizations (current and past), oldest membership first by default.',
  })
  members(
    @Root() cluster: ClusterRecord,
    @Args(() => MembershipsArgs) args: MembershipsArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return PER_ITEM_RESOLVERS.Cluster.members(cluster, args, ctx, info);
  }

  @FieldResolver(() => PartnershipConnection, { description: 'Partner institutions working with the cluster.' })
  partners(
    @Root() cluster: ClusterRecord,
    @Args(() => PartnershipsArgs) args: PartnershipsArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return PER_ITEM_RESOLVERS.Cluster.partners(cluster, args, ctx, info);
  }

  @FieldResolver(() => AnnouncementConnection, {
    description: 'Announcements that mention the cluster, newest first by default.',
  })
  announcements(
    @Root() cluster: ClusterRecord,
    @Args(() => AnnouncementsArgs) args: AnnouncementsArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return PER_ITEM_RESOLVERS.Cluster.announcements(cluster, args, ctx, info);
  }
}
