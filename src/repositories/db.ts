import { createHash } from 'node:crypto';
import type { EntityManager, Knex } from '@mikro-orm/knex';

export type Dialect = 'sqlite' | 'postgresql';

/**
 * Plain-row read access over a request's EntityManager fork. Reads skip entity hydration (rows are
 * cheaper than managed entities); statements still run through the ORM connection, so they join
 * the current transaction and show up in the query log.
 */
export class Db {
  readonly dialect: Dialect;
  /** The EntityManager this Db was made with, or the one it forks (see forkOf). */
  private readonly root: EntityManager;
  /** The EntityManager, once there is one. */
  private current?: EntityManager;

  constructor(em: EntityManager) {
    this.root = em;
    this.current = em;
    this.dialect = dialectOf(em);
  }

  /**
   * A request's Db over a fork of `root` made when something first asks for its EntityManager:
   * most reads (the prepared statements) need only the shared connection pool, and a fork (unit of
   * work, identity map, event manager) is a good part of a small read's own work.
   */
  static forkOf(root: EntityManager): Db {
    const db = new Db(root);
    db.current = undefined;
    return db;
  }

  get em(): EntityManager {
    this.current ??= this.root.fork() as EntityManager;
    return this.current;
  }

  get knex(): Knex {
    return this.root.getKnex();
  }

  /**
   * Runs a query builder or raw SQL and returns its rows. On PostgreSQL, reads outside a
   * transaction run as named prepared statements: the server plans each query shape once per
   * connection instead of on every request (planning cost more than executing these queries).
   */
  async rows<T>(query: Knex.QueryBuilder | Knex.Raw): Promise<T[]> {
    if (!this.preparesStatements) {
      const started = performance.now();
      try {
        return (await this.em.execute(query as Knex.QueryBuilder)) as T[];
      } finally {
        this.statements++;
        this.databaseMs += performance.now() - started;
      }
    }
    const { sql, bindings } = query.toSQL().toNative();
    return this.prepared<T>(sql, bindings as unknown[]);
  }

  /**
   * Rows of a statement remembered per `owner` and `key`: built (by `build`, with knex) only the
   * first time, then run as the same text with new values. `values` are what changes between
   * requests (a slug); `build` gets them, or, when the statement is first remembered, stand-ins it
   * must pass on as bindings unchanged. The owner is an object that lives as long as everything
   * else the statement depends on (a parsed operation's plan, see the connection service), and
   * `key` names the rest (arguments, the columns asked for). Only where statements are prepared
   * (PostgreSQL outside transactions); elsewhere the statement is built each time.
   */
  async rememberedRows<T>(
    owner: object,
    key: string,
    values: readonly unknown[],
    build: (values: readonly unknown[]) => Knex.QueryBuilder,
  ): Promise<T[]> {
    if (!this.preparesStatements) return this.rows<T>(build(values));
    let byKey = rememberedStatements.get(owner);
    if (!byKey) {
      byKey = new Map();
      rememberedStatements.set(owner, byKey);
    }
    let statement = byKey.get(key);
    if (!statement) {
      statement = rememberStatement(build, values.length);
      // Keys of one owner are few (one per set of arguments of one field); the bound is a safety net.
      if (byKey.size >= STATEMENTS_PER_OWNER) byKey.clear();
      byKey.set(key, statement);
    }
    if (!statement.slots) return this.rows<T>(build(values));
    const { slots } = statement;
    const bindings = statement.bindings.map((binding, i) => (slots[i] >= 0 ? values[slots[i]] : binding));
    return this.prepared<T>(statement.sql, bindings);
  }

  /** Read statements this request ran, and the time spent waiting for them (metrics, request log). */
  statements = 0;
  databaseMs = 0;

  /** Rows of `sql` with its `$n` parameters, as a named prepared statement (see rows). */
  async prepared<T>(sql: string, values: readonly unknown[]): Promise<T[]> {
    const started = performance.now();
    const client = this.knex.client;
    const connection = await client.acquireConnection();
    try {
      const name = statementName(sql);
      await boundPreparedStatements(connection, name);
      const result = await connection.query({ name, text: sql, values });
      return result.rows as T[];
    } finally {
      this.statements++;
      this.databaseMs += performance.now() - started;
      await client.releaseConnection(connection);
      // Keep the ORM's query log (debug output, statement counts in tests) complete.
      this.root.config
        .getLogger()
        .logQuery({ query: sql, params: values as unknown[], took: Math.round(performance.now() - started), level: 'info' });
    }
  }

  /**
   * Whether reads run as named prepared statements: PostgreSQL outside transactions. (Inside one,
   * statements go through the ORM, on the transaction's connection; their values are bound
   * parameters too, see src/db/drivers.ts.)
   */
  get preparesStatements(): boolean {
    return this.dialect === 'postgresql' && this.outsideTransaction;
  }

  /** Whether this request's reads run outside a transaction (those of a query do). */
  get outsideTransaction(): boolean {
    // No EntityManager yet: none has begun a transaction.
    return !this.current?.getTransactionContext();
  }

  /**
   * Whether a list's statement brings along the nested lists under its items (see EmbeddedList):
   * on SQLite always; on PostgreSQL where statements are prepared (outside transactions), so the
   * larger statement is planned once per connection.
   */
  get embedsLists(): boolean {
    return this.dialect === 'sqlite' || this.preparesStatements;
  }

  /**
   * `expr in (keys)` for a batch of keys. PostgreSQL gets `expr = any($1)` with one array
   * parameter, so the statement text (and its prepared plan) does not change with the batch size.
   */
  whereKeys(qb: Knex.QueryBuilder, expr: string, keys: readonly (string | number)[]): Knex.QueryBuilder {
    const unique = [...new Set(keys)];
    if (this.dialect === 'postgresql') {
      return qb.whereRaw(`${expr} = any(?)`, [unique as unknown as Knex.Value]);
    }
    return qb.whereIn(this.knex.raw(expr) as unknown as string, unique);
  }

  /** A datetime as the driver stores it (SQLite keeps epoch milliseconds). */
  dateTimeParam(value: Date): Date | number | string {
    return this.dialect === 'sqlite' ? value.getTime() : value.toISOString();
  }
}

/** Dialects by platform: a request's Db is made per request, the platform once per ORM. */
const dialects = new WeakMap<object, Dialect>();
function dialectOf(em: EntityManager): Dialect {
  const platform = em.getPlatform();
  let dialect = dialects.get(platform);
  if (!dialect) {
    dialect = platform.constructor.name.toLowerCase().includes('postgre') ? 'postgresql' : 'sqlite';
    dialects.set(platform, dialect);
  }
  return dialect;
}

/** A request's value in a remembered statement's bindings (see Db.rememberedRows). */
class StatementSlot {
  constructor(readonly index: number) {}
}

interface RememberedStatement {
  sql: string;
  bindings: readonly unknown[];
  /** Per binding, the index of the request value it takes, or -1; null when the statement could not be remembered. */
  slots: readonly number[] | null;
}

const rememberedStatements = new WeakMap<object, Map<string, RememberedStatement>>();
const STATEMENTS_PER_OWNER = 64;

function rememberStatement(build: (values: readonly unknown[]) => Knex.QueryBuilder, count: number): RememberedStatement {
  const standIns = Array.from({ length: count }, (_, i) => new StatementSlot(i));
  const { sql, bindings } = build(standIns).toSQL().toNative();
  const slots = (bindings as unknown[]).map((binding) => (binding instanceof StatementSlot ? binding.index : -1));
  // Each value must be one binding, as given: otherwise (a value written into the text, or used
  // twice) the statement is built per request, as without remembering.
  const used = slots.filter((slot) => slot >= 0);
  const exact = used.length === count && new Set(used).size === count;
  return { sql, bindings: bindings as unknown[], slots: exact ? slots : null };
}

/** Most named prepared statements one PostgreSQL connection keeps (each holds its plan in the server's memory). */
export const PREPARED_STATEMENTS_PER_CONNECTION = 500;

/** What of a pg client this module reads: the statements its connection has prepared, by name. */
interface PgClient {
  connection: { parsedStatements: Record<string, string> };
  query(sql: string): Promise<unknown>;
}

/**
 * Before a connection prepares one more statement: when it already keeps the most it may, they
 * are all deallocated first (pg then prepares each again on its next use). Query shapes are few,
 * so in practice this never runs; it bounds what a client varying its page sizes could pile up.
 */
async function boundPreparedStatements(connection: PgClient, name: string): Promise<void> {
  const parsed = connection.connection.parsedStatements;
  if (name in parsed) return;
  if (Object.keys(parsed).length < PREPARED_STATEMENTS_PER_CONNECTION) return;
  await connection.query('deallocate all');
  connection.connection.parsedStatements = {};
}

/** Prepared-statement names by SQL text, so the hash is computed once per query shape, not per query. */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    // Shapes are few (one per list, filter and ordering combination); the bound is a safety net.
    if (statementNames.size >= 5000) statementNames.clear();
    name = `k${createHash('sha1').update(sql).digest('base64url')}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** Reads a JSON column back (PostgreSQL returns it parsed, SQLite as text). */
export const parseJson = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** Reads a datetime column back into a Date (epoch ms on SQLite, text on PostgreSQL). */
export function parseDateTime(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string') {
    // ISO 8601 (as JSON built by PostgreSQL writes it) parses as it is.
    if (value.charCodeAt(10) === 84 /* T */) return new Date(value);
    if (/^\d+$/.test(value)) return new Date(Number(value));
    // PostgreSQL text: "2015-06-15 10:00:00+00" (an offset of whole hours has no minutes)
    const iso = `${value.slice(0, 10)}T${value.slice(11)}`;
    const sign = iso.charCodeAt(iso.length - 3);
    return new Date(sign === 43 /* + */ || sign === 45 /* - */ ? `${iso}:00` : iso);
  }
  throw new TypeError(`Not a datetime: ${String(value)}`);
}
