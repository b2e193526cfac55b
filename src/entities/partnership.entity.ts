import { Entity, Enum, Index, ManyToOne, Property, type Rel, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity.js';
import type { Cluster } from './cluster.entity.js';
import { PartnershipRole } from './enums.js';
import type { PartnerInstitution } from './partner-institution.entity.js';

/** A partner institution's role in a cluster over a period. */
@Entity()
@Unique({ properties: ['cluster', 'partner', 'since'] })
@Index({ properties: ['cluster', 'since', 'id'] })
@Index({ properties: ['partner', 'since', 'id'] })
export class Partnership extends BaseEntity {
  @ManyToOne('Cluster')
  cluster!: Rel<Cluster>;

  @ManyToOne('PartnerInstitution')
  partner!: Rel<PartnerInstitution>;

  @Enum({ items: () => PartnershipRole })
  role!: PartnershipRole;

  @Property({ type: 'date' })
  since!: string;

  @Property({ type: 'date', nullable: true })
  until?: string | null;
}
