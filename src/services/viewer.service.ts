import type { Viewer } from '../auth/viewer.js';
import type { RequestContext } from '../context/request-context.js';
import type { ClusterRecord } from '../repositories/records.js';

/** Who the caller is; null for anonymous callers. */
export const currentViewer = (ctx: RequestContext): Viewer | null => ctx.viewer;

/** The clusters a viewer is scoped to (by name), through the same batched loader as every cluster read. */
export async function viewerClusters(ctx: RequestContext, viewer: Viewer): Promise<ClusterRecord[]> {
  const clusters = await ctx.loaders.clusterById.loadMany([...viewer.clusterIds]);
  return clusters
    .filter((c): c is ClusterRecord => c !== null && !(c instanceof Error))
    .sort((a, b) => a.name.localeCompare(b.name, 'nb'));
}
