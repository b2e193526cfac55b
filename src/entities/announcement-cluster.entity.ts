import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import type { Announcement } from './announcement.entity.js';
import type { Cluster } from './cluster.entity.js';

/** A cluster mentioned by an announcement; `position` keeps the order of mention. */
@Entity()
@Unique({ properties: ['announcement', 'cluster'] })
@Index({ properties: ['cluster', 'announcement'] })
export class AnnouncementCluster {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne('Announcement', { deleteRule: 'cascade' })
  announcement!: Rel<Announcement>;

  @ManyToOne('Cluster')
  cluster!: Rel<Cluster>;

  @Property({ type: 'smallint' })
  position!: number;
}
