import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from './connection.js';
import { Provenance } from './enums.js';
import { Node } from './node.interface.js';

// A federation entity: other subgraphs reference it by these keys (see src/graphql/federation).
@Directive('@key(fields: "orgNumber")')
@ObjectType({
  simpleResolvers: true,
  implements: Node,
  description: 'A member company or other member body, identified by its organisation number.',
})
export class Organization extends Node {
  @Field({ description: 'Norwegian organisation number: nine digits, the last a modulus-11 check digit.' })
  orgNumber!: string;

  @Field({ description: 'Registered name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'City of the business address.' })
  city!: string | null;

  @Field(() => String, { nullable: true, description: 'County (fylke) of the business address.' })
  county!: string | null;

  @Field(() => String, { nullable: true, description: 'Main NACE industry code, e.g. `62.010`.' })
  naceCode!: string | null;

  @Field(() => Int, { nullable: true, description: 'Number of employees, if registered.' })
  employees!: number | null;

  @Field(() => String, { nullable: true, description: 'Website.' })
  website!: string | null;

  @Field(() => Provenance, { description: 'Where this record came from; DEMO marks synthetic demo organizations.' })
  provenance!: Provenance;

  @Field(() => Int, {
    description:
      'Goes up with every change; send the version you read with a mutation, which is refused (CONFLICT) if it is stale.',
  })
  version!: number;
}

@ObjectType({ simpleResolvers: true, description: 'A page of organizations.' })
export class OrganizationConnection extends ConnectionType(Organization, 'Organization') {}
