// What a webhook delivery says about an event: the same fields a subscription gives, selected by a
// fixed operation executed through the schema for an anonymous reader (so drafts stay hidden, and
// the object is its current state, as the loaders read it).
import type { MikroORM } from '@mikro-orm/core';
import { type GraphQLSchema, execute, parse } from 'graphql';
import { createRequestContext } from '../context/request-context.js';
import { EventType } from '../entities/event-log.entity.js';
import type { EventRow } from '../repositories/event-log.repository.js';
import type { EventRenderer } from '../services/webhook-delivery.service.js';
import { SUBSCRIPTION_FIELDS, toEventObject } from './resolvers/event.resolver.js';

const CLUSTER = 'id slug name level status county city description website orgNumber foundedYear admittedOn sectors version';
const ANNOUNCEMENT = `id slug title body language publishedAt status kind sourceUrl version clusters(first: 100) { nodes { id slug name } }`;
const MEMBERSHIP = 'id role joinedOn leftOn version cluster { id slug name level } organization { id orgNumber name county }';

const SELECTIONS: Record<EventType, string> = {
  [EventType.ANNOUNCEMENT_CHANGED]: `position occurredAt kind announcementId announcement { ${ANNOUNCEMENT} }`,
  [EventType.CLUSTER_CHANGED]: `position occurredAt kind clusterId changedFields cluster { ${CLUSTER} }`,
  [EventType.MEMBERSHIP_CHANGED]: `position occurredAt kind membershipId membership { ${MEMBERSHIP} }`,
};

const FIELD_OF: Record<EventType, string> = Object.fromEntries(
  Object.entries(SUBSCRIPTION_FIELDS).map(([field, type]) => [type, field]),
) as Record<EventType, string>;

/** The body's event part, by executing the fixed selection with the event as root value, anonymously. */
export function webhookEventRenderer(schema: GraphQLSchema, orm: MikroORM): EventRenderer {
  const documents = new Map(
    Object.values(EventType).map((type) => [type, parse(`subscription { ${FIELD_OF[type]} { ${SELECTIONS[type]} } }`)]),
  );
  return async (event: EventRow) => {
    const result = await execute({
      schema,
      document: documents.get(event.type) as ReturnType<typeof parse>,
      rootValue: toEventObject(event),
      contextValue: createRequestContext(orm, `webhook-${event.position}`, null),
    });
    if (result.errors?.length) throw new Error(`webhook payload: ${result.errors.map((e) => e.message).join('; ')}`);
    return (result.data?.[FIELD_OF[event.type]] ?? {}) as Record<string, unknown>;
  };
}
