import { Entity, Index, ManyToOne, PrimaryKey, type Rel, Unique } from '@mikro-orm/core';
import type { ApiToken } from './api-token.entity.js';
import type { Cluster } from './cluster.entity.js';

/** A cluster an API token is scoped to. */
@Entity()
@Unique({ properties: ['apiToken', 'cluster'] })
@Index({ properties: ['cluster'] })
export class ApiTokenCluster {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne('ApiToken', { deleteRule: 'cascade' })
  apiToken!: Rel<ApiToken>;

  @ManyToOne('Cluster')
  cluster!: Rel<Cluster>;
}
