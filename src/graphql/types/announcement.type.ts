import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from './connection.js';
import { AnnouncementKind, AnnouncementStatus, Language, MentionMatch, Provenance } from './enums.js';
import { Node } from './node.interface.js';
import { DateTime } from './scalars.js';

// A federation entity: other subgraphs reference it by these keys (see src/graphql/federation).
@Directive('@key(fields: "id")')
@ObjectType({
  simpleResolvers: true,
  implements: Node,
  description:
    'A text about the programme: admissions, level changes, news, policy. Published ones are public; a draft is seen only by tokens that may edit it and READER tokens of a cluster it mentions.',
})
export class Announcement extends Node {
  @Field({ description: 'URL-friendly unique name.' })
  slug!: string;

  @Field({ description: 'Headline.' })
  title!: string;

  @Field({ description: 'Full text, plain, paragraphs separated by blank lines.' })
  body!: string;

  @Field(() => Language, { description: 'Language of title and body.' })
  language!: Language;

  @Field(() => DateTime, { nullable: true, description: 'When it was published; null for a draft.' })
  publishedAt!: Date | null;

  @Field(() => AnnouncementStatus, { description: 'Whether it is published or still a draft.' })
  status!: AnnouncementStatus;

  @Field(() => AnnouncementKind, { description: 'What it is about.' })
  kind!: AnnouncementKind;

  @Field(() => String, { nullable: true, description: 'Where the original was published.' })
  sourceUrl!: string | null;

  @Field(() => Provenance, { description: 'Where this record came from.' })
  provenance!: Provenance;

  @Field(() => Int, {
    description:
      'Goes up with every change; send the version you read with a mutation, which is refused (CONFLICT) if it is stale.',
  })
  version!: number;
}

@ObjectType({ simpleResolvers: true, description: 'The news feed an announcement was ingested from.' })
export class AnnouncementSource {
  @Field({ description: 'URL of the feed (RSS 2.0 or Atom); a `file:` URL for a feed ingested from a file.' })
  feedUrl!: string;

  @Field(() => String, { nullable: true, description: "The feed's own title, as last read." })
  title!: string | null;
}

@ObjectType({
  description:
    'A cluster an announcement mentions, and how the mention was made: by hand, or found in the text of an ingested news item (so an editor can check it and correct it with updateAnnouncement).',
})
export class ClusterMention {
  @Field(() => MentionMatch, { description: 'How the mention was made.' })
  matchedBy!: MentionMatch;

  @Field(() => String, {
    nullable: true,
    description: 'The words of the title or text that named the cluster; null for a mention made by hand.',
  })
  matchedText!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A page of announcements.' })
export class AnnouncementConnection extends ConnectionType(Announcement, 'Announcement') {}
