// Webhooks against a started server and real receivers on loopback: signed deliveries verified
// with an independent HMAC, retries after a 500 and a timeout, order per webhook, redelivery,
// ping, secret rotation, SSRF refusals (no traffic to the refused address), a worker stopped
// between commit and delivery, and two instances on one PostgreSQL database.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../helpers/database.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';
import { metricValue } from '../helpers/metrics.js';
import { type Receiver, startReceiver, verifySignature, waitFor } from '../helpers/webhook-receiver.js';

// Secrets sealed at rest (WEBHOOK_SECRET_KEY) throughout, so every delivery below also opens one.
const WEBHOOKS = {
  allowedHosts: ['127.0.0.1'],
  timeoutMs: 400,
  retryScheduleMs: [150, 300],
  pollMs: 50,
  secretKey: randomBytes(32),
};

/** The database id in a webhook's id. */
const rawWebhookId = (id: string) => Number(Buffer.from(id, 'base64url').toString().split(':')[1]);

let server: TestServer;
let admin: string;
const cleanups: (() => Promise<unknown>)[] = [];
let serial = 0;

async function gql(query: string, variables: Record<string, unknown> = {}, token: string | null = admin, target = server) {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function data(query: string, variables: Record<string, unknown> = {}, token: string | null = admin, target = server) {
  const result = await gql(query, variables, token, target);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

const CREATE = `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id url events enabled version cursor filter { clusters levels } } } }`;
const DELIVERIES = `query ($first: Int, $status: WebhookDeliveryStatus) { webhooks(first: 100) { nodes { id enabled disabledReason version
  deliveries(first: $first, filter: { status: $status }) { totalCount nodes { id kind eventPosition attempt status httpStatus durationMs responseExcerpt nextAttemptAt createdAt } } } } }`;

async function createWebhook(receiver: Receiver, input: Record<string, unknown> = {}, token = admin) {
  const created = (await data(CREATE, { input: { url: receiver.url, events: ['CLUSTER_CHANGED'], ...input } }, token))
    .createWebhook;
  cleanups.push(() =>
    gql('mutation ($id: ID!) { deleteWebhook(input: { id: $id }) { deletedWebhookId } }', { id: created.webhook.id }),
  );
  return created as { secret: string; webhook: { id: string; version: number; cursor: string } };
}

async function deliveriesOf(id: string, status?: string) {
  const nodes = (await data(DELIVERIES, { first: 100, status })).webhooks.nodes as any[];
  return nodes.find((n) => n.id === id);
}

/** Creates a cluster (one CLUSTER_CHANGED event); returns its slug. */
async function createCluster(prefix = 'hook'): Promise<string> {
  const slug = `${prefix}-${process.pid}-${++serial}`;
  await data(
    `mutation ($slug: String!) { createCluster(input: { slug: $slug, name: $slug, level: ARENA, county: "Oslo", city: "Oslo", admittedOn: "2020-01-01", sectors: ["testing"] }) { cluster { id } } }`,
    { slug },
  );
  return slug;
}

async function receiver(answer?: Parameters<typeof startReceiver>[1], host = '127.0.0.1') {
  const r = await startReceiver(host, answer);
  cleanups.push(() => r.close());
  return r;
}

beforeAll(async () => {
  server = await startTestServer({ webhooks: WEBHOOKS });
  admin = await issueToken({ orm: server.orm }, TokenRole.ADMIN);
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});
afterAll(() => server?.stop());

describe('creating webhooks', () => {
  it('returns the secret once, in the Standard Webhooks form, and audits the write', async () => {
    const r = await receiver();
    const { secret, webhook } = await createWebhook(r, { description: 'CRM' });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(webhook).toMatchObject({
      url: r.url,
      events: ['CLUSTER_CHANGED'],
      enabled: true,
      filter: { clusters: [], levels: null },
    });
    const listed = await data('{ webhooks { totalCount nodes { id url } } }');
    expect(listed.webhooks.nodes.map((n: any) => n.id)).toContain(webhook.id);
    expect(JSON.stringify(listed)).not.toContain(secret.slice(6));
    const [stored] = await server.orm.em
      .fork()
      .getConnection()
      .execute(`select secret from webhook where id = ${rawWebhookId(webhook.id)}`);
    expect(stored.secret).toMatch(/^enc:v1:/);
    expect(stored.secret).not.toContain(secret.slice(6));
    const audit = await data('{ auditLog(filter: { entityType: "Webhook" }) { nodes { action changes { field after } } } }');
    expect(audit.auditLog.nodes.map((n: any) => n.action)).toContain('webhook.create');
    expect(JSON.stringify(audit)).not.toContain(secret.slice(6));
  });

  it('lets an EDITOR manage only webhooks filtered to its clusters', async () => {
    const own = await createCluster('editor-own');
    const other = await createCluster('editor-other');
    const editor = await issueToken({ orm: server.orm }, TokenRole.EDITOR, [own]);
    const reader = await issueToken({ orm: server.orm }, TokenRole.READER, [own]);
    const r = await receiver();
    const mine = await createWebhook(r, { filter: { clusters: [own] } }, editor);
    expect(mine.webhook).toMatchObject({ filter: { clusters: [own] } });
    const input = (filter: unknown) => ({ input: { url: r.url, events: ['CLUSTER_CHANGED'], filter } });
    const codes = async (variables: Record<string, unknown>, token: string | null) =>
      (await gql(CREATE, variables, token)).errors?.map((e) => e.extensions?.code);
    expect(await codes(input(null), editor)).toEqual(['FORBIDDEN']);
    expect(await codes(input({ clusters: [own, other] }), editor)).toEqual(['FORBIDDEN']);
    expect(await codes(input({ clusters: [own] }), reader)).toEqual(['FORBIDDEN']);
    expect(await codes(input({ clusters: [own] }), null)).toEqual(['UNAUTHENTICATED']);
    expect(await codes(input({ clusters: ['no-such-cluster'] }), admin)).toEqual(['BAD_USER_INPUT']);
    const adminOnly = await createWebhook(r, {});
    const seen = await data('{ webhooks { nodes { id } } }', {}, editor);
    expect(seen.webhooks.nodes.map((n: any) => n.id)).toEqual([mine.webhook.id]);
    const refused = await gql(
      'mutation ($id: ID!) { pingWebhook(input: { id: $id }) { delivery { id } } }',
      { id: adminOnly.webhook.id },
      editor,
    );
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
  it('updates with the version read (stale: CONFLICT; a refused URL: BAD_USER_INPUT) and deletes with the delivery log', async () => {
    const r = await receiver();
    const { webhook } = await createWebhook(r);
    const UPDATE = `mutation ($input: UpdateWebhookInput!) { updateWebhook(input: $input) { webhook { version description events } } }`;
    const updated = (
      await data(UPDATE, {
        input: {
          id: webhook.id,
          version: webhook.version,
          description: 'Newsroom',
          events: ['ANNOUNCEMENT_CHANGED', 'CLUSTER_CHANGED'],
        },
      })
    ).updateWebhook.webhook;
    expect(updated).toMatchObject({
      description: 'Newsroom',
      events: ['ANNOUNCEMENT_CHANGED', 'CLUSTER_CHANGED'],
      version: webhook.version + 1,
    });
    const stale = await gql(UPDATE, { input: { id: webhook.id, version: webhook.version, description: 'Late' } });
    expect(stale.errors?.[0].extensions?.code).toBe('CONFLICT');
    const refused = await gql(UPDATE, { input: { id: webhook.id, version: updated.version, url: 'https://169.254.169.254/' } });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
    await data('mutation ($id: ID!) { pingWebhook(input: { id: $id }) { delivery { id } } }', { id: webhook.id });
    await waitFor(() => r.requests.length >= 1, 10_000, 'the ping');
    const deleted = await data('mutation ($id: ID!) { deleteWebhook(input: { id: $id }) { deletedWebhookId } }', {
      id: webhook.id,
    });
    expect(deleted.deleteWebhook.deletedWebhookId).toBe(webhook.id);
    expect((await data('{ webhooks { nodes { id } } }')).webhooks.nodes.map((n: any) => n.id)).not.toContain(webhook.id);
    const again = await gql('mutation ($id: ID!) { deleteWebhook(input: { id: $id }) { deletedWebhookId } }', { id: webhook.id });
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const malformed = await gql(UPDATE, { input: { id: 'nope', version: 1 } });
    expect(malformed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.id' });
    const [{ count }] = await server.orm.em
      .fork()
      .getConnection()
      .execute(`select count(*) as count from webhook_delivery where webhook_id = ${rawWebhookId(webhook.id)}`);
    expect(Number(count)).toBe(0);
  });
});

describe('delivery', () => {
  it('POSTs each later event, signed (verified with an independent HMAC), with the object as an anonymous reader sees it', async () => {
    const before = await createCluster();
    const r = await receiver();
    const { secret, webhook } = await createWebhook(r);
    const slug = await createCluster();
    await waitFor(() => r.requests.length >= 1, 10_000, 'a delivery');
    await new Promise((res) => setTimeout(res, 200));
    expect(r.requests).toHaveLength(1);
    const [delivery] = r.requests;
    expect(verifySignature(secret, delivery)).toBe(true);
    expect(verifySignature(secret, { ...delivery, body: delivery.body.replace(slug, `${slug}x`) })).toBe(false);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['webhook-id']).toMatch(/^msg_/);
    expect(delivery.json).toMatchObject({
      type: 'CLUSTER_CHANGED',
      kind: 'CREATED',
      cluster: { slug, name: slug, level: 'ARENA', status: 'ACTIVE' },
    });
    expect(delivery.json.position).toMatch(/^\d{16}$/);
    expect(delivery.json.position > webhook.cursor).toBe(true);
    expect(typeof delivery.json.clusterId).toBe('string');
    expect(Date.parse(delivery.json.occurredAt)).not.toBeNaN();
    expect(JSON.stringify(delivery.json)).not.toContain(before);
    const { deliveries } = await waitFor(async () => {
      const d = await deliveriesOf(webhook.id);
      return d.deliveries.nodes[0]?.status === 'DELIVERED' ? d : null;
    });
    expect(deliveries.totalCount).toBe(1);
    expect(deliveries.nodes[0]).toMatchObject({
      kind: 'EVENT',
      attempt: 1,
      httpStatus: 204,
      nextAttemptAt: null,
      eventPosition: delivery.json.position,
    });
  });

  it('delivers in log order, each event once', async () => {
    const r = await receiver(() => ({ status: 200, delayMs: 10 }));
    await createWebhook(r);
    const slugs: string[] = [];
    for (let i = 0; i < 8; i++) slugs.push(await createCluster('order'));
    await waitFor(() => r.requests.length >= 8, 15_000, 'eight deliveries');
    await new Promise((res) => setTimeout(res, 200));
    expect(r.requests.map((q) => q.json.cluster.slug)).toEqual(slugs);
    const positions = r.requests.map((q) => q.json.position);
    expect([...positions].sort()).toEqual(positions);
    expect(new Set(r.requests.map((q) => q.headers['webhook-id'])).size).toBe(8);
  });

  it('retries after a 500, with the same message id, and records each attempt', async () => {
    const r = await receiver((n) => ({ status: n === 0 ? 500 : 204 }));
    const { secret, webhook } = await createWebhook(r);
    await createCluster();
    await waitFor(() => r.requests.length >= 2, 10_000, 'a retry');
    expect(r.requests[0].headers['webhook-id']).toBe(r.requests[1].headers['webhook-id']);
    expect(r.requests.every((q) => verifySignature(secret, q))).toBe(true);
    expect(r.requests[1].at - r.requests[0].at).toBeGreaterThanOrEqual(100);
    const d = await waitFor(async () => {
      const w = await deliveriesOf(webhook.id);
      return w.deliveries.nodes[0]?.status === 'DELIVERED' ? w : null;
    });
    const [second, first] = d.deliveries.nodes;
    expect(first).toMatchObject({ attempt: 1, status: 'FAILED', httpStatus: 500, responseExcerpt: 'answer 500' });
    expect(first.nextAttemptAt).not.toBeNull();
    expect(second).toMatchObject({ attempt: 2, status: 'DELIVERED', httpStatus: 204 });
    expect((await deliveriesOf(webhook.id, 'FAILED')).deliveries.totalCount).toBe(1);
  });

  it('retries after a timeout', async () => {
    const r = await receiver((n) => ({ status: 204, delayMs: n === 0 ? 2000 : 0 }));
    const { webhook } = await createWebhook(r);
    await createCluster();
    const d = await waitFor(async () => {
      const w = await deliveriesOf(webhook.id);
      return w.deliveries.nodes[0]?.status === 'DELIVERED' ? w : null;
    });
    const [second, first] = d.deliveries.nodes;
    expect(first).toMatchObject({ attempt: 1, status: 'FAILED', httpStatus: null });
    expect(first.responseExcerpt).toMatch(/timeout/);
    expect(first.durationMs).toBeGreaterThanOrEqual(WEBHOOKS.timeoutMs - 5);
    expect(first.durationMs).toBeLessThan(1500);
    expect(second).toMatchObject({ attempt: 2, status: 'DELIVERED' });
  });

  it('gives an event up when its retries run out, disables the webhook with a reason, and goes on once re-enabled', async () => {
    let healthy = false;
    const r = await receiver(() => ({ status: healthy ? 204 : 503 }));
    const { webhook } = await createWebhook(r);
    const failed = await createCluster('gives-up');
    const w = await waitFor(async () => {
      const x = await deliveriesOf(webhook.id);
      return x.enabled === false ? x : null;
    });
    expect(w.disabledReason).toMatch(/HTTP 503/);
    expect(w.deliveries.nodes.map((n: any) => [n.attempt, n.status])).toEqual([
      [3, 'FAILED'],
      [2, 'FAILED'],
      [1, 'FAILED'],
    ]);
    expect(w.deliveries.nodes[0].nextAttemptAt).toBeNull();
    const later = await createCluster('while-disabled');
    await new Promise((res) => setTimeout(res, 300));
    expect(r.requests).toHaveLength(3);
    healthy = true;
    await data(
      'mutation ($id: ID!, $v: Int!) { updateWebhook(input: { id: $id, version: $v, enabled: true }) { webhook { enabled } } }',
      {
        id: webhook.id,
        v: w.version,
      },
    );
    await waitFor(() => r.requests.some((q) => q.json.cluster?.slug === later), 10_000, 'the event after re-enabling');
    expect(r.requests.filter((q) => q.json.cluster?.slug === failed)).toHaveLength(3);
  });

  it('counts and times attempts by kind and outcome, and shows webhooks by state and the lag in /metrics', async () => {
    const attempts = async () => {
      const text = await (await fetch(`${server.origin}/metrics`)).text();
      const count = (outcome: string) =>
        metricValue(text, 'klynge_webhook_attempt_duration_seconds_count', ['kind="EVENT"', `outcome="${outcome}"`]) || 0;
      return { text, delivered: count('delivered'), failed: count('failed') };
    };
    const before = await attempts();
    const r = await receiver((n) => ({ status: n === 0 ? 500 : 204 }));
    const { webhook } = await createWebhook(r);
    await createCluster();
    await waitFor(async () => (await deliveriesOf(webhook.id, 'DELIVERED')).deliveries.totalCount === 1);
    const after = await attempts();
    expect(after.failed - before.failed).toBeGreaterThanOrEqual(1);
    expect(after.delivered - before.delivered).toBeGreaterThanOrEqual(1);
    expect(metricValue(after.text, 'klynge_webhooks', ['state="enabled"'])).toBeGreaterThanOrEqual(1);
    expect(metricValue(after.text, 'klynge_webhooks', ['state="disabled"'])).toBeGreaterThanOrEqual(0);
    expect(metricValue(after.text, 'klynge_webhook_lag_events')).toBeGreaterThanOrEqual(0);
  });

  it('redelivers an attempt once, with its message id, and pings', async () => {
    const r = await receiver();
    const { secret, webhook } = await createWebhook(r);
    await createCluster();
    const first = await waitFor(async () => (await deliveriesOf(webhook.id, 'DELIVERED')).deliveries.nodes[0]);
    const redelivery = (
      await data(
        'mutation ($id: ID!) { redeliverWebhookDelivery(input: { id: $id }) { delivery { id kind attempt status eventPosition } } }',
        { id: first.id },
      )
    ).redeliverWebhookDelivery.delivery;
    expect(redelivery).toMatchObject({ kind: 'REDELIVERY', attempt: 2, status: 'PENDING', eventPosition: first.eventPosition });
    await waitFor(() => r.requests.length >= 2, 10_000, 'the redelivery');
    expect(r.requests[1].headers['webhook-id']).toBe(r.requests[0].headers['webhook-id']);
    expect(r.requests[1].json.position).toBe(first.eventPosition);
    const ping = (
      await data('mutation ($id: ID!) { pingWebhook(input: { id: $id }) { delivery { id kind status } } }', { id: webhook.id })
    ).pingWebhook.delivery;
    expect(ping).toMatchObject({ kind: 'PING', status: 'PENDING' });
    await waitFor(() => r.requests.length >= 3, 10_000, 'the ping');
    expect(r.requests[2].json).toMatchObject({ type: 'PING', webhookId: webhook.id });
    expect(verifySignature(secret, r.requests[2])).toBe(true);
    await waitFor(async () => (await deliveriesOf(webhook.id, 'DELIVERED')).deliveries.totalCount === 3);
    await new Promise((res) => setTimeout(res, 200));
    expect(r.requests).toHaveLength(3);
  });

  it('signs with the new secret alone after a rotation without overlap (the old one no longer verifies)', async () => {
    const r = await receiver();
    const { secret: old, webhook } = await createWebhook(r);
    const rotated = (
      await data(
        'mutation ($id: ID!) { rotateWebhookSecret(input: { id: $id, overlapHours: 0 }) { secret webhook { id previousSecretExpiresAt } } }',
        { id: webhook.id },
      )
    ).rotateWebhookSecret;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(old);
    expect(rotated.webhook.previousSecretExpiresAt).toBeNull();
    await createCluster();
    await waitFor(() => r.requests.length >= 1, 10_000, 'a delivery');
    expect(verifySignature(rotated.secret, r.requests[0])).toBe(true);
    expect(verifySignature(old, r.requests[0])).toBe(false);
    expect(r.requests[0].headers['webhook-signature']).not.toContain(' ');
  });

  it('signs with the old secret too during a rotation overlap (24 hours unless asked otherwise)', async () => {
    const r = await receiver();
    const { secret: old, webhook } = await createWebhook(r);
    const rotate = (overlap: string) =>
      data(
        `mutation ($id: ID!) { rotateWebhookSecret(input: { id: $id${overlap} }) { secret webhook { previousSecretExpiresAt } } }`,
        {
          id: webhook.id,
        },
      ).then((d) => d.rotateWebhookSecret);
    const before = Date.now();
    const rotated = await rotate('');
    const until = Date.parse(rotated.webhook.previousSecretExpiresAt);
    expect(until - before).toBeGreaterThanOrEqual(24 * 3_600_000 - 1_000);
    expect(until - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    await createCluster();
    await waitFor(() => r.requests.length >= 1, 10_000, 'a delivery');
    expect(r.requests[0].headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(verifySignature(rotated.secret, r.requests[0])).toBe(true);
    expect(verifySignature(old, r.requests[0])).toBe(true);

    // A second rotation keeps only the secret just replaced beside the new one.
    const again = await rotate(', overlapHours: 1');
    expect(Date.parse(again.webhook.previousSecretExpiresAt) - Date.now()).toBeLessThanOrEqual(3_600_000);
    await createCluster();
    await waitFor(() => r.requests.length >= 2, 10_000, 'a second delivery');
    expect(verifySignature(again.secret, r.requests[1])).toBe(true);
    expect(verifySignature(rotated.secret, r.requests[1])).toBe(true);
    expect(verifySignature(old, r.requests[1])).toBe(false);

    const refused = await gql('mutation ($id: ID!) { rotateWebhookSecret(input: { id: $id, overlapHours: 169 }) { secret } }', {
      id: webhook.id,
    });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'overlapHours' });
  });

  it('does not follow redirects', async () => {
    const target = await receiver();
    const r = await receiver(() => ({ status: 307, headers: { location: target.url } }));
    const { webhook } = await createWebhook(r);
    await createCluster();
    const w = await waitFor(async () => (await deliveriesOf(webhook.id, 'FAILED')).deliveries.nodes[0]);
    expect(w).toMatchObject({ status: 'FAILED', httpStatus: 307 });
    expect(target.connections).toBe(0);
  });
});

describe('server-side request forgery', () => {
  it('refuses URLs that are not https or point to loopback, private, link-local or metadata addresses, sending nothing', async () => {
    // 127.0.0.2 is loopback too, but not among the allowed hosts.
    const trap = await receiver(undefined, '127.0.0.2');
    const port = new URL(trap.url).port;
    for (const url of [
      `https://127.0.0.2:${port}/hook`,
      `http://127.0.0.2:${port}/hook`,
      `https://localhost:${port}/hook`,
      `https://[::ffff:127.0.0.2]:${port}/hook`,
      `https://[::1]:${port}/hook`,
      'https://10.1.2.3/hook',
      'https://192.168.1.1/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00:ec2::254]/',
      'http://example.com/hook',
      'ftp://example.com/hook',
      'https://user:pw@example.com/hook',
    ]) {
      const result = await gql(CREATE, { input: { url, events: ['CLUSTER_CHANGED'] } });
      expect(result.errors?.[0].extensions, url).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
    }
    expect(trap.connections).toBe(0);
  });

  it('checks the address again at every delivery, before connecting', async () => {
    const trap = await receiver(undefined, '127.0.0.2');
    const r = await receiver();
    const { webhook } = await createWebhook(r);
    // As if the host had resolved to a public address at creation and to a private one now.
    const id = rawWebhookId(webhook.id);
    await server.orm.em.fork().getConnection().execute(`update webhook set url = '${trap.url}' where id = ${id}`);
    await createCluster();
    const w = await waitFor(async () => (await deliveriesOf(webhook.id, 'FAILED')).deliveries.nodes[0]);
    expect(w).toMatchObject({ status: 'FAILED', httpStatus: null });
    expect(w.responseExcerpt).toMatch(/refused/);
    expect(trap.connections).toBe(0);
  });
});

describe('restarts and instances', () => {
  it('delivers an event committed while no worker ran, once one runs again', async () => {
    const r = await receiver();
    const { secret } = await createWebhook(r);
    const worker = server.webhooks;
    if (!worker) throw new Error('no webhook worker');
    await worker.stop(); // as if the process had died right after the commit
    const slug = await createCluster('while-down');
    await new Promise((res) => setTimeout(res, 300));
    expect(r.requests).toHaveLength(0);
    const second = await startTestServer({ database: server.database, webhooks: WEBHOOKS });
    try {
      await waitFor(() => r.requests.length >= 1, 10_000, 'the delivery after the restart');
      expect(r.requests[0].json.cluster.slug).toBe(slug);
      expect(verifySignature(secret, r.requests[0])).toBe(true);
      await new Promise((res) => setTimeout(res, 200));
      expect(r.requests).toHaveLength(1);
    } finally {
      await second.stop();
    }
    server.webhooks?.start(server.events);
  });

  it.runIf(TEST_DIALECT === 'postgresql')('delivers each event once with two instances on one PostgreSQL database', async () => {
    const second = await startTestServer({ database: server.database, webhooks: WEBHOOKS });
    const before = server.webhooks?.attempts ?? 0;
    try {
      const receivers = await Promise.all([0, 1, 2, 3].map(() => receiver(() => ({ status: 204, delayMs: 5 }))));
      for (const r of receivers) await createWebhook(r);
      const slugs: string[] = [];
      for (let i = 0; i < 12; i++) slugs.push(await createCluster('two-instances'));
      for (const r of receivers) await waitFor(() => r.requests.length >= 12, 20_000, 'twelve deliveries per webhook');
      await new Promise((res) => setTimeout(res, 500));
      for (const r of receivers) {
        expect(r.requests.map((q) => q.json.cluster.slug)).toEqual(slugs);
        expect(new Set(r.requests.map((q) => q.headers['webhook-id'])).size).toBe(12);
      }
      // No attempt was made twice: 4 webhooks × 12 events between the two (each webhook is held by one at a time).
      const first = (server.webhooks?.attempts ?? 0) - before;
      expect(first + (second.webhooks?.attempts ?? 0)).toBe(48);
      console.info(`two instances: ${first} and ${second.webhooks?.attempts} attempts`);
    } finally {
      await second.stop();
    }
  });

  it.skipIf(TEST_DIALECT === 'postgresql')(
    'two instances: skipped on SQLite, where one process delivers (run with DATABASE_URL=postgres://…)',
    () => {},
  );
});
