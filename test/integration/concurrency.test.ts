// No lost updates under concurrent writers (issue 5): optimistic locking by `version`, checked by
// the UPDATE itself. Runs on PostgreSQL, where writers really run in parallel; SQLite runs one
// write transaction at a time, so there is nothing to race there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgNumberCheckDigit } from '../../src/lib/org-number.js';
import { type TestApi, createTestApi, errorCodes } from '../helpers/api.js';
import { TEST_DIALECT } from '../helpers/database.js';
import { addDays, insertOrganizations } from '../helpers/fixtures.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const WRITERS = 100;
const onPostgres = TEST_DIALECT === 'postgresql';
const SKIPPED = 'skipped on SQLite, which runs one write transaction at a time: run with DATABASE_URL=postgres://…';
if (!onPostgres) console.info(`concurrent writers: ${SKIPPED}`);

let nextNumber = 77_700_000;
/** Valid organisation numbers of a block of their own. */
function organizationNumbers(count: number): string[] {
  const numbers: string[] = [];
  while (numbers.length < count) {
    const firstEight = String(nextNumber++);
    const check = orgNumberCheckDigit(firstEight);
    if (check !== null) numbers.push(`${firstEight}${check}`);
  }
  return numbers;
}

interface ClusterState {
  version: number;
  description: string | null;
}

const READ = 'query ($slug: String!) { cluster(slug: $slug) { version description } }';
const UPDATE = `mutation ($input: UpdateClusterInput!) { updateCluster(input: $input) { cluster { version description } } }`;
const AUDIT = `query ($id: ID!) { auditLog(first: 100, filter: { entityId: $id }) { totalCount nodes { action changes { field before after } } } }`;

describe.skipIf(!onPostgres)(
  `${WRITERS} concurrent writers on one cluster (PostgreSQL only${onPostgres ? '' : `: ${SKIPPED}`})`,
  () => {
    let api: TestApi;
    let admin: string;

    beforeAll(async () => {
      api = await createTestApi({ demo: false });
      admin = await issueToken(api, TokenRole.ADMIN);
    });
    afterAll(() => api?.dispose());

    const read = async (slug: string) => (await api.data<{ cluster: ClusterState }>(READ, { slug })).cluster;

    it('with the same version: exactly one succeeds, the others get CONFLICT and change nothing', async () => {
      const slug = 'gce-subsea';
      const start = await read(slug);
      const results = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) =>
          api.query(
            UPDATE,
            { input: { cluster: { slug }, version: start.version, description: `writer ${i}` } },
            { token: admin },
          ),
        ),
      );
      const succeeded = results.filter((r) => !r.errors);
      const conflicts = results.filter((r) => errorCodes(r).join() === 'CONFLICT');
      expect(succeeded).toHaveLength(1);
      expect(conflicts).toHaveLength(WRITERS - 1);
      for (const r of conflicts) expect(r.errors?.[0].extensions?.field).toBe('input.version');

      const after = await read(slug);
      expect(after.version).toBe(start.version + 1);
      expect(after.description).toBe(
        (succeeded[0].data as { updateCluster: { cluster: ClusterState } }).updateCluster.cluster.description,
      );
    });

    it('creating one slug at once: one wins, the others get CONFLICT on input.slug (the unique index decides)', async () => {
      const input = {
        slug: 'racing-cluster',
        name: 'Racing cluster',
        level: 'ARENA',
        county: 'Oslo',
        city: 'Oslo',
        admittedOn: '2025-01-01',
        sectors: ['Fart'],
      };
      const CREATE = 'mutation ($input: CreateClusterInput!) { createCluster(input: $input) { cluster { slug } } }';
      const results = await Promise.all(Array.from({ length: 20 }, () => api.query(CREATE, { input }, { token: admin })));
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      const refused = results.filter((r) => r.errors);
      expect(refused.map((r) => [errorCodes(r).join(), r.errors?.[0].extensions?.field])).toEqual(
        refused.map(() => ['CONFLICT', 'input.slug']),
      );
      const { clusters } = await api.data('{ clusters(filter: { text: "racing" }) { totalCount } }');
      expect(clusters.totalCount).toBe(1);
    });

    it('re-reading and retrying on CONFLICT: all updates land, none is lost', async () => {
      const slug = 'nce-seafood-innovation-cluster';
      const { cluster } = await api.data<{ cluster: { id: string } }>('query ($slug: String!) { cluster(slug: $slug) { id } }', {
        slug,
      });
      const start = await read(slug);
      const attempts: number[] = [];

      // Each writer appends its own mark to the description: a read-modify-write that loses marks
      // if any update overwrites another.
      const writer = async (i: number) => {
        for (let attempt = 1; ; attempt++) {
          const current = await read(slug);
          const description = `${current.description ?? ''} [w${i}]`.trim();
          const result = await api.query(
            UPDATE,
            { input: { cluster: { slug }, version: current.version, description } },
            { token: admin },
          );
          if (!result.errors) {
            attempts.push(attempt);
            return;
          }
          expect(errorCodes(result)).toEqual(['CONFLICT']);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
        }
      };
      await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(i)));

      const after = await read(slug);
      expect(after.version).toBe(start.version + WRITERS);
      const marks = after.description?.match(/\[w\d+\]/g) ?? [];
      expect(marks).toHaveLength(WRITERS);
      expect(new Set(marks).size).toBe(WRITERS);
      expect(attempts.some((n) => n > 1)).toBe(true); // there really was contention

      const audit = await api.data<{
        auditLog: { totalCount: number; nodes: { action: string; changes: { field: string }[] }[] };
      }>(AUDIT, { id: cluster.id }, { token: admin });
      expect(audit.auditLog.totalCount).toBe(WRITERS);
      expect(audit.auditLog.nodes.every((n) => n.action === 'cluster.update' && n.changes[0].field === 'description')).toBe(true);
    }, 180_000);
  },
);

// addMember checks "not a member already" by reading, then inserts: a race two writers could both
// win. They lock the cluster's row first (PostgreSQL; SQLite runs one writer at a time), so the
// second reads what the first wrote. Runs on both databases: on SQLite it shows the rule holds
// when writers queue, on PostgreSQL that the lock really makes them queue.
describe(`${WRITERS} concurrent addMember calls (${TEST_DIALECT})`, () => {
  let api: TestApi;
  let admin: string;
  const ADD = `mutation ($input: AddMemberInput!) { addMember(input: $input) { membership { id organization { orgNumber } } } }`;
  const MEMBERS = `query ($slug: String!) { cluster(slug: $slug) { members(first: 100, filter: { activeOn: "2025-06-01" }) {
    totalCount nodes { organization { orgNumber } } } } }`;

  beforeAll(async () => {
    api = await createTestApi({ demo: false });
    admin = await issueToken(api, TokenRole.ADMIN);
  });
  afterAll(() => api?.dispose());

  const members = async (slug: string) =>
    (
      await api.data<{ cluster: { members: { totalCount: number; nodes: { organization: { orgNumber: string } }[] } } }>(
        MEMBERS,
        {
          slug,
        },
      )
    ).cluster.members;

  it('adding the same organization to the same cluster: exactly one succeeds, the others get CONFLICT', async () => {
    const [orgNumber] = organizationNumbers(1);
    await insertOrganizations(api, [{ name: 'Racing member AS', orgNumber }]);
    const slug = 'gce-subsea';
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        api.query(
          ADD,
          // different days, so the unique (cluster, organization, joinedOn) index cannot be what decides
          { input: { cluster: { slug }, organization: orgNumber, role: 'MEMBER', joinedOn: addDays('2025-01-01', i % 60) } },
          { token: admin },
        ),
      ),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    const refused = results.filter((r) => r.errors);
    expect(refused.map((r) => [errorCodes(r).join(), r.errors?.[0].extensions?.field])).toEqual(
      refused.map(() => ['CONFLICT', 'input.organization']),
    );
    const { nodes } = await members(slug);
    expect(nodes.filter((n) => n.organization.orgNumber === orgNumber)).toHaveLength(1);
  }, 120_000);

  it('adding 100 different organizations to one cluster at once: all of them are members', async () => {
    const numbers = organizationNumbers(WRITERS).slice(0);
    await insertOrganizations(
      api,
      numbers.map((orgNumber, i) => ({ name: `Crowd member ${i} AS`, orgNumber })),
    );
    const slug = 'nce-eyde';
    const before = (await members(slug)).totalCount;
    const results = await Promise.all(
      numbers.map((orgNumber) =>
        api.query(
          ADD,
          { input: { cluster: { slug }, organization: orgNumber, role: 'MEMBER', joinedOn: '2025-01-01' } },
          { token: admin },
        ),
      ),
    );
    expect(results.filter((r) => r.errors).map((r) => r.errors)).toEqual([]);
    const after = await members(slug);
    expect(after.totalCount).toBe(before + WRITERS);
    const present = new Set(after.nodes.map((n) => n.organization.orgNumber));
    expect(numbers.filter((n) => !present.has(n))).toEqual([]);
  }, 120_000);
});
