// The server polls its news feeds itself (FEEDS, every FEED_POLL_MINUTES): each round ingests the
// feeds that are due, one transaction each, conditionally (ETag / Last-Modified); a feed that fails
// is tried again after a growing delay. On PostgreSQL one instance polls at a time: a round first
// takes a session advisory lock, and an instance that does not get it skips the round. SQLite has
// one server per database file.
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { systemViewer } from '../auth/viewer.js';
import type { FeedsConfig } from '../config/config.js';
import { createRequestContext } from '../context/request-context.js';
import type { EventPublisher } from '../pubsub/event-publisher.js';
import { Db } from '../repositories/db.js';
import { type FeedIngestResult, backOff, dueFeeds, feedFailures, ingestFeed } from './feed-ingest.service.js';

/** The advisory lock of the feed poller: one per schema, so deployments sharing a database do not block each other. */
export const POLL_LOCK_SQL = "hashtext('klynge:feed-poller'), hashtext($1)";
const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;

interface PollLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  debug(object: object, message: string): void;
}

/** What one round did: per feed its counts, or its error. */
export type PollRound = { feed: string; result?: FeedIngestResult; error?: string }[];

export interface FeedPoller {
  /** Runs one round now (the timer's rounds wait for it); null when another instance holds the lock. */
  runOnce(): Promise<PollRound | null>;
  stop(): Promise<void>;
}

/** How long a feed that failed `failures` times in a row waits: the poll interval, doubled per further failure. */
export const backoffDelay = (intervalMs: number, failures: number) =>
  Math.min(intervalMs * 2 ** Math.max(0, failures - 1), Math.max(MAX_BACKOFF_MS, intervalMs));

/** Starts polling `config.urls` every `config.pollMinutes` (the first round right away). */
export function startFeedPoller(
  orm: MikroORM,
  config: FeedsConfig,
  options: { events?: EventPublisher; logger: PollLogger; firstRoundAfterMs?: number },
): FeedPoller {
  const intervalMs = config.pollMinutes * 60_000;
  const { logger, events } = options;
  let running: Promise<PollRound | null> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const round = async (): Promise<PollRound | null> => {
    const lock = await takeLock(orm);
    if (!lock) {
      logger.debug({}, 'news feeds: another instance is polling; this round is skipped');
      return null;
    }
    try {
      const ctx = createRequestContext(orm, undefined, systemViewer('feed-poller'), { events });
      const due = await dueFeeds(ctx, config.urls);
      const done: PollRound = [];
      for (const feed of due) {
        if (stopped) break;
        const feedCtx = createRequestContext(orm, undefined, systemViewer('feed-poller'), { events });
        try {
          const result = await ingestFeed(feedCtx, feed, config);
          done.push({ feed, result });
          logger.info(
            { feed, items: result.items, inserted: result.inserted, updated: result.updated, notModified: result.notModified },
            'news feed polled',
          );
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const delay = backoffDelay(intervalMs, await feedFailures(feedCtx, feed));
          await backOff(feedCtx, feed, delay);
          done.push({ feed, error: message });
          logger.warn({ feed, error: message, retryInMinutes: Math.round(delay / 60_000) }, 'news feed failed; backing off');
        }
      }
      return done;
    } finally {
      await lock.release();
    }
  };

  const runOnce = async () => {
    while (running) await running.catch(() => undefined);
    running = round().finally(() => {
      running = null;
    });
    return running;
  };

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(async () => {
      try {
        await runOnce();
      } catch (error) {
        logger.warn({ err: error }, 'news feeds: a polling round failed');
      }
      schedule(intervalMs);
    }, delayMs);
    timer.unref();
  };
  schedule(options.firstRoundAfterMs ?? 0);

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}

/**
 * The poller's lock: on PostgreSQL a session advisory lock on a connection of its own, held for
 * the round (null when another session holds it); on SQLite nothing to take.
 */
async function takeLock(orm: MikroORM): Promise<{ release(): Promise<void> } | null> {
  const db = new Db(orm.em.fork() as EntityManager);
  if (db.dialect !== 'postgresql') return { release: async () => {} };
  const schema = orm.config.get('schema') ?? 'public';
  const client = db.knex.client;
  const connection = await client.acquireConnection();
  try {
    const result = await connection.query(`select pg_try_advisory_lock(${POLL_LOCK_SQL}) as locked`, [schema]);
    if (!result.rows[0]?.locked) {
      await client.releaseConnection(connection);
      return null;
    }
  } catch (error) {
    await client.releaseConnection(connection);
    throw error;
  }
  return {
    async release() {
      try {
        await connection.query(`select pg_advisory_unlock(${POLL_LOCK_SQL})`, [schema]);
      } finally {
        await client.releaseConnection(connection);
      }
    },
  };
}
