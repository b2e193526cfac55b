import { Field, ObjectType } from 'type-graphql';
import { ConnectionType } from './connection.js';
import { AnnouncementKind, Language, Provenance } from './enums.js';
import { Node } from './node.interface.js';
import { DateTime } from './scalars.js';

@ObjectType({
  simpleResolvers: true,
  implements: Node,
  description: 'A published text about the programme: admissions, level changes, news, policy.',
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

  @Field(() => DateTime, { description: 'When it was published.' })
  publishedAt!: Date;

  @Field(() => AnnouncementKind, { description: 'What it is about.' })
  kind!: AnnouncementKind;

  @Field(() => String, { nullable: true, description: 'Where the original was published.' })
  sourceUrl!: string | null;

  @Field(() => Provenance, { description: 'Where this record came from.' })
  provenance!: Provenance;
}

@ObjectType({ simpleResolvers: true, description: 'A page of announcements.' })
export class AnnouncementConnection extends ConnectionType(Announcement, 'Announcement') {}
