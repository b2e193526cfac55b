import 'reflect-metadata';
import { loadConfig } from '../config/config.js';
import { migrateDatabase, openDatabase } from '../db/database.js';

/** `npm run migrate`: applies pending migrations to DATABASE_URL's database. */
const config = loadConfig();
const orm = await openDatabase(config.database);
try {
  const applied = await migrateDatabase(orm);
  console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database is up to date');
} catch (error) {
  console.error('migration failed (nothing was applied from the failing migration on):', error);
  process.exitCode = 1;
} finally {
  await orm.close(true);
}
