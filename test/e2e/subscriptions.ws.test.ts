// Subscriptions over graphql-ws against a started server: each subscription and its filters,
// draft visibility, tokens, replay with `after` (and its seam with live events), the protocol's
// close codes, the query limits, the per-connection/token/address caps, a slow consumer, and
// multiplexing (one execution per group of equal subscribers).
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe as suite, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';
import { type Subscription, describe as failureOf, sleep, subscribe, wsClient } from '../helpers/ws.js';

/** Sends one operation over HTTP; fails the test on errors unless `allowErrors`. */
async function gql(server: TestServer, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const CLUSTER_CHANGED = `subscription ($filter: ClusterEventFilter, $after: String) {
  clusterChanged(filter: $filter, after: $after) { position occurredAt kind clusterId changedFields cluster { slug name level } } }`;
const MEMBERSHIP_CHANGED = `subscription ($filter: MembershipEventFilter, $after: String) {
  membershipChanged(filter: $filter, after: $after) { position kind membershipId membership { role organization { orgNumber } cluster { slug } } } }`;
const ANNOUNCEMENT_CHANGED = `subscription ($filter: AnnouncementEventFilter, $after: String) {
  announcementChanged(filter: $filter, after: $after) { position kind announcementId announcement { slug title status } } }`;

let server: TestServer;
let admin: string;
const clients: Client[] = [];
const client = (token?: string) => {
  const c = wsClient(server.url, { token });
  clients.push(c);
  return c;
};

async function renameCluster(slug: string, name: string): Promise<void> {
  const { cluster } = await gql(server, `query ($slug: String!) { cluster(slug: $slug) { version } }`, { slug });
  await gql(
    server,
    `mutation ($slug: String!, $v: Int!, $name: String!) { updateCluster(input: { cluster: { slug: $slug }, version: $v, name: $name }) { cluster { version } } }`,
    { slug, v: cluster.version, name },
    admin,
  );
}

/** Waits until the hub has this many subscribers (a subscription is live once it has joined). */
async function subscribers(count: number): Promise<void> {
  for (let i = 0; i < 200 && server.subscriptions.subscriberCount !== count; i++) await sleep(10);
  expect(server.subscriptions.subscriberCount).toBe(count);
}

beforeAll(async () => {
  server = await startTestServer({ websocket: { tokenRecheckSeconds: 1, initTimeoutMs: 500 } });
  admin = await issueToken(server, TokenRole.ADMIN);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.stop();
});

suite('clusterChanged', () => {
  it('delivers a cluster write to a subscriber, with the cluster as a query would give it', async () => {
    const sub = subscribe(client(), CLUSTER_CHANGED);
    await subscribers(1);
    await renameCluster('gce-subsea', 'GCE Ocean Technology');
    const [result] = await sub.received(1);
    expect(result.errors).toBeUndefined();
    expect(result.data.clusterChanged).toMatchObject({
      kind: 'UPDATED',
      changedFields: ['name'],
      cluster: { slug: 'gce-subsea', name: 'GCE Ocean Technology', level: 'GCE' },
    });
    expect(result.data.clusterChanged.position).toMatch(/^\d{16}$/);
    sub.unsubscribe();
    await subscribers(0);
  });

  it('filters by cluster, level and kind', async () => {
    const c = client();
    const eyde = subscribe(c, CLUSTER_CHANGED, { filter: { clusters: ['nce-eyde'] } });
    const gce = subscribe(c, CLUSTER_CHANGED, { filter: { levels: ['GCE'] } });
    const levelChanges = subscribe(c, CLUSTER_CHANGED, { filter: { kinds: ['LEVEL_CHANGED'] } });
    await subscribers(3);
    await renameCluster('gce-subsea', 'GCE Subsea');
    await renameCluster('nce-eyde', 'NCE Eyde Energy');
    await eyde.received(1);
    await gce.received(1);
    await sleep(200);
    expect(eyde.results.map((r) => r.data.clusterChanged.cluster.slug)).toEqual(['nce-eyde']);
    expect(gce.results.map((r) => r.data.clusterChanged.cluster.slug)).toEqual(['gce-subsea']);
    expect(levelChanges.results).toEqual([]);
    for (const s of [eyde, gce, levelChanges]) s.unsubscribe();
    await subscribers(0);
  });

  it('refuses an unknown cluster slug and a malformed or unknown position with clear codes', async () => {
    const c = client();
    const unknown = subscribe(c, CLUSTER_CHANGED, { filter: { clusters: ['no-such-cluster'] } });
    const malformed = subscribe(c, CLUSTER_CHANGED, { after: 'not-a-position' });
    const future = subscribe(c, CLUSTER_CHANGED, { after: '9000000000000000' });
    await Promise.all([unknown.ended(), malformed.ended(), future.ended()]);
    expect((unknown.failure as any[])[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.clusters[0]' });
    expect((malformed.failure as any[])[0].extensions.code).toBe('BAD_CURSOR');
    expect((future.failure as any[])[0].extensions.code).toBe('BAD_CURSOR');
  });
});

suite('membershipChanged', () => {
  it('delivers added, updated and ended memberships, filtered by organisation number', async () => {
    const orgNumber = '974760673';
    await gql(
      server,
      `mutation { upsertOrganization(input: { orgNumber: "974760673", name: "Registerenheten i Brønnøysund", county: "Nordland", city: "Brønnøysund" }) { organization { id } } }`,
      {},
      admin,
    );
    const c = client();
    const mine = subscribe(c, MEMBERSHIP_CHANGED, { filter: { orgNumbers: ['974 760 673'] } });
    const other = subscribe(c, MEMBERSHIP_CHANGED, { filter: { orgNumbers: ['986399445'] } });
    await subscribers(2);
    const added = await gql(
      server,
      `mutation ($org: String!) { addMember(input: { cluster: { slug: "nce-eyde" }, organization: $org, role: MEMBER, joinedOn: "2024-01-01" }) { membership { id version } } }`,
      { org: orgNumber },
      admin,
    );
    const { id, version } = added.addMember.membership;
    await gql(
      server,
      `mutation ($id: ID!, $v: Int!) { updateMembership(input: { id: $id, version: $v, role: CORE }) { membership { version } } }`,
      { id, v: version },
      admin,
    );
    await gql(
      server,
      `mutation ($id: ID!, $v: Int!) { endMembership(input: { id: $id, version: $v, leftOn: "2025-01-01" }) { membership { version } } }`,
      { id, v: version + 1 },
      admin,
    );
    const results = await mine.received(3);
    expect(results.map((r) => r.data.membershipChanged.kind)).toEqual(['ADDED', 'UPDATED', 'ENDED']);
    expect(results.every((r) => r.data.membershipChanged.membershipId === id)).toBe(true);
    expect(results[2].data.membershipChanged.membership).toEqual({
      role: 'CORE',
      organization: { orgNumber },
      cluster: { slug: 'nce-eyde' },
    });
    expect(other.results).toEqual([]);
    mine.unsubscribe();
    other.unsubscribe();
    await subscribers(0);
  });
});

suite('announcementChanged and draft visibility', () => {
  let announcement: { id: string; version: number };

  beforeAll(async () => {
    const created = await gql(
      server,
      `mutation { createAnnouncement(input: { slug: "ws-news", title: "Nytt fra klyngen", body: "Tekst.", language: nb, kind: NEWS, clusters: ["gce-subsea"] }) { announcement { id version } } }`,
      {},
      admin,
    );
    announcement = created.createAnnouncement.announcement;
  });

  it('shows anonymous subscribers the announcement while published, and only its id once it is a draft again', async () => {
    const anonymous = subscribe(client(), ANNOUNCEMENT_CHANGED);
    const asAdmin = subscribe(client(admin), ANNOUNCEMENT_CHANGED);
    const policyOnly = subscribe(client(), ANNOUNCEMENT_CHANGED, { filter: { announcementKinds: ['POLICY'] } });
    const english = subscribe(client(), ANNOUNCEMENT_CHANGED, { filter: { language: 'en' } });
    await subscribers(4);
    const { id } = announcement;
    await gql(
      server,
      `mutation ($id: ID!, $v: Int!) { publishAnnouncement(input: { id: $id, version: $v }) { announcement { version } } }`,
      { id, v: announcement.version },
      admin,
    );
    await gql(
      server,
      `mutation ($id: ID!, $v: Int!) { updateAnnouncement(input: { id: $id, version: $v, title: "Nytt fra klyngen i dag" }) { announcement { version } } }`,
      { id, v: announcement.version + 1 },
      admin,
    );
    await gql(
      server,
      `mutation ($id: ID!, $v: Int!) { unpublishAnnouncement(input: { id: $id, version: $v }) { announcement { version } } }`,
      { id, v: announcement.version + 2 },
      admin,
    );
    const seen = await anonymous.received(3);
    expect(seen.map((r) => r.data.announcementChanged.kind)).toEqual(['PUBLISHED', 'UPDATED', 'UNPUBLISHED']);
    expect(seen.every((r) => r.data.announcementChanged.announcementId === id)).toBe(true);
    expect(seen[2].data.announcementChanged.announcement).toBeNull();
    const adminSeen = await asAdmin.received(3);
    expect(adminSeen[2].data.announcementChanged.announcement).toEqual({
      slug: 'ws-news',
      title: 'Nytt fra klyngen i dag',
      status: 'DRAFT',
    });
    await sleep(200);
    expect(policyOnly.results).toEqual([]);
    expect(english.results).toEqual([]);
  });
});
