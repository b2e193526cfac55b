import { Args, Ctx, FieldResolver, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import { EventType } from '../../entities/event-log.entity.js';
import { encodePosition } from '../../lib/event-position.js';
import { toGlobalId } from '../../lib/global-id.js';
import type { EventRow } from '../../repositories/event-log.repository.js';
import { listEvents } from '../../services/event-log.service.js';
import {
  AnnouncementChangedArgs,
  AnnouncementEvent,
  ClusterChangedArgs,
  ClusterEvent,
  EventConnection,
  type EventObject,
  EventsArgs,
  MembershipChangedArgs,
  MembershipEvent,
} from '../types/event.type.js';

const TYPE_NAMES: Record<EventType, EventObject['__typename']> = {
  [EventType.ANNOUNCEMENT_CHANGED]: 'AnnouncementEvent',
  [EventType.CLUSTER_CHANGED]: 'ClusterEvent',
  [EventType.MEMBERSHIP_CHANGED]: 'MembershipEvent',
};

/** The subscription field that delivers each type of event. */
export const SUBSCRIPTION_FIELDS: Record<string, EventType> = {
  announcementChanged: EventType.ANNOUNCEMENT_CHANGED,
  clusterChanged: EventType.CLUSTER_CHANGED,
  membershipChanged: EventType.MEMBERSHIP_CHANGED,
};

/** A log row as the schema serves it. */
export const toEventObject = (row: EventRow): EventObject => ({
  __typename: TYPE_NAMES[row.type],
  position: encodePosition(row.position),
  occurredAt: row.occurredAt,
  kind: row.kind,
  entityId: row.entityId,
  changedFields: row.changedFields,
});

/**
 * Subscriptions are served by klynge's own multiplexer over graphql-ws (src/graphql/subscriptions),
 * which executes each operation with the event as its root value; this resolver only hands it on.
 */
const servedOverWebSocket = () => {
  throw new Error('Subscriptions are served over graphql-ws at /graphql.');
};

@Resolver()
export class EventResolver {
  @Query(() => EventConnection, {
    description:
      'The event log, oldest first: what the subscriptions deliver, for clients that poll. Cursors are positions: pass the last one as `after` (here, or to a subscription) to go on from there.',
  })
  async events(@Args(() => EventsArgs) args: EventsArgs, @Ctx() ctx: RequestContext) {
    const page = await listEvents(ctx, args);
    return {
      nodes: page.nodes.map(toEventObject),
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toEventObject(edge.node) })),
      pageInfo: page.pageInfo,
      get totalCount() {
        return page.totalCount;
      },
    };
  }

  @Subscription(() => AnnouncementEvent, {
    subscribe: servedOverWebSocket,
    description: 'Announcements published, changed while published, and unpublished.',
  })
  announcementChanged(@Root() event: EventObject, @Args(() => AnnouncementChangedArgs) _args: AnnouncementChangedArgs) {
    return event;
  }

  @Subscription(() => ClusterEvent, {
    subscribe: servedOverWebSocket,
    description: 'Clusters created, changed, moved to another level, and ended.',
  })
  clusterChanged(@Root() event: EventObject, @Args(() => ClusterChangedArgs) _args: ClusterChangedArgs) {
    return event;
  }

  @Subscription(() => MembershipEvent, {
    subscribe: servedOverWebSocket,
    description: 'Memberships added, changed, and ended.',
  })
  membershipChanged(@Root() event: EventObject, @Args(() => MembershipChangedArgs) _args: MembershipChangedArgs) {
    return event;
  }
}

@Resolver(() => AnnouncementEvent)
export class AnnouncementEventResolver {
  @FieldResolver(() => ID, {
    description: 'The announcement’s global id (always present, even where the object is not visible).',
  })
  announcementId(@Root() event: EventObject) {
    return toGlobalId('Announcement', event.entityId);
  }

  @FieldResolver({ description: 'The announcement now; null where you may not see it (a draft).' })
  announcement(@Root() event: EventObject, @Ctx() ctx: RequestContext) {
    return ctx.loaders.announcementById.load(event.entityId);
  }
}

@Resolver(() => ClusterEvent)
export class ClusterEventResolver {
  @FieldResolver(() => ID, { description: 'The cluster’s global id.' })
  clusterId(@Root() event: EventObject) {
    return toGlobalId('Cluster', event.entityId);
  }

  @FieldResolver({ description: 'The cluster now.' })
  cluster(@Root() event: EventObject, @Ctx() ctx: RequestContext) {
    return ctx.loaders.clusterById.load(event.entityId);
  }
}

@Resolver(() => MembershipEvent)
export class MembershipEventResolver {
  @FieldResolver(() => ID, { description: 'The membership’s global id.' })
  membershipId(@Root() event: EventObject) {
    return toGlobalId('Membership', event.entityId);
  }

  @FieldResolver({ description: 'The membership now.' })
  membership(@Root() event: EventObject, @Ctx() ctx: RequestContext) {
    return ctx.loaders.membershipById.load(event.entityId);
  }
}
