import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MigrationObject, Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { POSTGRESQL_MIGRATIONS } from '../../migrations/postgresql/index.js';
import { SQLITE_MIGRATIONS } from '../../migrations/sqlite/index.js';
import type { DatabaseConfig } from '../config/config.js';
import { KlyngeLibSqlDriver, KlyngePostgreSqlDriver } from './drivers.js';
import { fixSqliteEnumIntrospection } from './sqlite-enum-introspection.js';
import { ENTITIES } from '../entities/index.js';

/** Tables the ORM does not own (kept by triggers: search indexes, membership counts): schema diffs leave them alone. */
export const UNMANAGED_TABLES = [
  /^search_document/,
  /^cluster_membership_count$/,
  /^cluster_group_membership_count$/,
  /^member_count/,
  /^organization_member_keys$/,
  /^member_figures_date$/,
  /^member_sector$/,
  /^cluster_year_membership_count$/,
  /^membership_year_count$/,
  /^cluster_group_year_membership_count$/,
];

export interface OrmConfigOptions {
  /** Called with every SQL statement the ORM runs (statement counting in tests, debug logs). */
  onQuery?: (sql: string) => void;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /**
   * PostgreSQL's statement_timeout for the pool's connections: a statement running longer is
   * cancelled by the server and its connection goes back to the pool. Not for migrations.
   */
  statementTimeoutMs?: number;
}

const migrationsFor = (dialect: DatabaseConfig['dialect']): MigrationObject[] =>
  dialect === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRESQL_MIGRATIONS;

/** MikroORM options for the configured database; migrations are listed in code, not globbed. */
export function createOrmOptions(database: DatabaseConfig, options: OrmConfigOptions = {}): Options {
  const common = {
    entities: ENTITIES,
    extensions: [Migrator],
    // Every request forks its own EntityManager; a global use is a bug and must throw.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    migrations: {
      migrationsList: migrationsFor(database.dialect),
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    schemaGenerator: { skipTables: UNMANAGED_TABLES },
    debug: options.onQuery ? (['query'] as const) : false,
    logger: options.onQuery ?? (() => {}),
    discovery: { warnWhenNoEntities: true },
  } satisfies Partial<Options>;

  if (database.dialect === 'sqlite') {
    fixSqliteEnumIntrospection();
    if (database.file !== ':memory:') mkdirSync(dirname(database.file), { recursive: true });
    return { ...common, driver: KlyngeLibSqlDriver, dbName: database.file } as Options;
  }
  const url = new URL(database.url);
  url.searchParams.delete('schema');
  const settings = [
    ...(database.schema ? [`-c search_path=${database.schema}`] : []),
    ...(options.statementTimeoutMs ? [`-c statement_timeout=${Math.round(options.statementTimeoutMs)}`] : []),
  ];
  return {
    ...common,
    driver: KlyngePostgreSqlDriver,
    clientUrl: url.toString(),
    schema: database.schema,
    pool: { min: 0, max: options.poolSize ?? 10 },
    // MikroORM keeps only host, port, user, password and database of clientUrl, so the search path
    // (which the hand-written migrations and raw reads rely on) goes to the pg client directly.
    ...(settings.length ? { driverOptions: { connection: { options: settings.join(' ') } } } : {}),
  } as Options;
}
