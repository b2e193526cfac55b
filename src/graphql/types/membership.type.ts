import { Field, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from './connection.js';
import { MembershipRole } from './enums.js';
import { Node } from './node.interface.js';
import { LocalDate } from './scalars.js';

@ObjectType({
  simpleResolvers: true,
  implements: Node,
  description: "An organization's membership of a cluster. Ended memberships are kept as history.",
})
export class Membership extends Node {
  @Field(() => MembershipRole, { description: "The organization's role in the cluster." })
  role!: MembershipRole;

  @Field(() => LocalDate, { description: 'Date the organization joined.' })
  joinedOn!: string;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Date the organization left (its first day as a non-member); null while it is a member.',
  })
  leftOn!: string | null;

  @Field(() => Int, {
    description:
      'Goes up with every change; send the version you read with a mutation, which is refused (CONFLICT) if it is stale.',
  })
  version!: number;
}

@ObjectType({ simpleResolvers: true, description: 'A page of memberships.' })
export class MembershipConnection extends ConnectionType(Membership, 'Membership') {}
