import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlockException, OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { type RequestContext, resetLoaders } from '../context/request-context.js';
import { type CodedError, conflict } from '../lib/errors.js';
import { Db } from '../repositories/db.js';
import type { EventRow } from '../repositories/event-log.repository.js';
import { writeRecordedEvents } from './event-log.service.js';

export interface WriteOptions {
  /**
   * Names the CONFLICT for a unique constraint a concurrent write won the race for (after the
   * service's own check passed); gets the database's message, which names the constraint.
   */
  uniqueConflict?: (databaseMessage: string) => CodedError | undefined;
}

/** Attempts of a write whose transaction PostgreSQL chose to abort to break a deadlock. */
export const DEADLOCK_ATTEMPTS = 3;

/**
 * Runs one mutation as one transaction on a fresh identity map: everything it writes, its audit
 * entry and its events included, commits together or not at all; the events are published once
 * it has committed. A concurrent write that got in first (version
 * moved on, unique value taken) is a CONFLICT. A transaction aborted to break a deadlock (two
 * writes taking the same rows, the kept counts say, in different orders) has written nothing, so
 * it runs again from the start on a new identity map, up to DEADLOCK_ATTEMPTS times. Afterwards
 * the request's read caches are replaced, so the payload (and any later mutation of the same
 * request) reads what was written.
 */
export async function inTransaction<T>(
  ctx: RequestContext,
  work: (em: EntityManager) => Promise<T>,
  options: WriteOptions = {},
): Promise<T> {
  let events: EventRow[] = [];
  try {
    const result = await retryDeadlocks(() =>
      ctx.em.transactional(
        async (em) => {
          const value = await work(em as EntityManager);
          events = await writeRecordedEvents(em as EntityManager);
          return value;
        },
        { clear: true },
      ),
    );
    if (events.length > 0) ctx.events.publish(events);
    return result;
  } catch (error) {
    if (error instanceof DeadlockException) {
      throw conflict("Concurrent writes kept getting in each other's way; nothing was written. Retry the mutation.");
    }
    if (error instanceof OptimisticLockError) {
      throw conflict('Another write changed this object at the same time; read it again and retry.', 'input.version');
    }
    if (error instanceof UniqueConstraintViolationException) {
      throw options.uniqueConflict?.(error.message) ?? conflict('A value that must be unique is already taken.');
    }
    throw error;
  } finally {
    resetLoaders(ctx);
  }
}

/** Runs `transaction` again while PostgreSQL aborts it to break a deadlock, after a short random pause (the other side finishes first). */
async function retryDeadlocks<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (!(error instanceof DeadlockException) || attempt >= DEADLOCK_ATTEMPTS) throw error;
      await sleep(10 + Math.random() * 40 * attempt);
    }
  }
}

/**
 * Marks a versioned entity changed even when only its children changed (sectors, level periods),
 * so the flush bumps its version and checks the version it was read at. `updatedAt` moves forward
 * by at least a millisecond, or an update within the same millisecond would look like no change.
 */
export function touch(entity: { updatedAt: Date }): void {
  entity.updatedAt = new Date(Math.max(Date.now(), entity.updatedAt.getTime() + 1));
}

/**
 * The version check every update makes after NOT_FOUND and FORBIDDEN: the client must have read
 * the current version (the UPDATE checks it again, for a write that gets in between).
 */
export function assertVersion(entity: { version: number }, version: number, what: string): void {
  if (entity.version !== version) {
    throw conflict(
      `${what} is at version ${entity.version}, not ${version}: it changed since you read it. Read it again and reapply your change.`,
      'input.version',
    );
  }
}

/**
 * Ends a write that turned out to change nothing: forgets what it loaded. On SQLite, MikroORM (6.6)
 * takes a loaded entity's datetimes for changes and would rewrite it, bumping the version for nothing.
 */
export function forgetLoaded(em: EntityManager): void {
  em.clear();
}

/** Plain-row reads inside the write's transaction (they see its own writes, and take its locks). */
export const transactionDb = (em: EntityManager): Db => new Db(em);
