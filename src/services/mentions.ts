import type { EntityManager } from '@mikro-orm/knex';
import type { MentionMatch } from '../entities/enums.js';
import { type Announcement, AnnouncementCluster, Cluster } from '../entities/index.js';

/** A cluster an announcement should mention, and (for a link found in its text) how it matched. */
export interface WantedMention {
  clusterId: number;
  matchedBy?: MentionMatch;
  matchedText?: string;
}

/** Longest matched text kept with a mention. */
const MATCHED_TEXT_LIMIT = 300;

/**
 * Makes the announcement mention `wanted` clusters, in that order: rows whose cluster stays are
 * kept (and take how it matched, when given), new ones are created, the rest removed.
 */
export function replaceMentions(
  em: EntityManager,
  announcement: Announcement,
  existing: readonly AnnouncementCluster[],
  wanted: readonly WantedMention[],
): void {
  const kept = new Map(existing.map((row) => [row.cluster.id, row]));
  wanted.forEach(({ clusterId, matchedBy, matchedText }, position) => {
    const match = matchedBy === undefined ? {} : { matchedBy, matchedText: matchedText?.slice(0, MATCHED_TEXT_LIMIT) ?? null };
    const row = kept.get(clusterId);
    if (row) {
      row.position = position;
      Object.assign(row, match);
      kept.delete(clusterId);
    } else {
      em.create(AnnouncementCluster, { announcement, cluster: em.getReference(Cluster, clusterId), position, ...match });
    }
  });
  for (const row of kept.values()) em.remove(row);
}
