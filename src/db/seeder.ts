// Loads the seed data into an empty database through the entities, all in one transaction.
import type { EntityManager } from '@mikro-orm/core';
import {
  Announcement,
  AnnouncementCluster,
  Cluster,
  ClusterLevelPeriod,
  ClusterSector,
  Membership,
  Organization,
  PartnerInstitution,
  Partnership,
} from '../entities/index.js';
import {
  demoMemberships,
  demoOrganizations,
  SEED_ANNOUNCEMENTS,
  SEED_CLUSTERS,
  SEED_PARTNERS,
  SEED_PARTNERSHIPS,
} from './seed-data.js';

export interface SeedOptions {
  /** Also insert the synthetic demo organizations and memberships. */
  demo: boolean;
}

export interface SeedResult {
  /** False when the database already had clusters and nothing was written. */
  seeded: boolean;
  /** Rows inserted per entity (all zero when nothing was seeded). */
  counts: Record<string, number>;
}

/** True when no cluster exists yet: seeding is only for a fresh database. */
export async function isDatabaseEmpty(em: EntityManager): Promise<boolean> {
  return (await em.count(Cluster, {})) === 0;
}

/** Inserts the seed data (and optionally demo members) unless the database already has clusters. */
export async function seedDatabase(em: EntityManager, options: SeedOptions): Promise<SeedResult> {
  return em.transactional(async (tx) => {
    // Checked inside the transaction so two concurrent seeders cannot both see an empty table.
    if (!(await isDatabaseEmpty(tx))) return { seeded: false, counts: {} };
    const counts: Record<string, number> = {
      clusters: 0,
      clusterLevelPeriods: 0,
      clusterSectors: 0,
      partnerInstitutions: 0,
      partnerships: 0,
      announcements: 0,
      announcementClusters: 0,
      organizations: 0,
      memberships: 0,
    };

    const clusters = new Map<string, Cluster>();
    for (const data of SEED_CLUSTERS) {
      const cluster = tx.create(Cluster, {
        slug: data.slug,
        name: data.name,
        level: data.level,
        status: data.status,
        county: data.county,
        city: data.city,
        description: data.description,
        website: data.website,
        orgNumber: data.orgNumber,
        foundedYear: data.foundedYear,
        admittedOn: data.admittedOn,
        provenance: data.provenance,
      });
      clusters.set(data.slug, cluster);
      counts.clusters++;
      data.sectors.forEach((sector, position) => {
        tx.create(ClusterSector, { cluster, sector, position });
        counts.clusterSectors++;
      });
      for (const period of data.levelHistory) {
        tx.create(ClusterLevelPeriod, { cluster, level: period.level, fromDate: period.from, toDate: period.to });
        counts.clusterLevelPeriods++;
      }
    }
    const clusterFor = (slug: string): Cluster => {
      const cluster = clusters.get(slug);
      if (!cluster) throw new Error(`seed data refers to unknown cluster "${slug}"`);
      return cluster;
    };

    const partners = new Map<string, PartnerInstitution>();
    for (const data of SEED_PARTNERS) {
      partners.set(data.slug, tx.create(PartnerInstitution, { ...data }));
      counts.partnerInstitutions++;
    }
    for (const data of SEED_PARTNERSHIPS) {
      const partner = partners.get(data.partnerSlug);
      if (!partner) throw new Error(`seed data refers to unknown partner "${data.partnerSlug}"`);
      tx.create(Partnership, {
        cluster: clusterFor(data.clusterSlug),
        partner,
        role: data.role,
        since: data.since,
        until: data.until,
      });
      counts.partnerships++;
    }

    for (const data of SEED_ANNOUNCEMENTS) {
      const announcement = tx.create(Announcement, {
        slug: data.slug,
        title: data.title,
        body: data.body,
        language: data.language,
        publishedAt: new Date(data.publishedAt),
        kind: data.kind,
        sourceUrl: data.sourceUrl,
        provenance: data.provenance,
      });
      counts.announcements++;
      data.mentions.forEach((slug, position) => {
        tx.create(AnnouncementCluster, { announcement, cluster: clusterFor(slug), position });
        counts.announcementClusters++;
      });
    }

    if (options.demo) {
      const organizations = new Map<string, Organization>();
      for (const data of demoOrganizations()) {
        organizations.set(data.orgNumber, tx.create(Organization, { ...data }));
        counts.organizations++;
      }
      for (const data of demoMemberships()) {
        const organization = organizations.get(data.orgNumber);
        if (!organization) throw new Error(`demo membership refers to unknown organization ${data.orgNumber}`);
        tx.create(Membership, {
          cluster: clusterFor(data.clusterSlug),
          organization,
          role: data.role,
          joinedOn: data.joinedOn,
          leftOn: data.leftOn,
        });
        counts.memberships++;
      }
    }

    await tx.flush();
    return { seeded: true, counts };
  });
}
