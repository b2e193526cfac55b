import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { ClusterLevel, ClusterStatus, Provenance } from './enums.js';
import { ConnectionType } from './connection.js';
import { Node } from './node.interface.js';
import { LocalDate } from './scalars.js';

// A federation entity: other subgraphs reference it by these keys (see src/graphql/federation).
@Directive('@key(fields: "id")')
@Directive('@key(fields: "slug")')
@ObjectType({ simpleResolvers: true, implements: Node, description: 'A cluster in the Norwegian Innovation Clusters programme.' })
export class Cluster extends Node {
  @Field({ description: 'URL-friendly unique name, e.g. `gce-subsea`.' })
  slug!: string;

  @Field({ description: 'Name of the cluster.' })
  name!: string;

  @Field(() => ClusterLevel, { description: 'Current level in the programme.' })
  level!: ClusterLevel;

  @Field(() => ClusterStatus, { description: 'Whether the cluster still takes part in the programme.' })
  status!: ClusterStatus;

  @Field({ description: 'County (fylke) the cluster is based in.' })
  county!: string;

  @Field({ description: 'City or region the cluster is based in.' })
  city!: string;

  @Field(() => String, { nullable: true, description: 'What the cluster does.' })
  description!: string | null;

  @Field(() => String, { nullable: true, description: "The cluster's website." })
  website!: string | null;

  @Field(() => String, { nullable: true, description: "Organisation number of the cluster's own legal entity, if it has one." })
  orgNumber!: string | null;

  @Field(() => Int, { nullable: true, description: 'Year the cluster initiative was founded.' })
  foundedYear!: number | null;

  @Field(() => LocalDate, { description: 'Date the cluster was admitted to the programme.' })
  admittedOn!: string;

  @Field(() => Provenance, { description: 'Where this record came from (real source or synthetic demo data).' })
  provenance!: Provenance;

  @Field(() => Int, {
    description:
      'Goes up with every change; send the version you read with a mutation, which is refused (CONFLICT) if it is stale.',
  })
  version!: number;
}

@ObjectType({ simpleResolvers: true, description: 'A period a cluster spent at one level.' })
export class ClusterLevelPeriod {
  @Field(() => ClusterLevel, { description: 'The level held in this period.' })
  level!: ClusterLevel;

  @Field(() => LocalDate, { description: 'First day at this level.' })
  fromDate!: string;

  @Field(() => LocalDate, { nullable: true, description: 'Last day at this level; null for the current level.' })
  toDate!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A page of clusters.' })
export class ClusterConnection extends ConnectionType(Cluster, 'Cluster') {}
