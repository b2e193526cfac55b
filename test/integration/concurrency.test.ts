// No lost updates under concurrent writers (issue 5): optimistic locking by `version`, checked by
// the UPDATE itself. Runs on PostgreSQL, where writers really run in parallel; SQLite runs one
// write transaction at a time, so there is nothing to race there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, createTestApi, errorCodes } from '../helpers/api.js';
import { TEST_DIALECT } from '../helpers/database.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const WRITERS = 100;
const onPostgres = TEST_DIALECT === 'postgresql';
const SKIPPED = 'skipped on SQLite, which runs one write transaction at a time: run with DATABASE_URL=postgres://…';
if (!onPostgres) console.info(`concurrent writers: ${SKIPPED}`);

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
