import { Field, ObjectType } from 'type-graphql';
import { Organization } from './organization.type.js';

@ObjectType({ simpleResolvers: true, description: 'The result of upsertOrganization.' })
export class UpsertOrganizationPayload {
  @Field(() => Organization, { description: 'The organization as it is now, with its version.' })
  organization!: Organization;
}
