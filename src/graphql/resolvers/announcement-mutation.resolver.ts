import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import {
  createAnnouncement,
  publishAnnouncement,
  unpublishAnnouncement,
  updateAnnouncement,
} from '../../services/announcement-write.service.js';
import {
  CreateAnnouncementInput,
  PublishAnnouncementInput,
  UnpublishAnnouncementInput,
  UpdateAnnouncementInput,
} from '../types/announcement.input.js';
import {
  CreateAnnouncementPayload,
  PublishAnnouncementPayload,
  UnpublishAnnouncementPayload,
  UpdateAnnouncementPayload,
} from '../types/announcement.payload.js';

// Writes: one service call each. The service checks the token, validates, and runs one transaction.
@Resolver()
export class AnnouncementMutationResolver {
  @Mutation(() => CreateAnnouncementPayload, {
    description: 'Writes a new announcement as a DRAFT. ADMIN, or an EDITOR when it mentions only the EDITOR’s clusters.',
  })
  createAnnouncement(
    @Arg('input', () => CreateAnnouncementInput, { description: 'The new announcement.' }) input: CreateAnnouncementInput,
    @Ctx() ctx: RequestContext,
  ) {
    return createAnnouncement(ctx, input);
  }

  @Mutation(() => UpdateAnnouncementPayload, {
    description:
      'Changes an announcement, draft or published. ADMIN, or an EDITOR when it mentions (and will mention) only the EDITOR’s clusters; CONFLICT if `version` is stale.',
  })
  updateAnnouncement(
    @Arg('input', () => UpdateAnnouncementInput, { description: 'The announcement, the version read, and the changes.' })
    input: UpdateAnnouncementInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateAnnouncement(ctx, input);
  }

  @Mutation(() => PublishAnnouncementPayload, {
    description: 'Publishes a draft: from then on everyone sees it. Who may edit it may publish it.',
  })
  publishAnnouncement(
    @Arg('input', () => PublishAnnouncementInput, {
      description: 'The draft, the version read and, optionally, its publication time.',
    })
    input: PublishAnnouncementInput,
    @Ctx() ctx: RequestContext,
  ) {
    return publishAnnouncement(ctx, input);
  }

  @Mutation(() => UnpublishAnnouncementPayload, {
    description:
      'Takes a published announcement back to a draft, hidden from those who may not edit it. Who may edit it may do this.',
  })
  unpublishAnnouncement(
    @Arg('input', () => UnpublishAnnouncementInput, { description: 'The announcement and the version read.' })
    input: UnpublishAnnouncementInput,
    @Ctx() ctx: RequestContext,
  ) {
    return unpublishAnnouncement(ctx, input);
  }
}
