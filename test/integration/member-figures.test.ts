// Member figures (membersByLevel/County/Sector/CountyAndLevel) and membershipsByYear (per year, per
// cluster group and year, per cluster and year) are read from counts the database keeps. These
// tests hold them against a count of the rows (the scans that answered before, kept as the oracle)
// after every kind of write: the API's mutations, statements that change many rows at once,
// deletes, imports (one by one and counted again from scratch), the seed, a change of day, and
// (PostgreSQL) concurrent writers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { memberRecount } from '../../src/repositories/member-figures.repository.js';
import { DatasetImportService } from '../../src/services/import/dataset-import.service.js';
import { statsClock } from '../../src/services/stats.service.js';
import { writeDataset } from '../fixtures/dataset.js';
import { type Caller, type TestApi, createTestApi } from '../helpers/api.js';
import { TEST_DIALECT, sql } from '../helpers/database.js';
import { freshOrgNumber, insertOrganizations } from '../helpers/fixtures.js';
import { keptTablesBeforeAndAfterRecountAll, memberFigureMismatches } from '../helpers/member-figures.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const REAL_TODAY = statsClock.today;
const setToday = (date: string) => {
  statsClock.today = () => date;
};

let api: TestApi;
let admin: Caller;

beforeAll(async () => {
  api = await createTestApi();
  admin = { token: await issueToken(api, TokenRole.ADMIN, [], 'Programme admin') };
});
afterAll(() => api?.dispose());
afterEach(() => {
  statsClock.today = REAL_TODAY;
  memberRecount.allAbove = 5000;
});

/** Kept figures equal the rows, and the one-by-one recounts equal a recount of everything. */
async function expectKeptEqualRows() {
  expect(await memberFigureMismatches(api)).toEqual([]);
  const [before, after] = await keptTablesBeforeAndAfterRecountAll(api);
  expect(before).toEqual(after);
}

const version = async (table: string, where: string) =>
  Number((await sql(api, `select version from ${table} where ${where}`))[0].version);
const stamp = '(select min(created_at) from cluster)';
const insertMembershipsSql = (rows: [number, number, string, string | null][]) =>
  `insert into membership (cluster_id, organization_id, role, joined_on, left_on, version, created_at, updated_at) values ${rows
    .map(([c, o, joined, left]) => `(${c}, ${o}, 'MEMBER', '${joined}', ${left ? `'${left}'` : 'null'}, 1, ${stamp}, ${stamp})`)
    .join(', ')}`;

describe('kept member figures', () => {
  it('start out equal to the rows of the seeded database, with members in several levels, counties and sectors', async () => {
    await expectKeptEqualRows();
    const { stats } = await api.data(`{ stats { membersByCountyAndLevel { county level count } membersBySector { key } } }`);
    expect(stats.membersByCountyAndLevel.length).toBeGreaterThan(2);
    expect(stats.membersBySector.length).toBeGreaterThan(1);
    // The combined filter the per-group yearly counts answer selects memberships in several years.
    const combined = await api.data(
      `{ stats(filter: { status: ACTIVE, levels: [ARENA, GCE], counties: ["Vestland", "Agder", "Trøndelag"] }) { membershipsByYear { key count } } }`,
    );
    expect(combined.stats.membershipsByYear.length).toBeGreaterThan(1);
  });

  it('follow memberships added, ended and moved through the API, and an organization that moves county', async () => {
    const orgNumber = freshOrgNumber();
    await insertOrganizations(api, [{ name: 'Figurtest AS', orgNumber, county: 'Agder' }]);
    const clusters = (await sql(api, `select slug from cluster where status = 'ACTIVE' order by id limit 3`)).map((r) => r.slug);
    const ids: { id: string; version: number }[] = [];
    for (const slug of clusters) {
      const added = await api.data(
        `mutation ($input: AddMemberInput!) { addMember(input: $input) { membership { id version } } }`,
        { input: { cluster: { slug }, organization: orgNumber, role: 'MEMBER', joinedOn: '2024-01-01' } },
        admin,
      );
      ids.push(added.addMember.membership);
      await expectKeptEqualRows();
    }
    await api.data(
      `mutation ($input: EndMembershipInput!) { endMembership(input: $input) { membership { id } } }`,
      { input: { ...ids[0], leftOn: '2024-06-01' } },
      admin,
    );
    await expectKeptEqualRows();
    await api.data(
      `mutation ($input: UpsertOrganizationInput!) { upsertOrganization(input: $input) { organization { county } } }`,
      { input: { orgNumber, county: 'Troms', version: await version('organization', `org_number = '${orgNumber}'`) } },
      admin,
    );
    await expectKeptEqualRows();
    const { stats } = await api.data(`{ stats { membersByCounty { key count } } }`);
    expect(stats.membersByCounty.find((c: { key: string }) => c.key === 'Troms')?.count).toBeGreaterThan(0);
  });

  it('follow clusters that change level, status and sectors through the API', async () => {
    const [{ slug }] = await sql(
      api,
      `select c.slug from cluster c join cluster_membership_count k on k.cluster_id = c.id where c.status = 'ACTIVE' and c.level <> 'GCE' order by k.memberships desc limit 1`,
    );
    const where = `slug = '${slug}'`;
    await api.data(
      `mutation ($input: UpdateClusterInput!) { updateCluster(input: $input) { cluster { sectors } } }`,
      { input: { cluster: { slug }, sectors: ['Figurfag', 'Havbruk'], version: await version('cluster', where) } },
      admin,
    );
    await expectKeptEqualRows();
    await api.data(
      `mutation ($input: ChangeClusterLevelInput!) { changeClusterLevel(input: $input) { cluster { level } } }`,
      { input: { cluster: { slug }, level: 'GCE', on: '2026-06-01', version: await version('cluster', where) } },
      admin,
    );
    await expectKeptEqualRows();
    await api.data(
      `mutation ($input: EndClusterInput!) { endCluster(input: $input) { cluster { status } } }`,
      { input: { cluster: { slug }, on: '2026-09-01', version: await version('cluster', where) } },
      admin,
    );
    await expectKeptEqualRows();
    const ended = await api.data(`{ stats(filter: { status: ENDED }) { membersBySector { key count } } }`);
    expect(ended.stats.membersBySector.map((s: { key: string }) => s.key)).toContain('Figurfag');
  });

  it('follow statements that insert, move, re-date and delete many rows, sectors, clusters and organizations', async () => {
    const clusters = (await sql(api, 'select id from cluster order by id limit 3')).map((r) => Number(r.id));
    const orgs = await insertOrganizations(
      api,
      Array.from({ length: 5 }, (_, i) => ({ name: `Massefigur ${i} AS`, county: i % 2 ? 'Nordland' : null })),
    );
    await sql(
      api,
      insertMembershipsSql(
        orgs.flatMap((o) => clusters.slice(0, 2).map((c): [number, number, string, null] => [c, o, '2023-05-01', null])),
      ),
    );
    await expectKeptEqualRows();
    await sql(
      api,
      `update membership set cluster_id = ${clusters[2]} where cluster_id = ${clusters[0]} and organization_id in (${orgs.join(', ')})`,
    );
    await sql(api, `update membership set left_on = '2024-01-01' where organization_id = ${orgs[0]}`);
    await sql(api, `update membership set joined_on = '2022-01-01' where organization_id = ${orgs[1]}`);
    await sql(api, `update membership set role = 'CORE' where organization_id in (${orgs.join(', ')})`);
    await expectKeptEqualRows();
    await sql(api, `update organization set county = 'Finnmark' where id in (${orgs.join(', ')})`);
    await sql(api, `update cluster set level = 'ARENA', status = 'ENDED' where id in (${clusters.join(', ')})`);
    await sql(api, `insert into cluster_sector (cluster_id, sector, position) values (${clusters[1]}, 'Massefag', 9)`);
    await expectKeptEqualRows();
    await sql(api, `update cluster_sector set sector = 'Massefag 2' where cluster_id = ${clusters[1]} and sector = 'Massefag'`);
    await sql(api, `delete from cluster_sector where cluster_id = ${clusters[2]}`);
    await expectKeptEqualRows();
    await sql(api, `delete from membership where organization_id = ${orgs[2]}`);
    await sql(api, `delete from organization where id = ${orgs[2]}`);
    // A cluster goes with its memberships, level periods and sectors.
    const [gone] = await sql(api, `select id from cluster where id not in (${clusters.join(', ')}) order by id desc limit 1`);
    for (const table of ['membership', 'cluster_level_period', 'cluster_sector', 'partnership', 'announcement_cluster'])
      await sql(api, `delete from ${table} where cluster_id = ${gone.id}`);
    await sql(api, `delete from cluster where id = ${gone.id}`);
    await expectKeptEqualRows();
  });

  it('move with the day: memberships that start or end between the kept day and today count from their day', async () => {
    const [cluster] = await sql(api, `select id from cluster where status = 'ACTIVE' order by id limit 1`);
    const [org] = await insertOrganizations(api, [{ name: 'Framtid AS', county: 'Oslo' }]);
    await sql(api, insertMembershipsSql([[Number(cluster.id), org, '2030-03-01', '2030-09-01']]));
    for (const day of ['2030-01-01', '2030-02-28', '2030-03-01', '2030-06-01', '2030-09-01', '2031-01-01']) {
      setToday(day);
      await expectKeptEqualRows();
    }
    const current = async (day: string) => {
      setToday(day);
      const { stats } = await api.data(`{ stats { membersByCounty { key count } } }`);
      return stats.membersByCounty.find((c: { key: string }) => c.key === 'Oslo')?.count ?? 0;
    };
    expect((await current('2030-03-01')) - (await current('2030-02-28'))).toBe(1);
    // An earlier day than the kept one (a clock set back): counted again from scratch.
    setToday('2020-01-01');
    await expectKeptEqualRows();
  });

  it('after a seed, and after many marked organizations, are counted again from scratch', async () => {
    const seeded = await createTestApi();
    try {
      expect(await memberFigureMismatches(seeded)).toEqual([]);
      memberRecount.allAbove = 0;
      await sql(
        seeded,
        `update membership set left_on = '2025-01-01' where id in (select id from membership order by id limit 20)`,
      );
      expect(await memberFigureMismatches(seeded)).toEqual([]);
      expect(Number((await sql(seeded, 'select count(*) as n from member_count_pending'))[0].n)).toBe(0);
    } finally {
      await seeded.dispose();
    }
  });

  it.runIf(TEST_DIALECT === 'postgresql')(
    'are not double-counted by concurrent memberships of one organization in several clusters, nor by concurrent readers (PostgreSQL)',
    async () => {
      const clusters = (await sql(api, 'select id from cluster order by id limit 6')).map((r) => Number(r.id));
      const [org] = await insertOrganizations(api, [{ name: 'Samtidig AS', county: 'Innlandet' }]);
      const read = () => api.data(`{ stats { membersByCountyAndLevel { county level count } } }`);
      for (let round = 0; round < 5; round++) {
        // Each cluster's membership in its own transaction, all at once, beside readers that recount.
        await Promise.all([
          ...clusters.map((c) => sql(api, insertMembershipsSql([[c, org, '2024-01-01', null]]))),
          read(),
          read(),
        ]);
        const answers = await Promise.all([read(), read(), read()]);
        expect(new Set(answers.map((a) => JSON.stringify(a)))).toHaveLength(1);
        await expectKeptEqualRows();
        await Promise.all([
          ...clusters.map((c) => sql(api, `delete from membership where organization_id = ${org} and cluster_id = ${c}`)),
          read(),
        ]);
        await expectKeptEqualRows();
      }
    },
  );
});

describe('kept member figures after an import', () => {
  it('are right after a first import and a re-import with changes: one by one, counted again from scratch, and (PostgreSQL) the bulk path', async () => {
    const variants: { allAbove: number; strategy?: 'bulk' }[] = [{ allAbove: 5000 }, { allAbove: 0 }];
    if (TEST_DIALECT === 'postgresql') variants.push({ allAbove: 5000, strategy: 'bulk' });
    for (const { allAbove, strategy } of variants) {
      memberRecount.allAbove = allAbove;
      const imported = await createTestApi({ seed: false });
      try {
        const fixture = await writeDataset();
        const options = { now: new Date('2025-01-01T00:00:00Z'), ...(strategy ? { postgres: { strategy } } : {}) };
        await new DatasetImportService(imported.orm, imported.database).run(fixture.dir, options);
        expect(await memberFigureMismatches(imported)).toEqual([]);
        const [before] = await keptTablesBeforeAndAfterRecountAll(imported);
        expect((before[0] as unknown[]).length).toBeGreaterThan(0);
        await fixture.changeRow('memberships.ndjson', 1, (row) => ({ ...row, leftOn: '2024-02-01' }));
        await fixture.changeRow('organizations.ndjson', 0, (row) => ({ ...row, county: 'Svalbard' }));
        await new DatasetImportService(imported.orm, imported.database).run(fixture.dir, options);
        expect(await memberFigureMismatches(imported)).toEqual([]);
        const [again, recounted] = await keptTablesBeforeAndAfterRecountAll(imported);
        expect(again).toEqual(recounted);
        // The triggers are on again after the bulk path: a later write is counted.
        const [org] = await insertOrganizations(imported, [{ name: 'Etterpå AS', county: 'Svalbard' }]);
        const [cluster] = await sql(imported, 'select id from cluster order by id limit 1');
        await sql(imported, insertMembershipsSql([[Number(cluster.id), org, '2024-01-01', null]]));
        expect(await memberFigureMismatches(imported)).toEqual([]);
      } finally {
        await imported.dispose();
      }
    }
  });
});
