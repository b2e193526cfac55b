import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from './connection.js';
import { PartnerKind, PartnershipRole, Provenance } from './enums.js';
import { Node } from './node.interface.js';
import { LocalDate } from './scalars.js';

// A federation entity: other subgraphs reference it by these keys (see src/graphql/federation).
@Directive('@key(fields: "id")')
@Directive('@key(fields: "slug")')
@ObjectType({
  simpleResolvers: true,
  implements: Node,
  description: 'A university, research institute, agency or incubator that works with clusters.',
})
export class PartnerInstitution extends Node {
  @Field({ description: 'URL-friendly unique name, e.g. `innovasjon-norge`.' })
  slug!: string;

  @Field({ description: 'Name of the institution.' })
  name!: string;

  @Field(() => PartnerKind, { description: 'What kind of institution it is.' })
  kind!: PartnerKind;

  @Field(() => String, { nullable: true, description: 'Norwegian organisation number, if known.' })
  orgNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  city!: string | null;

  @Field(() => String, { nullable: true, description: 'Website.' })
  website!: string | null;

  @Field(() => Provenance, { description: 'Where this record came from.' })
  provenance!: Provenance;

  @Field(() => Int, {
    description:
      'Goes up with every change; send the version you read with a mutation, which is refused (CONFLICT) if it is stale.',
  })
  version!: number;
}

@ObjectType({ simpleResolvers: true, implements: Node, description: "A partner institution's role in a cluster over a period." })
export class Partnership extends Node {
  @Field(() => PartnershipRole, { description: "The partner's role." })
  role!: PartnershipRole;

  @Field(() => LocalDate, { description: 'Date the partnership began.' })
  since!: string;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Date the partnership ended (its first day without it); null while it lasts.',
  })
  until!: string | null;

  @Field(() => Int, {
    description:
      'Goes up with every change; send the version you read with a mutation, which is refused (CONFLICT) if it is stale.',
  })
  version!: number;
}

@ObjectType({ simpleResolvers: true, description: 'A page of partner institutions.' })
export class PartnerInstitutionConnection extends ConnectionType(PartnerInstitution, 'PartnerInstitution') {}

@ObjectType({ simpleResolvers: true, description: 'A page of partnerships.' })
export class PartnershipConnection extends ConnectionType(Partnership, 'Partnership') {}
