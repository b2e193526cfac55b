// Subscriptions over graphql-ws against a started server: each subscription and its filters,
// draft visibility, tokens, replay with `after` (and its seam with live events), the protocol's
// close codes, the query limits, the per-connection/token/address caps, a slow consumer, and
// multiplexing (one execution per group of equal subscribers).
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe as suite, expect, it } from 'vitest';
import WebSocket from 'ws';
import { systemViewer } from '../../src/auth/viewer.js';
import { createRequestContext } from '../../src/context/request-context.js';
import { listTokens, revokeToken } from '../../src/services/token.service.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';
import { type Subscription, sleep, subscribe, wsClient } from '../helpers/ws.js';

/** Sends one operation over HTTP; fails the test on errors. */
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
    for (const s of [anonymous, asAdmin, policyOnly, english]) s.unsubscribe();
    await subscribers(0);
  });
});

/** Positions of the cluster events after `after`, as Query.events lists them (the log's truth). */
async function clusterPositionsAfter(after: string): Promise<string[]> {
  const positions: string[] = [];
  let cursor = after;
  for (;;) {
    const { events } = await gql(
      server,
      `query ($after: String) { events(first: 100, after: $after, filter: { types: [CLUSTER_CHANGED] }) { edges { cursor } pageInfo { hasNextPage endCursor } } }`,
      { after: cursor },
    );
    positions.push(...events.edges.map((e: { cursor: string }) => e.cursor));
    if (!events.pageInfo.hasNextPage) return positions;
    cursor = events.pageInfo.endCursor;
  }
}

suite('resuming with after', () => {
  it('sends every matching event after the position, in order, then live ones', async () => {
    const live = subscribe(client(), CLUSTER_CHANGED);
    await subscribers(1);
    await renameCluster('gce-node', 'GCE NODE 1');
    const [first] = await live.received(1);
    const position = first.data.clusterChanged.position as string;
    live.unsubscribe();
    await subscribers(0);

    await renameCluster('gce-node', 'GCE NODE 2');
    await renameCluster('nce-eyde', 'NCE Eyde 2');
    await renameCluster('gce-node', 'GCE NODE 3');
    const resumed = subscribe(client(), CLUSTER_CHANGED, { after: position, filter: { clusters: ['gce-node'] } });
    const replayed = await resumed.received(2);
    expect(replayed.map((r) => r.data.clusterChanged.cluster.name)).toEqual(['GCE NODE 3', 'GCE NODE 3']);
    expect(replayed.map((r) => r.data.clusterChanged.changedFields)).toEqual([['name'], ['name']]);
    await renameCluster('gce-node', 'GCE NODE 4');
    const all = await resumed.received(3);
    expect(all[2].data.clusterChanged.cluster.name).toBe('GCE NODE 4');
    const positions = all.map((r) => r.data.clusterChanged.position);
    expect([...positions].sort()).toEqual(positions);
    expect(new Set(positions).size).toBe(3);
    resumed.unsubscribe();
    await subscribers(0);
  });

  it('loses and repeats nothing at the seam between replay and live events, under concurrent writes', async () => {
    for (const resumeAfter of [0, 4, 9]) {
      const marker = subscribe(client(), CLUSTER_CHANGED);
      await subscribers(1);
      await renameCluster('gce-subsea', `Seam ${resumeAfter} start`);
      const [start] = await marker.received(1);
      marker.unsubscribe();
      await subscribers(0);
      const position = start.data.clusterChanged.position as string;

      let resumed: Subscription | undefined;
      for (let i = 0; i < 12; i++) {
        if (i === resumeAfter) resumed = subscribe(client(), CLUSTER_CHANGED, { after: position });
        // Writes keep coming while the subscriber replays and joins the live stream.
        await renameCluster(i % 2 ? 'gce-subsea' : 'nce-eyde', `Seam ${resumeAfter} write ${i}`);
      }
      const expected = await clusterPositionsAfter(position);
      expect(expected.length).toBe(12);
      const got = await (resumed as Subscription).received(12);
      await sleep(100);
      expect(got.map((r) => r.data.clusterChanged.position)).toEqual(expected);
      (resumed as Subscription).unsubscribe();
      await subscribers(0);
    }
  });
});

suite('one execution per group of equal subscribers', () => {
  it('executes an event once for 60 subscribers of the same operation over 6 connections, and once per visibility', async () => {
    const connections = Array.from({ length: 6 }, () => client());
    const subs = connections.flatMap((c) =>
      Array.from({ length: 10 }, () => subscribe(c, CLUSTER_CHANGED, { filter: { clusters: ['gce-subsea'] } })),
    );
    const adminSub = subscribe(client(admin), CLUSTER_CHANGED, { filter: { clusters: ['gce-subsea'] } });
    await subscribers(61);
    expect(server.subscriptions.groupCount).toBe(2);
    const before = server.subscriptions.executions;
    await renameCluster('gce-subsea', 'Multiplexed');
    await Promise.all([...subs, adminSub].map((s) => s.received(1)));
    expect(server.subscriptions.executions - before).toBe(2);
    expect(new Set(subs.map((s) => JSON.stringify(s.results[0]))).size).toBe(1);
    for (const s of [...subs, adminSub]) s.unsubscribe();
    await subscribers(0);
    expect(server.subscriptions.groupCount).toBe(0);
  });
});

/** A raw graphql-transport-ws socket, for the protocol's edges. */
function rawSocket(url: string): Promise<{ ws: WebSocket; messages: any[]; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const messages: any[] = [];
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.on('close', (code, reason) => done({ code, reason: reason.toString() })),
    );
    ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
    ws.once('open', () => resolve({ ws, messages, closed }));
    ws.once('error', reject);
  });
}

const until = async (check: () => boolean, ms = 3000) => {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > ms) throw new Error('timed out');
    await sleep(10);
  }
};

suite('the graphql-transport-ws protocol', () => {
  it('closes with 4401 for a subscribe before the ack, 4408 without an init, 4400 for a bad message, 4409 for a duplicate id', async () => {
    const early = await rawSocket(server.url);
    early.ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: CLUSTER_CHANGED } }));
    expect((await early.closed).code).toBe(4401);

    const silent = await rawSocket(server.url);
    expect((await silent.closed).code).toBe(4408);

    const garbage = await rawSocket(server.url);
    garbage.ws.send(JSON.stringify({ type: 'connection_init' }));
    await until(() => garbage.messages.some((m) => m.type === 'connection_ack'));
    garbage.ws.send('{"type":"nonsense"');
    expect((await garbage.closed).code).toBe(4400);

    const twice = await rawSocket(server.url);
    twice.ws.send(JSON.stringify({ type: 'connection_init' }));
    await until(() => twice.messages.some((m) => m.type === 'connection_ack'));
    twice.ws.send(JSON.stringify({ id: 'a', type: 'subscribe', payload: { query: CLUSTER_CHANGED } }));
    twice.ws.send(JSON.stringify({ id: 'a', type: 'subscribe', payload: { query: CLUSTER_CHANGED } }));
    expect((await twice.closed).code).toBe(4409);
  });

  it('pings open connections to keep them alive', async () => {
    const pinged = await startTestServer({ websocket: { keepAliveSeconds: 1 } });
    try {
      const socket = await rawSocket(pinged.url);
      socket.ws.send(JSON.stringify({ type: 'connection_init' }));
      const ping = await Promise.race([
        new Promise<string>((resolve) => socket.ws.once('ping', () => resolve('ping'))),
        sleep(3000).then(() => 'no ping'),
      ]);
      expect(ping).toBe('ping');
      socket.ws.close();
    } finally {
      await pinged.stop();
    }
  });

  it('answers a subscription sent over HTTP with a pointer to the WebSocket', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'subscription { clusterChanged { position } }' }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0].message).toMatch(/WebSocket/);
  });

  it('refuses a malformed or unknown token with 4403', async () => {
    for (const authorization of ['Bearer klynge_not-a-real-token', 'Basic abc']) {
      const socket = await rawSocket(server.url);
      socket.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
      expect((await socket.closed).code).toBe(4403);
    }
  });

  it('closes the sockets of a token when it is revoked', async () => {
    const token = await issueToken(server, TokenRole.READER, ['gce-subsea'], 'soon revoked');
    const socket = await rawSocket(server.url);
    socket.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await until(() => socket.messages.some((m) => m.type === 'connection_ack'));
    socket.ws.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: CLUSTER_CHANGED } }));
    await gql(server, '{ viewer { name } }', {}, token);
    const system = () => createRequestContext(server.orm, undefined, systemViewer('test'));
    const id = (await listTokens(system())).find((t) => t.name === 'soon revoked')?.id as number;
    await revokeToken(system(), id);
    const closed = await Promise.race([socket.closed, sleep(4000).then(() => ({ code: 0, reason: 'still open' }))]);
    expect(closed).toEqual({ code: 4403, reason: 'The API token has been revoked' });
  });

  it('applies the depth, alias and cost limits to operations over the socket', async () => {
    const c = client();
    const deep = subscribe(
      c,
      `subscription { membershipChanged { membership { organization { memberships { nodes { cluster { members { nodes { organization { memberships { nodes { cluster { name } } } } } } } } } } } } }`,
    );
    const aliases = subscribe(
      c,
      `subscription { clusterChanged { ${Array.from({ length: 31 }, (_, i) => `a${i}: position`).join(' ')} } }`,
    );
    const costly = subscribe(
      c,
      `subscription { clusterChanged { cluster { members(first: 100) { nodes { organization { memberships(first: 100) { nodes { cluster { members(first: 100) { nodes { role } } } } } } } } } } }`,
    );
    const query = subscribe(c, `{ cluster(slug: "gce-subsea") { slug } }`);
    const nul = subscribe(c, CLUSTER_CHANGED, { filter: { clusters: ['gce\u0000subsea'] } });
    await Promise.all([deep.ended(), aliases.ended(), costly.ended(), query.ended(), nul.ended()]);
    expect((nul.failure as any[])[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.clusters[0]' });
    for (const refused of [deep, aliases, costly]) {
      expect((refused.failure as any[])[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    }
    expect((costly.failure as any[])[0].extensions).toMatchObject({ maxCost: 150_000 });
    // Queries work over the socket too, as graphql-ws clients expect.
    expect(query.results).toEqual([{ data: { cluster: { slug: 'gce-subsea' } } }]);
  });
});

suite('caps and slow consumers', () => {
  let capped: TestServer;
  let token: string;

  beforeAll(async () => {
    capped = await startTestServer({
      websocket: {
        maxSubscriptionsPerConnection: 2,
        maxConnectionsPerToken: 2,
        maxConnectionsPerAddress: 5,
        maxQueuedResults: 2,
        maxBufferedBytes: 64 * 1024,
        initTimeoutMs: 2000,
      },
    });
    token = await issueToken(capped, TokenRole.ADMIN);
  });
  afterAll(() => capped?.stop());

  const open = async (authorization?: string) => {
    const socket = await rawSocket(capped.url);
    socket.ws.send(JSON.stringify({ type: 'connection_init', payload: authorization ? { authorization } : {} }));
    await until(() => socket.messages.some((m) => m.type === 'connection_ack') || socket.ws.readyState !== WebSocket.OPEN);
    return socket;
  };

  it('caps subscriptions per connection, connections per token and per address', async () => {
    const first = await open();
    for (const id of ['1', '2', '3'])
      first.ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: CLUSTER_CHANGED } }));
    await until(() => first.messages.some((m) => m.id === '3' && m.type === 'error'));
    expect(first.messages.find((m) => m.id === '3').payload[0].extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(first.messages.some((m) => (m.id === '1' || m.id === '2') && m.type === 'error')).toBe(false);

    const a = await open(`Bearer ${token}`);
    const b = await open(`Bearer ${token}`);
    const c = await rawSocket(capped.url);
    c.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    expect((await c.closed).code).toBe(4429);
    expect(a.ws.readyState).toBe(WebSocket.OPEN);
    expect(b.ws.readyState).toBe(WebSocket.OPEN);

    // first, a, b, and two more reach the address's cap of 5; the sixth is refused at the upgrade.
    const more = [await rawSocket(capped.url), await rawSocket(capped.url)];
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(capped.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    expect(refused).toBe(429);
    for (const s of [first, a, b, ...more]) s.ws.close();
    await until(() => capped.subscriptions.subscriberCount === 0);
  });

  /** A published announcement of 100,000 characters: 20 aliases of its body make a 2 MB result. */
  const bigPublishedAnnouncement = async (slug: string, cluster: string): Promise<{ id: string }> => {
    const created = await gql(
      capped,
      'mutation ($slug: String!, $body: String!, $cluster: String!) { createAnnouncement(input: { slug: $slug, title: "Big", body: $body, language: en, kind: NEWS, clusters: [$cluster] }) { announcement { id version } } }',
      { slug, body: 'x'.repeat(100_000), cluster },
      token,
    );
    const { id, version } = created.createAnnouncement.announcement;
    await gql(
      capped,
      'mutation ($id: ID!, $v: Int!) { publishAnnouncement(input: { id: $id, version: $v }) { announcement { version } } }',
      { id, v: version },
      token,
    );
    return { id };
  };

  /** Gives an announcement a new title (an UPDATED event), at the version it has now. */
  const retitle = async (id: string, title: string) => {
    const { node } = await gql(capped, 'query ($id: ID!) { node(id: $id) { ... on Announcement { version } } }', { id }, token);
    await gql(
      capped,
      'mutation ($id: ID!, $v: Int!, $t: String!) { updateAnnouncement(input: { id: $id, version: $v, title: $t }) { announcement { version } } }',
      { id, v: node.version, t: title },
      token,
    );
  };

  it('replays a backlog longer than the queue at the pace the client reads, without dropping it', async () => {
    const { id } = await bigPublishedAnnouncement('backlog', 'nce-eyde');
    const { events } = await gql(capped, '{ events(first: 1) { totalCount } }');
    const start = String(events.totalCount).padStart(16, '0');
    for (let i = 0; i < 8; i++) {
      await retitle(id, `Backlog ${i}`);
    }
    // Eight results of ~2 MB each, a queue of 2, and a client that reads nothing for a while: the
    // replay must wait for it rather than overflow the queue and count it a slow consumer.
    const reader = await open();
    const fields = Array.from({ length: 20 }, (_, i) => `b${i}: body`).join(' ');
    (reader.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    reader.ws.send(
      JSON.stringify({
        id: 'backlog',
        type: 'subscribe',
        payload: {
          query: `subscription ($after: String) { announcementChanged(after: $after, filter: { clusters: ["nce-eyde"] }) { position announcement { title ${fields} } } }`,
          variables: { after: start },
        },
      }),
    );
    await sleep(1500);
    (reader.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await until(() => reader.messages.filter((m) => m.id === 'backlog' && m.type === 'next').length >= 8, 15_000);
    const titles = reader.messages
      .filter((m) => m.type === 'next')
      .map((m) => m.payload.data.announcementChanged.announcement.title);
    // Replayed events show the announcement as it is now, each delivered once, in order.
    expect(titles).toEqual(Array(8).fill('Backlog 7'));
    expect(reader.ws.readyState).toBe(WebSocket.OPEN);
    reader.ws.close();
    await until(() => capped.subscriptions.subscriberCount === 0);
  });

  it('disconnects a subscriber that stops reading, instead of buffering for it without bound', async () => {
    const { id } = await bigPublishedAnnouncement('big', 'gce-subsea');
    const reader = await open();
    const fields = Array.from({ length: 20 }, (_, i) => `b${i}: body`).join(' ');
    reader.ws.send(
      JSON.stringify({
        id: 'big',
        type: 'subscribe',
        payload: { query: `subscription { announcementChanged { announcement { ${fields} } } }` },
      }),
    );
    await until(() => capped.subscriptions.subscriberCount === 1);
    // The client stops reading its socket: the kernel's buffers fill, then the server's.
    (reader.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    for (let i = 0; i < 8 && capped.subscriptions.subscriberCount > 0; i++) {
      await retitle(id, `Big ${i}`);
      await sleep(50);
    }
    await until(() => capped.subscriptions.subscriberCount === 0, 5000);
    (reader.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await reader.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/Slow consumer/);
  });
});
