/**
 * Migrates the configured database and fills it with the seed data, if it has no clusters yet.
 *   node dist/src/cli/seed.js [--no-demo]
 * --no-demo leaves out the synthetic demo organizations and memberships.
 */
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/core';
import { loadConfig } from '../config/config.js';
import { createOrmOptions } from '../db/orm-config.js';
import { seedDatabase } from '../db/seeder.js';

const USAGE = 'usage: node dist/src/cli/seed.js [--no-demo]';

async function main(args: string[]): Promise<void> {
  const unknown = args.filter((arg) => arg !== '--no-demo');
  if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(' ')}\n${USAGE}`);
  const demo = !args.includes('--no-demo');

  const config = loadConfig();
  const orm = await MikroORM.init(createOrmOptions(config.database));
  try {
    await orm.migrator.up();
    const result = await seedDatabase(orm.em.fork(), { demo });
    if (!result.seeded) {
      console.log('database already has data; nothing seeded');
      return;
    }
    const summary = Object.entries(result.counts)
      .map(([entity, count]) => `${count} ${entity}`)
      .join(', ');
    console.log(`seeded ${config.database.dialect} database${demo ? '' : ' (no demo data)'}: ${summary}`);
  } finally {
    await orm.close(true);
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  console.error(`seed failed: ${error instanceof Error ? error.message : String(error)}`);
  // Exit at once: a half-open connection pool must not keep the process alive.
  process.exit(1);
}
