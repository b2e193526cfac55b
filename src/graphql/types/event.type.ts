import { ArgsType, Field, ID, InputType, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { AnnouncementEventKind, ClusterEventKind, EventType, MembershipEventKind } from '../../entities/event-log.entity.js';
import { Announcement } from './announcement.type.js';
import { Cluster } from './cluster.type.js';
import { ConnectionType } from './connection.js';
import { AnnouncementKind, ClusterLevel, Language } from './enums.js';
import { Membership } from './membership.type.js';
import { DateTime } from './scalars.js';

registerEnumType(EventType, {
  name: 'EventType',
  description: 'The kinds of event in the log, one per subscription.',
  valuesConfig: {
    ANNOUNCEMENT_CHANGED: { description: 'An announcement was published, changed while published, or unpublished.' },
    CLUSTER_CHANGED: { description: 'A cluster was created, changed, moved to another level or ended.' },
    MEMBERSHIP_CHANGED: { description: 'A membership was added, changed or ended.' },
  },
});

registerEnumType(AnnouncementEventKind, {
  name: 'AnnouncementEventKind',
  description: 'What happened to an announcement.',
  valuesConfig: {
    PUBLISHED: { description: 'It was published (a draft became public).' },
    UPDATED: { description: 'A published announcement changed (drafts make no events).' },
    UNPUBLISHED: { description: 'It went back to being a draft.' },
  },
});

registerEnumType(ClusterEventKind, {
  name: 'ClusterEventKind',
  description: 'What happened to a cluster.',
  valuesConfig: {
    CREATED: { description: 'It was created.' },
    UPDATED: { description: 'Its own data changed (see `changedFields`).' },
    LEVEL_CHANGED: { description: 'It moved to another programme level.' },
    ENDED: { description: 'It left the programme.' },
  },
});

registerEnumType(MembershipEventKind, {
  name: 'MembershipEventKind',
  description: 'What happened to a membership.',
  valuesConfig: {
    ADDED: { description: 'An organization joined a cluster.' },
    UPDATED: { description: 'Its role changed.' },
    ENDED: { description: 'The organization left the cluster.' },
  },
});

/** An event as the schema serves it: the log's row, and its GraphQL type. */
export interface EventObject {
  __typename: 'AnnouncementEvent' | 'ClusterEvent' | 'MembershipEvent';
  position: string;
  occurredAt: Date;
  kind: string;
  entityId: number;
  changedFields: string[];
}

@InterfaceType('Event', {
  description:
    'A change in the event log. Positions are opaque, increase in the order events happened and compare as strings; pass one as `after` to resume.',
})
export class Event {
  @Field({ description: 'Where the event sits in the log; pass it as `after` to get what came after it.' })
  position!: string;

  @Field(() => DateTime, { description: 'When the change was committed.' })
  occurredAt!: Date;
}

@ObjectType({
  implements: Event,
  description:
    'An announcement was published, changed while published, or unpublished. `announcement` is its current state, null where the subscriber may not see it (a draft again, for anonymous subscribers).',
})
export class AnnouncementEvent extends Event {
  @Field(() => AnnouncementEventKind, { description: 'What happened.' })
  kind!: AnnouncementEventKind;

  @Field(() => ID, { description: 'The announcement’s global id (always present, even where the object is not visible).' })
  announcementId!: string;

  @Field(() => Announcement, { nullable: true, description: 'The announcement now; null where you may not see it.' })
  announcement!: Announcement | null;
}

@ObjectType({
  implements: Event,
  description: 'A cluster was created, changed, moved to another level or ended. `cluster` is its current state.',
})
export class ClusterEvent extends Event {
  @Field(() => ClusterEventKind, { description: 'What happened.' })
  kind!: ClusterEventKind;

  @Field(() => ID, { description: 'The cluster’s global id.' })
  clusterId!: string;

  @Field(() => Cluster, { nullable: true, description: 'The cluster now.' })
  cluster!: Cluster | null;

  @Field(() => [String], { description: 'The fields of `Cluster` the change touched (all of them when CREATED).' })
  changedFields!: string[];
}

@ObjectType({
  implements: Event,
  description: 'A membership was added, its role changed, or it ended. `membership` is its current state.',
})
export class MembershipEvent extends Event {
  @Field(() => MembershipEventKind, { description: 'What happened.' })
  kind!: MembershipEventKind;

  @Field(() => ID, { description: 'The membership’s global id.' })
  membershipId!: string;

  @Field(() => Membership, { nullable: true, description: 'The membership now.' })
  membership!: Membership | null;
}

@ObjectType({ description: 'A page of the event log, oldest first; each edge’s cursor is its event’s position.' })
export class EventConnection extends ConnectionType(Event, 'Event') {}

@InputType({ description: 'Which announcement events to receive; given parts must all match, list values any.' })
export class AnnouncementEventFilter {
  @Field(() => [String], {
    nullable: true,
    description: 'Slugs of clusters the announcement mentions (before or after the change).',
  })
  clusters?: string[] | null;

  @Field(() => [ClusterLevel], { nullable: true, description: 'Levels of the clusters it mentions.' })
  levels?: ClusterLevel[] | null;

  @Field(() => [AnnouncementEventKind], { nullable: true, description: 'What happened.' })
  kinds?: AnnouncementEventKind[] | null;

  @Field(() => [AnnouncementKind], { nullable: true, description: 'What the announcement is about.' })
  announcementKinds?: AnnouncementKind[] | null;

  @Field(() => Language, { nullable: true, description: 'Its language.' })
  language?: Language | null;
}

@InputType({ description: 'Which cluster events to receive; given parts must all match, list values any.' })
export class ClusterEventFilter {
  @Field(() => [String], { nullable: true, description: 'Slugs of the clusters.' })
  clusters?: string[] | null;

  @Field(() => [ClusterLevel], { nullable: true, description: 'Levels (a level change matches both the old and the new one).' })
  levels?: ClusterLevel[] | null;

  @Field(() => [ClusterEventKind], { nullable: true, description: 'What happened.' })
  kinds?: ClusterEventKind[] | null;
}

@InputType({ description: 'Which membership events to receive; given parts must all match, list values any.' })
export class MembershipEventFilter {
  @Field(() => [String], { nullable: true, description: 'Slugs of the clusters.' })
  clusters?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Organisation numbers of the members (spaces allowed).' })
  orgNumbers?: string[] | null;

  @Field(() => [MembershipEventKind], { nullable: true, description: 'What happened.' })
  kinds?: MembershipEventKind[] | null;
}

@InputType({ description: 'Which events of the log to list.' })
export class EventFilter {
  @Field(() => [EventType], { nullable: true, description: 'Only events of these types.' })
  types?: EventType[] | null;

  @Field(() => [String], { nullable: true, description: 'Only events concerning these clusters (slugs).' })
  clusters?: string[] | null;
}

@ArgsType()
export class EventsArgs {
  @Field(() => Int, { nullable: true, description: 'How many events (default 20, at most 100).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'A position (or an edge’s cursor): list the events after it.' })
  after?: string | null;

  @Field(() => EventFilter, { nullable: true, description: 'Which events.' })
  filter?: EventFilter | null;
}

/** Arguments every subscription takes besides its filter. */
const AFTER_DESCRIPTION =
  'Resume after this position: every matching event after it is sent first, in order, then live ones, with no gap and no duplicate. BAD_CURSOR when it is malformed or older than the log keeps.';

@ArgsType()
export class AnnouncementChangedArgs {
  @Field(() => AnnouncementEventFilter, { nullable: true, description: 'Which events; all when absent.' })
  filter?: AnnouncementEventFilter | null;

  @Field(() => String, { nullable: true, description: AFTER_DESCRIPTION })
  after?: string | null;
}

@ArgsType()
export class ClusterChangedArgs {
  @Field(() => ClusterEventFilter, { nullable: true, description: 'Which events; all when absent.' })
  filter?: ClusterEventFilter | null;

  @Field(() => String, { nullable: true, description: AFTER_DESCRIPTION })
  after?: string | null;
}

@ArgsType()
export class MembershipChangedArgs {
  @Field(() => MembershipEventFilter, { nullable: true, description: 'Which events; all when absent.' })
  filter?: MembershipEventFilter | null;

  @Field(() => String, { nullable: true, description: AFTER_DESCRIPTION })
  after?: string | null;
}
