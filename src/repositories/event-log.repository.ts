import type { EntityManager, Knex } from '@mikro-orm/knex';
import type { EventFacets, EventType } from '../entities/event-log.entity.js';
import { Db, parseDateTime, parseJson as json } from './db.js';

/** An event as stored in the log. */
export interface EventRow {
  position: number;
  occurredAt: Date;
  type: EventType;
  kind: string;
  entityId: number;
  clusterIds: number[];
  changedFields: string[];
  facets: EventFacets;
}

/** Which events of the log to read: by type, and by the clusters they concern. */
export interface EventLogFilter {
  types?: readonly EventType[] | null;
  clusterIds?: readonly number[] | null;
}

const EVENT_SELECT = [
  'e.position as "position"',
  'e.occurred_at as "occurredAt"',
  'e.type as "type"',
  'e.kind as "kind"',
  'e.entity_id as "entityId"',
  'e.cluster_ids as "clusterIds"',
  'e.changed_fields as "changedFields"',
  'e.facets as "facets"',
];

function toEventRow(row: Record<string, unknown>): EventRow {
  return {
    position: Number(row.position),
    occurredAt: parseDateTime(row.occurredAt),
    type: row.type as EventType,
    kind: row.kind as string,
    entityId: Number(row.entityId),
    clusterIds: json<number[]>(row.clusterIds),
    changedFields: json<string[]>(row.changedFields),
    facets: json<EventFacets>(row.facets),
  };
}

function applyFilter(db: Db, qb: Knex.QueryBuilder, filter: EventLogFilter): Knex.QueryBuilder {
  if (filter.types) qb.whereIn('e.type', [...filter.types]);
  if (filter.clusterIds) {
    qb.whereIn(
      'e.position',
      db
        .knex('event_log_cluster as ec')
        .select('ec.position')
        .whereIn('ec.cluster_id', [...filter.clusterIds]),
    );
  }
  return qb;
}

/**
 * Events after `position`, oldest first, at most `limit`. The log's primary key is the position,
 * so this reads the next rows of an index whatever the log's length.
 */
export async function fetchEventsAfter(
  db: Db,
  position: number,
  limit: number,
  filter: EventLogFilter = {},
): Promise<EventRow[]> {
  const qb = db.knex
    .from(db.knex.raw('event_log as e'))
    .select(db.knex.raw(EVENT_SELECT.join(', ')))
    .where('e.position', '>', position)
    .orderBy('e.position', 'asc')
    .limit(limit);
  const rows = await db.rows<Record<string, unknown>>(applyFilter(db, qb, filter));
  return rows.map(toEventRow);
}

/** The event at `position`, or null when it is not (or no longer) in the log. */
export async function fetchEventAt(db: Db, position: number): Promise<EventRow | null> {
  const [event] = await fetchEventsAfter(db, position - 1, 1);
  return event?.position === position ? event : null;
}

/** How many events the log holds after `position` under the filter. */
export async function countEventsAfter(db: Db, position: number, filter: EventLogFilter = {}): Promise<number> {
  const qb = db.knex.from(db.knex.raw('event_log as e')).count({ count: '*' }).where('e.position', '>', position);
  const [row] = await db.rows<{ count: number | string }>(applyFilter(db, qb, filter));
  return Number(row?.count ?? 0);
}

/** The last position assigned, and the highest position pruned away (0 when none). */
export async function fetchLogState(db: Db): Promise<{ lastPosition: number; prunedThrough: number }> {
  const [row] = await db.rows<{ lastPosition: number | string; prunedThrough: number | string }>(
    db.knex.raw('select last_position as "lastPosition", pruned_through as "prunedThrough" from event_log_state where id = 1'),
  );
  return { lastPosition: Number(row?.lastPosition ?? 0), prunedThrough: Number(row?.prunedThrough ?? 0) };
}

/**
 * Takes the next `count` positions and returns the last of them (call inside the writing
 * transaction). The UPDATE locks the state row until commit, so a transaction taking positions
 * waits for the one before it to commit: positions are gapless and become visible in their order,
 * and a reader that has seen position n has seen every position below it.
 */
export async function takePositions(db: Db, count: number): Promise<number> {
  const rows = (await db.em.execute(
    'update event_log_state set last_position = last_position + ? where id = 1 returning last_position as "last"',
    [count],
  )) as { last: number | string }[];
  if (!rows[0]) throw new Error('event_log_state has no row: the event log migration did not run');
  return Number(rows[0].last);
}

/** Writes events (with their positions) and their cluster rows, in the caller's transaction. */
export async function insertEvents(db: Db, events: readonly EventRow[]): Promise<void> {
  if (events.length === 0) return;
  await db.em.execute(
    db.knex('event_log').insert(
      events.map((e) => ({
        position: e.position,
        occurred_at: db.dateTimeParam(e.occurredAt),
        type: e.type,
        kind: e.kind,
        entity_id: e.entityId,
        cluster_ids: JSON.stringify(e.clusterIds),
        changed_fields: JSON.stringify(e.changedFields),
        facets: JSON.stringify(e.facets),
      })),
    ),
  );
  const clusters = events.flatMap((e) =>
    [...new Set(e.clusterIds)].map((clusterId) => ({ cluster_id: clusterId, position: e.position })),
  );
  if (clusters.length > 0) await db.em.execute(db.knex('event_log_cluster').insert(clusters));
}

/**
 * Deletes events that occurred before `before`, and records the highest position deleted, so a
 * client resuming from before it is told that events are missing. Returns that position (0: none).
 */
export async function pruneEventsBefore(db: Db, before: Date): Promise<number> {
  return db.em.transactional(async (em) => {
    const tx = new Db(em as EntityManager);
    const [row] = await tx.rows<{ position: number | string | null }>(
      tx.knex
        .from('event_log')
        .max({ position: 'position' })
        .where('occurred_at', '<', tx.dateTimeParam(before) as Knex.Value),
    );
    const through = row?.position == null ? 0 : Number(row.position);
    if (through === 0) return 0;
    await tx.em.execute(tx.knex('event_log_cluster').where('position', '<=', through).delete());
    await tx.em.execute(tx.knex('event_log').where('position', '<=', through).delete());
    await tx.em.execute('update event_log_state set pruned_through = ? where id = 1 and pruned_through < ?', [through, through]);
    return through;
  });
}
