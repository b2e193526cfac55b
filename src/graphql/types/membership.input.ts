import { Field, ID, InputType, Int } from 'type-graphql';
import { ClusterKey } from './cluster.input.js';
import { MembershipRole } from './enums.js';
import { LocalDate } from './scalars.js';

@InputType({ description: 'An organization joining a cluster.' })
export class AddMemberInput {
  @Field(() => ClusterKey, { description: 'The cluster.' })
  cluster!: ClusterKey;

  @Field({
    description:
      'Organisation number of the member (9 digits, valid check digit; spaces allowed). Register it first with upsertOrganization.',
  })
  organization!: string;

  @Field(() => MembershipRole, { description: 'Its role; a cluster has one HOST at a time.' })
  role!: MembershipRole;

  @Field(() => LocalDate, {
    description: 'First day as a member; on or after the day any earlier membership of the organization in the cluster ended.',
  })
  joinedOn!: string;
}

@InputType({ description: "Changes a current membership's role." })
export class UpdateMembershipInput {
  @Field(() => ID, { description: 'The global id of the membership.' })
  id!: string;

  @Field(() => Int, { description: 'The `version` you read; a stale one is refused with CONFLICT.' })
  version!: number;

  @Field(() => MembershipRole, { description: 'The new role; HOST only while the cluster has no other HOST.' })
  role!: MembershipRole;
}

@InputType({ description: 'Ends a current membership; it stays in the history with its `leftOn`.' })
export class EndMembershipInput {
  @Field(() => ID, { description: 'The global id of the membership.' })
  id!: string;

  @Field(() => Int, { description: 'The `version` you read; a stale one is refused with CONFLICT.' })
  version!: number;

  @Field(() => LocalDate, { description: 'First day as a non-member; after `joinedOn`.' })
  leftOn!: string;
}
