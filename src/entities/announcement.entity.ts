import { Collection, Entity, Enum, Index, OneToMany, Property, Unique } from '@mikro-orm/core';
import type { AnnouncementCluster } from './announcement-cluster.entity.js';
import { BaseEntity } from './base.entity.js';
import { AnnouncementKind, Language, Provenance } from './enums.js';

/** A published text about the programme: an admission, a level change, news or policy. */
@Entity()
@Index({ properties: ['publishedAt', 'id'] })
@Index({ properties: ['kind', 'publishedAt'] })
export class Announcement extends BaseEntity<'provenance' | 'mentions'> {
  @Unique()
  @Property({ length: 150 })
  slug!: string;

  @Property({ length: 300 })
  title!: string;

  @Property({ type: 'text' })
  body!: string;

  @Enum({ items: () => Language })
  language!: Language;

  @Property({ type: 'datetime' })
  publishedAt!: Date;

  @Enum({ items: () => AnnouncementKind })
  kind!: AnnouncementKind;

  @Property({ length: 500, nullable: true })
  sourceUrl?: string | null;

  @Enum({ items: () => Provenance })
  provenance: Provenance = Provenance.MANUAL;

  @OneToMany('AnnouncementCluster', 'announcement')
  mentions = new Collection<AnnouncementCluster>(this);
}
