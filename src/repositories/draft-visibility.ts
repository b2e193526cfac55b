import type { Knex } from '@mikro-orm/knex';
import { AnnouncementStatus } from '../entities/enums.js';
import type { Db } from './db.js';

/**
 * Which drafts a reader may see (published announcements are for everyone): none, all, those
 * mentioning any of some clusters (a READER's), or those mentioning some of them and no others
 * (the drafts an EDITOR may edit).
 */
export type DraftVisibility =
  | { drafts: 'none' }
  | { drafts: 'all' }
  | { drafts: 'mentioningAny'; clusterIds: readonly number[] }
  | { drafts: 'mentioningOnly'; clusterIds: readonly number[] };

export const PUBLISHED_ONLY: DraftVisibility = { drafts: 'none' };

/**
 * The SQL condition (over `a`) for the announcements a reader may see, or null when it may see
 * all. Published ones always; drafts by their mentions. Plain SQL in the same statement, so
 * visibility never costs a query of its own.
 */
export function visibleAnnouncementSql(db: Db, visibility: DraftVisibility): Knex.Raw | null {
  const published = `a.status = '${AnnouncementStatus.PUBLISHED}'`;
  if (visibility.drafts === 'all') return null;
  if (visibility.drafts === 'none' || visibility.clusterIds.length === 0) return db.knex.raw(published);
  const ids = [...visibility.clusterIds];
  const marks = ids.map(() => '?').join(', ');
  const mentions = (op: 'in' | 'not in') =>
    `exists (select 1 from announcement_cluster vm where vm.announcement_id = a.id and vm.cluster_id ${op} (${marks}))`;
  if (visibility.drafts === 'mentioningAny') return db.knex.raw(`(${published} or ${mentions('in')})`, ids);
  return db.knex.raw(`(${published} or (${mentions('in')} and not ${mentions('not in')}))`, [...ids, ...ids]);
}
