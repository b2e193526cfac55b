import type { Knex } from '@mikro-orm/knex';
import type { SortDirection } from '../lib/pagination.js';
import type { Db } from './db.js';
import type { ListQuery, OrderColumn, Ordering } from './keyset.js';

/** A date range filter; both ends inclusive, either may be open. */
export interface DateRange {
  from?: string | null;
  to?: string | null;
}

/**
 * An ordering of one kind of list; its name (e.g. `Cluster:NAME_ASC`) is what a cursor is bound
 * to, so a cursor from one list or ordering is refused by another.
 */
export function ordering<F extends string>(
  list: string,
  columns: Record<F, OrderColumn>,
  field: F,
  direction: SortDirection,
  idExpr: string,
): Ordering {
  return { name: `${list}:${field}_${direction}`, column: columns[field], direction, idExpr };
}

/** Rows of `table alias` whose `column` is one of `keys`, selecting `select`. */
export async function fetchWhereIn<R>(
  db: Db,
  from: string,
  select: readonly string[],
  column: string,
  keys: readonly (string | number)[],
): Promise<R[]> {
  if (keys.length === 0) return [];
  // The hottest statements of all (every loader by id or slug): their text is fixed, so it is
  // written once rather than built by knex per batch.
  if (db.preparesStatements) return db.prepared<R>(whereInSql(from, select, column), [[...new Set(keys)]]);
  const qb = db.whereKeys(db.knex.from(db.knex.raw(from)).select(db.knex.raw(select.join(', '))), column, keys);
  return db.rows<R>(qb);
}

const whereInStatements = new Map<string, string>();
function whereInSql(from: string, select: readonly string[], column: string): string {
  const key = `${from}|${column}|${select.join(',')}`;
  let sql = whereInStatements.get(key);
  if (!sql) {
    sql = `select ${select.join(', ')} from ${from} where ${column} = any($1)`;
    whereInStatements.set(key, sql);
  }
  return sql;
}

/** Adds `expr in (values)` when a set filter has values; an empty set matches nothing. */
export function whereInSet(qb: Knex.QueryBuilder, db: Db, expr: string, values: readonly unknown[] | null | undefined): void {
  if (values === null || values === undefined) return;
  if (values.length === 0) qb.whereRaw('1 = 0');
  else qb.whereIn(db.knex.raw(expr) as unknown as string, [...values] as string[]);
}

/** Adds an inclusive range on a date column. */
export function whereDateRange(qb: Knex.QueryBuilder, expr: string, range: DateRange | null | undefined): void {
  if (range?.from) qb.whereRaw(`${expr} >= ?`, [range.from]);
  if (range?.to) qb.whereRaw(`${expr} <= ?`, [range.to]);
}

/** Adds an inclusive range on a datetime column, given as dates (a whole day at each end). */
export function whereDateTimeRange(qb: Knex.QueryBuilder, db: Db, expr: string, range: DateRange | null | undefined): void {
  if (range?.from) qb.whereRaw(`${expr} >= ?`, [db.dateTimeParam(new Date(`${range.from}T00:00:00Z`)) as Knex.Value]);
  if (range?.to) {
    const dayAfter = new Date(`${range.to}T00:00:00Z`);
    dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
    qb.whereRaw(`${expr} < ?`, [db.dateTimeParam(dayAfter) as Knex.Value]);
  }
}

/** The parts a list query is made of (a tiny builder so each repository states only what differs). */
export function listQuery(
  db: Db,
  from: string,
  parts: Omit<ListQuery, 'base'> & {
    where: (qb: Knex.QueryBuilder) => void;
    /** Joins for what the page's rows carry along (not for filtering): left out of counts. */
    pageJoin?: string;
  },
): ListQuery {
  return {
    base: (forPage = false) => {
      const qb = db.knex.from(db.knex.raw(forPage && parts.pageJoin ? `${from} ${parts.pageJoin}` : from));
      parts.where(qb);
      return qb;
    },
    select: parts.select,
    ordering: parts.ordering,
    parentExpr: parts.parentExpr,
    joinedAs: parts.joinedAs,
    keptCount: parts.keptCount,
  };
}

/** Prefix of the row a page carries along (a membership's organization under a cluster, and vice versa). */
export const JOINED = 'j__';

/** The alias of a select entry (`expr as "alias"`). */
const aliasOf = (column: string): string => /as "([^"]+)"$/.exec(column)?.[1] ?? column;

/** What every record keeps: its type name, id and foreign keys (relations and global ids follow them). */
const always = (alias: string) => alias === '__typename' || alias === 'id' || alias.endsWith('Id');

/**
 * The query with only the columns a page's items need: those of the fields asked for (`name`), and
 * of the carried row those asked under the field it answers (`organization.name`), plus what every
 * record keeps and the ordering's value (cursors). Without `fields`, every column.
 */
export function selectOnly(query: ListQuery, fields: ReadonlySet<string> | undefined): ListQuery {
  if (!fields) return query;
  const keep = (alias: string) => {
    if (alias.startsWith(JOINED)) {
      const name = alias.slice(JOINED.length);
      return !query.joinedAs || always(name) || fields.has(`${query.joinedAs}.${name}`);
    }
    return fields.has(alias) || always(alias) || alias === query.ordering.column.property;
  };
  return { ...query, select: query.select.filter((column) => keep(aliasOf(column))) };
}

/**
 * The select list of a joined table (entries `expr as "name"`) under a prefix, so a page statement
 * can carry the rows its items point to (a membership's organization) and save a statement.
 */
export const prefixedSelect = (select: readonly string[], prefix: string): string[] =>
  select.map((column) => column.replace(/ as "([^"]+)"$/, (_all, name: string) => ` as "${prefix}${name}"`));

/** The record a row carries under a prefix (see prefixedSelect). */
export function joinedRecord<T>(row: object, prefix: string): T {
  const record: Record<string, unknown> = {};
  const values = row as Record<string, unknown>;
  // for…in rather than Object.entries: no [key, value] pair per column of every row.
  for (const key in values) if (key.startsWith(prefix)) record[key.slice(prefix.length)] = values[key];
  return record as T;
}
