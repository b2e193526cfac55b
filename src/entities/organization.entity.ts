import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity.js';
import { Provenance, RECORD_PROVENANCES } from './enums.js';

/** A member company or other member body, identified by its organisation number. */
@Entity()
@Index({ properties: ['name', 'id'] })
@Index({ properties: ['county'] })
@Index({ properties: ['naceCode'] })
@Index({ properties: ['employees', 'id'] })
export class Organization extends BaseEntity<'provenance'> {
  @Unique()
  @Property({ length: 9 })
  orgNumber!: string;

  @Property({ length: 200 })
  name!: string;

  @Property({ length: 100, nullable: true })
  city?: string | null;

  @Property({ length: 100, nullable: true })
  county?: string | null;

  @Property({ length: 10, nullable: true })
  naceCode?: string | null;

  @Property({ type: 'integer', nullable: true })
  employees?: number | null;

  @Property({ length: 500, nullable: true })
  website?: string | null;

  @Enum({ items: () => [...RECORD_PROVENANCES] })
  provenance: Provenance = Provenance.MANUAL;
}
