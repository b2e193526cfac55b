import type { RequestContext } from '../context/request-context.js';
import { type Page, type PageArgs, type SortDirection, toPage } from '../lib/pagination.js';
import { type ListQuery, type Ordering, countRoot, cursorOf, fetchRootPage, pageWindowFor } from '../repositories/keyset.js';
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
  readonly totalCount: Promise<number>;
}

/** An `orderBy` argument as clients send it. */
export interface OrderInput<F extends string> {
  field: F;
  direction: SortDirection;
}

const once = <T>(fn: () => Promise<T>) => {
  let result: Promise<T> | undefined;
  return () => (result ??= fn());
};

/**
 * The fields a client asks of a list's items (see pageFields in the schema layer): the page
 * statement selects only their columns. Absent, it selects every column.
 */
export type ItemFields = ReadonlySet<string> | undefined;

/** A page of a root list (one statement; totalCount is a second one, when selected). */
export async function rootConnection<R>(
  ctx: RequestContext,
  args: PageArgs,
  ordering: Ordering,
  query: ListQuery,
  fields: ItemFields,
  map?: (row: R) => R,
): Promise<Connection<R>> {
  const window = pageWindowFor(args, ordering);
  const rows = await fetchRootPage<R>(ctx.db, selectOnly(query, fields), window);
  const mapped = map ? rows.map(map) : rows;
  const count = once(() => countRoot(ctx.db, query));
  const page = toPage(mapped, window, (row) => cursorOf(ordering, row as Record<string, unknown>));
  return {
    get edges() {
      return page.edges;
    },
    nodes: page.nodes,
    pageInfo: page.pageInfo,
    get totalCount() {
      return count();
    },
  };
}

/**
 * A page of a nested list for one parent. All parents asking for the same relation with the same
 * arguments in one tick share one statement (and one count statement, if totalCount is selected).
 */
export async function nestedConnection<R>(
  ctx: RequestContext,
  relation: string,
  parentId: number,
  args: PageArgs & { filter?: unknown; orderBy?: unknown },
  ordering: Ordering,
  query: () => ListQuery,
  fields: ItemFields,
  map?: (row: R) => R,
): Promise<Connection<R>> {
  const window = pageWindowFor(args, ordering);
  // Parents asking for different fields of the same list get separate statements.
  const key = `${relation}:${JSON.stringify([args.first, args.after, args.last, args.before, args.filter, ordering.name, fieldsKey(fields)])}`;
  // `members { totalCount }` alone must not fetch the members.
  const page = once(async () => {
    const rows = await ctx.loaders.nestedPage<R>(key, () => ({ query: selectOnly(query(), fields), window, map })).load(parentId);
    // A backwards page is reversed in place: copy the loader's cached rows first.
    return toPage(window.forward ? rows : [...rows], window, (row) => cursorOf(ordering, row as Record<string, unknown>));
  });
  return {
    get edges() {
      return page().then((p) => p.edges);
    },
    get nodes() {
      return page().then((p) => p.nodes);
    },
    get pageInfo() {
      return page().then((p) => p.pageInfo);
    },
    get totalCount() {
      return ctx.loaders.nestedCount(`${relation}:${JSON.stringify([args.filter])}`, query).load(parentId);
    },
  };
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
