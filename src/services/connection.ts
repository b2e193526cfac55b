import type DataLoader from 'dataloader';
import type { RequestContext } from '../context/request-context.js';
import { type Page, type PageArgs, type PageWindow, type SortDirection, toPage } from '../lib/pagination.js';
import {
  type EmbeddedList,
  type ListQuery,
  type ListsAlong,
  type Ordering,
  countRoot,
  cursorOf,
  fetchRootPage,
  pageWindowFor,
} from '../repositories/keyset.js';
import { type Db, parseJson } from '../repositories/db.js';
import { selectOnly } from '../repositories/list-query.js';

type MaybePromise<T> = T | Promise<T>;

/**
 * A Relay connection. Its parts are getters (or plain values), so each query runs only when the
 * client selects a field that needs it: the count for `totalCount`, the page for the rest.
 */
export interface Connection<R> {
  readonly edges: MaybePromise<Page<R>['edges']>;
  readonly nodes: MaybePromise<R[]>;
  readonly pageInfo: MaybePromise<Page<R>['pageInfo']>;
  readonly totalCount: MaybePromise<number>;
}

/** An `orderBy` argument as clients send it. */
export interface OrderInput<F extends string> {
  field: F;
  direction: SortDirection;
}

/** `fn`, run the first time the result is asked for and remembered after. */
export const once = <T>(fn: () => Promise<T>) => {
  let result: Promise<T> | undefined;
  return () => (result ??= fn());
};

/**
 * The fields a client asks of a list's items (see pageFields in the schema layer): the page
 * statement selects only their columns. Absent, it selects every column.
 */
export type ItemFields = ReadonlySet<string> | undefined;

/** A page of a root list (one statement, with the nested lists its items ask for; totalCount is a second one, when selected). */
export async function rootConnection<R>(
  ctx: RequestContext,
  args: PageArgs,
  ordering: Ordering,
  query: ListQuery,
  fields: ItemFields,
  map?: (row: R) => R,
  lists?: readonly PlannedList[],
): Promise<Connection<R>> {
  const window = pageWindowFor(args, ordering);
  const embeds = lists !== undefined && ctx.db.embedsLists;
  const rows = await fetchRootPage<R>(
    ctx.db,
    () => selectOnly(query, fields),
    window,
    // The plan is shared by every request of this field with these lists (see PlannedList), so the
    // statement is remembered for it, under the arguments and the columns asked for.
    embeds
      ? { lists: () => embeddedLists(lists, ctx.db), owner: lists, key: `${JSON.stringify(args)}|${fieldsKey(fields)}` }
      : undefined,
  );
  if (embeds) primeLists(ctx, lists, rows as object[]);
  const mapped = map ? rows.map(map) : rows;
  const page = toPage(mapped, window, (row) => cursorOf(ordering, row as Record<string, unknown>));
  return new PageConnection(
    page,
    once(() => countRoot(ctx.db, query)),
  );
}

/**
 * A root list under its arguments (what a root connection pages): its ordering, its page window
 * and its query on a request's database access. Holds nothing of the request, so it can be shared.
 */
export interface RootList {
  ordering: Ordering;
  window: PageWindow;
  query: (db: Db) => ListQuery;
}

/** A root list from its ordering and query; a cursor that cannot belong to the ordering is refused here (BAD_CURSOR). */
export const rootList = (args: PageArgs, ordering: Ordering, query: (db: Db) => ListQuery): RootList => ({
  ordering,
  window: pageWindowFor(args, ordering),
  query,
});

// Connections are classes, so their getters live on the prototype: an object literal with getters
// costs new closures for every connection, and a fan-out query builds thousands of them.

/** A connection whose page is at hand; `totalCount` runs its query only when read. */
class PageConnection<R> implements Connection<R> {
  constructor(
    private readonly page: Page<R>,
    private readonly count: () => MaybePromise<number>,
  ) {}
  get edges() {
    return this.page.edges;
  }
  get nodes() {
    return this.page.nodes;
  }
  get pageInfo() {
    return this.page.pageInfo;
  }
  get totalCount() {
    return this.count();
  }
}

/** A connection whose page is fetched when a part of it is first read. */
class DeferredConnection<R> implements Connection<R> {
  private fetched?: Promise<Page<R>>;
  constructor(
    private readonly fetchPage: () => Promise<Page<R>>,
    private readonly count: () => MaybePromise<number>,
  ) {}
  private page(): Promise<Page<R>> {
    this.fetched ??= this.fetchPage();
    return this.fetched;
  }
  get edges() {
    return this.page().then((p) => p.edges);
  }
  get nodes() {
    return this.page().then((p) => p.nodes);
  }
  get pageInfo() {
    return this.page().then((p) => p.pageInfo);
  }
  get totalCount() {
    return this.count();
  }
}

/**
 * One object by a key, through its loader; or, when the client asks for nested lists under it
 * (see PlannedList), by `fetch` with those lists brought along in the same statement.
 */
export async function findWithLists<K, R extends object>(
  ctx: RequestContext,
  loader: DataLoader<K, R | null>,
  key: K,
  lists: readonly PlannedList[] | undefined,
  fetch: (along: ListsAlong) => Promise<R[]>,
): Promise<R | null> {
  if (!lists || lists.length === 0 || !ctx.db.embedsLists) return loader.load(key);
  const [row] = await fetch({ lists: () => embeddedLists(lists, ctx.db), owner: lists });
  if (!row) return null;
  primeLists(ctx, lists, [row]);
  loader.prime(key, row);
  return row;
}

/** What a service says of a nested list under the client's arguments (see nestedList). */
export interface NestedListSpec<R> {
  /** Names the list (e.g. `memberships.cluster`); with the arguments, it keys the loaders. */
  relation: string;
  args: PageArgs & { filter?: unknown };
  ordering: Ordering;
  /** The list's query on a request's database access (the list itself holds no request: plans are shared). */
  query: (db: Db) => ListQuery;
  /**
   * Applied to each row of a page (record conversion, the record it carries for a relation).
   * A method, so a list of any record type is also a `NestedList<unknown>`.
   */
  map?(row: R): R;
}

/**
 * A nested list under its arguments (a cluster's members, first 20 by join date): what it takes to
 * fetch its page or its count for any parent, with what every parent shares worked out once.
 */
export interface NestedList<R> extends NestedListSpec<R> {
  window: PageWindow;
  /** The loader keys, but for the fields asked of the items (see pageKey). */
  argsKey: string;
  countKey: string;
}

/** A nested list from its spec; a cursor that cannot belong to the ordering is refused here (BAD_CURSOR). */
export function nestedList<R>(spec: NestedListSpec<R>): NestedList<R> {
  const { relation, args, ordering } = spec;
  return {
    ...spec,
    window: pageWindowFor(args, ordering),
    argsKey: `${relation}:${JSON.stringify([args.first, args.after, args.last, args.before, args.filter, ordering.name])}`,
    countKey: `${relation}:${JSON.stringify([args.filter])}`,
  };
}

/** The loader key of a list's pages: parents asking for different fields get separate statements. */
const pageKey = (list: NestedList<unknown>, fields: ItemFields) => `${list.argsKey}|${fieldsKey(fields)}`;

/**
 * A page of a nested list for one parent. All parents asking for the same relation with the same
 * arguments in one tick share one statement (and one count statement, if totalCount is selected),
 * unless their own statement brought the list along (see PlannedList): then the page and count
 * are plain values, with no statement and no promise.
 */
export function nestedConnection<R>(
  ctx: RequestContext,
  list: NestedList<R>,
  parentId: number,
  fields: ItemFields,
): Connection<R> {
  const { window } = list;
  // A backwards page is reversed in place: copy the cached rows first.
  const pageOf = (rows: R[]) =>
    toPage(window.forward ? rows : [...rows], window, (row) => cursorOf(list.ordering, row as Record<string, unknown>));
  const key = pageKey(list, fields);
  const primedRows = ctx.loaders.primedPages.get(key, parentId) as R[] | undefined;
  const totalCount = () => ctx.loaders.primedCounts.get(list.countKey, parentId) ?? countLoader(ctx, list).load(parentId);
  if (primedRows) return new PageConnection(pageOf(primedRows), totalCount);
  // `members { totalCount }` alone must not fetch the members.
  return new DeferredConnection(async () => pageOf(await pageLoader(ctx, list, fields, key).load(parentId)), totalCount);
}

const pageLoader = <R>(ctx: RequestContext, list: NestedList<R>, fields: ItemFields, key = pageKey(list, fields)) =>
  ctx.loaders.nestedPage<R>(key, () => ({
    query: selectOnly(list.query(ctx.db), fields),
    window: list.window,
    map: list.map,
  }));

const countLoader = (ctx: RequestContext, list: NestedList<unknown>) =>
  ctx.loaders.nestedCount(list.countKey, () => list.query(ctx.db));

/**
 * A nested list the schema layer found in the selection under a list's items (or under one
 * object): the parents' own statement fetches it along, and the result is kept for the request
 * (see primeLists), so resolving it costs no statement. `lists` are those under its own items.
 */
export interface PlannedList {
  list: NestedList<unknown>;
  fields: ItemFields;
  /** Whether the page is selected (nodes, edges, pageInfo), and whether totalCount is. */
  page: boolean;
  count: boolean;
  lists: readonly PlannedList[];
}

/**
 * A planned list, or undefined when its arguments are refused (a bad cursor, an invalid filter):
 * such a list is left to its own resolver, so the error belongs to that field.
 */
export function plannedList(
  listOf: () => NestedList<unknown>,
  fields: ItemFields,
  page: boolean,
  count: boolean,
  lists: readonly PlannedList[],
): PlannedList | undefined {
  try {
    return { list: listOf(), fields, page, count, lists };
  } catch {
    return undefined;
  }
}

const pageAlias = (index: number) => `list:${index}`;
const countAlias = (index: number) => `count:${index}`;

/** The data layer's description of planned lists (the aliases are their positions). */
export function embeddedLists(lists: readonly PlannedList[], db: Db): EmbeddedList[] {
  return lists.flatMap((planned, index): EmbeddedList[] => {
    const embedded: EmbeddedList[] = [];
    if (planned.page) {
      embedded.push({
        kind: 'page',
        alias: pageAlias(index),
        query: selectOnly(planned.list.query(db), planned.fields),
        window: planned.list.window,
        lists: embeddedLists(planned.lists, db),
      });
    }
    if (planned.count) embedded.push({ kind: 'count', alias: countAlias(index), query: planned.list.query(db) });
    return embedded;
  });
}

/** Hands each row's embedded lists to the request's primed values (see PlannedList), and drops them from the row. */
export function primeLists(ctx: RequestContext, lists: readonly PlannedList[], rows: readonly object[]): void {
  lists.forEach((planned, index) => {
    const pages = planned.page ? pageKey(planned.list, planned.fields) : undefined;
    const counts = planned.count ? planned.list.countKey : undefined;
    const map = planned.list.map;
    for (const row of rows as Record<string, unknown>[]) {
      const parentId = Number(row.id);
      if (pages) {
        // A JSON column: parsed by PostgreSQL's driver, text from SQLite (nested levels are parsed with it).
        const items = parseJson<object[] | null>(row[pageAlias(index)]) ?? [];
        row[pageAlias(index)] = undefined;
        primeLists(ctx, planned.lists, items);
        ctx.loaders.primedPages.set(pages, parentId, map ? items.map(map) : items);
      }
      if (counts) {
        ctx.loaders.primedCounts.set(counts, parentId, Number(row[countAlias(index)]));
        row[countAlias(index)] = undefined;
      }
    }
  });
}

/** A field set as a key, computed once per set (the schema layer hands out one set per place in a document). */
const fieldsKeys = new WeakMap<ReadonlySet<string>, string>();
function fieldsKey(fields: ItemFields): string {
  if (!fields) return '*';
  let key = fieldsKeys.get(fields);
  if (key === undefined) {
    key = [...fields].sort().join(',');
    fieldsKeys.set(fields, key);
  }
  return key;
}
