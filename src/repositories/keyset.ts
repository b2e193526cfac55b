import type { Knex } from '@mikro-orm/knex';
import { CodedError, ErrorCode } from '../lib/errors.js';
import {
  type Cursor,
  type CursorValue,
  type PageArgs,
  type PageWindow,
  type SortDirection,
  toPageWindow,
} from '../lib/pagination.js';
import { type Db, parseDateTime } from './db.js';

/** How one orderable field maps to SQL, and how its value travels in a cursor. */
export interface OrderColumn {
  /** SQL expression over the query's aliases, e.g. `c.name`. Must be non-null. */
  expr: string;
  kind: 'text' | 'int' | 'date' | 'datetime';
  /** The record property whose value goes into the cursor. */
  property: string;
}

/** A chosen ordering: its public name (e.g. Cluster:NAME_ASC) and the columns behind it. */
export interface Ordering {
  name: string;
  column: OrderColumn;
  direction: SortDirection;
  /** The unique tie-breaker column, e.g. `c.id`. */
  idExpr: string;
}

/** A relation page query: the rows of one list, or of the same list under many parents at once. */
export interface ListQuery {
  /**
   * Base query with its joins and filters applied; selects are added by the caller. `forPage`
   * adds the joins only the page's rows need (what they carry along), which counts must not pay for.
   */
  base: (forPage?: boolean) => Knex.QueryBuilder;
  /** Selected columns (`expr as alias`). */
  select: string[];
  ordering: Ordering;
  /** Parent key column for nested lists (e.g. `m.cluster_id`); absent for root lists. */
  parentExpr?: string;
  /** The item field the row carried under JOINED answers (e.g. a membership's `organization`). */
  joinedAs?: string;
  /** Where the database keeps each parent's row count of this (unfiltered) list, read instead of counting. */
  keptCount?: KeptCount;
}

/** A per-parent row count kept by the database: `table` has one row per parent, none meaning 0. */
export interface KeptCount {
  table: string;
  parentColumn: string;
  countColumn: string;
}

/** Every parent's kept count, as `"parentId"` and `"count"` (the table aliased `kept`). */
export const keptCounts = (db: Db, kept: KeptCount): Knex.QueryBuilder =>
  db.knex
    .from(`${kept.table} as kept`)
    .select(db.knex.raw(`kept.${kept.parentColumn} as "parentId", kept.${kept.countColumn} as "count"`));

/** The list's row count under the parent `parentRef`, as a scalar subquery. */
export function countSubquery(db: Db, query: ListQuery, parentRef: string): Knex.QueryBuilder | Knex.Raw {
  const kept = query.keptCount;
  if (kept) {
    return db.knex.raw(
      `coalesce((select kept.${kept.countColumn} from ${kept.table} as kept where kept.${kept.parentColumn} = ${parentRef}), 0)`,
    );
  }
  if (!query.parentExpr) throw new Error('a nested count needs a parent column');
  return query.base().select(db.knex.raw('count(*)')).whereRaw(`${query.parentExpr} = ${parentRef}`);
}

const cursorValueOf = (column: OrderColumn, value: unknown): CursorValue => {
  if (column.kind === 'datetime') return parseDateTime(value).toISOString();
  if (column.kind === 'int') return Number(value);
  return String(value);
};

/** A real calendar date, YYYY-MM-DD (not 2020-02-30). */
function isIsoDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
}

/** Whether a cursor value can belong to the column (a forged one could otherwise reach the SQL). */
function fitsColumn(column: OrderColumn, value: CursorValue): boolean {
  if (column.kind === 'int') return Number.isSafeInteger(value);
  if (typeof value !== 'string') return false;
  if (column.kind === 'date') return isIsoDate(value);
  if (column.kind === 'datetime') return !Number.isNaN(Date.parse(value));
  return true;
}

/**
 * The page window a list's arguments ask for under an ordering. A cursor whose value cannot belong
 * to the ordering's column is a BAD_CURSOR, refused here, before anything runs, so the error
 * belongs to the list field itself (and a forged value never reaches the SQL).
 */
export function pageWindowFor(args: PageArgs, ordering: Ordering): PageWindow {
  const window = toPageWindow(args, ordering.name);
  if (window.cursor && !fitsColumn(ordering.column, window.cursor.value)) {
    const field = window.forward ? 'after' : 'before';
    throw new CodedError(ErrorCode.BAD_CURSOR, `Invalid cursor in "${field}": not a cursor this API issued.`, field);
  }
  return window;
}

/** The cursor's ordering value as a SQL parameter (pageWindowFor has checked that it fits). */
const sqlParamOf = (db: Db, column: OrderColumn, value: CursorValue): unknown =>
  column.kind === 'datetime' ? db.dateTimeParam(new Date(value as string)) : value;

/** The cursor of a row under an ordering. */
export function cursorOf(ordering: Ordering, row: Record<string, unknown>): Cursor {
  return { order: ordering.name, value: cursorValueOf(ordering.column, row[ordering.column.property]), id: Number(row.id) };
}

/** Adds `(orderExpr, id) >/< (value, id)` for the page's cursor; row values work on both dialects. */
function applyKeyset(db: Db, qb: Knex.QueryBuilder, ordering: Ordering, window: PageWindow): void {
  if (!window.cursor) return;
  const ascending = (ordering.direction === 'ASC') === window.forward;
  const op = ascending ? '>' : '<';
  qb.whereRaw(`(${ordering.column.expr}, ${ordering.idExpr}) ${op} (?, ?)`, [
    sqlParamOf(db, ordering.column, window.cursor.value) as Knex.Value,
    window.cursor.id,
  ]);
}

function orderSql(ordering: Ordering, window: PageWindow): string {
  const ascending = (ordering.direction === 'ASC') === window.forward;
  const dir = ascending ? 'asc' : 'desc';
  return `${ordering.column.expr} ${dir}, ${ordering.idExpr} ${dir}`;
}

/**
 * The statement of one page (limit + 1 rows: the last tells whether there is a next page; without
 * `lookAhead`, only the page's own rows); `parentRef`, for a nested list, names its parent's id.
 */
export function pageQuery(db: Db, query: ListQuery, window: PageWindow, parentRef?: string, lookAhead = true): Knex.QueryBuilder {
  const qb = query.base(true).select(db.knex.raw(query.select.join(', ')));
  if (parentRef) {
    if (!query.parentExpr) throw new Error('a nested page needs a parent column');
    qb.whereRaw(`${query.parentExpr} = ${parentRef}`);
  }
  applyKeyset(db, qb, query.ordering, window);
  // The limit is written into the text: a prepared statement can then use one generic plan
  // (planned once) instead of planning for every execution, as it must for an unknown limit.
  return qb.orderByRaw(orderSql(query.ordering, window)).limit(window.limit + (lookAhead ? 1 : 0), { skipBinding: true });
}

/** The alias of a select entry (`expr as "alias"`). */
const aliasOf = (column: string): string => /as "([^"]+)"$/.exec(column)?.[1] ?? column;

/** A page's order restated over its output columns (`alias."property"`), for a query wrapped around it. */
export function outputOrderSql(alias: string, query: ListQuery, window: PageWindow): string {
  const dir = (query.ordering.direction === 'ASC') === window.forward ? 'asc' : 'desc';
  return `${alias}."${query.ordering.column.property}" ${dir}, ${alias}."id" ${dir}`;
}

/**
 * A nested list fetched inside its parents' statement, as a JSON column of each parent row: one
 * page of it (whose items may carry lists of their own the same way), or its row count. On
 * SQLite, and on PostgreSQL where statements are prepared (outside transactions); elsewhere the
 * loaders fetch nested lists one statement per list.
 */
export type EmbeddedList =
  | { kind: 'page'; alias: string; query: ListQuery; window: PageWindow; lists: readonly EmbeddedList[] }
  | { kind: 'count'; alias: string; query: ListQuery };

/**
 * `rows` with a column per embedded list. Each level's rows are a derived table of its own name,
 * so a list's statement can refer to its parent's id whatever aliases the inner statements use.
 */
function withEmbeddedLists(db: Db, rows: Knex.QueryBuilder, lists: readonly EmbeddedList[], depth: number) {
  const parent = `embedding_parent_${depth}`;
  const columns = lists.map((list) => embeddedColumn(db, list, `${parent}.id`, depth));
  return { query: db.knex.select(db.knex.raw(`${parent}.*`), ...columns).from(rows.as(parent)), alias: parent };
}

function embeddedColumn(db: Db, list: EmbeddedList, parentRef: string, depth: number): Knex.Raw {
  if (list.kind === 'count') {
    return db.knex.raw(`(?) as "${list.alias}"`, [countSubquery(db, list.query, parentRef) as unknown as Knex.Value]);
  }
  const page = pageQuery(db, list.query, list.window, parentRef);
  const rows = list.lists.length > 0 ? withEmbeddedLists(db, page, list.lists, depth + 1).query : page;
  if (db.dialect === 'sqlite') {
    // SQLite has no row-to-JSON: each item is an object of the page's columns, with its own
    // pages (JSON text) embedded as JSON.
    const item = [
      ...list.query.select.map((column) => `'${aliasOf(column)}', item."${aliasOf(column)}"`),
      ...list.lists.map(
        (nested) => `'${nested.alias}', ${nested.kind === 'page' ? `json(item."${nested.alias}")` : `item."${nested.alias}"`}`,
      ),
    ];
    return db.knex.raw(
      `(select json_group_array(json_object(${item.join(', ')}) order by ${outputOrderSql('item', list.query, list.window)}) from ? as item) as "${list.alias}"`,
      [rows as unknown as Knex.Value],
    );
  }
  return db.knex.raw(
    `(select coalesce(json_agg(item order by ${outputOrderSql('item', list.query, list.window)}), '[]') from ? as item) as "${list.alias}"`,
    [rows as unknown as Knex.Value],
  );
}

/** A nested list's query for one parent, as a root list (paged by keyset like any other). */
export function forParent(query: ListQuery, parentId: number): ListQuery {
  const parentExpr = query.parentExpr;
  if (!parentExpr) throw new Error('forParent needs a nested list');
  return {
    ...query,
    parentExpr: undefined,
    keptCount: undefined,
    base: (forPage) => query.base(forPage).whereRaw(`${parentExpr} = ?`, [parentId]),
  };
}

/**
 * Nested lists a statement brings along (see EmbeddedList): made only when the statement is built,
 * which a statement remembered for `owner` (see Db.rememberedRows) is not on every request.
 */
export interface ListsAlong {
  lists: () => readonly EmbeddedList[];
  /** Lives as long as what the lists depend on (their plan); the statement is remembered for it. */
  owner: object;
}

/**
 * One page (limit + 1 rows) of a root list, with its items' nested lists if given (see
 * EmbeddedList). With nested lists, the statement is remembered for their owner under `key`,
 * which must name everything else its text and values depend on (the list's arguments and the
 * columns asked for).
 */
export async function fetchRootPage<R>(
  db: Db,
  query: () => ListQuery,
  window: PageWindow,
  along?: ListsAlong & { key: string },
): Promise<R[]> {
  if (!along || !db.embedsLists) return db.rows<R>(pageQuery(db, query(), window));
  return db.rememberedRows<R>(along.owner, along.key, [], () => {
    const list = query();
    const lists = along.lists();
    const page = pageQuery(db, list, window);
    if (lists.length === 0) return page;
    const embedded = withEmbeddedLists(db, page, lists, 0);
    return embedded.query.orderByRaw(outputOrderSql(embedded.alias, list, window));
  });
}

/**
 * The row of `from` whose `column` is `key`, with its nested lists (see EmbeddedList). One key,
 * compared with `=`, so the statement's generic plan is as good as a custom one and is kept; its
 * text is remembered for the lists' owner, with the key as its one value.
 */
export function fetchOneWithLists<R>(
  db: Db,
  from: string,
  select: readonly string[],
  column: string,
  key: string | number,
  along: ListsAlong,
): Promise<R[]> {
  return db.rememberedRows<R>(along.owner, `${from} ${column} ${selectKey(select)}`, [key], ([value]) => {
    const row = db.knex
      .from(db.knex.raw(from))
      .select(db.knex.raw(select.join(', ')))
      .whereRaw(`${column} = ?`, [value as Knex.Value]);
    return withEmbeddedLists(db, row, along.lists(), 0).query;
  });
}

/** A select list as a key, computed once per (constant) list. */
const selectKeys = new WeakMap<readonly string[], string>();
function selectKey(select: readonly string[]): string {
  let key = selectKeys.get(select);
  if (key === undefined) {
    key = select.join(',');
    selectKeys.set(select, key);
  }
  return key;
}

/**
 * One page (limit + 1 rows) per parent, for all parents in a single statement. Each parent's page
 * is a subquery with its own `order by … limit`, which walks the (parent, order, id) index and
 * stops after limit + 1 rows, however long the list: on PostgreSQL a `lateral` subquery (see
 * lateralPages), on SQLite a JSON column per parent (see jsonPages). Inside a transaction on
 * PostgreSQL rows are numbered per parent with a window function and cut at limit + 1 (this reads
 * every row of each parent's list).
 */
export async function fetchNestedPages<R>(
  db: Db,
  query: ListQuery,
  window: PageWindow,
  parentIds: readonly number[],
): Promise<Map<number, R[]>> {
  const parentExpr = query.parentExpr;
  if (!parentExpr) throw new Error('fetchNestedPages needs a parent column');
  if (db.dialect === 'sqlite') {
    const pages = await db.rows<{ parentId: number; page: string }>(jsonPages(db, query, window, parentIds));
    return new Map(pages.map((row) => [Number(row.parentId), JSON.parse(row.page) as R[]]));
  }
  const rows = await db.rows<R & { parentId: number }>(
    db.preparesStatements ? lateralPages(db, query, window, parentIds) : numberedPages(db, query, parentExpr, window, parentIds),
  );
  const byParent = new Map<number, R[]>();
  for (const row of rows) {
    const parent = Number(row.parentId);
    const list = byParent.get(parent);
    if (list) list.push(row);
    else byParent.set(parent, [row]);
  }
  return byParent;
}

function lateralPages(db: Db, query: ListQuery, window: PageWindow, parentIds: readonly number[]): Knex.QueryBuilder {
  const page = pageQuery(db, query, window, 'parent.id');
  // The outer order restates each page's own, so the result does not rest on the join's row order.
  return db.knex
    .select(db.knex.raw('parent.id as "parentId", page.*'))
    .from(db.knex.raw('unnest(cast(? as integer[])) as parent(id)', [[...new Set(parentIds)] as unknown as Knex.Value]))
    .joinRaw('cross join lateral ? as page', [page as unknown as Knex.Value])
    .orderByRaw(`parent.id, ${outputOrderSql('page', query, window)}`);
}

/**
 * SQLite's per-parent pages: for each parent (the ids travel as one JSON array parameter, so the
 * statement text, and the connection's prepared statement, is the same for every batch size) its
 * own `order by … limit` subquery, which reads only limit + 1 index entries, returned as one JSON
 * array. SQLite has no lateral join, but a correlated subquery in a column may read a page. Values
 * keep their types in JSON (integers, text, null), as the driver returns them. Numbering every row
 * of every parent instead read and sorted each parent's whole list (a cluster page's members
 * 4–20× the time), and a row object made by the driver per item cost more than JSON.parse.
 */
function jsonPages(db: Db, query: ListQuery, window: PageWindow, parentIds: readonly number[]): Knex.QueryBuilder {
  const page = embeddedColumn(db, { kind: 'page', alias: 'page', query, window, lists: [] }, 'parent.value', 0);
  return db.knex
    .select(db.knex.raw('parent.value as "parentId"'), page)
    .from(db.knex.raw('json_each(?) as parent', [JSON.stringify([...new Set(parentIds)])]));
}

/** PostgreSQL inside a transaction (no prepared statement): rows numbered per parent, cut at limit + 1. */
function numberedPages(
  db: Db,
  query: ListQuery,
  parentExpr: string,
  window: PageWindow,
  parentIds: readonly number[],
): Knex.QueryBuilder {
  const inner = db.whereKeys(
    query
      .base(true)
      .select(
        db.knex.raw(
          `${query.select.join(', ')}, ${parentExpr} as "parentId", row_number() over (partition by ${parentExpr} order by ${orderSql(query.ordering, window)}) as "rowNumber"`,
        ),
      ),
    parentExpr,
    parentIds,
  );
  applyKeyset(db, inner, query.ordering, window);
  return db.knex
    .select('*')
    .from(inner.as('numbered'))
    .where('rowNumber', '<=', window.limit + 1)
    .orderBy([{ column: 'parentId' }, { column: 'rowNumber' }]);
}

/** Row counts per parent (one statement); a parent missing from the map has none. */
export async function countNested(db: Db, query: ListQuery, parentIds: readonly number[]): Promise<Map<number, number>> {
  const parentExpr = query.parentExpr;
  if (!parentExpr) throw new Error('countNested needs a parent column');
  const kept = query.keptCount;
  const qb = kept
    ? db.whereKeys(keptCounts(db, kept), `kept.${kept.parentColumn}`, parentIds)
    : db
        .whereKeys(query.base().select(db.knex.raw(`${parentExpr} as "parentId", count(*) as "count"`)), parentExpr, parentIds)
        .groupByRaw(parentExpr);
  const rows = await db.rows<{ parentId: number; count: number | string }>(qb);
  return new Map(rows.map((r) => [Number(r.parentId), Number(r.count)]));
}

export async function countRoot(db: Db, query: ListQuery): Promise<number> {
  const rows = await db.rows<{ count: number | string }>(query.base().select(db.knex.raw('count(*) as "count"')));
  return Number(rows[0]?.count ?? 0);
}
