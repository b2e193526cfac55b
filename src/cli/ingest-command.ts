import type { MikroORM } from '@mikro-orm/core';
import { systemViewer } from '../auth/viewer.js';
import { createRequestContext } from '../context/request-context.js';
import type { EventPublisher } from '../pubsub/event-publisher.js';
import { type FeedIngestResult, type FeedLimits, ingestFeed } from '../services/feed-ingest.service.js';

export const INGEST_USAGE = 'usage: npm run ingest -- <feed-url-or-file>...';

/** One line per feed: what its ingest did. */
export function describeResult(result: FeedIngestResult): string {
  const name = result.title ? `${result.feed} (${result.title})` : result.feed;
  if (result.notModified) return `${name}: not modified since the last fetch (304), nothing to do`;
  return `${name}: ${result.items} items, ${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged`;
}

/**
 * Ingests each feed in its own transaction and prints a line for each; a feed that fails is
 * reported (naming feed and item) and the others go on. Returns how many failed.
 */
export async function runIngest(
  orm: MikroORM,
  sources: readonly string[],
  limits: FeedLimits,
  print: (line: string) => void,
  printError: (line: string) => void = print,
  events?: EventPublisher,
): Promise<number> {
  let failed = 0;
  for (const source of sources) {
    const ctx = createRequestContext(orm, undefined, systemViewer('cli:ingest'), { events });
    try {
      print(describeResult(await ingestFeed(ctx, source, limits)));
    } catch (error) {
      failed += 1;
      printError(`${error instanceof Error ? error.message : String(error)} (nothing written for this feed)`);
    }
  }
  return failed;
}
