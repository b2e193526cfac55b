import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/core';
import type { Viewer } from '../auth/viewer.js';
import { type Loaders, createLoaders } from '../loaders/loaders.js';
import { Db } from '../repositories/db.js';

/** Everything one request works with: its own EntityManager fork, loaders, id and viewer. */
export interface RequestContext {
  requestId: string;
  em: EntityManager;
  db: Db;
  /** Per-request read caches; a write replaces them, so reads after it see what it wrote. */
  loaders: Loaders;
  /** Who is asking (from the request's API token); null for anonymous callers. */
  viewer: Viewer | null;
}

/** A fresh context: forked EntityManager (no shared identity map) and new DataLoaders. */
export function createRequestContext(
  orm: MikroORM,
  requestId: string = randomUUID(),
  viewer: Viewer | null = null,
): RequestContext {
  const em = orm.em.fork() as EntityManager;
  const db = new Db(em);
  return { requestId, em, db, loaders: createLoaders(db), viewer };
}
