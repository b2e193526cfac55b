import { Collection, Entity, Enum, Index, OneToMany, Property, Unique } from '@mikro-orm/core';
import type { AnnouncementCluster } from './announcement-cluster.entity.js';
import { BaseEntity } from './base.entity.js';
import { AnnouncementKind, AnnouncementStatus, Language, Provenance } from './enums.js';

/** A text about the programme (an admission, a level change, news or policy), published or a draft. */
@Entity()
@Index({ properties: ['publishedAt', 'id'] })
@Index({ properties: ['kind', 'publishedAt'] })
export class Announcement extends BaseEntity<'provenance' | 'mentions' | 'status' | 'publishedAt'> {
  @Unique()
  @Property({ length: 150 })
  slug!: string;

  @Property({ length: 300 })
  title!: string;

  @Property({ type: 'text' })
  body!: string;

  @Enum({ items: () => Language })
  language!: Language;

  // The column default makes rows written without a status (rows from before drafts existed, bulk
  // imports) published; the API creates drafts explicitly.
  @Enum({ items: () => AnnouncementStatus, default: AnnouncementStatus.PUBLISHED })
  status: AnnouncementStatus = AnnouncementStatus.PUBLISHED;

  /** When it was published; null for a draft. */
  @Property({ type: 'datetime', nullable: true })
  publishedAt?: Date | null;

  @Enum({ items: () => AnnouncementKind })
  kind!: AnnouncementKind;

  @Property({ length: 500, nullable: true })
  sourceUrl?: string | null;

  @Enum({ items: () => Provenance })
  provenance: Provenance = Provenance.MANUAL;

  @OneToMany('AnnouncementCluster', 'announcement')
  mentions = new Collection<AnnouncementCluster>(this);
}
