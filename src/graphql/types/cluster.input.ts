import { Field, ID, InputType, Int } from 'type-graphql';
import { ClusterLevel } from './enums.js';
import { LocalDate } from './scalars.js';

@InputType({ description: 'Names one cluster: give exactly one of `slug` and `id`.' })
export class ClusterKey {
  @Field(() => ID, { nullable: true, description: 'The global id of the cluster.' })
  id?: string | null;

  @Field(() => String, { nullable: true, description: 'The cluster slug, e.g. `gce-subsea`.' })
  slug?: string | null;
}

@InputType({ description: 'A new cluster. It starts ACTIVE, at `level` from `admittedOn`.' })
export class CreateClusterInput {
  @Field({ description: 'Unique URL name: lowercase letters and digits in words joined by hyphens, at most 100 characters.' })
  slug!: string;

  @Field({ description: 'Name, 1 to 200 characters.' })
  name!: string;

  @Field(() => ClusterLevel, { description: 'The level it is admitted at.' })
  level!: ClusterLevel;

  @Field({ description: 'County (fylke), 1 to 100 characters.' })
  county!: string;

  @Field({ description: 'City or region, 1 to 100 characters.' })
  city!: string;

  @Field(() => String, { nullable: true, description: 'What the cluster does (at most 10,000 characters).' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'Website: an http:// or https:// URL of at most 500 characters.' })
  website?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Organisation number of the cluster's own legal entity (9 digits, valid check digit).",
  })
  orgNumber?: string | null;

  @Field(() => Int, { nullable: true, description: 'Year the initiative was founded (1900 to this year).' })
  foundedYear?: number | null;

  @Field(() => LocalDate, { description: 'First day in the programme (and at `level`).' })
  admittedOn!: string;

  @Field(() => [String], { description: 'Sectors, most important first: 1 to 10 distinct names of 1 to 100 characters.' })
  sectors!: string[];
}

@InputType({
  description:
    "Changes to a cluster's own data. Fields left out stay as they are; null clears an optional field. Level and status change through changeClusterLevel and endCluster.",
})
export class UpdateClusterInput {
  @Field(() => ClusterKey, { description: 'The cluster to change.' })
  cluster!: ClusterKey;

  @Field(() => Int, { description: 'The `version` you read; a stale one is refused with CONFLICT.' })
  version!: number;

  @Field(() => String, { nullable: true, description: 'New slug (same rules as at creation).' })
  slug?: string | null;

  @Field(() => String, { nullable: true, description: 'New name, 1 to 200 characters.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New county, 1 to 100 characters.' })
  county?: string | null;

  @Field(() => String, { nullable: true, description: 'New city or region, 1 to 100 characters.' })
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'New description; null clears it.' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'New website (http or https URL); null clears it.' })
  website?: string | null;

  @Field(() => String, { nullable: true, description: 'New organisation number; null clears it.' })
  orgNumber?: string | null;

  @Field(() => Int, { nullable: true, description: 'New founding year; null clears it.' })
  foundedYear?: number | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'New admission date; the first level period starts then too, so it must not be after that period ends.',
  })
  admittedOn?: string | null;

  @Field(() => [String], { nullable: true, description: 'The complete new list of sectors (1 to 10), most important first.' })
  sectors?: string[] | null;
}

@InputType({ description: 'Moves a cluster to another level from a date.' })
export class ChangeClusterLevelInput {
  @Field(() => ClusterKey, { description: 'The cluster.' })
  cluster!: ClusterKey;

  @Field(() => Int, { description: 'The `version` you read; a stale one is refused with CONFLICT.' })
  version!: number;

  @Field(() => ClusterLevel, { description: 'The new level; must differ from the current one.' })
  level!: ClusterLevel;

  @Field(() => LocalDate, {
    description:
      'First day at the new level; the current level period ends the day before. Must be after the first day of the current period.',
  })
  on!: string;
}

@InputType({ description: "Ends a cluster's time in the programme." })
export class EndClusterInput {
  @Field(() => ClusterKey, { description: 'The cluster.' })
  cluster!: ClusterKey;

  @Field(() => Int, { description: 'The `version` you read; a stale one is refused with CONFLICT.' })
  version!: number;

  @Field(() => LocalDate, {
    description:
      "First day outside the programme (like a membership's `leftOn`); the last level period ends the day before. Must be after that period began.",
  })
  on!: string;
}
