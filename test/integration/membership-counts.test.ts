// Each cluster's membership count is kept by database triggers (cluster_membership_count), and
// unfiltered `members { totalCount }` and cluster-keyed `membershipCounts` read it. These tests
// hold it against a count of the rows after every kind of write: the API's mutations, a refused
// mutation, statements that insert, move and delete many rows at once, and (PostgreSQL) truncate.
import type { EntityManager } from '@mikro-orm/knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, type TestApi, createTestApi } from '../helpers/api.js';
import { TEST_DIALECT, sql } from '../helpers/database.js';
import { freshOrgNumber, insertOrganizations } from '../helpers/fixtures.js';
import { keptCountMismatches } from '../helpers/membership-counts.js';
import { refusal } from '../helpers/mutations.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const ADD = `mutation ($input: AddMemberInput!) { addMember(input: $input) { membership { id version } } }`;
const END = `mutation ($input: EndMembershipInput!) { endMembership(input: $input) { membership { id leftOn } } }`;
const TOTALS = `query ($slug: String!) { cluster(slug: $slug) {
  members { totalCount }
  current: members(filter: { activeOn: "2100-01-01" }) { totalCount }
} }`;
const BY_CLUSTER = `{ stats { membershipCounts(groupBy: [CLUSTER_LEVEL, CLUSTER_COUNTY]) { keys count } } }`;

const CLUSTER = 'gce-subsea';

let api: TestApi;
let admin: Caller;

beforeAll(async () => {
  api = await createTestApi();
  admin = { token: await issueToken(api, TokenRole.ADMIN, [], 'Programme admin') };
});
afterAll(() => api?.dispose());

const totals = async (slug = CLUSTER) =>
  (await api.data<{ cluster: { members: { totalCount: number }; current: { totalCount: number } } }>(TOTALS, { slug })).cluster;
const rowCount = async (slug = CLUSTER) =>
  Number(
    (await sql(api, `select count(*) as n from membership m join cluster c on c.id = m.cluster_id where c.slug = '${slug}'`))[0]
      .n,
  );
const byKeys = (a: { keys: string[] }, b: { keys: string[] }) => JSON.stringify(a.keys).localeCompare(JSON.stringify(b.keys));
/** membershipCounts by cluster level and county, counted from the rows instead. */
const groupedFromRows = async () =>
  (
    await sql(
      api,
      `select c.level, c.county, count(*) as n from membership m join cluster c on c.id = m.cluster_id group by c.level, c.county`,
    )
  )
    .map((r) => ({ keys: [r.level, r.county ?? 'UNKNOWN'], count: Number(r.n) }))
    .sort(byKeys);
const grouped = async () =>
  ((await api.data(BY_CLUSTER)).stats.membershipCounts as { keys: string[]; count: number }[]).sort(byKeys);

/** Waits until a statement like `pattern` waits for a lock (PostgreSQL). */
async function waitForLockWait(pattern: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await sql(
      api,
      `select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '${pattern}'`,
    );
    if (Number(row.n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no statement like ${pattern} waited for a lock`);
}

/**
 * Runs `held` in a transaction, then `waiting` on another connection; once that waits for a lock,
 * commits the transaction and lets `waiting` finish (PostgreSQL).
 */
async function whileOpen(held: string, waiting: string): Promise<void> {
  const trx = await (api.orm.em as EntityManager).getKnex().transaction();
  try {
    await trx.raw(held);
    const done = sql(api, waiting);
    await waitForLockWait(`${waiting.split(' ').slice(0, 3).join(' ')}%`);
    await trx.commit();
    await done;
  } finally {
    if (!trx.isCompleted()) await trx.rollback();
  }
}

describe('kept membership counts', () => {
  it('start out equal to the rows of the seeded database', async () => {
    expect(await keptCountMismatches(api)).toEqual([]);
    expect((await totals()).members.totalCount).toBe(await rowCount());
    expect(await rowCount()).toBeGreaterThan(0);
    expect(await grouped()).toEqual(await groupedFromRows());
  });

  it('follow memberships added and ended through the API; a refused one changes nothing', async () => {
    const before = await totals();
    const orgNumber = freshOrgNumber();
    await insertOrganizations(api, [{ name: 'Tellerud AS', orgNumber }]);
    const added = await api.data(
      ADD,
      { input: { cluster: { slug: CLUSTER }, organization: orgNumber, role: 'MEMBER', joinedOn: '2024-01-01' } },
      admin,
    );
    expect(await totals()).toEqual({
      members: { totalCount: before.members.totalCount + 1 },
      current: { totalCount: before.current.totalCount + 1 },
    });

    // A second current membership of the same organization is refused, and nothing is counted.
    refusal(
      await api.query(
        ADD,
        { input: { cluster: { slug: CLUSTER }, organization: orgNumber, role: 'MEMBER', joinedOn: '2024-02-01' } },
        admin,
      ),
      'CONFLICT',
    );
    expect((await totals()).members.totalCount).toBe(before.members.totalCount + 1);

    // Ending a membership keeps it in the history: the count of all memberships stays.
    const { id, version } = added.addMember.membership;
    await api.data(END, { input: { id, version, leftOn: '2025-01-01' } }, admin);
    expect(await totals()).toEqual({
      members: { totalCount: before.members.totalCount + 1 },
      current: { totalCount: before.current.totalCount },
    });
    expect(await keptCountMismatches(api)).toEqual([]);
    expect(await grouped()).toEqual(await groupedFromRows());
  });

  it('follow statements that insert, move and delete many rows across clusters at once', async () => {
    const clusters = await sql(api, `select id, slug from cluster order by id limit 3`);
    const [a, b, c] = clusters.map((r) => Number(r.id));
    const orgIds = await insertOrganizations(
      api,
      Array.from({ length: 4 }, (_, i) => ({ name: `Massevis ${i} AS` })),
    );
    // Any valid timestamp, in the dialect's storage format.
    const stamp = '(select min(created_at) from cluster)';
    const values = orgIds.flatMap((o) => [a, b].map((k) => `(${k}, ${o}, 'MEMBER', '2023-05-01', 1, ${stamp}, ${stamp})`));
    await sql(
      api,
      `insert into membership (cluster_id, organization_id, role, joined_on, version, created_at, updated_at) values ${values.join(', ')}`,
    );
    expect(await keptCountMismatches(api)).toEqual([]);

    // Moving rows between clusters moves their count; an update that leaves the cluster alone does not.
    await sql(
      api,
      `update membership set cluster_id = ${c} where cluster_id = ${a} and organization_id in (${orgIds.join(', ')})`,
    );
    await sql(api, `update membership set role = 'CORE' where organization_id in (${orgIds.join(', ')})`);
    expect(await keptCountMismatches(api)).toEqual([]);

    await sql(api, `delete from membership where organization_id in (${orgIds.join(', ')})`);
    expect(await keptCountMismatches(api)).toEqual([]);
    expect(await grouped()).toEqual(await groupedFromRows());
  });

  it('per cluster group follow clusters that change level, county or status, through the API and in bulk', async () => {
    const version = async (slug: string) =>
      Number((await sql(api, `select version from cluster where slug = '${slug}'`))[0].version);
    const before = await grouped();
    await api.data(
      `mutation ($input: ChangeClusterLevelInput!) { changeClusterLevel(input: $input) { cluster { level } } }`,
      { input: { cluster: { slug: CLUSTER }, level: 'NCE', on: '2026-06-01', version: await version(CLUSTER) } },
      admin,
    );
    expect(await keptCountMismatches(api)).toEqual([]);
    const after = await grouped();
    expect(after).not.toEqual(before);
    expect(after).toEqual(await groupedFromRows());

    await api.data(
      `mutation ($input: EndClusterInput!) { endCluster(input: $input) { cluster { status } } }`,
      { input: { cluster: { slug: CLUSTER }, on: '2026-09-01', version: await version(CLUSTER) } },
      admin,
    );
    expect(await keptCountMismatches(api)).toEqual([]);

    // One statement moving several clusters, some into the same new group, one of them twice over.
    const ids = (await sql(api, 'select id from cluster order by id limit 4')).map((r) => Number(r.id));
    await sql(api, `update cluster set county = 'Svalbard' where id in (${ids.join(', ')})`);
    await sql(api, `update cluster set county = 'Jan Mayen', level = 'ARENA' where id = ${ids[0]}`);
    await sql(api, `update cluster set name = name || ' ' where id in (${ids.join(', ')})`);
    expect(await keptCountMismatches(api)).toEqual([]);
    expect(await grouped()).toEqual(await groupedFromRows());
    expect((await grouped()).find((g) => g.keys[1] === 'Svalbard')?.count).toBeGreaterThan(0);

    // A cluster without memberships can go; its group keeps its count.
    const [empty] = await sql(
      api,
      `insert into cluster (slug, name, level, status, county, city, admitted_on, provenance, version, created_at, updated_at)
       select 'tom-klynge', 'Tom klynge', 'GCE', 'ACTIVE', 'Svalbard', 'Longyearbyen', admitted_on, provenance, 1, created_at, updated_at
       from cluster where id = ${ids[0]} returning id`,
    );
    await sql(api, `update cluster set level = 'NCE' where id = ${empty.id}`);
    await sql(api, `delete from cluster where id = ${empty.id}`);
    expect(await keptCountMismatches(api)).toEqual([]);
  });

  it.runIf(TEST_DIALECT === 'postgresql')(
    'take concurrent moves of memberships between the same clusters, both ways, without deadlock (PostgreSQL)',
    async () => {
      const [a, b] = (await sql(api, 'select id from cluster order by id limit 2')).map((r) => Number(r.id));
      const orgIds = await insertOrganizations(
        api,
        Array.from({ length: 4 }, (_, i) => ({ name: `Pendler ${i} AS` })),
      );
      const stamp = '(select min(created_at) from cluster)';
      await sql(
        api,
        `insert into membership (cluster_id, organization_id, role, joined_on, version, created_at, updated_at) values ${orgIds
          .map((o, i) => `(${i % 2 ? a : b}, ${o}, 'MEMBER', '2023-05-01', 1, ${stamp}, ${stamp})`)
          .join(', ')}`,
      );
      // Each connection moves its own membership back and forth: A -> B and B -> A side by side.
      const worker = async (orgId: number) => {
        for (let i = 0; i < 30; i++) {
          await sql(
            api,
            `update membership set cluster_id = case when cluster_id = ${a} then ${b} else ${a} end where organization_id = ${orgId}`,
          );
        }
      };
      await Promise.all(orgIds.map(worker));
      expect(await keptCountMismatches(api)).toEqual([]);
    },
  );

  it.runIf(TEST_DIALECT === 'postgresql')(
    'per cluster group take concurrent moves between the same groups, both ways, without deadlock (PostgreSQL)',
    async () => {
      // Clusters with memberships in one county and status, each flipped between two levels by
      // several connections at once: statements move counts G1 -> G2 and G2 -> G1 side by side.
      const [{ county, status }] = await sql(
        api,
        `select c.county, c.status from cluster c join cluster_membership_count k on k.cluster_id = c.id and k.memberships > 0
         group by c.county, c.status order by count(*) desc limit 1`,
      );
      const ids = (
        await sql(
          api,
          `select c.id from cluster c join cluster_membership_count k on k.cluster_id = c.id and k.memberships > 0
           where c.county = '${county}' and c.status = '${status}' order by c.id`,
        )
      ).map((r) => Number(r.id));
      expect(ids.length).toBeGreaterThan(1);
      const flip = (id: number) =>
        sql(api, `update cluster set level = case when level = 'ARENA' then 'NCE' else 'ARENA' end where id = ${id}`);
      const worker = async (w: number) => {
        for (let i = 0; i < 30; i++) await flip(ids[(w + i) % ids.length]);
      };
      await Promise.all([0, 1, 2, 3].map(worker));
      expect(await keptCountMismatches(api)).toEqual([]);
    },
  );

  it.runIf(TEST_DIALECT === 'postgresql')(
    'per cluster group count a membership written while its cluster changes group (PostgreSQL)',
    async () => {
      const [cluster] = await sql(
        api,
        'select c.id from cluster c join cluster_membership_count k on k.cluster_id = c.id and k.memberships > 0 order by c.id limit 1',
      );
      const [orgId, otherOrgId] = await insertOrganizations(api, [{ name: 'Samtidig AS' }, { name: 'Samtidig to AS' }]);
      const stamp = '(select min(created_at) from cluster)';
      const addMembership = (org: number) =>
        `insert into membership (cluster_id, organization_id, role, joined_on, version, created_at, updated_at)
         values (${cluster.id}, ${org}, 'MEMBER', '2024-03-01', 1, ${stamp}, ${stamp})`;
      const move = `update cluster set level = case when level = 'GCE' then 'NCE' else 'GCE' end where id = ${cluster.id}`;

      // The cluster changes group while a membership's transaction is open, and waits for it...
      await whileOpen(addMembership(orgId), move);
      expect(await keptCountMismatches(api)).toEqual([]);
      // ...and a membership is written while the cluster's move is not yet committed.
      await whileOpen(move, addMembership(otherOrgId));
      expect(await keptCountMismatches(api)).toEqual([]);
    },
  );

  it.runIf(TEST_DIALECT === 'postgresql')('are cleared when the memberships are truncated (PostgreSQL)', async () => {
    await sql(api, 'truncate membership');
    expect(await keptCountMismatches(api)).toEqual([]);
    expect(Number((await sql(api, 'select count(*) as n from cluster_membership_count'))[0].n)).toBe(0);
    expect(Number((await sql(api, 'select coalesce(sum(memberships), 0) as n from cluster_group_membership_count'))[0].n)).toBe(
      0,
    );
    expect((await totals()).members.totalCount).toBe(0);
    expect(await grouped()).toEqual([]);
  });
});
