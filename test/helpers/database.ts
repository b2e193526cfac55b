import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { type DatabaseConfig, parseDatabaseUrl } from '../../src/config/config.js';
import { migrateDatabase, openDatabase } from '../../src/db/database.js';
import { seedDatabase } from '../../src/db/seeder.js';

/**
 * The database a test file runs on: an in-memory SQLite database by default, or a fresh schema
 * on the PostgreSQL server named by DATABASE_URL (dropped again on dispose).
 */
export const TEST_DIALECT: DatabaseConfig['dialect'] = /^postgres(ql)?:/.test(process.env.DATABASE_URL ?? '')
  ? 'postgresql'
  : 'sqlite';

export interface TestDatabase {
  orm: MikroORM;
  dialect: DatabaseConfig['dialect'];
  database: DatabaseConfig;
  /** Every SQL statement run through the ORM since the last reset. */
  statements: string[];
  dispose(): Promise<void>;
}

export async function createTestDatabase(
  options: { seed?: boolean; demo?: boolean; migrate?: boolean } = {},
): Promise<TestDatabase> {
  const statements: string[] = [];
  let database: DatabaseConfig;
  let dropSchema: (() => Promise<void>) | undefined;
  if (TEST_DIALECT === 'postgresql') {
    const schema = `klynge_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    database = { ...parseDatabaseUrl(process.env.DATABASE_URL), schema } as DatabaseConfig;
    const admin = await openDatabase(parseDatabaseUrl(process.env.DATABASE_URL));
    await admin.em.fork().getConnection().execute(`create schema "${schema}"`);
    await admin.close(true);
    dropSchema = async () => {
      const a = await openDatabase(parseDatabaseUrl(process.env.DATABASE_URL));
      await a.em.fork().getConnection().execute(`drop schema if exists "${schema}" cascade`);
      await a.close(true);
    };
  } else {
    database = { dialect: 'sqlite', url: 'file::memory:', file: ':memory:' };
  }
  const orm = await openDatabase(database, { onQuery: (sql) => statements.push(sql) });
  if (options.migrate ?? true) await migrateDatabase(orm);
  if (options.seed ?? true) await seedDatabase(orm.em.fork(), { demo: options.demo ?? true });
  statements.length = 0;
  return {
    orm,
    dialect: TEST_DIALECT,
    database,
    statements,
    async dispose() {
      await orm.close(true);
      await dropSchema?.();
    },
  };
}

/** Runs raw SQL on the test database, outside any request. */
export const sql = (db: TestDatabase, query: string) => db.orm.em.fork().getConnection().execute(query) as Promise<any[]>;
