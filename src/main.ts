import 'reflect-metadata';
// Before anything loads MikroORM (see the module).
import './db/orm-async-context.js';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadConfig } from './config/config.js';

// The old generation may grow to 1.5× what its last full collection kept, not the up to 4× V8
// allows while collections look cheap: under load the scavenger promotes the objects of the
// requests in flight, and that garbage piled up to about 200 MB of heap (over a live set of about
// 50 MB) before a full collection took it back. Measured in bench/results.md (issue 20).
setFlagsFromString('--heap-growing-percent=50');

// Start: read config, migrate, seed an empty database, serve; stop cleanly on SIGINT/SIGTERM.
try {
  const config = loadConfig();
  // Tracing patches the modules it follows (http, pg), so it starts before the server is imported.
  const stopTracing = config.tracing ? await (await import('./server/tracing.js')).startTracing() : undefined;
  if (stopTracing) console.log('klynge: OpenTelemetry tracing on (OTLP over HTTP)');
  const { startServer } = await import('./server/server.js');
  const server = await startServer(config);
  console.log(`klynge: GraphQL API and GraphiQL at ${server.url}`);
  const shutdown = async (signal: string) => {
    console.log(`klynge: ${signal}, shutting down`);
    await server.stop();
    await stopTracing?.();
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
