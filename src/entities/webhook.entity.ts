import { BigIntType, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { BaseEntity } from './base.entity.js';
import type { EventType } from './event-log.entity.js';

/**
 * An integrator's HTTP endpoint, sent the log's matching events as signed POSTs (Standard
 * Webhooks). The delivery worker's state lives on the row too (`cursor`, `nextAttemptAt`, the
 * lease), written by plain SQL so it never moves `version`: edits and deliveries do not conflict.
 */
@Entity()
@Index({ properties: ['enabled', 'cursor'] })
export class Webhook extends BaseEntity<
  | 'description'
  | 'enabled'
  | 'disabledReason'
  | 'nextAttemptAt'
  | 'failingSince'
  | 'leaseOwner'
  | 'leaseUntil'
  | 'levels'
  | 'previousSecret'
  | 'previousSecretUntil'
> {
  @Property({ length: 2000 })
  url!: string;

  /** Event types it receives (EventType values). */
  @Property({ type: 'json' })
  events!: EventType[];

  /** Only events concerning these clusters (database ids); empty: all clusters. */
  @Property({ type: 'json' })
  clusterIds!: number[];

  /** Only events of clusters at these levels (when it happened); null: all levels. */
  @Property({ type: 'json', nullable: true })
  levels?: string[] | null;

  @Property({ length: 500, nullable: true })
  description?: string | null;

  /**
   * The signing secret, `whsec_…` (encrypted with AES-256-GCM when WEBHOOK_SECRET_KEY is set,
   * `enc:v1:…`); shown to the client only when created or rotated.
   */
  @Property({ length: 300 })
  secret!: string;

  /**
   * The secret before the last rotation (sealed like `secret`): deliveries carry a signature made
   * with it too until `previousSecretUntil`, so a receiver can switch secrets without rejecting any.
   */
  @Property({ length: 300, nullable: true })
  previousSecret?: string | null;

  @Property({ type: 'datetime', nullable: true })
  previousSecretUntil?: Date | null;

  @Property()
  enabled: boolean = true;

  /** Why delivery stopped (failing for too long), or null. */
  @Property({ length: 500, nullable: true })
  disabledReason?: string | null;

  /** The log position when it was created: it never gets events from before. */
  @Property({ type: new BigIntType('number') })
  createdPosition!: number;

  /** The last log position handled (delivered, finally failed, or not matching). */
  @Property({ type: new BigIntType('number') })
  cursor!: number;

  /** When the event after `cursor` may be tried again (after a failed attempt); null: now. */
  @Property({ type: 'datetime', nullable: true })
  nextAttemptAt?: Date | null;

  /** Since when attempts have failed without a success in between; null while healthy. */
  @Property({ type: 'datetime', nullable: true })
  failingSince?: Date | null;

  /** The delivering instance and until when it holds the webhook (one sender per webhook across instances). */
  @Property({ length: 100, nullable: true })
  leaseOwner?: string | null;

  @Property({ type: 'datetime', nullable: true })
  leaseUntil?: Date | null;
}

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}

/** Why a delivery was made: an event of the log, a redelivery asked for, or a ping. */
export enum WebhookDeliveryKind {
  EVENT = 'EVENT',
  REDELIVERY = 'REDELIVERY',
  PING = 'PING',
}

/** One attempt to deliver one event (or a ping) to one webhook. */
@Entity()
@Index({ properties: ['webhook', 'id'] })
@Index({ properties: ['webhook', 'eventPosition', 'attempt'] })
@Index({ properties: ['status', 'kind'] })
export class WebhookDelivery {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne('Webhook', { deleteRule: 'cascade' })
  webhook!: Rel<Webhook>;

  @Enum({ items: () => WebhookDeliveryKind })
  kind!: WebhookDeliveryKind;

  /** The event's log position; null for a ping. */
  @Property({ type: new BigIntType('number'), nullable: true })
  eventPosition?: number | null;

  /** 1 for the first attempt at an event, counting redeliveries on. */
  @Property({ type: 'integer' })
  attempt!: number;

  @Enum({ items: () => WebhookDeliveryStatus })
  status!: WebhookDeliveryStatus;

  @Property({ type: 'integer', nullable: true })
  httpStatus?: number | null;

  @Property({ type: 'integer', nullable: true })
  durationMs?: number | null;

  /** The start of the response body, or what went wrong (timeout, refused address, ...). */
  @Property({ length: 1000, nullable: true })
  responseExcerpt?: string | null;

  /** When the next attempt at this event is due (a failed attempt that will be retried). */
  @Property({ type: 'datetime', nullable: true })
  nextAttemptAt?: Date | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
