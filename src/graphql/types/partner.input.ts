import { Field, ID, InputType, Int } from 'type-graphql';
import { ClusterKey } from './cluster.input.js';
import { PartnerKind, PartnershipRole } from './enums.js';
import { LocalDate } from './scalars.js';

@InputType({ description: 'Names one partner institution: give exactly one of `slug` and `id`.' })
export class PartnerKey {
  @Field(() => ID, { nullable: true, description: 'The global id of the partner institution.' })
  id?: string | null;

  @Field(() => String, { nullable: true, description: 'The partner slug, e.g. `innovasjon-norge`.' })
  slug?: string | null;
}

@InputType({ description: 'A new partner institution.' })
export class CreatePartnerInput {
  @Field({ description: 'Unique URL name: lowercase letters and digits in words joined by hyphens, at most 100 characters.' })
  slug!: string;

  @Field({ description: 'Name, 1 to 200 characters.' })
  name!: string;

  @Field(() => PartnerKind, { description: 'What kind of institution it is.' })
  kind!: PartnerKind;

  @Field(() => String, {
    nullable: true,
    description: 'Norwegian organisation number, if it has one (9 digits, valid check digit).',
  })
  orgNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'City, at most 100 characters.' })
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'Website: an http:// or https:// URL of at most 500 characters.' })
  website?: string | null;
}

@InputType({
  description: "Changes to a partner institution's data. Fields left out stay as they are; null clears an optional field.",
})
export class UpdatePartnerInput {
  @Field(() => PartnerKey, { description: 'The partner institution to change.' })
  partner!: PartnerKey;

  @Field(() => Int, { description: 'The `version` you read; a stale one is refused with CONFLICT.' })
  version!: number;

  @Field(() => String, { nullable: true, description: 'New slug (same rules as at creation).' })
  slug?: string | null;

  @Field(() => String, { nullable: true, description: 'New name, 1 to 200 characters.' })
  name?: string | null;

  @Field(() => PartnerKind, { nullable: true, description: 'New kind.' })
  kind?: PartnerKind | null;

  @Field(() => String, { nullable: true, description: 'New organisation number; null clears it.' })
  orgNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'New city; null clears it.' })
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'New website (http or https URL); null clears it.' })
  website?: string | null;
}

@InputType({ description: 'A partner institution starting to work with a cluster.' })
export class AddPartnershipInput {
  @Field(() => ClusterKey, { description: 'The cluster.' })
  cluster!: ClusterKey;

  @Field(() => PartnerKey, { description: 'The partner institution.' })
  partner!: PartnerKey;

  @Field(() => PartnershipRole, { description: "The partner's role." })
  role!: PartnershipRole;

  @Field(() => LocalDate, {
    description: 'First day of the partnership; on or after the day any earlier partnership of the two ended.',
  })
  since!: string;
}

@InputType({ description: 'Ends a partnership; it stays in the history with its `until`.' })
export class EndPartnershipInput {
  @Field(() => ID, { description: 'The global id of the partnership.' })
  id!: string;

  @Field(() => Int, { description: 'The `version` you read; a stale one is refused with CONFLICT.' })
  version!: number;

  @Field(() => LocalDate, { description: 'First day without the partnership (like `leftOn`); after `since`.' })
  until!: string;
}
