import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import { addPartnership, createPartner, endPartnership, updatePartner } from '../../services/partner-write.service.js';
import { AddPartnershipInput, CreatePartnerInput, EndPartnershipInput, UpdatePartnerInput } from '../types/partner.input.js';
import {
  AddPartnershipPayload,
  CreatePartnerPayload,
  EndPartnershipPayload,
  UpdatePartnerPayload,
} from '../types/partner.payload.js';

// Writes: one service call each. The service checks the token, validates, and runs one transaction.
@Resolver()
export class PartnerMutationResolver {
  @Mutation(() => CreatePartnerPayload, { description: 'Adds a partner institution. ADMIN only.' })
  createPartner(
    @Arg('input', () => CreatePartnerInput, { description: 'The new partner institution.' }) input: CreatePartnerInput,
    @Ctx() ctx: RequestContext,
  ) {
    return createPartner(ctx, input);
  }

  @Mutation(() => UpdatePartnerPayload, {
    description: "Changes a partner institution's data. ADMIN only; refused with CONFLICT if `version` is stale.",
  })
  updatePartner(
    @Arg('input', () => UpdatePartnerInput, { description: 'The partner institution, the version read, and the changes.' })
    input: UpdatePartnerInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updatePartner(ctx, input);
  }

  @Mutation(() => AddPartnershipPayload, {
    description:
      'Starts a partnership of an institution with a cluster. ADMIN, or an EDITOR of the cluster; CONFLICT while the two have one that has not ended.',
  })
  addPartnership(
    @Arg('input', () => AddPartnershipInput, { description: 'The cluster, the partner, its role and first day.' })
    input: AddPartnershipInput,
    @Ctx() ctx: RequestContext,
  ) {
    return addPartnership(ctx, input);
  }

  @Mutation(() => EndPartnershipPayload, {
    description: 'Ends a partnership (sets `until`; the history is kept). ADMIN, or an EDITOR of the cluster.',
  })
  endPartnership(
    @Arg('input', () => EndPartnershipInput, { description: 'The partnership, the version read and its first day without it.' })
    input: EndPartnershipInput,
    @Ctx() ctx: RequestContext,
  ) {
    return endPartnership(ctx, input);
  }
}
