import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import type { Cluster } from './cluster.entity.js';
import { ClusterLevel } from './enums.js';

/** A period a cluster spent at one level; the current one has no `toDate`. */
@Entity()
@Index({ properties: ['cluster', 'fromDate'] })
export class ClusterLevelPeriod {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne('Cluster', { deleteRule: 'cascade' })
  cluster!: Rel<Cluster>;

  @Enum({ items: () => ClusterLevel })
  level!: ClusterLevel;

  @Property({ type: 'date' })
  fromDate!: string;

  @Property({ type: 'date', nullable: true })
  toDate?: string | null;
}
