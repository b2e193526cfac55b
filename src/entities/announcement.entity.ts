import { Collection, Entity, Enum, Index, ManyToOne, OneToMany, Property, type Rel, Unique } from '@mikro-orm/core';
import type { AnnouncementCluster } from './announcement-cluster.entity.js';
import { BaseEntity } from './base.entity.js';
import type { Feed } from './feed.entity.js';
import { AnnouncementKind, AnnouncementStatus, Language, Provenance } from './enums.js';

/** A text about the programme (an admission, a level change, news or policy), published or a draft. */
@Entity()
@Index({ properties: ['publishedAt', 'id'] })
@Index({ properties: ['kind', 'publishedAt'] })
// Finds the few drafts fast (readers' visibility leaves them out by id); see its migration.
@Index({
  name: 'announcement_unpublished_index',
  expression: "create index announcement_unpublished_index on announcement (id) where status <> 'PUBLISHED'",
})
@Unique({ properties: ['feed', 'feedItemId'] })
export class Announcement extends BaseEntity<'provenance' | 'mentions' | 'status' | 'publishedAt' | 'feed' | 'feedItemId'> {
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

  /** The news feed it was ingested from; null for announcements written by editors, seeded or imported. */
  @ManyToOne('Feed', { nullable: true })
  feed?: Rel<Feed> | null;

  /** The item's identity within its feed (RSS guid, Atom id, or the link when a feed gives neither). */
  @Property({ length: 1000, nullable: true })
  feedItemId?: string | null;

  @OneToMany('AnnouncementCluster', 'announcement')
  mentions = new Collection<AnnouncementCluster>(this);
}
