// The event log (transactional outbox): which writes append which events, their positions
// (gapless, in commit order, never skipped by a reader, also under concurrent writers), nothing
// for a write that is refused or rolled back, Query.events paging and filters, and BAD_CURSOR for
// positions that were not issued or were pruned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../src/repositories/db.js';
import { fetchEventsAfter, fetchLogState, pruneEventsBefore } from '../../src/repositories/event-log.repository.js';
import { type TestApi, createTestApi, errorCodes } from '../helpers/api.js';
import { freshOrgNumber, insertOrganizations } from '../helpers/fixtures.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const EVENTS = `query ($first: Int, $after: String, $filter: EventFilter) {
  events(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { __typename position occurredAt
      ... on ClusterEvent { ckind: kind clusterId changedFields cluster { slug } }
      ... on MembershipEvent { mkind: kind membershipId membership { role organization { orgNumber } } }
      ... on AnnouncementEvent { akind: kind announcementId announcement { slug status } } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  } }`;

let api: TestApi;
let admin: string;

const db = () => new Db(api.orm.em.fork() as never);
const lastPosition = async () => (await fetchLogState(db())).lastPosition;
const pos = (n: number) => String(n).padStart(16, '0');

async function clusterVersion(slug: string): Promise<number> {
  const data = await api.data(`query ($slug: String!) { cluster(slug: $slug) { version } }`, { slug });
  return data.cluster.version;
}

beforeAll(async () => {
  api = await createTestApi({ demo: false });
  admin = await issueToken(api, TokenRole.ADMIN);
});
afterAll(() => api?.dispose());

describe('writes append events in their transaction', () => {
  it('gives each cluster write its event, with the changed fields and gapless positions', async () => {
    const start = await lastPosition();
    const slug = 'event-log-cluster';
    await api.data(
      `mutation { createCluster(input: { slug: "${slug}", name: "Event Log Cluster", level: ARENA, county: "Oslo", city: "Oslo", admittedOn: "2020-01-01", sectors: ["testing"] }) { cluster { id } } }`,
      {},
      { token: admin },
    );
    let version = await clusterVersion(slug);
    await api.data(
      `mutation ($v: Int!) { updateCluster(input: { cluster: { slug: "${slug}" }, version: $v, name: "Event Log Cluster II", city: "Bergen" }) { cluster { version } } }`,
      { v: version },
      { token: admin },
    );
    version = await clusterVersion(slug);
    await api.data(
      `mutation ($v: Int!) { changeClusterLevel(input: { cluster: { slug: "${slug}" }, version: $v, level: ARENA_PRO, on: "2022-01-01" }) { cluster { version } } }`,
      { v: version },
      { token: admin },
    );
    version = await clusterVersion(slug);
    await api.data(
      `mutation ($v: Int!) { endCluster(input: { cluster: { slug: "${slug}" }, version: $v, on: "2024-01-01" }) { cluster { version } } }`,
      { v: version },
      { token: admin },
    );

    const rows = await fetchEventsAfter(db(), start, 100);
    expect(rows.map((r) => r.position)).toEqual([start + 1, start + 2, start + 3, start + 4]);
    expect(rows.map((r) => [r.type, r.kind])).toEqual([
      ['CLUSTER_CHANGED', 'CREATED'],
      ['CLUSTER_CHANGED', 'UPDATED'],
      ['CLUSTER_CHANGED', 'LEVEL_CHANGED'],
      ['CLUSTER_CHANGED', 'ENDED'],
    ]);
    expect(rows[1].changedFields.sort()).toEqual(['city', 'name']);
    expect(rows[0].facets.levels).toEqual(['ARENA']);
    expect(rows[2].facets.levels).toEqual(['ARENA', 'ARENA_PRO']);

    const page = await api.data(EVENTS, { after: pos(start), filter: { types: ['CLUSTER_CHANGED'] } });
    expect(page.events.edges.map((e: any) => e.node.ckind)).toEqual(['CREATED', 'UPDATED', 'LEVEL_CHANGED', 'ENDED']);
    expect(page.events.edges[0].cursor).toBe(pos(start + 1));
    expect(page.events.edges[0].node.position).toBe(pos(start + 1));
    expect(page.events.edges[0].node.cluster.slug).toBe(slug);
    expect(page.events.edges[1].node.changedFields.sort()).toEqual(['city', 'name']);
  });

  it('writes no event for a refused write, a write that changes nothing, or a draft', async () => {
    const start = await lastPosition();
    const stale = await api.query(
      `mutation { updateCluster(input: { cluster: { slug: "gce-subsea" }, version: 999, name: "Nope" }) { cluster { id } } }`,
      {},
      { token: admin },
    );
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
    const version = await clusterVersion('gce-subsea');
    const cluster = await api.data(`{ cluster(slug: "gce-subsea") { name } }`);
    await api.data(
      `mutation ($v: Int!, $name: String!) { updateCluster(input: { cluster: { slug: "gce-subsea" }, version: $v, name: $name }) { cluster { id } } }`,
      { v: version, name: cluster.cluster.name },
      { token: admin },
    );
    const draft = await api.data(
      `mutation { createAnnouncement(input: { slug: "event-log-draft", title: "Draft", body: "Not yet.", language: en, kind: NEWS, clusters: ["gce-subsea"] }) { announcement { id version } } }`,
      {},
      { token: admin },
    );
    await api.data(
      `mutation ($id: ID!, $v: Int!) { updateAnnouncement(input: { id: $id, version: $v, title: "Draft II" }) { announcement { version } } }`,
      { id: draft.createAnnouncement.announcement.id, v: draft.createAnnouncement.announcement.version },
      { token: admin },
    );
    expect(await lastPosition()).toBe(start);
  });

  it('rolls an event back with its write (a unique value taken by a concurrent write is caught at flush)', async () => {
    const start = await lastPosition();
    // Two creates of the same slug at once: one commits with its event, the other rolls back with its own.
    const create = () =>
      api.query(
        `mutation { createCluster(input: { slug: "event-log-race", name: "Race", level: ARENA, county: "Oslo", city: "Oslo", admittedOn: "2020-01-01", sectors: ["x"] }) { cluster { id } } }`,
        {},
        { token: admin },
      );
    const results = await Promise.all([create(), create()]);
    expect(results.filter((r) => !r.errors).length).toBe(1);
    const rows = await fetchEventsAfter(db(), start, 100);
    expect(rows.map((r) => [r.position, r.kind])).toEqual([[start + 1, 'CREATED']]);
    expect(await lastPosition()).toBe(start + 1);
  });

  it('records announcement and membership events with what filters match on', async () => {
    const start = await lastPosition();
    const orgNumber = freshOrgNumber();
    await insertOrganizations(api, [{ name: 'Event Member AS', orgNumber }]);
    const added = await api.data(
      `mutation ($org: String!) { addMember(input: { cluster: { slug: "gce-subsea" }, organization: $org, role: MEMBER, joinedOn: "2024-01-01" }) { membership { id version } } }`,
      { org: orgNumber },
      { token: admin },
    );
    const { id, version } = added.addMember.membership;
    await api.data(
      `mutation ($id: ID!, $v: Int!) { updateMembership(input: { id: $id, version: $v, role: CORE }) { membership { version } } }`,
      { id, v: version },
      { token: admin },
    );
    await api.data(
      `mutation ($id: ID!, $v: Int!) { endMembership(input: { id: $id, version: $v, leftOn: "2025-01-01" }) { membership { version } } }`,
      { id, v: version + 1 },
      { token: admin },
    );
    const draft = await api.data(
      `mutation { createAnnouncement(input: { slug: "event-log-news", title: "News", body: "Text.", language: nb, kind: NEWS, clusters: ["gce-subsea"] }) { announcement { id version } } }`,
      {},
      { token: admin },
    );
    const a = draft.createAnnouncement.announcement;
    await api.data(
      `mutation ($id: ID!, $v: Int!) { publishAnnouncement(input: { id: $id, version: $v }) { announcement { version } } }`,
      { id: a.id, v: a.version },
      { token: admin },
    );
    await api.data(
      `mutation ($id: ID!, $v: Int!) { updateAnnouncement(input: { id: $id, version: $v, clusters: ["nce-eyde"] }) { announcement { version } } }`,
      { id: a.id, v: a.version + 1 },
      { token: admin },
    );
    await api.data(
      `mutation ($id: ID!, $v: Int!) { unpublishAnnouncement(input: { id: $id, version: $v }) { announcement { version } } }`,
      { id: a.id, v: a.version + 2 },
      { token: admin },
    );
    const rows = await fetchEventsAfter(db(), start, 100);
    expect(rows.map((r) => r.kind)).toEqual(['ADDED', 'UPDATED', 'ENDED', 'PUBLISHED', 'UPDATED', 'UNPUBLISHED']);
    expect(rows.map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6].map((n) => start + n));
    expect(rows[0].facets).toMatchObject({ orgNumber, levels: ['GCE'] });
    expect(rows[2].facets.orgNumber).toBe(orgNumber);
    expect(rows[3].facets).toMatchObject({ announcementKind: 'NEWS', language: 'nb', levels: ['GCE'] });
    // Moving its mention concerns both clusters, the one it left and the one it names now.
    expect(rows[4].clusterIds.length).toBe(2);
    expect(rows[4].changedFields).toEqual(['clusters']);

    // The unpublished announcement is a draft again: anonymous readers get the id and a null object.
    const page = await api.data(EVENTS, { after: pos(start + 3), filter: { types: ['ANNOUNCEMENT_CHANGED'] } });
    const nodes = page.events.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.akind)).toEqual(['PUBLISHED', 'UPDATED', 'UNPUBLISHED']);
    expect(nodes.every((n: any) => n.announcementId === a.id && n.announcement === null)).toBe(true);
    const asAdmin = await api.data(
      EVENTS,
      { after: pos(start + 3), filter: { types: ['ANNOUNCEMENT_CHANGED'] } },
      { token: admin },
    );
    expect(asAdmin.events.edges[0].node.announcement).toEqual({ slug: 'event-log-news', status: 'DRAFT' });

    const byCluster = await api.data(EVENTS, { after: pos(start), filter: { clusters: ['nce-eyde'] } });
    expect(byCluster.events.edges.map((e: any) => e.node.akind)).toEqual(['UPDATED', 'UNPUBLISHED']);
    expect(byCluster.events.totalCount).toBeGreaterThanOrEqual(2);
  });
});

describe('Query.events', () => {
  it('pages through the log oldest first, with positions as cursors', async () => {
    const all: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await api.data(EVENTS, { first: 3, after });
      all.push(...page.events.edges.map((e: any) => e.cursor));
      expect(page.events.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!page.events.pageInfo.hasNextPage) break;
      after = page.events.pageInfo.endCursor;
    }
    const last = await lastPosition();
    expect(all).toEqual(Array.from({ length: last }, (_, i) => pos(i + 1)));
    expect([...all].sort()).toEqual(all);
  });

  it('refuses positions it did not issue, and pages too large', async () => {
    for (const after of ['nonsense', '12', pos(10_000_000)]) {
      const result = await api.query(EVENTS, { after });
      expect(errorCodes(result)).toEqual(['BAD_CURSOR']);
    }
    expect(errorCodes(await api.query(EVENTS, { first: 101 }))).toEqual(['PAGE_SIZE_EXCEEDED']);
    const unknown = await api.query(EVENTS, { filter: { clusters: ['no-such-cluster'] } });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.errors?.[0].extensions?.field).toBe('filter.clusters[0]');
  });

  it('says BAD_CURSOR for a position whose successors were pruned, and still resumes after the pruned ones', async () => {
    const last = await lastPosition();
    expect(last).toBeGreaterThan(3);
    // Everything so far is older than "now + 1 minute".
    const through = await pruneEventsBefore(db(), new Date(Date.now() + 60_000));
    expect(through).toBe(last);
    const old = await api.query(EVENTS, { after: pos(1) });
    expect(errorCodes(old)).toEqual(['BAD_CURSOR']);
    expect(old.errors?.[0].message).toMatch(/pruned/);
    const fromEnd = await api.data(EVENTS, { after: pos(last) });
    expect(fromEnd.events.edges).toEqual([]);
  });
});

describe('positions under concurrent writers', () => {
  it('never lets a reader skip a position', async () => {
    const writers = 8;
    const writesEach = 5;
    const slugs = ['gce-subsea', 'nce-eyde', 'gce-node'];
    const start = await lastPosition();
    const expected = start + writers * writesEach;
    let done = false;
    const seen: number[] = [];
    // A reader that keeps reading "after the last position I saw": with a sequence taken before
    // commit, a later-committing lower position would be skipped for ever.
    const reader = (async () => {
      let after = start;
      while (!done || after < expected) {
        const rows = await fetchEventsAfter(db(), after, 50);
        for (const row of rows) {
          seen.push(row.position);
          after = row.position;
        }
        if (rows.length === 0) await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const writer = async (w: number) => {
      for (let i = 0; i < writesEach; i++) {
        const slug = slugs[(w + i) % slugs.length];
        for (;;) {
          const version = await clusterVersion(slug);
          const result = await api.query(
            `mutation ($v: Int!, $d: String!) { updateCluster(input: { cluster: { slug: "${slug}" }, version: $v, description: $d }) { cluster { id } } }`,
            { v: version, d: `writer ${w} write ${i}` },
            { token: admin },
          );
          if (!result.errors) break;
          expect(errorCodes(result)).toEqual(['CONFLICT']);
        }
      }
    };
    await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
    done = true;
    await reader;
    expect(seen).toEqual(Array.from({ length: writers * writesEach }, (_, i) => start + i + 1));
  });
});
