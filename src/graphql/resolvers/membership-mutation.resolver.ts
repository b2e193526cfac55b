import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import { addMember, endMembership, updateMembership } from '../../services/membership-write.service.js';
import { AddMemberInput, EndMembershipInput, UpdateMembershipInput } from '../types/membership.input.js';
import { AddMemberPayload, EndMembershipPayload, UpdateMembershipPayload } from '../types/membership.payload.js';

// Writes: one service call each. The service checks the token, validates, and runs one transaction.
@Resolver()
export class MembershipMutationResolver {
  @Mutation(() => AddMemberPayload, {
    description:
      'Adds an organization to a cluster. ADMIN, or an EDITOR of the cluster; CONFLICT if it is a member already or if it would be a second HOST.',
  })
  addMember(
    @Arg('input', () => AddMemberInput, { description: 'The cluster, the organization, its role and first day.' })
    input: AddMemberInput,
    @Ctx() ctx: RequestContext,
  ) {
    return addMember(ctx, input);
  }

  @Mutation(() => UpdateMembershipPayload, {
    description: "Changes a current membership's role. ADMIN, or an EDITOR of the cluster; CONFLICT if `version` is stale.",
  })
  updateMembership(
    @Arg('input', () => UpdateMembershipInput, { description: 'The membership, the version read and the new role.' })
    input: UpdateMembershipInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateMembership(ctx, input);
  }

  @Mutation(() => EndMembershipPayload, {
    description: 'Ends a membership (sets `leftOn`; the history is kept). ADMIN, or an EDITOR of the cluster.',
  })
  endMembership(
    @Arg('input', () => EndMembershipInput, { description: 'The membership, the version read and the first day outside.' })
    input: EndMembershipInput,
    @Ctx() ctx: RequestContext,
  ) {
    return endMembership(ctx, input);
  }
}
