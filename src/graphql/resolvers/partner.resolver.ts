import { Args, Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import type { PartnerRecord, PartnershipRecord } from '../../repositories/records.js';
import { nestedConnection } from '../../services/connection.js';
import { PartnershipsArgs } from '../types/args.js';
import { Cluster } from '../types/cluster.type.js';
import { PartnerInstitution, Partnership, PartnershipConnection } from '../types/partner.type.js';
import { globalIdOf } from './global-id.js';
import { NESTED_LISTS } from '../nested-lists.js';
import { PageFields } from '../page-fields.js';

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
    @PageFields() fields: ReadonlySet<string>,
  ) {
    return nestedConnection(ctx, NESTED_LISTS.PartnerInstitution.partnerships(ctx, args), partner.id, fields);
  }
}

@Resolver(() => Partnership)
export class PartnershipResolver {
  @FieldResolver(() => ID, { description: 'Global, opaque identifier; stable for the life of the object.' })
  id(@Root() partnership: PartnershipRecord) {
    return globalIdOf(partnership);
  }

  @FieldResolver(() => Cluster, { description: 'The cluster.' })
  cluster(@Root() partnership: PartnershipRecord, @Ctx() ctx: RequestContext) {
    return ctx.loaders.clusterById.load(partnership.clusterId);
  }

  @FieldResolver(() => PartnerInstitution, { description: 'The partner institution.' })
  partner(@Root() partnership: PartnershipRecord, @Ctx() ctx: RequestContext) {
    return ctx.loaders.partnerById.load(partnership.partnerId);
  }
}
