import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, FieldResolver, ID, Info, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import type { MembershipRecord, OrganizationRecord } from '../../repositories/records.js';
import { ClustersArgs, MembershipsArgs } from '../types/args.js';
import { Cluster, ClusterConnection } from '../types/cluster.type.js';
import { Membership, MembershipConnection } from '../types/membership.type.js';
import { Organization } from '../types/organization.type.js';
import { RegistryEntry } from '../types/registry.type.js';
import { globalIdOf } from './global-id.js';
import { PER_ITEM_RESOLVERS } from '../per-item-resolvers.js';
import { membershipCluster, membershipOrganization } from '../../services/relation.service.js';
import { registryEntryOf } from '../../services/registry.service.js';

// The id, nested lists and relations of each item are resolved at run time by PER_ITEM_RESOLVERS
// (set on the schema, past type-graphql's wrapper); the methods here declare them and do the same.
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
    @Info() info: GraphQLResolveInfo,
  ) {
    return PER_ITEM_RESOLVERS.Organization.memberships(organization, args, ctx, info);
  }

  @FieldResolver(() => RegistryEntry, {
    nullable: true,
    description:
      "The organization's entry in the national company register, read live (batched and cached). Null when the register has no unit with this number; null with a REGISTRY_UNAVAILABLE error when the register cannot be asked (down, slow, garbled answer, or switched off on this server).",
  })
  registry(@Root() organization: OrganizationRecord, @Ctx() ctx: RequestContext) {
    return registryEntryOf(ctx, organization);
  }
}

// The id, nested lists and relations of each item are resolved at run time by PER_ITEM_RESOLVERS
// (set on the schema, past type-graphql's wrapper); the methods here declare them and do the same.
@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => ID, { description: 'Global, opaque identifier; stable for the life of the object.' })
  id(@Root() membership: MembershipRecord) {
    return globalIdOf(membership);
  }

  @FieldResolver(() => Cluster, { description: 'The cluster.' })
  cluster(@Root() membership: MembershipRecord, @Ctx() ctx: RequestContext) {
    return membershipCluster(ctx, membership);
  }

  @FieldResolver(() => Organization, { description: 'The member organization.' })
  organization(@Root() membership: MembershipRecord, @Ctx() ctx: RequestContext) {
    return membershipOrganization(ctx, membership);
  }

  @FieldResolver(() => ClusterConnection, {
    description: "The member organization's other clusters (current or past memberships), by name unless ordered otherwise.",
  })
  otherClusters(
    @Root() membership: MembershipRecord,
    @Args(() => ClustersArgs) args: ClustersArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return PER_ITEM_RESOLVERS.Membership.otherClusters(membership, args, ctx, info);
  }
}
