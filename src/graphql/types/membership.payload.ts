import { Field, ObjectType } from 'type-graphql';
import { Membership } from './membership.type.js';

@ObjectType({ simpleResolvers: true, description: 'The result of addMember.' })
export class AddMemberPayload {
  @Field(() => Membership, { description: 'The new membership.' })
  membership!: Membership;
}

@ObjectType({ simpleResolvers: true, description: 'The result of updateMembership.' })
export class UpdateMembershipPayload {
  @Field(() => Membership, { description: 'The membership as it is now, with its new version.' })
  membership!: Membership;
}

@ObjectType({ simpleResolvers: true, description: 'The result of endMembership.' })
export class EndMembershipPayload {
  @Field(() => Membership, { description: 'The ended membership, with its `leftOn`.' })
  membership!: Membership;
}
