/**
 * Ingests news feeds (RSS 2.0 or Atom; URLs or files) as announcements into DATABASE_URL's
 * database, migrated first: one transaction per feed, counts printed per feed. The FEED_* settings
 * bound every fetch (timeout, size, redirects, allowed private hosts).
 *   npm run ingest -- <feed-url-or-file>...
 */
import 'reflect-metadata';
import { ConfigError, feedsConfig, loadConfig } from '../config/config.js';
import { migrateDatabase, openDatabase } from '../db/database.js';
import { INGEST_USAGE, runIngest } from './ingest-command.js';

const sources = process.argv.slice(2);
if (sources.length === 0 || sources.some((s) => s === '--help' || s === '-h')) {
  console.error(INGEST_USAGE);
  process.exit(sources.length === 0 ? 2 : 0);
}

try {
  const config = loadConfig();
  const orm = await openDatabase(config.database);
  let failed = 0;
  try {
    await migrateDatabase(orm);
    failed = await runIngest(
      orm,
      sources,
      config.feeds ?? feedsConfig(),
      (line) => console.log(line),
      (line) => console.error(line),
    );
  } finally {
    await orm.close(true);
  }
  process.exit(failed > 0 ? 1 : 0);
} catch (error) {
  console.error(`ingest: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
