// Shared helpers for the integration tests: walking connections, inserting rows through the
// entities (in a forked EntityManager, as another writer would), and reading global ids.
import {
  Announcement,
  AnnouncementCluster,
  Cluster,
  ClusterSector,
  Membership,
  Organization,
  PartnerInstitution,
  Partnership,
} from '../../src/entities/index.js';
import {
  AnnouncementKind,
  ClusterLevel,
  ClusterStatus,
  Language,
  MembershipRole,
  PartnershipRole,
  Provenance,
} from '../../src/entities/enums.js';
import { orgNumberCheckDigit } from '../../src/lib/org-number.js';
import type { TestApi } from './api.js';

/** The selection of a connection's page info. */
export const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface ConnectionPage<N> {
  edges: { cursor: string; node: N }[];
  pageInfo: PageInfo;
  totalCount?: number;
}

/** A global id as the API builds it (base64url of `Type:id`); tests use it to forge ids. */
export const makeGlobalId = (type: string, id: number | string) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');

/** The database id inside a global id. */
export function rawId(globalId: string): number {
  const match = /^[A-Za-z]+:(\d+)$/.exec(Buffer.from(globalId, 'base64url').toString('utf8'));
  if (!match) throw new Error(`not a global id: ${globalId}`);
  return Number(match[1]);
}

/** A cursor with arbitrary content, in the API's cursor encoding (for forging bad cursors). */
export const forgeCursor = (content: unknown) => Buffer.from(JSON.stringify(content), 'utf8').toString('base64url');

/**
 * Pages forwards through a connection until hasNextPage is false; `fetch(after)` returns one page.
 * Returns the nodes in order and every page seen.
 */
export async function walkForward<N>(
  fetch: (after: string | null) => Promise<ConnectionPage<N>>,
  maxPages = 200,
): Promise<{ nodes: N[]; pages: ConnectionPage<N>[] }> {
  const pages: ConnectionPage<N>[] = [];
  let after: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetch(after);
    pages.push(page);
    if (!page.pageInfo.hasNextPage) return { nodes: pages.flatMap((p) => p.edges.map((e) => e.node)), pages };
    after = page.pageInfo.endCursor;
  }
  throw new Error(`connection did not end within ${maxPages} pages`);
}

/**
 * Pages backwards (last/before) until hasPreviousPage is false. Returns the nodes in list order
 * (each earlier page is put in front) and the pages in the order they were fetched.
 */
export async function walkBackward<N>(
  fetch: (before: string | null) => Promise<ConnectionPage<N>>,
  maxPages = 200,
): Promise<{ nodes: N[]; pages: ConnectionPage<N>[] }> {
  const pages: ConnectionPage<N>[] = [];
  let before: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetch(before);
    pages.push(page);
    if (!page.pageInfo.hasPreviousPage) {
      return { nodes: [...pages].reverse().flatMap((p) => p.edges.map((e) => e.node)), pages };
    }
    before = page.pageInfo.startCursor;
  }
  throw new Error(`connection did not end within ${maxPages} pages`);
}

/** Compares by a key, then by the database id, like the API's keyset ordering (C/binary collation for text). */
export function byKeyThenId<N extends { id: string }>(key: (node: N) => string | number) {
  return (a: N, b: N): number => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -1;
    if (ka > kb) return 1;
    return rawId(a.id) - rawId(b.id);
  };
}

/** Programme order of the levels (not alphabetical). */
export const LEVEL_ORDER: readonly ClusterLevel[] = [
  ClusterLevel.ARENA,
  ClusterLevel.ARENA_PRO,
  ClusterLevel.NCE,
  ClusterLevel.GCE,
];

/** ISO date moved by `days`. */
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export interface NewCluster {
  slug: string;
  name: string;
  level?: ClusterLevel;
  status?: ClusterStatus;
  county?: string;
  city?: string;
  description?: string | null;
  admittedOn?: string;
  sectors?: string[];
}

/** Inserts clusters (and their sectors) through the entities; returns their database ids in order. */
export async function insertClusters(api: TestApi, clusters: NewCluster[]): Promise<number[]> {
  const em = api.orm.em.fork();
  const created = clusters.map((c) => {
    const cluster = em.create(Cluster, {
      slug: c.slug,
      name: c.name,
      level: c.level ?? ClusterLevel.ARENA,
      status: c.status ?? ClusterStatus.ACTIVE,
      county: c.county ?? 'Oslo',
      city: c.city ?? 'Oslo',
      description: c.description ?? null,
      admittedOn: c.admittedOn ?? '2020-01-01',
      provenance: Provenance.MANUAL,
    });
    (c.sectors ?? []).forEach((sector, position) => {
      em.create(ClusterSector, { cluster, sector, position });
    });
    return cluster;
  });
  await em.flush();
  return created.map((c) => c.id);
}

let nextOrgNumberBase = 88_800_000;

/** A fresh, valid organisation number (outside the demo block). */
export function freshOrgNumber(): string {
  for (;;) {
    const firstEight = String(nextOrgNumberBase++);
    const check = orgNumberCheckDigit(firstEight);
    if (check !== null) return `${firstEight}${check}`;
  }
}

export interface NewOrganization {
  name: string;
  orgNumber?: string;
  county?: string | null;
  city?: string | null;
  naceCode?: string | null;
  employees?: number | null;
}

/** Inserts organizations through the entities; returns their database ids in order. */
export async function insertOrganizations(api: TestApi, organizations: NewOrganization[]): Promise<number[]> {
  const em = api.orm.em.fork();
  const created = organizations.map((o) =>
    em.create(Organization, {
      orgNumber: o.orgNumber ?? freshOrgNumber(),
      name: o.name,
      county: o.county ?? null,
      city: o.city ?? null,
      naceCode: o.naceCode ?? null,
      employees: o.employees ?? null,
      provenance: Provenance.MANUAL,
    }),
  );
  await em.flush();
  return created.map((o) => o.id);
}

export interface NewMembership {
  clusterId: number;
  organizationId: number;
  role?: MembershipRole;
  joinedOn: string;
  leftOn?: string | null;
}

/** Inserts memberships through the entities; returns their database ids in order. */
export async function insertMemberships(api: TestApi, memberships: NewMembership[]): Promise<number[]> {
  const em = api.orm.em.fork();
  const created = memberships.map((m) =>
    em.create(Membership, {
      cluster: em.getReference(Cluster, m.clusterId),
      organization: em.getReference(Organization, m.organizationId),
      role: m.role ?? MembershipRole.MEMBER,
      joinedOn: m.joinedOn,
      leftOn: m.leftOn ?? null,
    }),
  );
  await em.flush();
  return created.map((m) => m.id);
}

export interface NewAnnouncement {
  slug: string;
  title: string;
  body?: string;
  language?: Language;
  kind?: AnnouncementKind;
  publishedAt: string;
  /** Cluster database ids the announcement mentions, in order. */
  clusterIds?: number[];
}

/** Inserts announcements (and their cluster mentions) through the entities; returns their database ids. */
export async function insertAnnouncements(api: TestApi, announcements: NewAnnouncement[]): Promise<number[]> {
  const em = api.orm.em.fork();
  const created = announcements.map((a) => {
    const announcement = em.create(Announcement, {
      slug: a.slug,
      title: a.title,
      body: a.body ?? a.title,
      language: a.language ?? Language.nb,
      kind: a.kind ?? AnnouncementKind.NEWS,
      publishedAt: new Date(a.publishedAt),
      provenance: Provenance.MANUAL,
    });
    (a.clusterIds ?? []).forEach((clusterId, position) => {
      em.create(AnnouncementCluster, { announcement, cluster: em.getReference(Cluster, clusterId), position });
    });
    return announcement;
  });
  await em.flush();
  return created.map((a) => a.id);
}

export interface NewPartnership {
  clusterSlug: string;
  partnerSlug: string;
  role?: PartnershipRole;
  since: string;
  until?: string | null;
}

/** Inserts partnerships between existing clusters and partners; returns their database ids. */
export async function insertPartnerships(api: TestApi, partnerships: NewPartnership[]): Promise<number[]> {
  const em = api.orm.em.fork();
  const created: Partnership[] = [];
  for (const p of partnerships) {
    created.push(
      em.create(Partnership, {
        cluster: await em.findOneOrFail(Cluster, { slug: p.clusterSlug }),
        partner: await em.findOneOrFail(PartnerInstitution, { slug: p.partnerSlug }),
        role: p.role ?? PartnershipRole.OTHER,
        since: p.since,
        until: p.until ?? null,
      }),
    );
  }
  await em.flush();
  return created.map((p) => p.id);
}
