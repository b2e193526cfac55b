import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import { changeClusterLevel, createCluster, endCluster, updateCluster } from '../../services/cluster-write.service.js';
import { ChangeClusterLevelInput, CreateClusterInput, EndClusterInput, UpdateClusterInput } from '../types/cluster.input.js';
import {
  ChangeClusterLevelPayload,
  CreateClusterPayload,
  EndClusterPayload,
  UpdateClusterPayload,
} from '../types/cluster.payload.js';

// Writes: one service call each. The service checks the token, validates, and runs one transaction.
@Resolver()
export class ClusterMutationResolver {
  @Mutation(() => CreateClusterPayload, { description: 'Adds a cluster to the programme. ADMIN only.' })
  createCluster(
    @Arg('input', () => CreateClusterInput, { description: 'The new cluster.' }) input: CreateClusterInput,
    @Ctx() ctx: RequestContext,
  ) {
    return createCluster(ctx, input);
  }

  @Mutation(() => UpdateClusterPayload, {
    description: "Changes a cluster's own data. ADMIN, or an EDITOR of the cluster; refused with CONFLICT if `version` is stale.",
  })
  updateCluster(
    @Arg('input', () => UpdateClusterInput, { description: 'The cluster, the version read, and the changes.' })
    input: UpdateClusterInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateCluster(ctx, input);
  }

  @Mutation(() => ChangeClusterLevelPayload, {
    description:
      'Moves a cluster to another level from a date, closing its current level period. ADMIN, or an EDITOR of the cluster.',
  })
  changeClusterLevel(
    @Arg('input', () => ChangeClusterLevelInput, {
      description: 'The cluster, the version read, the new level and its first day.',
    })
    input: ChangeClusterLevelInput,
    @Ctx() ctx: RequestContext,
  ) {
    return changeClusterLevel(ctx, input);
  }

  @Mutation(() => EndClusterPayload, {
    description:
      "Ends a cluster's time in the programme (status ENDED; its history is kept). ADMIN, or an EDITOR of the cluster.",
  })
  endCluster(
    @Arg('input', () => EndClusterInput, {
      description: 'The cluster, the version read and the first day outside the programme.',
    })
    input: EndClusterInput,
    @Ctx() ctx: RequestContext,
  ) {
    return endCluster(ctx, input);
  }
}
