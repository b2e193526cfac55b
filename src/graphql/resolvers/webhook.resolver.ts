import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import { encodePosition } from '../../lib/event-position.js';
import { toPrivateId } from '../../lib/global-id.js';
import {
  type WebhookDeliveryRecord,
  type WebhookRecord,
  createWebhook,
  deleteWebhook,
  listWebhookDeliveries,
  listWebhooks,
  pingWebhook,
  redeliverWebhookDelivery,
  rotateWebhookSecret,
  updateWebhook,
} from '../../services/webhook-write.service.js';
import {
  CreateWebhookInput,
  DeleteWebhookInput,
  DeleteWebhookPayload,
  PingWebhookInput,
  RedeliverWebhookDeliveryInput,
  RotateWebhookSecretInput,
  UpdateWebhookInput,
  UpdateWebhookPayload,
  Webhook,
  WebhookConnection,
  WebhookDeliveriesArgs,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookDeliveryPayload,
  WebhookFilter,
  WebhookSecretPayload,
  WebhooksArgs,
} from '../types/webhook.type.js';

// Thin: arguments -> service -> result. The services check the token, validate and write.
@Resolver()
export class WebhookMutationResolver {
  @Query(() => WebhookConnection, {
    description: 'Webhooks, oldest first: ADMIN all of them, an EDITOR those filtered to its clusters only.',
  })
  webhooks(@Args(() => WebhooksArgs) args: WebhooksArgs, @Ctx() ctx: RequestContext) {
    return listWebhooks(ctx, args);
  }

  @Mutation(() => WebhookSecretPayload, {
    description:
      'Adds a webhook: matching events committed from now on are POSTed to it, signed with the secret returned (shown only here). ADMIN, or an EDITOR for a webhook filtered to its clusters.',
  })
  createWebhook(
    @Arg('input', () => CreateWebhookInput, { description: 'The endpoint, events and filter.' }) input: CreateWebhookInput,
    @Ctx() ctx: RequestContext,
  ) {
    return createWebhook(ctx, input);
  }

  @Mutation(() => UpdateWebhookPayload, { description: 'Changes a webhook, or switches it on or off.' })
  updateWebhook(
    @Arg('input', () => UpdateWebhookInput, { description: 'The webhook, the version read and the changes.' })
    input: UpdateWebhookInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateWebhook(ctx, input);
  }

  @Mutation(() => DeleteWebhookPayload, { description: 'Deletes a webhook and its delivery log.' })
  deleteWebhook(
    @Arg('input', () => DeleteWebhookInput, { description: 'The webhook.' }) input: DeleteWebhookInput,
    @Ctx() ctx: RequestContext,
  ) {
    return deleteWebhook(ctx, input.id);
  }

  @Mutation(() => WebhookSecretPayload, {
    description:
      'Gives a webhook a new signing secret (returned, shown only here). Deliveries are signed with it, and for `overlapHours` also with the old one (a second signature in `webhook-signature`), so receivers can switch without rejecting any.',
  })
  rotateWebhookSecret(
    @Arg('input', () => RotateWebhookSecretInput, { description: 'The webhook and the overlap.' })
    input: RotateWebhookSecretInput,
    @Ctx() ctx: RequestContext,
  ) {
    return rotateWebhookSecret(ctx, input.id, input.overlapHours);
  }

  @Mutation(() => WebhookDeliveryPayload, {
    description: 'Sends the event of a delivery again, once, as a new attempt (outside the order of the log).',
  })
  redeliverWebhookDelivery(
    @Arg('input', () => RedeliverWebhookDeliveryInput, { description: 'The delivery attempt.' })
    input: RedeliverWebhookDeliveryInput,
    @Ctx() ctx: RequestContext,
  ) {
    return redeliverWebhookDelivery(ctx, input.id);
  }

  @Mutation(() => WebhookDeliveryPayload, {
    description: 'Sends a test message (`{"type":"PING"}`, signed like every delivery), even to a disabled webhook.',
  })
  pingWebhook(
    @Arg('input', () => PingWebhookInput, { description: 'The webhook.' }) input: PingWebhookInput,
    @Ctx() ctx: RequestContext,
  ) {
    return pingWebhook(ctx, input.id);
  }
}

@Resolver(() => Webhook)
export class WebhookResolver {
  @FieldResolver(() => ID, { description: 'Its id.' })
  id(@Root() webhook: WebhookRecord) {
    return toPrivateId('Webhook', webhook.id);
  }

  @FieldResolver(() => String, { description: 'The last log position it has handled (delivered, given up or not matching).' })
  cursor(@Root() webhook: WebhookRecord) {
    return encodePosition(webhook.cursor);
  }

  @FieldResolver()
  previousSecretExpiresAt(@Root() webhook: WebhookRecord) {
    const until = webhook.previousSecretUntil;
    return until && until.getTime() > Date.now() ? until : null;
  }

  @FieldResolver(() => WebhookFilter, { description: 'Which of those events.' })
  async filter(@Root() webhook: WebhookRecord, @Ctx() ctx: RequestContext) {
    const clusters = await ctx.loaders.clusterById.loadMany(webhook.clusterIds);
    return {
      clusters: clusters.flatMap((c) => (c && !(c instanceof Error) ? [c.slug] : [])),
      levels: webhook.levels,
    };
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'Its delivery attempts, newest first, one per attempt.' })
  deliveries(
    @Root() webhook: WebhookRecord,
    @Args(() => WebhookDeliveriesArgs) args: WebhookDeliveriesArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return listWebhookDeliveries(ctx, webhook, args);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => ID, { description: 'Its id (for `redeliverWebhookDelivery`).' })
  id(@Root() delivery: WebhookDeliveryRecord) {
    return toPrivateId('WebhookDelivery', delivery.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The event’s position in the log; null for a ping.' })
  eventPosition(@Root() delivery: WebhookDeliveryRecord) {
    return delivery.eventPosition === null ? null : encodePosition(delivery.eventPosition);
  }
}
