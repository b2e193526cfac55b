import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import type { Cluster } from './cluster.entity.js';

/** One of a cluster's sectors; `position` keeps the order they were given in. */
@Entity()
@Unique({ properties: ['cluster', 'sector'] })
@Index({ properties: ['sector'] })
export class ClusterSector {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne('Cluster', { deleteRule: 'cascade' })
  cluster!: Rel<Cluster>;

  @Property({ length: 100 })
  sector!: string;

  @Property({ type: 'smallint' })
  position!: number;
}
