import { Entity, Enum, Index, ManyToOne, Property, type Rel, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity.js';
import type { Cluster } from './cluster.entity.js';
import { MembershipRole } from './enums.js';
import type { Organization } from './organization.entity.js';

/** An organization's membership of a cluster; ending it sets `leftOn`, history is never deleted. */
@Entity()
// A membership is one stay: the same organization may leave and join a cluster again later.
@Unique({ properties: ['cluster', 'organization', 'joinedOn'] })
@Index({ properties: ['cluster', 'joinedOn', 'id'] })
@Index({ properties: ['organization', 'joinedOn', 'id'] })
// An organization's other clusters (Membership.otherClusters) read from the index alone.
@Index({ properties: ['organization', 'cluster'] })
@Index({ properties: ['cluster', 'role'] })
export class Membership extends BaseEntity {
  @ManyToOne('Cluster')
  cluster!: Rel<Cluster>;

  @ManyToOne('Organization')
  organization!: Rel<Organization>;

  @Enum({ items: () => MembershipRole })
  role!: MembershipRole;

  @Property({ type: 'date' })
  joinedOn!: string;

  @Property({ type: 'date', nullable: true })
  leftOn?: string | null;
}
