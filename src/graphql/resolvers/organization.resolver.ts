import { Args, Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import type { MembershipRecord, OrganizationRecord } from '../../repositories/records.js';
import { nestedConnection } from '../../services/connection.js';
import { ClustersArgs, MembershipsArgs } from '../types/args.js';
import { Cluster, ClusterConnection } from '../types/cluster.type.js';
import { Membership, MembershipConnection } from '../types/membership.type.js';
import { Organization } from '../types/organization.type.js';
import { globalIdOf } from './global-id.js';
import { NESTED_LISTS } from '../nested-lists.js';
import { PageFields } from '../page-fields.js';

@Resolver(() => Organization)
export class OrganizationResolver {
  @FieldResolver(() => ID, { description: 'Global, opaque identifier; stable for the life of the object.' })
  id(@Root() organization: OrganizationRecord) {
    return globalIdOf(organization);
  }

  @FieldResolver(() => MembershipConnection, { description: "The organization's cluster memberships (current and past)." })
  memberships(
    @Root() organization: OrganizationRecord,
    @Args(() => MembershipsArgs) args: MembershipsArgs,
    @Ctx() ctx: RequestContext,
    @PageFields() fields: ReadonlySet<string>,
  ) {
    return nestedConnection(ctx, NESTED_LISTS.Organization.memberships(ctx, args), organization.id, fields);
  }
}

@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => ID, { description: 'Global, opaque identifier; stable for the life of the object.' })
  id(@Root() membership: MembershipRecord) {
    return globalIdOf(membership);
  }

  @FieldResolver(() => Cluster, { description: 'The cluster.' })
  cluster(@Root() membership: MembershipRecord, @Ctx() ctx: RequestContext) {
    return ctx.loaders.clusterById.load(membership.clusterId);
  }

  @FieldResolver(() => Organization, { description: 'The member organization.' })
  organization(@Root() membership: MembershipRecord, @Ctx() ctx: RequestContext) {
    return ctx.loaders.organizationById.load(membership.organizationId);
  }

  @FieldResolver(() => ClusterConnection, {
    description: "The member organization's other clusters (current or past memberships), by name unless ordered otherwise.",
  })
  otherClusters(
    @Root() membership: MembershipRecord,
    @Args(() => ClustersArgs) args: ClustersArgs,
    @Ctx() ctx: RequestContext,
    @PageFields() fields: ReadonlySet<string>,
  ) {
    return nestedConnection(ctx, NESTED_LISTS.Membership.otherClusters(ctx, args), membership.id, fields);
  }
}
