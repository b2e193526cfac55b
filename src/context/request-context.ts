import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/core';
import { draftVisibility } from '../auth/permissions.js';
import { type CompanyRegister, disabledCompanyRegister } from '../connectors/company-register.connector.js';
import type { Viewer } from '../auth/viewer.js';
import { type Loaders, createLoaders } from '../loaders/loaders.js';
import { type EventPublisher, noEventPublisher } from '../pubsub/event-publisher.js';
import { Db } from '../repositories/db.js';
import type { RateLimitState } from '../services/rate-limit.service.js';

/** Everything one request works with: its own EntityManager fork, loaders, id and viewer. */
export interface RequestContext {
  requestId: string;
  readonly em: EntityManager;
  db: Db;
  /** Per-request read caches; a write replaces them, so reads after it see what it wrote. */
  loaders: Loaders;
  /** Who is asking (from the request's API token); null for anonymous callers. */
  viewer: Viewer | null;
  /** Where the events of this request's writes go after they commit. */
  events: EventPublisher;
  /** The process's company register (shared cache and breaker); the loaders call it. */
  register: CompanyRegister;
  /** The client's address (behind trusted proxies, from X-Forwarded-For): anonymous callers' rate-limit key. */
  clientAddress?: string;
  /** The operation's estimated cost (see Limits in the README), once the cost limit has computed it. */
  queryCost?: number;
  /** The caller's rate limit after this request was charged (set before anything resolves). */
  rateLimit?: RateLimitState;
}

/** What the process shares with every request: absent parts are off (no live events, no register calls). */
export interface ProcessServices {
  events?: EventPublisher;
  register?: CompanyRegister;
}

/**
 * A request's context. The EntityManager is a getter on the prototype, so it stays unforked until
 * something uses it (see Db.forkOf: reads by prepared statement never do), also in the copy Apollo
 * makes of every context (own properties only).
 */
class Context implements RequestContext {
  loaders: Loaders;
  queryCost?: number;
  rateLimit?: RateLimitState;

  constructor(
    public requestId: string,
    public db: Db,
    public viewer: Viewer | null,
    public events: EventPublisher,
    public register: CompanyRegister,
    public clientAddress: string | undefined,
  ) {
    this.loaders = createLoaders(db, () => draftVisibility(this.viewer), register);
  }

  get em(): EntityManager {
    return this.db.em;
  }
}

/**
 * A fresh context: forked EntityManager (no shared identity map; forked when first used) and new
 * DataLoaders. Without a register, the register is switched off (no outside calls); without an
 * event publisher, events reach subscribers through the log alone.
 */
export function createRequestContext(
  orm: MikroORM,
  requestId: string = randomUUID(),
  viewer: Viewer | null = null,
  services: ProcessServices = {},
  clientAddress?: string,
): RequestContext {
  return new Context(
    requestId,
    Db.forkOf(orm.em as EntityManager),
    viewer,
    services.events ?? noEventPublisher,
    services.register ?? disabledCompanyRegister,
    clientAddress,
  );
}

/**
 * Gives the context new, empty loaders (after a write, so reads see it). They show announcement
 * drafts by the context's viewer at the time they load, so setting the viewer later is enough.
 */
export function resetLoaders(ctx: RequestContext): void {
  ctx.loaders = createLoaders(ctx.db, () => draftVisibility(ctx.viewer), ctx.register);
}
