// The event log (transactional outbox): services record events inside their write's transaction;
// the log gives them gapless positions at commit and serves them to subscribers, webhooks and
// Query.events. Nothing but the services' writes appends to it.
import type { EntityManager } from '@mikro-orm/knex';
import type { RequestContext } from '../context/request-context.js';
import { type EventFacets, EventType } from '../entities/event-log.entity.js';
import { CodedError, ErrorCode, badInput } from '../lib/errors.js';
import { decodePosition, encodePosition } from '../lib/event-position.js';
import { toPageWindow } from '../lib/pagination.js';
import { fetchClustersById, fetchClustersBySlug } from '../repositories/cluster.repository.js';
import { Db } from '../repositories/db.js';
import {
  type EventLogFilter,
  type EventRow,
  countEventsAfter,
  fetchEventsAfter,
  fetchLogState,
  insertEvents,
  takePositions,
} from '../repositories/event-log.repository.js';

export { EventType, type EventRow };

/** An event as a service records it; the log adds its position and time at commit. */
export interface NewEvent {
  type: EventType;
  kind: string;
  entityId: number;
  /** The clusters concerned (before and after, when a write changes them). */
  clusterIds: readonly number[];
  changedFields?: readonly string[];
  /** Filter attributes; `levels` defaults to the clusters' levels at commit. */
  facets?: EventFacets;
}

/** Records an announcementChanged event: what happened to which announcement, and what filters match on. */
export function recordAnnouncementEvent(
  em: EntityManager,
  event: {
    kind: 'PUBLISHED' | 'UPDATED' | 'UNPUBLISHED';
    announcementId: number;
    announcementKind: string;
    language: string;
    /** The clusters it mentioned before the change and mentions after it. */
    clusterIds: readonly number[];
    changedFields: readonly string[];
  },
): void {
  recordEvent(em, {
    type: EventType.ANNOUNCEMENT_CHANGED,
    kind: event.kind,
    entityId: event.announcementId,
    clusterIds: event.clusterIds,
    changedFields: event.changedFields,
    facets: { announcementKind: event.announcementKind, language: event.language },
  });
}

/** Events recorded in a transaction that has not committed yet, by its EntityManager. */
const pendingEvents = new WeakMap<EntityManager, NewEvent[]>();

/** Records an event of the write running in `em`'s transaction; it is written when the write ends. */
export function recordEvent(em: EntityManager, event: NewEvent): void {
  const pending = pendingEvents.get(em);
  if (pending) pending.push(event);
  else pendingEvents.set(em, [event]);
}

/**
 * Writes the events recorded in this transaction, as its last statements: the change is flushed
 * first, so the log's state row (whose lock orders all writers) is held only until the commit
 * that follows. Returns the rows written, to publish once the transaction has committed.
 */
export async function writeRecordedEvents(em: EntityManager): Promise<EventRow[]> {
  const events = pendingEvents.get(em);
  if (!events?.length) return [];
  pendingEvents.delete(em);
  await em.flush();
  const db = new Db(em);
  const unleveled = [...new Set(events.filter((e) => !e.facets?.levels).flatMap((e) => e.clusterIds))];
  const levels = new Map(
    unleveled.length ? (await fetchClustersById(db, unleveled)).map((c) => [Number(c.id), c.level as string]) : [],
  );
  const last = await takePositions(db, events.length);
  const occurredAt = new Date();
  const rows: EventRow[] = events.map((event, i) => ({
    position: last - events.length + 1 + i,
    occurredAt,
    type: event.type,
    kind: event.kind,
    entityId: event.entityId,
    clusterIds: [...new Set(event.clusterIds)],
    changedFields: [...(event.changedFields ?? [])],
    facets: {
      ...event.facets,
      levels: event.facets?.levels ?? [
        ...new Set(event.clusterIds.flatMap((id) => (levels.has(id) ? [levels.get(id) as string] : []))),
      ],
    },
  }));
  await insertEvents(db, rows);
  return rows;
}

/** Reads of the log outside writes: the next events after a position, and where the log stands. */
export const eventsAfter = (db: Db, position: number, limit: number, filter?: EventLogFilter) =>
  fetchEventsAfter(db, position, limit, filter);
export const logState = (db: Db) => fetchLogState(db);

/**
 * Checks that a client can resume after `position`: it must be one this log issued, and the
 * events after it must still be kept (EVENT_RETENTION_DAYS). Otherwise BAD_CURSOR, saying why.
 */
export async function assertResumable(db: Db, position: number, field: string): Promise<void> {
  const state = await fetchLogState(db);
  if (position > state.lastPosition) {
    throw new CodedError(
      ErrorCode.BAD_CURSOR,
      `"${field}" is past the end of the event log (${encodePosition(state.lastPosition)}): it was not issued by this API's log.`,
      field,
    );
  }
  if (position < state.prunedThrough) {
    throw new CodedError(
      ErrorCode.BAD_CURSOR,
      `"${field}" is older than the event log keeps: events up to ${encodePosition(state.prunedThrough)} were pruned. Read the current state with a query, then subscribe without "after".`,
      field,
    );
  }
}

/** The event filter of `Query.events`, as clients send it. */
export interface EventListFilterInput {
  types?: EventType[] | null;
  clusters?: string[] | null;
}

/** The clusters' ids by slug, in order; an unknown slug is a BAD_USER_INPUT on its field. */
export async function clusterIdsBySlug(db: Db, slugs: readonly string[], field: string): Promise<number[]> {
  const found = new Map((await fetchClustersBySlug(db, slugs)).map((c) => [c.slug, Number(c.id)]));
  return slugs.map((slug, i) => {
    const id = found.get(slug);
    if (id === undefined) throw badInput(`No cluster with slug "${slug}".`, `${field}[${i}]`);
    return id;
  });
}

/** A page of the event log, oldest first; the cursors are the events' positions. */
export interface EventPage {
  nodes: EventRow[];
  edges: { cursor: string; node: EventRow }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: Promise<number>;
}

/** `Query.events`: the log, oldest first, after a position (`after`), filtered by type and cluster. */
export async function listEvents(
  ctx: RequestContext,
  args: { first?: number | null; after?: string | null; filter?: EventListFilterInput | null },
): Promise<EventPage> {
  // The page size by the rules of every list (default 20, at most 100); the cursor is a position.
  const first = toPageWindow({ first: args.first }, 'events').limit;
  const after = args.after == null ? 0 : decodePosition(args.after, 'after');
  if (args.after != null) await assertResumable(ctx.db, after, 'after');
  const filter: EventLogFilter = {
    types: args.filter?.types ?? null,
    clusterIds: args.filter?.clusters ? await clusterIdsBySlug(ctx.db, args.filter.clusters, 'filter.clusters') : null,
  };
  const rows = await fetchEventsAfter(ctx.db, after, first + 1, filter);
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: encodePosition(node.position), node }));
  let total: Promise<number> | undefined;
  return {
    nodes,
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: after > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    get totalCount() {
      total ??= countEventsAfter(ctx.db, 0, filter);
      return total;
    },
  };
}

/** A subscription's filter as clients send it (each subscription field takes the parts it has). */
export interface EventFilterInput {
  clusters?: string[] | null;
  levels?: string[] | null;
  kinds?: string[] | null;
  announcementKinds?: string[] | null;
  language?: string | null;
  orgNumbers?: string[] | null;
}

/** A subscription's filter, checked and resolved to what events carry (cluster ids, org numbers). */
export interface EventMatcher {
  type: EventType;
  clusterIds: ReadonlySet<number> | null;
  levels: ReadonlySet<string> | null;
  kinds: ReadonlySet<string> | null;
  announcementKinds: ReadonlySet<string> | null;
  language: string | null;
  orgNumbers: ReadonlySet<string> | null;
}

/** Most values one list of an event filter may hold (subscriptions, webhooks). */
export const FILTER_LIST_LIMIT = 100;

/**
 * Checks a subscription filter and resolves its cluster slugs (an unknown slug is a BAD_USER_INPUT:
 * a subscription that can never match should not look alive). Fields are named `filter.…`.
 */
export async function eventMatcher(db: Db, type: EventType, filter: EventFilterInput | null | undefined): Promise<EventMatcher> {
  const f = filter ?? {};
  for (const name of ['clusters', 'levels', 'kinds', 'announcementKinds', 'orgNumbers'] as const) {
    if ((f[name]?.length ?? 0) > FILTER_LIST_LIMIT)
      throw badInput(`"filter.${name}" may list at most ${FILTER_LIST_LIMIT} values.`, `filter.${name}`);
  }
  const orgNumbers = f.orgNumbers?.map((value, i) => {
    const digits = value.replace(/\s+/g, '');
    if (!/^\d{9}$/.test(digits)) throw badInput(`"${value}" is not a 9-digit organisation number.`, `filter.orgNumbers[${i}]`);
    return digits;
  });
  const set = <T>(values: readonly T[] | null | undefined) => (values ? new Set(values) : null);
  return {
    type,
    clusterIds: f.clusters ? new Set(await clusterIdsBySlug(db, f.clusters, 'filter.clusters')) : null,
    levels: set(f.levels),
    kinds: set(f.kinds),
    announcementKinds: set(f.announcementKinds),
    language: f.language ?? null,
    orgNumbers: set(orgNumbers),
  };
}

const overlaps = (wanted: ReadonlySet<string | number>, values: readonly (string | number)[] | undefined) =>
  (values ?? []).some((value) => wanted.has(value));

/** Whether an event is one a subscription with this filter receives (every given part must match). */
export function matchesEvent(matcher: EventMatcher, event: EventRow): boolean {
  if (event.type !== matcher.type) return false;
  if (matcher.kinds && !matcher.kinds.has(event.kind)) return false;
  if (matcher.clusterIds && !overlaps(matcher.clusterIds, event.clusterIds)) return false;
  if (matcher.levels && !overlaps(matcher.levels, event.facets.levels)) return false;
  if (matcher.announcementKinds && !matcher.announcementKinds.has(event.facets.announcementKind ?? '')) return false;
  if (matcher.language && matcher.language !== event.facets.language) return false;
  if (matcher.orgNumbers && !matcher.orgNumbers.has(event.facets.orgNumber ?? '')) return false;
  return true;
}
