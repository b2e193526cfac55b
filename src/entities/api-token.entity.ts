import { Collection, Entity, Enum, OneToMany, Property, Unique } from '@mikro-orm/core';
import type { ApiTokenCluster } from './api-token-cluster.entity.js';
import { BaseEntity } from './base.entity.js';
import { TokenRole } from './enums.js';

/**
 * An API token (`Authorization: Bearer klynge_…`). Only its SHA-256 is stored: the token itself is
 * shown once, when it is created. Revoked tokens are kept, so the audit trail can name them.
 */
@Entity()
export class ApiToken extends BaseEntity<'revokedAt' | 'lastUsedAt' | 'clusters'> {
  @Property({ length: 100 })
  name!: string;

  @Enum({ items: () => TokenRole })
  role!: TokenRole;

  /** Hex SHA-256 of the whole token; requests are authenticated by looking it up. */
  @Unique()
  @Property({ length: 64 })
  tokenHash!: string;

  /** The first characters of the token's secret part, so people can tell their tokens apart in listings. */
  @Property({ length: 8 })
  tokenPrefix!: string;

  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;

  /** When the token was last used, to the hour (updating it on every request would cost a write per read). */
  @Property({ type: 'datetime', nullable: true })
  lastUsedAt?: Date | null;

  /** The clusters an EDITOR or READER token is scoped to (none for ADMIN). */
  @OneToMany('ApiTokenCluster', 'apiToken')
  clusters = new Collection<ApiTokenCluster>(this);
}
