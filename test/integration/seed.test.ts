import { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrmOptions } from '../../src/db/orm-config.js';
import { SEED_CLUSTERS } from '../../src/db/seed-data.js';
import { seedDatabase } from '../../src/db/seeder.js';
import {
  Announcement,
  AnnouncementCluster,
  Cluster,
  ClusterLevelPeriod,
  Membership,
  Organization,
  PartnerInstitution,
  Partnership,
} from '../../src/entities/index.js';
import { ClusterLevel, MembershipRole, PartnershipRole, Provenance } from '../../src/entities/enums.js';
import { isValidOrgNumber } from '../../src/lib/org-number.js';

const ADMISSION_2015 = [
  'gce-subsea',
  'nce-seafood-innovation-cluster',
  'nce-health-technology',
  'nce-eyde',
  'arena-innovasjon-torskefisk',
  'arena-olje-og-gassklynge-helgeland',
  'oslo-edtech-cluster',
];
const PROGRAMME_OWNERS = ['innovasjon-norge', 'forskningsradet', 'siva'];

async function migratedOrm(): Promise<MikroORM> {
  const orm = await MikroORM.init(createOrmOptions({ dialect: 'sqlite', url: 'file::memory:', file: ':memory:' }));
  await orm.migrator.up();
  return orm;
}

async function rowCounts(orm: MikroORM): Promise<Record<string, number>> {
  const em = orm.em.fork();
  return {
    clusters: await em.count(Cluster, {}),
    partnerships: await em.count(Partnership, {}),
    announcements: await em.count(Announcement, {}),
    organizations: await em.count(Organization, {}),
    memberships: await em.count(Membership, {}),
  };
}

describe('seed data', () => {
  it('has contiguous level histories ending in the current level', () => {
    for (const cluster of SEED_CLUSTERS) {
      const history = cluster.levelHistory;
      expect(history.at(-1)?.level, cluster.slug).toBe(cluster.level);
      expect(history.at(-1)?.to, cluster.slug).toBeNull();
      expect(history[0].from, cluster.slug).toBe(cluster.admittedOn);
      for (let i = 1; i < history.length; i++) {
        const dayBefore = new Date(Date.parse(`${history[i].from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
        expect(history[i - 1].to, cluster.slug).toBe(dayBefore);
      }
    }
  });
});

describe('seedDatabase (demo)', () => {
  let orm: MikroORM;

  beforeAll(async () => {
    orm = await migratedOrm();
    const result = await seedDatabase(orm.em.fork(), { demo: true });
    expect(result.seeded).toBe(true);
    expect(result.counts.clusters).toBe(SEED_CLUSTERS.length);
  });
  afterAll(async () => {
    await orm?.close(true);
  });

  it('seeds the real clusters, GCE Subsea with its NCE → GCE history', async () => {
    const em = orm.em.fork();
    expect(await em.count(Cluster, {})).toBeGreaterThanOrEqual(7);
    const subsea = await em.findOneOrFail(Cluster, { slug: 'gce-subsea' });
    expect(subsea.level).toBe(ClusterLevel.GCE);
    expect(subsea.provenance).toBe(Provenance.SOURCE);
    const periods = await em.find(ClusterLevelPeriod, { cluster: subsea }, { orderBy: { fromDate: 'asc' } });
    expect(periods.map((p) => p.level)).toEqual([ClusterLevel.NCE, ClusterLevel.GCE]);
    expect(periods[1].toDate).toBeNull();
  });

  it('links every cluster to all three programme owners', async () => {
    const em = orm.em.fork();
    const clusterIds = (await em.find(Cluster, {})).map((c) => c.id).sort((a, b) => a - b);
    for (const slug of PROGRAMME_OWNERS) {
      const partner = await em.findOneOrFail(PartnerInstitution, { slug });
      const links = await em.find(Partnership, { partner, role: PartnershipRole.PROGRAMME_OWNER });
      expect(
        links.map((l) => l.cluster.id).sort((a, b) => a - b),
        slug,
      ).toEqual(clusterIds);
    }
  });

  it('seeds both announcements, the admission naming exactly the seven clusters in order', async () => {
    const em = orm.em.fork();
    expect(await em.count(Announcement, {})).toBe(2);
    const admission = await em.findOneOrFail(Announcement, { slug: 'nye-naeringsklynger-skal-bidra-til-omstilling' });
    const mentions = await em.find(
      AnnouncementCluster,
      { announcement: admission },
      { orderBy: { position: 'asc' }, populate: ['cluster'] },
    );
    expect(mentions.map((m) => m.cluster.slug)).toEqual(ADMISSION_2015);
    const policy = await em.findOneOrFail(Announcement, { slug: 'giske-vil-videreutvikle-naeringsklyngene' });
    expect(await em.count(AnnouncementCluster, { announcement: policy })).toBe(0);
    for (const body of [admission.body, policy.body]) {
      expect(body).not.toMatch(/Aktiver Javascript|Til toppen|Hopp til innhold|Logg inn/);
      expect(body).toContain('\n\n');
    }
  });

  it('marks demo organizations as DEMO with valid organisation numbers', async () => {
    const organizations = await orm.em.fork().find(Organization, {});
    expect(organizations.length).toBeGreaterThan(0);
    for (const organization of organizations) {
      expect(organization.provenance).toBe(Provenance.DEMO);
      expect(isValidOrgNumber(organization.orgNumber), organization.orgNumber).toBe(true);
    }
  });

  it('gives every cluster exactly one HOST and plausible membership dates', async () => {
    const em = orm.em.fork();
    const memberships = await em.find(Membership, {}, { populate: ['cluster'] });
    for (const cluster of await em.find(Cluster, {})) {
      const own = memberships.filter((m) => m.cluster.id === cluster.id);
      expect(own.length, cluster.slug).toBeGreaterThanOrEqual(3);
      expect(own.length, cluster.slug).toBeLessThanOrEqual(8);
      expect(
        own.filter((m) => m.role === MembershipRole.HOST),
        cluster.slug,
      ).toHaveLength(1);
    }
    for (const m of memberships) {
      expect(m.joinedOn >= m.cluster.admittedOn).toBe(true);
      if (m.leftOn) expect(m.leftOn > m.joinedOn).toBe(true);
    }
  });

  it('changes nothing when run again', async () => {
    const before = await rowCounts(orm);
    const result = await seedDatabase(orm.em.fork(), { demo: true });
    expect(result.seeded).toBe(false);
    expect(await rowCounts(orm)).toEqual(before);
  });
});

describe('seedDatabase (no demo)', () => {
  it('seeds the real data without organizations or memberships', async () => {
    const orm = await migratedOrm();
    try {
      const result = await seedDatabase(orm.em.fork(), { demo: false });
      expect(result.seeded).toBe(true);
      const counts = await rowCounts(orm);
      expect(counts.clusters).toBe(SEED_CLUSTERS.length);
      expect(counts.organizations).toBe(0);
      expect(counts.memberships).toBe(0);
    } finally {
      await orm.close(true);
    }
  });
});
