import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Viewer as ViewerRecord } from '../../auth/viewer.js';
import type { RequestContext } from '../../context/request-context.js';
import { currentViewer, viewerClusters } from '../../services/viewer.service.js';
import { Cluster } from '../types/cluster.type.js';
import { Viewer } from '../types/viewer.type.js';

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, { nullable: true, description: 'Who you are, by the API token you sent; null without one.' })
  viewer(@Ctx() ctx: RequestContext) {
    return currentViewer(ctx);
  }

  @FieldResolver(() => [Cluster], {
    description: 'The clusters an EDITOR or READER token is scoped to (none for ADMIN), by name.',
  })
  clusters(@Root() viewer: ViewerRecord, @Ctx() ctx: RequestContext) {
    return viewerClusters(ctx, viewer);
  }
}
