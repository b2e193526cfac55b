import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/core';
import { type Loaders, createLoaders } from '../loaders/loaders.js';
import { Db } from '../repositories/db.js';

/** Everything one request works with: its own EntityManager fork, loaders and id. */
export interface RequestContext {
  requestId: string;
  em: EntityManager;
  db: Db;
  loaders: Loaders;
}

/** A fresh context: forked EntityManager (no shared identity map) and new DataLoaders. */
export function createRequestContext(orm: MikroORM, requestId: string = randomUUID()): RequestContext {
  const em = orm.em.fork() as EntityManager;
  const db = new Db(em);
  return { requestId, em, db, loaders: createLoaders(db) };
}
