/**
 * Refreshes the stored organizations (name, city, county, NACE code, employees, website) from the
 * company register (REGISTRY_URL) in DATABASE_URL's database, migrating it first. Demo
 * organizations are skipped. The first run checks every organization, later ones the register's
 * change feed since the last; an interrupted run resumes.
 *   npm run registry:sync -- [--full] [--state <file>] [--batch-size <n>]
 */
import 'reflect-metadata';
import { loadConfig } from '../config/config.js';
import { migrateDatabase, openDatabase } from '../db/database.js';
import { SyncInterrupted } from '../services/registry-sync.service.js';
import { SYNC_USAGE, SyncUsageError, runRegistrySync } from './registry-sync-command.js';

try {
  const config = loadConfig();
  const orm = await openDatabase(config.database);
  try {
    await migrateDatabase(orm);
    await runRegistrySync(orm, config, process.argv.slice(2), (line) => console.log(line), Boolean(process.stderr.isTTY));
  } finally {
    await orm.close(true);
  }
} catch (error) {
  if (error instanceof SyncUsageError) {
    console.error(`registry:sync: ${error.message}\n${SYNC_USAGE}`);
    process.exit(2);
  }
  if (error instanceof SyncInterrupted) {
    console.error(`registry:sync interrupted: ${error.message}; run it again to resume where it stopped`);
  } else {
    console.error(`registry:sync failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Exit at once: a half-open connection pool must not keep the process alive.
  process.exit(1);
}
