import { Collection, Entity, Enum, Index, OneToMany, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity.js';
import { ClusterLevel, ClusterStatus, Provenance, RECORD_PROVENANCES } from './enums.js';
import type { ClusterLevelPeriod } from './cluster-level-period.entity.js';
import type { ClusterSector } from './cluster-sector.entity.js';

/** A cluster in the programme, at its current level; the history of levels is in ClusterLevelPeriod. */
@Entity()
@Index({ properties: ['name', 'id'] })
@Index({ properties: ['level', 'name', 'id'] })
@Index({ properties: ['admittedOn', 'id'] })
@Index({ properties: ['county'] })
@Index({ properties: ['status'] })
export class Cluster extends BaseEntity<'status' | 'provenance' | 'levelPeriods' | 'sectors'> {
  @Unique()
  @Property({ length: 100 })
  slug!: string;

  @Property({ length: 200 })
  name!: string;

  @Enum({ items: () => ClusterLevel })
  level!: ClusterLevel;

  @Enum({ items: () => ClusterStatus })
  status: ClusterStatus = ClusterStatus.ACTIVE;

  @Property({ length: 100 })
  county!: string;

  @Property({ length: 100 })
  city!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ length: 500, nullable: true })
  website?: string | null;

  @Property({ length: 9, nullable: true })
  orgNumber?: string | null;

  @Property({ type: 'integer', nullable: true })
  foundedYear?: number | null;

  @Property({ type: 'date' })
  admittedOn!: string;

  @Enum({ items: () => [...RECORD_PROVENANCES] })
  provenance: Provenance = Provenance.MANUAL;

  @OneToMany('ClusterLevelPeriod', 'cluster')
  levelPeriods = new Collection<ClusterLevelPeriod>(this);

  @OneToMany('ClusterSector', 'cluster')
  sectors = new Collection<ClusterSector>(this);
}
