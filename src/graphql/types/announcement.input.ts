import { Field, ID, InputType, Int } from 'type-graphql';
import { AnnouncementKind, Language } from './enums.js';
import { DateTime } from './scalars.js';

@InputType({
  description:
    'A new announcement. It starts as a DRAFT (publishAnnouncement makes it public). An EDITOR may write only about its own clusters.',
})
export class CreateAnnouncementInput {
  @Field({ description: 'Unique URL name: lowercase letters and digits in words joined by hyphens, at most 150 characters.' })
  slug!: string;

  @Field({ description: 'Headline, 1 to 300 characters.' })
  title!: string;

  @Field({ description: 'Full text, plain, paragraphs separated by blank lines; 1 to 100,000 characters.' })
  body!: string;

  @Field(() => Language, { description: 'Language of title and body.' })
  language!: Language;

  @Field(() => AnnouncementKind, { description: 'What it is about.' })
  kind!: AnnouncementKind;

  @Field(() => String, { nullable: true, description: 'Where the original was published: an http:// or https:// URL.' })
  sourceUrl?: string | null;

  @Field(() => [String], {
    description:
      'Slugs of the clusters it mentions, in order (at most 50, distinct). For an EDITOR: at least one, and only its own clusters.',
  })
  clusters!: string[];
}

@InputType({
  description:
    'Changes to an announcement, draft or published. Fields left out stay as they are; null clears an optional field. Publication goes through publishAnnouncement and unpublishAnnouncement.',
})
export class UpdateAnnouncementInput {
  @Field(() => ID, { description: 'The global id of the announcement.' })
  id!: string;

  @Field(() => Int, { description: 'The `version` you read; a stale one is refused with CONFLICT.' })
  version!: number;

  @Field(() => String, { nullable: true, description: 'New slug (same rules as at creation).' })
  slug?: string | null;

  @Field(() => String, { nullable: true, description: 'New headline, 1 to 300 characters.' })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'New full text, 1 to 100,000 characters.' })
  body?: string | null;

  @Field(() => Language, { nullable: true, description: 'New language.' })
  language?: Language | null;

  @Field(() => AnnouncementKind, { nullable: true, description: 'New kind.' })
  kind?: AnnouncementKind | null;

  @Field(() => String, { nullable: true, description: 'New source URL; null clears it.' })
  sourceUrl?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'The complete new list of mentioned cluster slugs, in order. For an EDITOR: only its own clusters.',
  })
  clusters?: string[] | null;
}

@InputType({ description: 'Publishes a draft.' })
export class PublishAnnouncementInput {
  @Field(() => ID, { description: 'The global id of the announcement.' })
  id!: string;

  @Field(() => Int, { description: 'The `version` you read; a stale one is refused with CONFLICT.' })
  version!: number;

  @Field(() => DateTime, {
    nullable: true,
    description: 'The publication time to show; now when left out. Not in the future (there is no scheduled publishing).',
  })
  publishedAt?: Date | null;
}

@InputType({ description: 'Takes a published announcement back to a draft.' })
export class UnpublishAnnouncementInput {
  @Field(() => ID, { description: 'The global id of the announcement.' })
  id!: string;

  @Field(() => Int, { description: 'The `version` you read; a stale one is refused with CONFLICT.' })
  version!: number;
}
