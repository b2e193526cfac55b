import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import { upsertOrganization } from '../../services/organization-write.service.js';
import { UpsertOrganizationInput } from '../types/organization.input.js';
import { UpsertOrganizationPayload } from '../types/organization.payload.js';

// Writes: one service call each. The service checks the token, validates, and runs one transaction.
@Resolver()
export class OrganizationMutationResolver {
  @Mutation(() => UpsertOrganizationPayload, {
    description:
      'Registers an organization, or changes the one with that organisation number (naming the `version` read; stale: CONFLICT). ADMIN or any EDITOR: organizations are shared by all clusters.',
  })
  upsertOrganization(
    @Arg('input', () => UpsertOrganizationInput, { description: 'The organization, and the version read when changing one.' })
    input: UpsertOrganizationInput,
    @Ctx() ctx: RequestContext,
  ) {
    return upsertOrganization(ctx, input);
  }
}
