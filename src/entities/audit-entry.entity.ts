import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import type { ApiToken } from './api-token.entity.js';

/** Field-level changes of one write: `{ field: { before, after } }`. */
export type AuditChanges = Record<string, { before: unknown; after: unknown }>;

/** One write: who made it, when, to which entity, and what changed. Written in the write's own transaction. */
@Entity()
@Index({ properties: ['at', 'id'] })
@Index({ properties: ['entityType', 'entityId', 'at', 'id'] })
@Index({ properties: ['actorName', 'at', 'id'] })
@Index({ properties: ['actorToken', 'at', 'id'] })
export class AuditEntry {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ type: 'datetime' })
  at: Date = new Date();

  /** The token that made the change; null for the command line and other trusted paths. */
  @ManyToOne('ApiToken', { nullable: true })
  actorToken?: Rel<ApiToken> | null;

  /** The token's name at the time (or e.g. `cli:ops`), so the entry reads well after a rename or revocation. */
  @Property({ length: 100 })
  actorName!: string;

  /** What was done, `entity.verb`, e.g. `cluster.update`. */
  @Property({ length: 50 })
  action!: string;

  @Property({ length: 50 })
  entityType!: string;

  @Property({ type: 'integer' })
  entityId!: number;

  @Property({ type: 'json' })
  changes!: AuditChanges;
}
