import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, FieldResolver, ID, Info, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import type { AnnouncementRecord } from '../../repositories/records.js';
import { Announcement } from '../types/announcement.type.js';
import { ClustersArgs } from '../types/args.js';
import { ClusterConnection } from '../types/cluster.type.js';
import { globalIdOf } from './global-id.js';
import { PER_ITEM_RESOLVERS } from '../per-item-resolvers.js';

// The id, nested lists and relations of each item are resolved at run time by PER_ITEM_RESOLVERS
// (set on the schema, past type-graphql's wrapper); the methods here declare them and do the same.
@Resolver(() => Announcement)
export class AnnouncementResolver {
  @FieldResolver(() => ID, { description: 'Global, opaque identifier; stable for the life of the object.' })
  id(@Root() announcement: AnnouncementRecord) {
    return globalIdOf(announcement);
  }

  @FieldResolver(() => ClusterConnection, { description: 'Clusters the announcement mentions.' })
  clusters(
    @Root() announcement: AnnouncementRecord,
    @Args(() => ClustersArgs) args: ClustersArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return PER_ITEM_RESOLVERS.Announcement.clusters(announcement, args, ctx, info);
  }
}
