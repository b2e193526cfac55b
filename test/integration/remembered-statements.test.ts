// A page's plan (the nested lists it brings along) is kept per place in a parsed document, and on
// PostgreSQL its statement is built once and run again with each request's values (Db.rememberedRows):
// the same answers as building it every time, for every slug, page size and viewer.
import type { EntityManager } from '@mikro-orm/knex';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Db, PREPARED_STATEMENTS_PER_CONNECTION } from '../../src/repositories/db.js';
import { type TestApi, createTestApi } from '../helpers/api.js';
import { TEST_DIALECT } from '../helpers/database.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const CLUSTER_PAGE = `query ($slug: String!, $n: Int) {
  cluster(slug: $slug) {
    slug name
    members(first: $n, orderBy: { field: JOINED_ON, direction: ASC }) { nodes { role organization { name } } }
    announcements(first: 5) { nodes { slug } }
  }
}`;
const FEED = 'query { announcements(first: 50) { nodes { slug clusters { nodes { slug } } } } }';
const DRAFT = 'utkast-om-gjenbruk';

let api: TestApi;
let admin: string;

beforeAll(async () => {
  api = await createTestApi();
  admin = await issueToken(api, TokenRole.ADMIN);
  const create = `mutation ($input: CreateAnnouncementInput!) { createAnnouncement(input: $input) { announcement { id } } }`;
  await api.data(
    create,
    {
      input: { slug: DRAFT, title: 'Et utkast', body: 'Ikke publisert.', language: 'nb', kind: 'NEWS', clusters: ['gce-subsea'] },
    },
    { token: admin },
  );
});
afterAll(() => api.dispose());

describe('remembered statements (Db.rememberedRows)', () => {
  it(`are built once per owner and key on PostgreSQL, every time elsewhere, and run with each call's values (${TEST_DIALECT})`, async () => {
    const db = new Db(api.orm.em.fork() as EntityManager);
    const owner = {};
    let builds = 0;
    const slugOf = async (slug: string) => {
      const rows = await db.rememberedRows<{ slug: string }>(owner, 'cluster by slug', [slug], ([value]) => {
        builds++;
        return db.knex
          .from('cluster')
          .select('slug')
          .where('slug', value as string);
      });
      return rows.map((row) => row.slug);
    };
    expect(await slugOf('gce-subsea')).toEqual(['gce-subsea']);
    expect(await slugOf('nce-eyde')).toEqual(['nce-eyde']);
    expect(await slugOf('no-such-cluster')).toEqual([]);
    expect(builds).toBe(TEST_DIALECT === 'postgresql' ? 1 : 3);
    // Another owner (another plan) builds its own.
    await db.rememberedRows({}, 'cluster by slug', ['gce-subsea'], ([value]) => {
      builds++;
      return db.knex
        .from('cluster')
        .select('slug')
        .where('slug', value as string);
    });
    expect(builds).toBe(TEST_DIALECT === 'postgresql' ? 2 : 4);
  });

  it('answer one cluster page document for each slug and page size with that cluster and page', async () => {
    const first = await api.data(CLUSTER_PAGE, { slug: 'gce-subsea', n: 2 });
    const second = await api.data(CLUSTER_PAGE, { slug: 'nce-eyde', n: 2 });
    const larger = await api.data(CLUSTER_PAGE, { slug: 'gce-subsea', n: 3 });
    const again = await api.data(CLUSTER_PAGE, { slug: 'gce-subsea', n: 2 });
    expect(first.cluster.slug).toBe('gce-subsea');
    expect(second.cluster.slug).toBe('nce-eyde');
    expect(second.cluster.name).not.toBe(first.cluster.name);
    expect(first.cluster.members.nodes).toHaveLength(2);
    expect(larger.cluster.members.nodes).toHaveLength(3);
    expect(larger.cluster.members.nodes.slice(0, 2)).toEqual(first.cluster.members.nodes);
    expect(again).toEqual(first);
    expect(await api.data(CLUSTER_PAGE, { slug: 'no-such-cluster', n: 2 })).toEqual({ cluster: null });
  });

  it("keep viewers' draft visibility apart: one document shows a draft only to those who may see it", async () => {
    const slugs = (data: any) => data.announcements.nodes.map((a: { slug: string }) => a.slug);
    const nested = (data: any) => data.cluster.announcements.nodes.map((a: { slug: string }) => a.slug);
    const page = { slug: 'gce-subsea', n: 1 };
    for (let round = 0; round < 2; round++) {
      expect(slugs(await api.data(FEED))).not.toContain(DRAFT);
      expect(nested(await api.data(CLUSTER_PAGE, page))).not.toContain(DRAFT);
      expect(slugs(await api.data(FEED, {}, { token: admin }))).toContain(DRAFT);
      expect(nested(await api.data(CLUSTER_PAGE, page, { token: admin }))).toContain(DRAFT);
    }
  });
});

describe("the request's EntityManager", () => {
  it(`is forked only when something uses it: not for a page read by a prepared statement (${TEST_DIALECT})`, async () => {
    const fork = vi.spyOn(api.orm.em, 'fork');
    try {
      const page = await api.data(CLUSTER_PAGE, { slug: 'gce-subsea', n: 2 });
      expect(page.cluster.slug).toBe('gce-subsea');
      // PostgreSQL runs the page as a prepared statement on a pooled connection (Apollo's copy of
      // the context included); SQLite runs it through the ORM, on the request's one fork.
      expect(fork).toHaveBeenCalledTimes(TEST_DIALECT === 'postgresql' ? 0 : 1);
    } finally {
      fork.mockRestore();
    }
  });
});

describe.skipIf(TEST_DIALECT !== 'postgresql')('named prepared statements (PostgreSQL)', () => {
  it('are reused per connection, and a connection keeps at most PREPARED_STATEMENTS_PER_CONNECTION of them', async () => {
    const db = new Db(api.orm.em.fork() as EntityManager);
    const kept = async () =>
      Number((await db.prepared<{ n: string }>('select count(*) as n from pg_prepared_statements where $1::int = 1', [1]))[0].n);
    // The same text twice: prepared once on the connection that ran it.
    const same = 'select $1::int + 1 as n';
    await db.prepared(same, [1]);
    expect((await db.prepared<{ n: number }>(same, [41]))[0].n).toBe(42);
    const count = async (sql: string) =>
      Number(
        (await db.prepared<{ n: string }>('select count(*) as n from pg_prepared_statements where statement = $1', [sql]))[0].n,
      );
    expect(await count(same)).toBeLessThanOrEqual(1);
    // Many distinct texts: no connection piles them up beyond the bound (the pool's connections take turns).
    for (let i = 0; i < PREPARED_STATEMENTS_PER_CONNECTION + 100; i++) {
      expect((await db.prepared<{ n: number }>(`select $1::int + ${i} as n`, [1]))[0].n).toBe(1 + i);
    }
    for (let i = 0; i < 10; i++) expect(await kept()).toBeLessThanOrEqual(PREPARED_STATEMENTS_PER_CONNECTION + 1);
  });
});
