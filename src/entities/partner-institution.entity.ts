import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity.js';
import { PartnerKind, Provenance, RECORD_PROVENANCES } from './enums.js';

/** A university, research institute, funding or public agency or incubator working with clusters. */
@Entity()
@Index({ properties: ['name', 'id'] })
@Index({ properties: ['kind'] })
export class PartnerInstitution extends BaseEntity<'provenance'> {
  @Unique()
  @Property({ length: 100 })
  slug!: string;

  @Property({ length: 200 })
  name!: string;

  @Enum({ items: () => PartnerKind })
  kind!: PartnerKind;

  @Property({ length: 9, nullable: true })
  orgNumber?: string | null;

  @Property({ length: 100, nullable: true })
  city?: string | null;

  @Property({ length: 500, nullable: true })
  website?: string | null;

  @Enum({ items: () => [...RECORD_PROVENANCES] })
  provenance: Provenance = Provenance.MANUAL;
}
