import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import type { Announcement } from './announcement.entity.js';
import type { Cluster } from './cluster.entity.js';
import { MentionMatch } from './enums.js';

/** A cluster mentioned by an announcement; `position` keeps the order of mention. */
@Entity()
@Unique({ properties: ['announcement', 'cluster'] })
@Index({ properties: ['cluster', 'announcement'] })
export class AnnouncementCluster {
  [OptionalProps]?: 'matchedBy' | 'matchedText';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne('Announcement', { deleteRule: 'cascade' })
  announcement!: Rel<Announcement>;

  @ManyToOne('Cluster')
  cluster!: Rel<Cluster>;

  @Property({ type: 'smallint' })
  position!: number;

  /** How the mention was made: by hand (mutations, seed, import) or found in the text by a feed ingest. */
  @Enum({ items: () => MentionMatch, default: MentionMatch.MANUAL })
  matchedBy: MentionMatch = MentionMatch.MANUAL;

  /** The words of the text that named the cluster, when found by a feed ingest. */
  @Property({ length: 300, nullable: true })
  matchedText?: string | null;
}
