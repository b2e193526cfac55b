import { MikroORM } from '@mikro-orm/core';
import type { DatabaseConfig } from '../config/config.js';
import { type OrmConfigOptions, createOrmOptions } from './orm-config.js';

/** Opens the ORM on the configured database (no schema changes). */
export function openDatabase(database: DatabaseConfig, options: OrmConfigOptions = {}): Promise<MikroORM> {
  return MikroORM.init(createOrmOptions(database, options));
}

/** Applies pending migrations; returns their names. */
export async function migrateDatabase(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
