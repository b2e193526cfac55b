// GET /metrics in Prometheus' text format: requests, errors by code and durations by operation
// type, the database pool, WebSockets and subscriptions; and one log line per request.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue } from '../helpers/metrics.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { subscribe, wsClient } from '../helpers/ws.js';

const post = (server: TestServer, query: string) =>
  fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

const value = metricValue;

describe('metrics', () => {
  let server: TestServer;
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    server = await startTestServer({ slowQueryMs: 100_000 }, { logger: pino({ level: 'info' }, sink) });
  });
  afterAll(() => server?.stop());

  it('counts requests and errors by code, times them, and shows the pool, sockets and subscriptions', async () => {
    await post(server, '{ clusters(first: 1) { totalCount } }');
    await post(server, '{ nodes(ids: ["Q2x1c3Rlcjox", "Q2x1c3Rlcjoy"]) { id } }');
    await post(server, '{ cluster(slug: "gce-subsea") { members(first: 1000) { totalCount } } }');
    const client = wsClient(server.url);
    const sub = subscribe(client, 'subscription { clusterChanged { position } }');
    for (let i = 0; i < 100 && server.subscriptions.subscriberCount === 0; i++) await new Promise((r) => setTimeout(r, 10));

    const response = await fetch(`${server.origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    expect(value(text, 'klynge_graphql_requests_total', ['operation="query"', 'outcome="ok"'])).toBeGreaterThanOrEqual(1);
    expect(value(text, 'klynge_graphql_requests_total', ['operation="query"', 'outcome="error"'])).toBeGreaterThanOrEqual(1);
    expect(value(text, 'klynge_graphql_errors_total', ['code="PAGE_SIZE_EXCEEDED"'])).toBe(1);
    expect(value(text, 'klynge_graphql_request_duration_seconds_count', ['operation="query"'])).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^klynge_db_pool_connections\{state="used"/m);
    expect(value(text, 'klynge_db_statements_per_request_count')).toBeGreaterThanOrEqual(2);
    expect(value(text, 'klynge_dataloader_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'klynge_websocket_connections')).toBe(1);
    expect(value(text, 'klynge_subscriptions')).toBe(1);
    expect(text).toMatch(/^process_resident_memory_bytes/m);
    sub.unsubscribe();
    await client.dispose();

    const requestLines = logLines.filter((l) => l.msg === 'request');
    expect(requestLines.length).toBeGreaterThanOrEqual(2);
    expect(requestLines.at(-1)).toMatchObject({ operation: 'query', outcome: 'error', codes: ['PAGE_SIZE_EXCEEDED'] });
    expect(requestLines.at(-1)?.requestId).toEqual(expect.any(String));
    expect(requestLines.at(-1)?.durationMs).toEqual(expect.any(Number));
    expect(requestLines.find((l) => l.outcome === 'ok')?.statements).toBeGreaterThanOrEqual(1);
    expect(requestLines.find((l) => l.outcome === 'ok')?.cost).toBeGreaterThanOrEqual(1);
  });

  it('asks for METRICS_TOKEN when one is set', async () => {
    const guarded = await startTestServer({ metricsToken: 'a-long-metrics-token' });
    try {
      expect((await fetch(`${guarded.origin}/metrics`)).status).toBe(401);
      const ok = await fetch(`${guarded.origin}/metrics`, { headers: { authorization: 'Bearer a-long-metrics-token' } });
      expect(ok.status).toBe(200);
    } finally {
      await guarded.stop();
    }
  });

  it('logs a slow operation with its document hash', async () => {
    const slowLines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) slowLines.push(JSON.parse(line));
        done();
      },
    });
    const slow = await startTestServer({ slowQueryMs: 1 }, { logger: pino({ level: 'warn' }, sink) });
    try {
      await post(slow, '{ clusters(first: 50) { nodes { name members(first: 10) { nodes { role } } } } }');
      const warned = slowLines.find((l) => l.msg === 'slow operation');
      expect(warned?.queryHash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await slow.stop();
    }
  });
});
