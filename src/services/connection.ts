import type { RequestContext } from '../context/request-context.js';
import { type Page, type PageArgs, type PageWindow, type SortDirection, toPage, toPageWindow } from '../lib/pagination.js';
import { type ListQuery, type Ordering, countRoot, cursorOf, fetchRootPage } from '../repositories/keyset.js';

/**
 * A Relay connection: a page plus a count. `totalCount` is a getter, so the count query runs
 * only when the client selects the field.
 */
export interface Connection<R> extends Page<R> {
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

/** A page of a root list (one statement; totalCount is a second one, when selected). */
export async function rootConnection<R>(
  ctx: RequestContext,
  args: PageArgs,
  ordering: Ordering,
  query: ListQuery,
  map?: (row: R) => R,
): Promise<Connection<R>> {
  const window = toPageWindow(args, ordering.name);
  const rows = await fetchRootPage<R>(ctx.db, query, window);
  const mapped = map ? rows.map(map) : rows;
  const count = once(() => countRoot(ctx.db, query));
  return {
    ...toPage(mapped, window, (row) => cursorOf(ordering, row as Record<string, unknown>)),
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
  map?: (row: R) => R,
): Promise<Connection<R>> {
  const window: PageWindow = toPageWindow(args, ordering.name);
  const key = `${relation}:${JSON.stringify([args.first, args.after, args.last, args.before, args.filter, ordering.name])}`;
  const rows = await ctx.loaders.nestedPage<R>(key, () => ({ query: query(), window, map })).load(parentId);
  const countKey = `${relation}:${JSON.stringify([args.filter])}`;
  return {
    ...toPage([...rows], window, (row) => cursorOf(ordering, row as Record<string, unknown>)),
    get totalCount() {
      return ctx.loaders.nestedCount(countKey, query).load(parentId);
    },
  };
}
