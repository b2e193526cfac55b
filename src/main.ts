import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config.js';
import { startServer } from './server/server.js';

// Start: read config, migrate, seed an empty database, serve; stop cleanly on SIGINT/SIGTERM.
try {
  const config = loadConfig();
  const server = await startServer(config);
  console.log(`klynge: GraphQL API and GraphiQL at ${server.url}`);
  const shutdown = async (signal: string) => {
    console.log(`klynge: ${signal}, shutting down`);
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`klynge: ${error.message}`);
  } else {
    console.error('klynge: failed to start:', error);
  }
  process.exit(1);
}
