import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, FieldResolver, ID, Info, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import type { PartnerRecord, PartnershipRecord } from '../../repositories/records.js';
import { PartnershipsArgs } from '../types/args.js';
import { Cluster } from '../types/cluster.type.js';
import { PartnerInstitution, Partnership, PartnershipConnection } from '../types/partner.type.js';
import { globalIdOf } from './global-id.js';
import { PER_ITEM_RESOLVERS } from '../per-item-resolvers.js';
import { partnershipCluster, partnershipPartner } from '../../services/relation.service.js';

// The id, nested lists and relations of each item are resolved at run time by PER_ITEM_RESOLVERS
// (set on the schema, past type-graphql's wrapper); the methods here declare them and do the same.
@Resolver(() => PartnerInstitution)
export class PartnerInstitutionResolver {
  @FieldResolver(() => ID, { description: 'Global, opaque identifier; stable for the life of the object.' })
  id(@Root() partner: PartnerRecord) {
    return globalIdOf(partner);
  }

  @FieldResolver(() => PartnershipConnection, { description: 'Clusters this institution partners with.' })
  partnerships(
    @Root() partner: PartnerRecord,
    @Args(() => PartnershipsArgs) args: PartnershipsArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return PER_ITEM_RESOLVERS.PartnerInstitution.partnerships(partner, args, ctx, info);
  }
}

// The id, nested lists and relations of each item are resolved at run time by PER_ITEM_RESOLVERS
// (set on the schema, past type-graphql's wrapper); the methods here declare them and do the same.
@Resolver(() => Partnership)
export class PartnershipResolver {
  @FieldResolver(() => ID, { description: 'Global, opaque identifier; stable for the life of the object.' })
  id(@Root() partnership: PartnershipRecord) {
    return globalIdOf(partnership);
  }

  @FieldResolver(() => Cluster, { description: 'The cluster.' })
  cluster(@Root() partnership: PartnershipRecord, @Ctx() ctx: RequestContext) {
    return partnershipCluster(ctx, partnership);
  }

  @FieldResolver(() => PartnerInstitution, { description: 'The partner institution.' })
  partner(@Root() partnership: PartnershipRecord, @Ctx() ctx: RequestContext) {
    return partnershipPartner(ctx, partnership);
  }
}
