/**
 * Creates, lists and revokes API tokens in DATABASE_URL's database (migrated first).
 *   npm run token -- create --role admin|editor|reader --name "<name>" [--clusters slug,slug]
 *   npm run token -- list
 *   npm run token -- revoke <id>
 */
import 'reflect-metadata';
import { loadConfig } from '../config/config.js';
import { migrateDatabase, openDatabase } from '../db/database.js';
import { TOKEN_USAGE, UsageError, runTokenCommand } from './token-command.js';

try {
  const orm = await openDatabase(loadConfig().database);
  try {
    await migrateDatabase(orm);
    await runTokenCommand(orm, process.argv.slice(2), (line) => console.log(line));
  } finally {
    await orm.close(true);
  }
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n${TOKEN_USAGE}`);
    process.exit(2);
  }
  console.error(`token: ${error instanceof Error ? error.message : String(error)}`);
  // Exit at once: a half-open connection pool must not keep the process alive.
  process.exit(1);
}
