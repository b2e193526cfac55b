import { Field, ObjectType } from 'type-graphql';
import { Announcement } from './announcement.type.js';

@ObjectType({ simpleResolvers: true, description: 'The result of createAnnouncement.' })
export class CreateAnnouncementPayload {
  @Field(() => Announcement, { description: 'The new announcement, a DRAFT.' })
  announcement!: Announcement;
}

@ObjectType({ simpleResolvers: true, description: 'The result of updateAnnouncement.' })
export class UpdateAnnouncementPayload {
  @Field(() => Announcement, { description: 'The announcement as it is now, with its new version.' })
  announcement!: Announcement;
}

@ObjectType({ simpleResolvers: true, description: 'The result of publishAnnouncement.' })
export class PublishAnnouncementPayload {
  @Field(() => Announcement, { description: 'The announcement, PUBLISHED, with its `publishedAt`.' })
  announcement!: Announcement;
}

@ObjectType({ simpleResolvers: true, description: 'The result of unpublishAnnouncement.' })
export class UnpublishAnnouncementPayload {
  @Field(() => Announcement, { description: 'The announcement, a DRAFT again.' })
  announcement!: Announcement;
}
