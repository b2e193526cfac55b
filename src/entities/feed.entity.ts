import { Entity, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity.js';

/**
 * A news feed (RSS 2.0 or Atom) whose items are ingested as announcements, with what the last
 * fetch learned: its validators for the next conditional GET, and failures for the backoff.
 */
@Entity()
export class Feed extends BaseEntity<'failures'> {
  /** The feed's URL, or `file:` + path for a feed read from a file. */
  @Unique()
  @Property({ length: 1000 })
  url!: string;

  /** The feed's own title (channel title / atom:title), as last read. */
  @Property({ length: 300, nullable: true })
  title?: string | null;

  /** ETag of the last response, sent back as If-None-Match. */
  @Property({ length: 300, nullable: true })
  etag?: string | null;

  /** Last-Modified of the last response, sent back as If-Modified-Since. */
  @Property({ length: 100, nullable: true })
  lastModified?: string | null;

  /** When it was last fetched successfully (including a 304). */
  @Property({ type: 'datetime', nullable: true })
  lastFetchedAt?: Date | null;

  /** Failed fetches in a row (the poller backs off by it); 0 after a success. */
  @Property({ type: 'integer', default: 0 })
  failures = 0;

  /** The last failure's message, cleared by a success. */
  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  /** Not polled again before this time (backoff after failures). */
  @Property({ type: 'datetime', nullable: true })
  nextFetchAt?: Date | null;
}
