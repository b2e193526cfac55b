// MikroORM 6 runs every statement through `AbstractSqlConnection.execute`, which writes the values
// into the SQL text (`platform.formatQuery`, escaped literals) and hands knex a statement with no
// parameters, on every dialect: flushes, query builders, `em.execute`. That put client input into
// SQL text (SQLite stops reading a statement at a NUL character) and made every value a new
// statement text. The drivers here are MikroORM's own with one change: `execute` passes the values
// to the database driver as bound parameters. On SQLite that makes one text per query shape, so
// each connection also keeps its prepared statements.
import {
  AbstractSqlConnection,
  AbstractSqlDriver,
  LibSqlKnexDialect,
  type AnyEntity,
  type Configuration,
  type EntityData,
  type Knex,
  type LoggingOptions,
  type QueryResult,
  type Transaction,
  Utils,
} from '@mikro-orm/knex';
import { LibSqlConnection, LibSqlPlatform } from '@mikro-orm/libsql';
import { PostgreSqlConnection, PostgreSqlPlatform } from '@mikro-orm/postgresql';

type SqlConnectionClass = abstract new (...args: any[]) => AbstractSqlConnection;

/** What `execute` needs of a connection that TypeScript keeps protected. */
interface ConnectionInternals {
  config: Configuration;
  platform: { formatQuery(sql: string, params: readonly unknown[]): string };
  executeQuery<T>(query: string, cb: () => Promise<T>, context?: object): Promise<T>;
  transformRawResult<T>(res: unknown, method: 'all' | 'get' | 'run'): T;
}

/** A connection class whose `execute` binds parameters instead of formatting them into the SQL. */
function withBoundParameters<T extends SqlConnectionClass>(Base: T, dialect: 'sqlite' | 'postgresql') {
  abstract class BoundParameterConnection extends Base {
    override async execute<R extends QueryResult | EntityData<AnyEntity> | EntityData<AnyEntity>[] = EntityData<AnyEntity>[]>(
      queryOrKnex: string | Knex.QueryBuilder | Knex.Raw,
      params: unknown[] = [],
      method: 'all' | 'get' | 'run' = 'all',
      ctx?: Transaction,
      loggerContext?: LoggingOptions,
    ): Promise<R> {
      await this.ensureConnection();
      const self = this as unknown as ConnectionInternals;
      let sql: string;
      if (typeof queryOrKnex === 'string') {
        sql = queryOrKnex;
      } else {
        // As MikroORM does: a knex query built on a transaction runs in it.
        ctx ??= (
          (queryOrKnex as unknown as { client: { transacting?: boolean } }).client.transacting ? queryOrKnex : undefined
        ) as Transaction | undefined;
        const compiled = queryOrKnex.toSQL();
        sql = compiled.sql;
        params = [...(compiled.bindings ?? [])];
      }
      sql = self.config.get('onQuery')(sql, params);
      const knex = this.getKnex();
      return self.executeQuery(
        this.loggedSql(sql, params, loggerContext),
        async () => {
          // No parameters: the text goes as it is (knex would read a `?` in it as a placeholder).
          const query =
            params.length === 0
              ? knex.raw(sql)
              : knex.raw(
                  sql,
                  params.map((value) => toParameter(knex, value, dialect)),
                );
          if (ctx) query.transacting(ctx as Knex.Transaction);
          return self.transformRawResult<R>(await query, method);
        },
        { query: sql, params, ...loggerContext },
      );
    }

    /** The statement as the query log shows it: with its values only when `query-params` logging is on. */
    private loggedSql(sql: string, params: readonly unknown[], context?: LoggingOptions): string {
      const self = this as unknown as ConnectionInternals;
      const logger = self.config.getLogger();
      if (!logger.isEnabled('query', context)) return sql;
      if (params.length > 0 && logger.isEnabled('query-params', context)) return self.platform.formatQuery(sql, params);
      return params.length === 0 ? sql : this.getKnex().client.positionBindings(sql);
    }
  }
  return BoundParameterConnection;
}

/**
 * One value as the database driver takes it as a parameter, meaning what MikroORM's formatting
 * would have written into the SQL text: JSON objects as their text, datetimes as the platform
 * stores them (epoch milliseconds on SQLite, UTC ISO text on PostgreSQL, as `forceUtcTimezone`
 * asks), `undefined` as null, and MikroORM's raw fragments as SQL with their own parameters.
 */
function toParameter(knex: Knex, value: unknown, dialect: 'sqlite' | 'postgresql'): Knex.RawBinding {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return value as Knex.RawBinding;
  if (value instanceof Date) return dialect === 'sqlite' ? value.getTime() : value.toISOString();
  if (Utils.isRawSql(value)) {
    return knex.raw(
      value.sql,
      value.params.map((p) => toParameter(knex, p, dialect)),
    );
  }
  if (Utils.isPlainObject(value)) return JSON.stringify(value);
  // Arrays (one PostgreSQL array parameter), buffers, knex's own raw SQL and query builders.
  return value as Knex.RawBinding;
}

/**
 * Per-connection SQLite settings: a page cache of 32 MiB (SQLite's default is 2 MiB, less than a
 * cluster page's indexes and rows at S=10), temporary sort tables in memory, and foreign keys
 * enforced on every connection the pool opens (MikroORM sets them once, on the first).
 */
const CONNECTION_PRAGMAS = 'pragma foreign_keys = on; pragma cache_size = -32768; pragma temp_store = memory;';

/** Prepared statements kept per SQLite connection: query shapes are few, the bound is a safety net. */
const STATEMENTS_PER_CONNECTION = 500;

interface LibSqlStatement {
  all(params: unknown[]): unknown;
  run(params: unknown[]): unknown;
  get(params: unknown[]): unknown;
}
const statementsByConnection = new WeakMap<object, Map<string, LibSqlStatement>>();

/**
 * MikroORM's knex dialect for libSQL, reusing a connection's prepared statement for a statement
 * text it has run before, instead of preparing it again on every call (for a lookup by key, 45 µs
 * prepared anew against 14 µs reused). Statements without parameters (DDL, transactions) are
 * prepared as before.
 */
class StatementCachingLibSqlDialect extends LibSqlKnexDialect {
  /**
   * MikroORM's libSQL dialect counts a connection valid for 10 s after it was opened, so the pool
   * closed and reopened klynge's one SQLite connection every 10 s under load, and with it SQLite's
   * page cache and every prepared statement. A local database file's connection stays valid while
   * it is open.
   */
  override validateConnection(connection: { open?: boolean }): boolean {
    return connection.open !== false;
  }

  /** A new connection, with the settings SQLite keeps per connection (see CONNECTION_PRAGMAS). */
  override async acquireRawConnection(): Promise<unknown> {
    const connection = (await super.acquireRawConnection()) as { exec(sql: string): void };
    connection.exec(CONNECTION_PRAGMAS);
    return connection;
  }

  override async _query(connection: any, obj: any): Promise<any> {
    if (!obj.sql || !obj.bindings?.length) return super._query(connection, obj);
    let statements = statementsByConnection.get(connection);
    if (!statements) {
      statements = new Map();
      statementsByConnection.set(connection, statements);
    }
    let statement = statements.get(obj.sql);
    if (!statement) {
      if (statements.size >= STATEMENTS_PER_CONNECTION) statements.clear();
      statement = connection.prepare(obj.sql) as LibSqlStatement;
      statements.set(obj.sql, statement);
    }
    // The rest as LibSqlKnexDialect._query does it.
    const self = this as unknown as {
      getCallMethod(obj: unknown): 'all' | 'run' | 'get';
      _formatBindings(bindings: unknown[]): unknown[];
    };
    const response = (await statement[self.getCallMethod(obj)](self._formatBindings(obj.bindings))) as {
      lastInsertRowid?: number | bigint;
      changes?: number;
    };
    obj.response = response;
    obj.context = { lastID: response.lastInsertRowid, changes: response.changes };
    return obj;
  }
}

/** libSQL connections with bound parameters and reused prepared statements. */
class BoundLibSqlConnection extends withBoundParameters(LibSqlConnection, 'sqlite') {
  override createKnex(): void {
    this.client = this.createKnexClient(StatementCachingLibSqlDialect as unknown as string);
    this.connected = true;
  }
}

const BoundPostgreSqlConnection = withBoundParameters(PostgreSqlConnection, 'postgresql');

/** MikroORM's libSQL (SQLite) driver, with bound parameters. */
export class KlyngeLibSqlDriver extends AbstractSqlDriver<LibSqlConnection, LibSqlPlatform> {
  constructor(config: Configuration) {
    super(config, new LibSqlPlatform(), BoundLibSqlConnection as unknown as typeof LibSqlConnection, ['knex', 'libsql']);
  }
}

/** MikroORM's PostgreSQL driver, with bound parameters. */
export class KlyngePostgreSqlDriver extends AbstractSqlDriver<PostgreSqlConnection, PostgreSqlPlatform> {
  constructor(config: Configuration) {
    super(config, new PostgreSqlPlatform(), BoundPostgreSqlConnection as unknown as typeof PostgreSqlConnection, ['knex', 'pg']);
  }
}
