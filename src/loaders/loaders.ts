import DataLoader from 'dataloader';
import { type CompanyRegister, type RegistryEntry, disabledCompanyRegister } from '../connectors/company-register.connector.js';
import type { PageWindow } from '../lib/pagination.js';
import {
  fetchAnnouncementsById,
  fetchAnnouncementsBySlug,
  fetchFeedsById,
  fetchMentions,
} from '../repositories/announcement.repository.js';
import { fetchClustersById, fetchClustersBySlug, fetchLevelPeriods, fetchSectors } from '../repositories/cluster.repository.js';
import type { Db } from '../repositories/db.js';
import { type DraftVisibility, PUBLISHED_ONLY } from '../repositories/draft-visibility.js';
import { type ListQuery, countNested, fetchNestedPages } from '../repositories/keyset.js';
import { fetchMembershipsById } from '../repositories/membership.repository.js';
import { fetchOrganizationsById, fetchOrganizationsByOrgNumber } from '../repositories/organization.repository.js';
import { fetchPartnershipsById, fetchPartnersById, fetchPartnersBySlug } from '../repositories/partner.repository.js';
import type { ClusterLevelPeriodRecord, MentionRecord } from '../repositories/records.js';

const MAX_ID = 2 ** 31 - 1;

/** Told the size of every batch a loader runs (the process's metrics); none by default. */
let batchObserver: ((size: number) => void) | undefined;

/** Sets (or, with undefined, removes) the process's observer of batch sizes. */
export function observeBatchSizes(observer: ((size: number) => void) | undefined): void {
  batchObserver = observer;
}

/** A loader that fetches rows by a key column and answers each key with its row or null. */
function keyedLoader<K extends string | number, R>(fetch: (keys: readonly K[]) => Promise<R[]>, keyOf: (row: R) => K) {
  return new DataLoader<K, R | null>(async (keys) => {
    batchObserver?.(keys.length);
    // Ids are 32-bit integer columns: a larger (well-formed) id cannot exist, and must not reach
    // PostgreSQL as an out-of-range parameter.
    const possible = keys.filter((key) => typeof key !== 'number' || key <= MAX_ID);
    const rows = possible.length > 0 ? await fetch(possible) : [];
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** A loader of child lists per parent id, in one ordered statement. */
function groupedLoader<R>(fetch: (ids: readonly number[]) => Promise<R[]>, parentOf: (row: R) => number) {
  return new DataLoader<number, R[]>(async (ids) => {
    batchObserver?.(ids.length);
    const grouped = new Map<number, R[]>();
    for (const row of await fetch(ids)) {
      const parent = parentOf(row);
      const list = grouped.get(parent);
      if (list) list.push(row);
      else grouped.set(parent, [row]);
    }
    return ids.map((id) => grouped.get(id) ?? []);
  });
}

/** Values by loader key and parent id, put there by a parent's statement and read without a batch. */
class PrimedValues<V> {
  private readonly byKey = new Map<string, Map<number, V>>();

  set(key: string, parentId: number, value: V): void {
    let byParent = this.byKey.get(key);
    if (!byParent) {
      byParent = new Map();
      this.byKey.set(key, byParent);
    }
    byParent.set(parentId, value);
  }

  get(key: string, parentId: number): V | undefined {
    return this.byKey.get(key)?.get(parentId);
  }
}

/** What a nested page loader needs: the list query and the page window, plus a row mapper. */
export interface NestedPageSpec<R> {
  query: ListQuery;
  window: PageWindow;
  map?: (row: R) => R;
}

/**
 * Every per-request DataLoader. Created for each request (HTTP or WebSocket operation), so
 * caches never leak between callers, and all loads of one tick become one statement.
 * `drafts` says which announcement drafts the caller may see; it is asked when a batch runs, so a
 * viewer set after the loaders were made (authentication) counts. Without it, only published ones.
 */
export function createLoaders(
  db: Db,
  drafts: () => DraftVisibility = () => PUBLISHED_ONLY,
  register: CompanyRegister = disabledCompanyRegister,
) {
  const pageLoaders = new Map<string, DataLoader<number, unknown[]>>();
  const countLoaders = new Map<string, DataLoader<number, number>>();
  const idOf = (row: { id: number }) => Number(row.id);

  return {
    /**
     * Nested pages and counts that came along in their parents' statement (see primeLists in the
     * connection service), by the key their loader would have; read synchronously, so a nested
     * list answered from them costs no promise.
     */
    primedPages: new PrimedValues<unknown[]>(),
    primedCounts: new PrimedValues<number>(),

    clusterById: keyedLoader((ids: readonly number[]) => fetchClustersById(db, ids), idOf),
    clusterBySlug: keyedLoader(
      (slugs: readonly string[]) => fetchClustersBySlug(db, slugs),
      (c) => c.slug,
    ),
    organizationById: keyedLoader((ids: readonly number[]) => fetchOrganizationsById(db, ids), idOf),
    organizationByOrgNumber: keyedLoader(
      (n: readonly string[]) => fetchOrganizationsByOrgNumber(db, n),
      (o) => o.orgNumber,
    ),
    membershipById: keyedLoader((ids: readonly number[]) => fetchMembershipsById(db, ids), idOf),
    partnerById: keyedLoader((ids: readonly number[]) => fetchPartnersById(db, ids), idOf),
    partnerBySlug: keyedLoader(
      (slugs: readonly string[]) => fetchPartnersBySlug(db, slugs),
      (p) => p.slug,
    ),
    partnershipById: keyedLoader((ids: readonly number[]) => fetchPartnershipsById(db, ids), idOf),
    announcementById: keyedLoader((ids: readonly number[]) => fetchAnnouncementsById(db, ids, drafts()), idOf),
    announcementBySlug: keyedLoader(
      (slugs: readonly string[]) => fetchAnnouncementsBySlug(db, slugs, drafts()),
      (a) => a.slug,
    ),
    feedById: keyedLoader((ids: readonly number[]) => fetchFeedsById(db, ids), idOf),
    mentionsByAnnouncement: groupedLoader<MentionRecord>(
      (ids) => fetchMentions(db, ids),
      (m) => Number(m.announcementId),
    ),
    sectorsByCluster: groupedLoader(
      (ids) => fetchSectors(db, ids),
      (s) => Number(s.clusterId),
    ),
    /**
     * The company register's unit per org number: the numbers of one request go to the register
     * together (in as few calls as its batch size allows). A failure is an Error value for its key.
     */
    registryByOrgNumber: new DataLoader<string, RegistryEntry | null>((numbers) => {
      batchObserver?.(numbers.length);
      return register.lookup(numbers);
    }),
    levelPeriodsByCluster: groupedLoader<ClusterLevelPeriodRecord>(
      (ids) => fetchLevelPeriods(db, ids),
      (p) => Number(p.clusterId),
    ),

    /**
     * The page loader for one relation under one set of arguments (`key`): sibling fields asking
     * the same share a batch; the spec is built only when the loader is first needed.
     */
    nestedPage<R>(key: string, spec: () => NestedPageSpec<R>): DataLoader<number, R[]> {
      let loader = pageLoaders.get(key);
      if (!loader) {
        loader = new DataLoader<number, unknown[]>(async (parentIds) => {
          batchObserver?.(parentIds.length);
          // Built when a batch runs, not before, like every loader's statement.
          const { query, window, map } = spec();
          const pages = await fetchNestedPages<R>(db, query, window, parentIds);
          return parentIds.map((id) => {
            const rows = pages.get(id) ?? [];
            return map ? rows.map(map) : rows;
          });
        });
        pageLoaders.set(key, loader);
      }
      return loader as DataLoader<number, R[]>;
    },

    /** Grouped row counts for one relation under one filter (`key`). */
    nestedCount(key: string, query: () => ListQuery): DataLoader<number, number> {
      let loader = countLoaders.get(key);
      if (!loader) {
        loader = new DataLoader<number, number>(async (parentIds) => {
          batchObserver?.(parentIds.length);
          const counts = await countNested(db, query(), parentIds);
          return parentIds.map((id) => counts.get(id) ?? 0);
        });
        countLoaders.set(key, loader);
      }
      return loader;
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
