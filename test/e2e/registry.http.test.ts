// Organization.registry over HTTP on a started server whose register is a local one (127.0.0.1):
// one call per page, REGISTRY_UNAVAILABLE in the JSON a client gets (graphql-jit's execution path
// included), the rest of the data intact, and what the server logs at start.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainUnit } from '../fixtures/register.js';
import { type LocalRegister, localRegistryConfig, startLocalRegister } from '../helpers/register-server.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };

async function post(server: TestServer, query: string) {
  const response = await fetch(server.url, { method: 'POST', headers: HEADERS, body: JSON.stringify({ query }) });
  return {
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
    body: (await response.json()) as { data?: any; errors?: { message: string; path?: unknown[]; extensions?: any }[] },
  };
}

/** A logger that keeps the server's log lines (JSON). */
function capturedLogger() {
  const lines: { msg: string; [key: string]: unknown }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const PAGE = '{ organizations(first: 25) { totalCount nodes { name orgNumber registry { legalName employees } } } }';

describe('with the register on (a local one)', () => {
  let local: LocalRegister;
  let server: TestServer;
  let lines: ReturnType<typeof capturedLogger>['lines'];

  beforeAll(async () => {
    local = await startLocalRegister();
    const captured = capturedLogger();
    lines = captured.lines;
    server = await startTestServer({ registry: localRegistryConfig(local.url, { timeoutMs: 500 }) }, { logger: captured.logger });
    // The register knows every seeded organization (synthetic units for their numbers).
    const numbers = await post(server, '{ organizations(first: 100) { nodes { orgNumber } } }');
    for (const { orgNumber } of numbers.body.data.organizations.nodes) local.units.set(orgNumber, plainUnit(orgNumber));
    expect(local.calls).toHaveLength(0);
  });
  afterAll(async () => {
    await server?.stop();
    await local?.close();
  });

  it('logs at start that the register is on, and where', () => {
    expect(lines.find((l) => l.msg === 'company register: on')).toMatchObject({ url: local.url, cache: 'in-process LRU' });
  });

  // Before anything is cached: every registry field of the page must ask the register.
  it('an outage is REGISTRY_UNAVAILABLE on each registry field, HTTP 200, the rest intact, not cached', async () => {
    local.behaviour = { kind: 'status', status: 500 };
    try {
      const result = await post(server, '{ organizations(first: 3) { totalCount nodes { name registry { legalName } } } }');
      expect(result.status).toBe(200);
      expect(result.body.data.organizations.totalCount).toBeGreaterThan(3);
      expect(result.body.data.organizations.nodes).toEqual(Array(3).fill({ name: expect.any(String), registry: null }));
      const errors = result.body.errors ?? [];
      expect(errors.map((e) => e.extensions.code)).toEqual(Array(3).fill('REGISTRY_UNAVAILABLE'));
      expect(errors.map((e) => e.path)).toEqual([0, 1, 2].map((i) => ['organizations', 'nodes', i, 'registry']));
      for (const error of errors) {
        expect(error.message).toBe('The company register is unavailable; try again shortly.');
        expect(Object.keys(error.extensions)).toEqual(['code']);
      }
      expect(result.cacheControl).toBe('private, no-store');
      local.calls.length = 0;
    } finally {
      local.behaviour = { kind: 'ok' };
    }
  });

  it('answers a page of 25 with one call, and again from the cache with none', async () => {
    const first = await post(server, PAGE);
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeUndefined();
    const nodes = first.body.data.organizations.nodes;
    expect(nodes).toHaveLength(25);
    expect(nodes.every((n: any) => n.registry?.legalName === `TESTKLYNGE ${n.orgNumber} AS`)).toBe(true);
    expect(local.calls).toHaveLength(1);
    expect(local.calls[0].userAgent).toMatch(/^klynge\//);
    expect(first.cacheControl).toMatch(/^public/);
    const again = await post(server, PAGE);
    expect(again.body).toEqual(first.body);
    expect(local.calls).toHaveLength(1);
  });

  it('reports its calls by outcome and the breaker in the metrics', async () => {
    const text = await (await fetch(`${server.origin}/metrics`)).text();
    const sample = (prefix: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(prefix))
          ?.split(' ')
          .at(-1),
      );
    expect(sample('klynge_registry_calls_total{outcome="success"')).toBeGreaterThanOrEqual(1);
    expect(sample('klynge_registry_calls_total{outcome="failure"')).toBeGreaterThanOrEqual(1);
    expect(sample('klynge_registry_circuit_open')).toBe(0);
  });
});

describe('with the register off (the test servers’ default)', () => {
  let server: TestServer;
  let lines: ReturnType<typeof capturedLogger>['lines'];
  beforeAll(async () => {
    const captured = capturedLogger();
    lines = captured.lines;
    server = await startTestServer({}, { logger: captured.logger });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('logs at start that it is off', () => {
    expect(lines.some((l) => /^company register: off/.test(l.msg))).toBe(true);
  });

  it('answers REGISTRY_UNAVAILABLE (switched off) per field, with the rest of the data', async () => {
    const result = await post(server, '{ organizations(first: 2) { nodes { name registry { legalName } } } }');
    expect(result.status).toBe(200);
    expect(result.body.data.organizations.nodes).toEqual([
      { name: expect.any(String), registry: null },
      { name: expect.any(String), registry: null },
    ]);
    expect(result.body.errors?.map((e) => [e.extensions.code, e.message])).toEqual([
      ['REGISTRY_UNAVAILABLE', 'The company register is switched off on this server (REGISTRY_ENABLED=false).'],
      ['REGISTRY_UNAVAILABLE', 'The company register is switched off on this server (REGISTRY_ENABLED=false).'],
    ]);
  });
});
