import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { EventType } from '../../entities/event-log.entity.js';
import { WebhookDeliveryKind, WebhookDeliveryStatus } from '../../entities/webhook.entity.js';
import { DEFAULT_SECRET_OVERLAP_HOURS, MAX_SECRET_OVERLAP_HOURS } from '../../services/webhook-settings.js';
import { ConnectionArgs } from './args.js';
import { ConnectionType } from './connection.js';
import { ClusterLevel } from './enums.js';
import { DateTime } from './scalars.js';

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'How an attempt to deliver went.',
  valuesConfig: {
    PENDING: { description: 'A ping or redelivery queued and not sent yet (attempts at events are recorded once made).' },
    DELIVERED: { description: 'The endpoint answered with a 2xx status.' },
    FAILED: {
      description:
        'Another status, a timeout, a connection error or a refused address; `nextAttemptAt` says whether it is tried again.',
    },
  },
});

registerEnumType(WebhookDeliveryKind, {
  name: 'WebhookDeliveryKind',
  description: 'Why a delivery was made.',
  valuesConfig: {
    EVENT: { description: 'An event of the log, in order (retried on failure).' },
    REDELIVERY: { description: 'An event sent again by `redeliverWebhookDelivery` (once).' },
    PING: { description: 'A test message from `pingWebhook` (once).' },
  },
});

@ObjectType({ description: 'Which events a webhook receives besides their type; given parts must all match.' })
export class WebhookFilter {
  @Field(() => [String], { description: 'Slugs of the clusters whose events it receives; empty: all clusters.' })
  clusters!: string[];

  @Field(() => [ClusterLevel], { nullable: true, description: 'Levels of the clusters concerned (when it happened); null: all.' })
  levels!: ClusterLevel[] | null;
}

@ObjectType({ description: 'One attempt to deliver an event (or a ping) to a webhook.' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'Its id (for `redeliverWebhookDelivery`).' })
  id!: string;

  @Field(() => WebhookDeliveryKind, { description: 'An event in order, a redelivery, or a ping.' })
  kind!: WebhookDeliveryKind;

  @Field(() => String, {
    nullable: true,
    description: 'The event’s position in the log (as `Query.events` shows it); null for a ping.',
  })
  eventPosition!: string | null;

  @Field(() => Int, { description: 'Which attempt at this event this is, from 1 (redeliveries count on).' })
  attempt!: number;

  @Field(() => WebhookDeliveryStatus, { description: 'How it went.' })
  status!: WebhookDeliveryStatus;

  @Field(() => Int, {
    nullable: true,
    description: 'The HTTP status answered; null when none came (timeout, connection error, refused).',
  })
  httpStatus!: number | null;

  @Field(() => Int, { nullable: true, description: 'Milliseconds from sending to the end of the response.' })
  durationMs!: number | null;

  @Field(() => String, { nullable: true, description: 'The start of the response body (500 characters), or what went wrong.' })
  responseExcerpt!: string | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When the event is tried again after this failed attempt; null when it will not be.',
  })
  nextAttemptAt!: Date | null;

  @Field(() => DateTime, { description: 'When the attempt was made (or queued).' })
  createdAt!: Date;
}

@ObjectType({ description: 'A page of a webhook’s delivery attempts, newest first.' })
export class WebhookDeliveryConnection extends ConnectionType(WebhookDelivery, 'WebhookDelivery') {}

@ObjectType({
  description:
    'An HTTP endpoint that gets the event log’s matching events as signed POSTs (Standard Webhooks), in order, at least once.',
})
export class Webhook {
  @Field(() => ID, { description: 'Its id.' })
  id!: string;

  @Field({ description: 'Where events are POSTed (https, public addresses only, unless the operator allows the host).' })
  url!: string;

  @Field(() => [EventType], { description: 'The types of event it receives.' })
  events!: EventType[];

  @Field(() => WebhookFilter, { description: 'Which of those events.' })
  filter!: WebhookFilter;

  @Field(() => String, { nullable: true, description: 'What it is for.' })
  description!: string | null;

  @Field({
    description: 'Whether events are delivered; false after failing for too long (see `disabledReason`) or when switched off.',
  })
  enabled!: boolean;

  @Field(() => String, { nullable: true, description: 'Why delivery was switched off automatically; null otherwise.' })
  disabledReason!: string | null;

  @Field(() => String, { description: 'The last log position it has handled (delivered, given up or not matching).' })
  cursor!: string;

  @Field(() => DateTime, {
    nullable: true,
    description:
      'Until when deliveries also carry a signature made with the secret before the last rotation; null when only the current secret signs.',
  })
  previousSecretExpiresAt!: Date | null;

  @Field(() => DateTime, { description: 'When it was created: it receives events committed after that.' })
  createdAt!: Date;

  @Field(() => DateTime, { description: 'When its settings last changed.' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Version for `updateWebhook` (a stale one is a CONFLICT).' })
  version!: number;
}

@ObjectType({ description: 'A page of webhooks, oldest first.' })
export class WebhookConnection extends ConnectionType(Webhook, 'Webhook') {}

@InputType({ description: 'Which delivery attempts to list.' })
export class WebhookDeliveryFilter {
  @Field(() => WebhookDeliveryStatus, { nullable: true, description: 'Only attempts with this status.' })
  status?: WebhookDeliveryStatus | null;
}

@ArgsType()
export class WebhookDeliveriesArgs {
  @Field(() => Int, { nullable: true, description: 'At most this many attempts (default 20, at most 100).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Attempts after this cursor.' })
  after?: string | null;

  @Field(() => WebhookDeliveryFilter, { nullable: true, description: 'Which attempts.' })
  filter?: WebhookDeliveryFilter | null;
}

@ArgsType()
export class WebhooksArgs extends ConnectionArgs {}

@InputType({ description: 'Which events a webhook receives besides their type; given parts must all match.' })
export class WebhookFilterInput {
  @Field(() => [String], { nullable: true, description: 'Slugs of clusters (at most 100); an EDITOR must name only its own.' })
  clusters?: string[] | null;

  @Field(() => [ClusterLevel], { nullable: true, description: 'Levels of the clusters concerned, when it happened.' })
  levels?: ClusterLevel[] | null;
}

@InputType({ description: 'A new webhook.' })
export class CreateWebhookInput {
  @Field({ description: 'The endpoint: https, resolving to public addresses only (WEBHOOK_ALLOWED_HOSTS excepted).' })
  url!: string;

  @Field(() => [EventType], { description: 'The types of event to send.' })
  events!: EventType[];

  @Field(() => WebhookFilterInput, {
    nullable: true,
    description: 'Which of them (all when absent; an EDITOR must filter to its clusters).',
  })
  filter?: WebhookFilterInput | null;

  @Field(() => String, { nullable: true, description: 'What it is for, at most 500 characters.' })
  description?: string | null;
}

@InputType({ description: 'Changes to a webhook; fields left out stay as they are.' })
export class UpdateWebhookInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;

  @Field(() => Int, { description: 'The `version` you read; a stale one is refused with CONFLICT.' })
  version!: number;

  @Field(() => String, { nullable: true, description: 'New endpoint (same rules as at creation).' })
  url?: string | null;

  @Field(() => [EventType], { nullable: true, description: 'New event types.' })
  events?: EventType[] | null;

  @Field(() => WebhookFilterInput, { nullable: true, description: 'New filter; its parts left out stay as they are.' })
  filter?: WebhookFilterInput | null;

  @Field(() => String, { nullable: true, description: 'New description; null clears it.' })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Switch delivery on (it goes on after the last event handled) or off.' })
  enabled?: boolean | null;
}

@InputType({ description: 'The webhook to delete.' })
export class DeleteWebhookInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;
}

@InputType({ description: 'The webhook whose secret to replace, and how long the old one keeps signing.' })
export class RotateWebhookSecretInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;

  @Field(() => Int, {
    nullable: true,
    description: `For how many hours the old secret keeps signing beside the new one (0 to ${MAX_SECRET_OVERLAP_HOURS}, default ${DEFAULT_SECRET_OVERLAP_HOURS}; 0 stops it at once, as after a leak).`,
  })
  overlapHours?: number | null;
}

@InputType({ description: 'The delivery attempt whose event to send again.' })
export class RedeliverWebhookDeliveryInput {
  @Field(() => ID, { description: 'The delivery attempt (`WebhookDelivery.id`).' })
  id!: string;
}

@InputType({ description: 'The webhook to send a test message.' })
export class PingWebhookInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;
}

@ObjectType({ description: 'A webhook and its signing secret, shown only here.' })
export class WebhookSecretPayload {
  @Field(() => Webhook, { description: 'The webhook.' })
  webhook!: Webhook;

  @Field({
    description: 'The signing secret, `whsec_` + base64 of 32 random bytes: keep it to verify deliveries. It is not shown again.',
  })
  secret!: string;
}

@ObjectType({ description: 'The webhook as changed.' })
export class UpdateWebhookPayload {
  @Field(() => Webhook, { description: 'The webhook.' })
  webhook!: Webhook;
}

@ObjectType({ description: 'What was deleted.' })
export class DeleteWebhookPayload {
  @Field(() => ID, { description: 'The id of the deleted webhook.' })
  deletedWebhookId!: string;
}

@ObjectType({ description: 'The delivery queued (PENDING); its result shows in `Webhook.deliveries`.' })
export class WebhookDeliveryPayload {
  @Field(() => WebhookDelivery, { description: 'The new attempt.' })
  delivery!: WebhookDelivery;
}
