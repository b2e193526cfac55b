import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** Which subscription (and webhook event type) an event belongs to. */
export enum EventType {
  ANNOUNCEMENT_CHANGED = 'ANNOUNCEMENT_CHANGED',
  CLUSTER_CHANGED = 'CLUSTER_CHANGED',
  MEMBERSHIP_CHANGED = 'MEMBERSHIP_CHANGED',
}

/** Attributes of an event that subscription filters match on, as they were when it happened. */
export interface EventFacets {
  /** Levels of the clusters concerned (a level change has both the old and the new one). */
  levels?: string[];
  /** A membership's organization. */
  orgNumber?: string;
  /** An announcement's kind and language. */
  announcementKind?: string;
  language?: string;
}

/**
 * One change, written by the service in the same transaction as the change itself (the
 * transactional outbox). `position` is assigned from `EventLogState` at the end of the transaction,
 * under that row's lock, so positions are gapless and commit in their order.
 */
@Entity({ tableName: 'event_log' })
@Index({ properties: ['occurredAt'] })
@Index({ properties: ['type', 'position'] })
export class EventLogEntry {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: false })
  position!: number;

  @Property({ type: 'datetime' })
  occurredAt!: Date;

  @Property({ length: 30 })
  type!: EventType;

  /** PUBLISHED, CREATED, ADDED, ... (the kinds of the event's type). */
  @Property({ length: 20 })
  kind!: string;

  /** The database id of the announcement, cluster or membership. */
  @Property({ type: 'integer' })
  entityId!: number;

  /** The clusters concerned; also in `event_log_cluster`, which the `clusters` filter of `Query.events` reads. */
  @Property({ type: 'json' })
  clusterIds!: number[];

  @Property({ type: 'json' })
  changedFields!: string[];

  @Property({ type: 'json' })
  facets!: EventFacets;
}

/** One cluster an event concerns (no foreign key: the log records what was, and must not lock clusters). */
@Entity({ tableName: 'event_log_cluster' })
@Index({ properties: ['position'] })
export class EventLogCluster {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  clusterId!: number;

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: false })
  position!: number;
}

/** The log's one row of state: the last position assigned, and the highest one pruned away. */
@Entity({ tableName: 'event_log_state' })
export class EventLogState {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  id!: number;

  @Property({ type: new BigIntType('number') })
  lastPosition!: number;

  @Property({ type: new BigIntType('number') })
  prunedThrough!: number;
}

/** What happened to an announcement, as subscribers see it. */
export enum AnnouncementEventKind {
  PUBLISHED = 'PUBLISHED',
  UPDATED = 'UPDATED',
  UNPUBLISHED = 'UNPUBLISHED',
}

/** What happened to a cluster. */
export enum ClusterEventKind {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  LEVEL_CHANGED = 'LEVEL_CHANGED',
  ENDED = 'ENDED',
}

/** What happened to a membership. */
export enum MembershipEventKind {
  ADDED = 'ADDED',
  UPDATED = 'UPDATED',
  ENDED = 'ENDED',
}
