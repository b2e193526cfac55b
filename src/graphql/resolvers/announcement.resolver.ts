import { Args, Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import type { AnnouncementRecord } from '../../repositories/records.js';
import { nestedConnection } from '../../services/connection.js';
import { Announcement } from '../types/announcement.type.js';
import { ClustersArgs } from '../types/args.js';
import { ClusterConnection } from '../types/cluster.type.js';
import { globalIdOf } from './global-id.js';
import { NESTED_LISTS } from '../nested-lists.js';
import { PageFields } from '../page-fields.js';

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
    @PageFields() fields: ReadonlySet<string>,
  ) {
    return nestedConnection(ctx, NESTED_LISTS.Announcement.clusters(ctx, args), announcement.id, fields);
  }
}
