import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, FieldResolver, ID, Info, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import type { AnnouncementRecord, MentionRecord } from '../../repositories/records.js';
import { announcementMentions, announcementSource, mentionCluster } from '../../services/announcement.service.js';
import { Announcement, AnnouncementSource, ClusterMention } from '../types/announcement.type.js';
import { ClustersArgs } from '../types/args.js';
import { Cluster, ClusterConnection } from '../types/cluster.type.js';
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

  @FieldResolver(() => AnnouncementSource, {
    nullable: true,
    description:
      'The news feed it was ingested from (provenance FEED); null for announcements written by editors, seeded or imported.',
  })
  source(@Root() announcement: AnnouncementRecord, @Ctx() ctx: RequestContext) {
    return announcementSource(ctx, announcement);
  }

  @FieldResolver(() => [ClusterMention], {
    description:
      'The clusters it mentions, in order, each with how the mention was made (the same clusters as `clusters`, unpaged; at most 50).',
  })
  mentions(@Root() announcement: AnnouncementRecord, @Ctx() ctx: RequestContext) {
    return announcementMentions(ctx, announcement);
  }
}

@Resolver(() => ClusterMention)
export class ClusterMentionResolver {
  @FieldResolver(() => Cluster, { description: 'The cluster mentioned.' })
  cluster(@Root() mention: MentionRecord, @Ctx() ctx: RequestContext) {
    return mentionCluster(ctx, mention);
  }
}
