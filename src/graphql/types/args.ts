import { ArgsType, Field, InputType, Int } from 'type-graphql';
import {
  AnnouncementKind,
  AnnouncementOrderField,
  ClusterLevel,
  ClusterOrderField,
  ClusterStatus,
  Language,
  MembershipOrderField,
  MembershipRole,
  OrderDirection,
  OrganizationOrderField,
  PartnerKind,
  PartnerOrderField,
  PartnershipOrderField,
  PartnershipRole,
} from './enums.js';
import { LocalDate } from './scalars.js';

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: 'Page forwards: at most this many items (default 20, at most 100).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Page forwards: items after this cursor.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'Page backwards: at most this many items (at most 100).' })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Page backwards: items before this cursor.' })
  before?: string | null;
}

@InputType({ description: 'A range of dates; both ends inclusive, either may be left open.' })
export class DateRange {
  @Field(() => LocalDate, { nullable: true, description: 'First date in the range.' })
  from?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Last date in the range.' })
  to?: string | null;
}

// ---- clusters

@InputType({ description: 'Which clusters to include. Lists match any of their values; fields combine with AND.' })
export class ClusterFilter {
  @Field(() => [ClusterLevel], { nullable: true, description: 'Clusters at any of these levels.' })
  levels?: ClusterLevel[] | null;

  @Field(() => [String], { nullable: true, description: 'Clusters in any of these counties, e.g. ["Vestland", "Oslo"].' })
  counties?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Clusters working in any of these sectors.' })
  sectors?: string[] | null;

  @Field(() => ClusterStatus, { nullable: true, description: 'Only active or only ended clusters.' })
  status?: ClusterStatus | null;

  @Field(() => DateRange, { nullable: true, description: 'Clusters admitted to the programme within this range.' })
  admittedOn?: DateRange | null;

  @Field(() => String, {
    nullable: true,
    description: 'Words in name, description, place or sectors (prefixes match; æ, ø, å and case handled).',
  })
  text?: string | null;
}

@InputType({ description: 'How to order clusters.' })
export class ClusterOrder {
  @Field(() => ClusterOrderField, { description: 'The field to order by.' })
  field!: ClusterOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'The direction.' })
  direction!: OrderDirection;
}

@ArgsType()
export class ClustersArgs extends ConnectionArgs {
  @Field(() => ClusterFilter, { nullable: true, description: 'Which clusters to include.' })
  filter?: ClusterFilter | null;

  @Field(() => ClusterOrder, { nullable: true, description: 'Order of the list (default: NAME ASC).' })
  orderBy?: ClusterOrder | null;
}

// ---- organizations

@InputType({ description: 'Which organizations to include; fields combine with AND.' })
export class OrganizationFilter {
  @Field(() => [String], { nullable: true, description: 'Organizations located in any of these counties.' })
  counties?: string[] | null;

  @Field(() => String, { nullable: true, description: 'NACE code prefix, e.g. "62" or "62.01".' })
  naceCodePrefix?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Organizations that are or were members of any of these clusters (slugs).',
  })
  clusters?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Words in name, place or organisation number.' })
  text?: string | null;
}

@InputType({ description: 'How to order organizations.' })
export class OrganizationOrder {
  @Field(() => OrganizationOrderField, { description: 'The field to order by.' })
  field!: OrganizationOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'The direction.' })
  direction!: OrderDirection;
}

@ArgsType()
export class OrganizationsArgs extends ConnectionArgs {
  @Field(() => OrganizationFilter, { nullable: true, description: 'Which organizations to include.' })
  filter?: OrganizationFilter | null;

  @Field(() => OrganizationOrder, { nullable: true, description: 'Order of the list (default: NAME ASC).' })
  orderBy?: OrganizationOrder | null;
}

// ---- memberships

@InputType({ description: 'Which memberships to include; fields combine with AND.' })
export class MembershipFilter {
  @Field(() => [MembershipRole], { nullable: true, description: 'Memberships with any of these roles.' })
  roles?: MembershipRole[] | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Memberships in force on this date (joined on or before it, not yet left).',
  })
  activeOn?: string | null;
}

@InputType({ description: 'How to order memberships.' })
export class MembershipOrder {
  @Field(() => MembershipOrderField, { description: 'The field to order by.' })
  field!: MembershipOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'The direction.' })
  direction!: OrderDirection;
}

@ArgsType()
export class MembershipsArgs extends ConnectionArgs {
  @Field(() => MembershipFilter, { nullable: true, description: 'Which memberships to include.' })
  filter?: MembershipFilter | null;

  @Field(() => MembershipOrder, { nullable: true, description: 'Order of the list (default: JOINED_ON ASC).' })
  orderBy?: MembershipOrder | null;
}

// ---- partners and partnerships

@InputType({ description: 'Which partner institutions to include; fields combine with AND.' })
export class PartnerFilter {
  @Field(() => [PartnerKind], { nullable: true, description: 'Institutions of any of these kinds.' })
  kinds?: PartnerKind[] | null;

  @Field(() => String, { nullable: true, description: 'Words in name or place.' })
  text?: string | null;
}

@InputType({ description: 'How to order partner institutions.' })
export class PartnerOrder {
  @Field(() => PartnerOrderField, { description: 'The field to order by.' })
  field!: PartnerOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'The direction.' })
  direction!: OrderDirection;
}

@ArgsType()
export class PartnersArgs extends ConnectionArgs {
  @Field(() => PartnerFilter, { nullable: true, description: 'Which institutions to include.' })
  filter?: PartnerFilter | null;

  @Field(() => PartnerOrder, { nullable: true, description: 'Order of the list (default: NAME ASC).' })
  orderBy?: PartnerOrder | null;
}

@InputType({ description: 'Which partnerships to include; fields combine with AND.' })
export class PartnershipFilter {
  @Field(() => [PartnershipRole], { nullable: true, description: 'Partnerships with any of these roles.' })
  roles?: PartnershipRole[] | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Partnerships in force on this date (begun on or before it, not ended on or before it).',
  })
  activeOn?: string | null;
}

@InputType({ description: 'How to order partnerships.' })
export class PartnershipOrder {
  @Field(() => PartnershipOrderField, { description: 'The field to order by.' })
  field!: PartnershipOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'The direction.' })
  direction!: OrderDirection;
}

@ArgsType()
export class PartnershipsArgs extends ConnectionArgs {
  @Field(() => PartnershipFilter, { nullable: true, description: 'Which partnerships to include.' })
  filter?: PartnershipFilter | null;

  @Field(() => PartnershipOrder, { nullable: true, description: 'Order of the list (default: SINCE ASC).' })
  orderBy?: PartnershipOrder | null;
}

// ---- announcements

@InputType({ description: 'Which announcements to include; fields combine with AND.' })
export class AnnouncementFilter {
  @Field(() => [AnnouncementKind], { nullable: true, description: 'Announcements of any of these kinds.' })
  kinds?: AnnouncementKind[] | null;

  @Field(() => Language, { nullable: true, description: 'Announcements in this language.' })
  language?: Language | null;

  @Field(() => [String], { nullable: true, description: 'Announcements mentioning any of these clusters (slugs).' })
  clusters?: string[] | null;

  @Field(() => DateRange, { nullable: true, description: 'Announcements published within this range of dates (UTC).' })
  publishedAt?: DateRange | null;

  @Field(() => String, {
    nullable: true,
    description: 'Words in title or body (prefixes match; Norwegian word forms on PostgreSQL).',
  })
  text?: string | null;
}

@InputType({ description: 'How to order announcements.' })
export class AnnouncementOrder {
  @Field(() => AnnouncementOrderField, { description: 'The field to order by.' })
  field!: AnnouncementOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'The direction.' })
  direction!: OrderDirection;
}

@ArgsType()
export class AnnouncementsArgs extends ConnectionArgs {
  @Field(() => AnnouncementFilter, { nullable: true, description: 'Which announcements to include.' })
  filter?: AnnouncementFilter | null;

  @Field(() => AnnouncementOrder, {
    nullable: true,
    description: 'Order of the list (default: PUBLISHED_AT DESC, newest first).',
  })
  orderBy?: AnnouncementOrder | null;
}
