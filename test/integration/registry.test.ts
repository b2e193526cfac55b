// Organization.registry against a local register (127.0.0.1) answering in the documented HAL
// format: the mapping, batching (calls per page), the cache, and how an outage degrades (timeouts,
// retries, 400/500/garbage, the circuit breaker) while the rest of the response stays intact.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HttpCompanyRegister } from '../../src/connectors/company-register.connector.js';
import { USER_AGENT } from '../../src/connectors/company-register.connector.js';
import { MemoryRegistryCache } from '../../src/connectors/registry-cache.js';
import {
  BAD_REQUEST_BODY,
  BANKRUPT_UNIT,
  DELETED_UNIT,
  FULL_UNIT,
  NO_EMPLOYEES_UNIT,
  UNKNOWN_NUMBER,
  plainUnit,
  syntheticOrgNumber,
} from '../fixtures/register.js';
import { type TestApi, createTestApi, errorCodes } from '../helpers/api.js';
import { insertClusters, insertMemberships, insertOrganizations } from '../helpers/fixtures.js';
import { type LocalRegister, localCompanyRegister, startLocalRegister } from '../helpers/register-server.js';

const PLAIN_NUMBERS = Array.from({ length: 30 }, (_, i) => syntheticOrgNumber(77_710_000 + i * 10));
const SPECIAL = [FULL_UNIT, NO_EMPLOYEES_UNIT, DELETED_UNIT, BANKRUPT_UNIT];

let local: LocalRegister;
/** One in-process API per register under test; the database is created once per API. */
let api: TestApi;
let register: HttpCompanyRegister;
let logs: ReturnType<typeof localCompanyRegister>['logs'];
const CLUSTER = 'registry-test-cluster';

beforeAll(async () => {
  local = await startLocalRegister([...SPECIAL, ...PLAIN_NUMBERS.map((n) => plainUnit(n))]);
});
afterAll(async () => {
  await local.close();
});

/** A fresh API (own database and data) over a fresh register connector with these options. */
async function setUp(options: Parameters<typeof localCompanyRegister>[1] = {}) {
  ({ register, logs } = localCompanyRegister(local, options));
  api = await createTestApi({ demo: false, register });
  const [clusterId] = await insertClusters(api, [{ slug: CLUSTER, name: 'Registry Test Cluster' }]);
  const orgNumbers = [...SPECIAL.map((u) => u.organisasjonsnummer), UNKNOWN_NUMBER, ...PLAIN_NUMBERS];
  const ids = await insertOrganizations(
    api,
    orgNumbers.map((orgNumber, i) => ({ orgNumber, name: `Org ${String(i).padStart(2, '0')}` })),
  );
  await insertMemberships(
    api,
    ids.map((organizationId, i) => ({ clusterId, organizationId, joinedOn: `2020-01-${String((i % 28) + 1).padStart(2, '0')}` })),
  );
  local.calls.length = 0;
  local.queue.length = 0;
  local.behaviour = { kind: 'ok' };
  local.maxConcurrent = 0;
}

afterEach(async () => {
  await api?.dispose();
  await register?.close();
});

const ENTRY_FIELDS = `orgNumber legalName legalForm { code description } industries { code description } employees website
  businessAddress { lines postalCode city municipality municipalityNumber country countryCode }
  postalAddress { lines postalCode city municipality municipalityNumber country countryCode }
  registeredOn foundedOn vatRegistered bankrupt underLiquidation underForcedLiquidation deletedOn fetchedAt`;

const one = (orgNumber: string) =>
  api.query(`query ($n: String!) { organization(orgNumber: $n) { name registry { ${ENTRY_FIELDS} } } }`, { n: orgNumber });

/** The first page of the test cluster's members with their register entries (25 by default). */
const membersPage = (first = 25, entry = 'legalName') =>
  api.query(
    `query ($slug: String!, $first: Int!) { cluster(slug: $slug) { name members(first: $first) { nodes { role organization { name orgNumber registry { ${entry} } } } } } }`,
    { slug: CLUSTER, first },
  );

describe('Organization.registry: the register’s data in English names', () => {
  beforeEach(() => setUp());

  it('maps every documented field of a unit', async () => {
    const before = Date.now();
    const result = await one(FULL_UNIT.organisasjonsnummer);
    expect(result.errors).toBeUndefined();
    const entry = result.data.organization.registry;
    expect(entry).toEqual({
      orgNumber: FULL_UNIT.organisasjonsnummer,
      legalName: 'TESTKLYNGE HAVTEKNOLOGI AS',
      legalForm: { code: 'AS', description: 'Aksjeselskap' },
      industries: [
        { code: '71.129', description: 'Annen teknisk konsulentvirksomhet' },
        { code: '62.010', description: 'Programmeringstjenester' },
        { code: '72.190', description: 'Annen forskning og utviklingsarbeid innen naturvitenskap og teknikk' },
      ],
      employees: 42,
      website: 'www.testklynge-havteknologi.example',
      businessAddress: {
        lines: ['Testgaten 1', '3. etasje'],
        postalCode: '5003',
        city: 'BERGEN',
        municipality: 'BERGEN',
        municipalityNumber: '4601',
        country: 'Norge',
        countryCode: 'NO',
      },
      postalAddress: {
        lines: ['Postboks 123 Sentrum'],
        postalCode: '5020',
        city: 'BERGEN',
        municipality: 'BERGEN',
        municipalityNumber: '4601',
        country: 'Norge',
        countryCode: 'NO',
      },
      registeredOn: '2006-03-15',
      foundedOn: '2006-02-01',
      vatRegistered: true,
      bankrupt: false,
      underLiquidation: false,
      underForcedLiquidation: false,
      deletedOn: null,
      fetchedAt: expect.any(String),
    });
    expect(Date.parse(entry.fetchedAt)).toBeGreaterThanOrEqual(before - 1000);
    // One call, by the batch endpoint, naming klynge.
    expect(local.calls).toEqual([
      { path: '/enhetsregisteret/api/enheter', numbers: [FULL_UNIT.organisasjonsnummer], size: 1, userAgent: USER_AGENT },
    ]);
    expect(USER_AGENT).toMatch(/^klynge\//);
  });

  it('maps a deleted unit to deletedOn, with the fields it lacks as null', async () => {
    const entry = (await one(DELETED_UNIT.organisasjonsnummer)).data.organization.registry;
    expect(entry).toMatchObject({
      legalName: 'TESTKLYNGE NEDLAGT AS',
      legalForm: { code: 'AS', description: 'Aksjeselskap' },
      deletedOn: '2021-06-30',
      industries: [],
      employees: null,
      businessAddress: null,
      registeredOn: null,
      vatRegistered: null,
      bankrupt: null,
    });
  });

  it('gives null employees where none are registered, and reports bankruptcy and forced liquidation', async () => {
    const plain = (await one(NO_EMPLOYEES_UNIT.organisasjonsnummer)).data.organization.registry;
    expect(plain).toMatchObject({ employees: null, vatRegistered: false, postalAddress: null, deletedOn: null });
    const bankrupt = (await one(BANKRUPT_UNIT.organisasjonsnummer)).data.organization.registry;
    expect(bankrupt).toMatchObject({ employees: 3, bankrupt: true, underLiquidation: false, underForcedLiquidation: true });
  });

  it('is null, without an error, for a number the register does not know', async () => {
    const result = await one(UNKNOWN_NUMBER);
    expect(result.errors).toBeUndefined();
    expect(result.data.organization).toEqual({ name: expect.any(String), registry: null });
    expect(local.calls).toHaveLength(1);
  });
});

describe('batching: one call per page', () => {
  afterEach(() => {
    expect(local.calls.every((c) => c.path === '/enhetsregisteret/api/enheter')).toBe(true);
  });

  it('asks for the 25 organizations of a page in one call, sized to fit', async () => {
    await setUp();
    const result = await membersPage(25);
    expect(result.errors).toBeUndefined();
    const nodes = result.data.cluster.members.nodes;
    expect(nodes).toHaveLength(25);
    expect(local.calls).toHaveLength(1);
    expect(local.calls[0].numbers).toHaveLength(25);
    expect(local.calls[0].size).toBe(25);
    expect(new Set(local.calls[0].numbers)).toEqual(new Set(nodes.map((n: any) => n.organization.orgNumber)));
    // Every known number got its unit, the unknown one null.
    for (const { organization } of nodes) {
      if (organization.orgNumber === UNKNOWN_NUMBER) expect(organization.registry).toBeNull();
      else expect(organization.registry.legalName).toMatch(/^TESTKLYNGE /);
    }
  });

  it('asks for root-list organizations in one call too, and for the same number once', async () => {
    await setUp();
    const result = await api.query(
      `{ organizations(first: 25) { nodes { registry { orgNumber } again: registry { legalName } } }
         x: organization(orgNumber: "${FULL_UNIT.organisasjonsnummer}") { registry { legalName } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(local.calls).toHaveLength(1);
    expect(new Set(local.calls[0].numbers).size).toBe(local.calls[0].numbers.length);
  });

  it('reads the org number even when only registry is selected under a page', async () => {
    await setUp();
    const result = await api.query(
      `query ($slug: String!) { cluster(slug: $slug) { members(first: 10) { nodes { organization { registry { orgNumber } } } } } }`,
      { slug: CLUSTER },
    );
    expect(result.errors).toBeUndefined();
    const entries = result.data.cluster.members.nodes.map((n: any) => n.organization.registry);
    expect(entries.filter((e: unknown) => e !== null).length).toBeGreaterThanOrEqual(9);
  });

  it('splits a request into batches of the configured size, with bounded concurrency', async () => {
    await setUp({ batchSize: 10, concurrency: 2 });
    local.behaviour = { kind: 'slow', delayMs: 50 };
    const result = await membersPage(35);
    expect(result.errors).toBeUndefined();
    // Two calls at a time: the last two may reach the register in either order.
    const largestFirst = (sizes: (number | null)[]) => [...sizes].sort((a, b) => (b ?? 0) - (a ?? 0));
    expect(largestFirst(local.calls.map((c) => c.numbers.length))).toEqual([10, 10, 10, 5]);
    expect(largestFirst(local.calls.map((c) => c.size))).toEqual([10, 10, 10, 5]);
    expect(local.maxConcurrent).toBe(2);
  });
});

describe('cache', () => {
  it('answers a repeated query (hits and misses) without a call', async () => {
    await setUp();
    const first = await membersPage(25, 'legalName employees');
    expect(local.calls).toHaveLength(1);
    const again = await membersPage(25, 'legalName employees');
    expect(local.calls).toHaveLength(1);
    expect(again).toEqual(first);
  });

  it('keeps misses for their own, shorter time', async () => {
    // TTLs well above a query's time on a busy machine, so only expiry decides.
    await setUp({ missTtlMs: 1_500 });
    await one(UNKNOWN_NUMBER);
    await one(FULL_UNIT.organisasjonsnummer);
    await one(UNKNOWN_NUMBER);
    expect(local.calls).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    await one(FULL_UNIT.organisasjonsnummer);
    expect(local.calls).toHaveLength(2);
    await one(UNKNOWN_NUMBER);
    expect(local.calls).toHaveLength(3);
    expect(local.calls[2].numbers).toEqual([UNKNOWN_NUMBER]);
  });

  it('asks again for what has expired, only for that', async () => {
    await setUp({ hitTtlMs: 1_000 });
    await one(FULL_UNIT.organisasjonsnummer);
    await one(FULL_UNIT.organisasjonsnummer);
    expect(local.calls).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const result = await one(FULL_UNIT.organisasjonsnummer);
    expect(result.data.organization.registry.legalName).toBe('TESTKLYNGE HAVTEKNOLOGI AS');
    expect(local.calls).toHaveLength(2);
  });

  it('bounds the in-process cache by entry count', async () => {
    const cache = new MemoryRegistryCache(10);
    await setUp({ cache });
    await membersPage(25);
    expect(cache.size).toBe(10);
  });

  it('shares one call between concurrent requests for the same numbers', async () => {
    await setUp();
    local.behaviour = { kind: 'slow', delayMs: 100 };
    const [a, b] = await Promise.all([membersPage(10), membersPage(10)]);
    expect(a).toEqual(b);
    expect(local.calls).toHaveLength(1);
  });
});

describe('degrades, never breaks', () => {
  /** The request's errors must be REGISTRY_UNAVAILABLE, one per registry field, with the rest intact. */
  function expectPartial(result: Awaited<ReturnType<typeof membersPage>>, count: number) {
    expect(errorCodes(result)).toEqual(Array(count).fill('REGISTRY_UNAVAILABLE'));
    const paths = result.errors!.map((e) => JSON.stringify(e.path));
    expect(new Set(paths).size).toBe(count);
    for (const error of result.errors!) {
      expect(error.path).toEqual(['cluster', 'members', 'nodes', expect.any(Number), 'organization', 'registry']);
      expect(error.message).toMatch(/company register/);
      expect(JSON.stringify(error)).not.toMatch(/127\.0\.0\.1|HTTP 5|stack/);
    }
    expect(result.data!.cluster.name).toBe('Registry Test Cluster');
    const nodes = result.data!.cluster.members.nodes;
    expect(nodes).toHaveLength(count);
    for (const node of nodes) {
      expect(node.role).toBe('MEMBER');
      expect(node.organization.name).toMatch(/^Org /);
      expect(node.organization.registry).toBeNull();
    }
  }

  it('a failing register (500): null entries with REGISTRY_UNAVAILABLE per field path, after retries', async () => {
    await setUp({ retries: 2 });
    local.behaviour = { kind: 'status', status: 500 };
    expectPartial(await membersPage(5), 5);
    expect(local.calls).toHaveLength(3);
    expect(logs.find((l) => l.msg === 'company register lookup failed')?.obj).toMatchObject({ status: 500, numbers: 5 });
  });

  it('retries a failed call with backoff and then uses the answer', async () => {
    await setUp({ retries: 2 });
    local.queue.push({ kind: 'status', status: 503 }, { kind: 'status', status: 502 });
    const result = await membersPage(5);
    expect(result.errors).toBeUndefined();
    expect(local.calls).toHaveLength(3);
  });

  it('a refused request (400) is not retried; the register’s message is logged', async () => {
    await setUp({ retries: 2 });
    local.behaviour = { kind: 'status', status: 400, body: BAD_REQUEST_BODY };
    expectPartial(await membersPage(3), 3);
    expect(local.calls).toHaveLength(1);
    const logged = logs.find((l) => l.msg === 'company register lookup failed')!;
    expect(logged.level).toBe('warn');
    expect(logged.obj).toMatchObject({ status: 400, message: 'Ugyldig forespørsel' });
    expect(JSON.stringify(logged.obj.validation)).toContain('Ugyldig organisasjonsnummer');
  });

  it.each([
    ['not JSON', { kind: 'raw', body: '<html>Vedlikehold</html>', contentType: 'text/html' }, /\(root\)/],
    ['JSON of another shape', { kind: 'raw', body: '{"_embedded":{"enheter":[{"navn":"X"}]},"page":{}}' }, /organisasjonsnummer/],
    [
      'a unit with a bad date',
      {
        kind: 'raw',
        body: JSON.stringify({
          _embedded: { enheter: [{ ...FULL_UNIT, stiftelsesdato: '01.02.2006' }] },
          page: { size: 1, totalElements: 1, totalPages: 1, number: 0 },
        }),
      },
      /stiftelsesdato/,
    ],
  ] as const)('a malformed answer (%s) is logged with detail and reported the same way', async (_label, behaviour, issue) => {
    await setUp({ retries: 2 });
    local.behaviour = behaviour;
    expectPartial(await membersPage(2), 2);
    expect(local.calls).toHaveLength(1);
    const logged = logs.find((l) => l.msg === 'company register lookup failed')!;
    expect((logged.obj.err as Error).message).toBe('malformed answer');
    expect(JSON.stringify(logged.obj.issues)).toMatch(issue);
    expect(logged.obj.body).toEqual(expect.any(String));
  });

  it('a slow register never holds the response past the timeout', async () => {
    await setUp({ timeoutMs: 300 });
    local.behaviour = { kind: 'slow', delayMs: 10_000 };
    const started = Date.now();
    const result = await membersPage(4);
    // The bound plus the query's own time (generous: the machine is shared), far from the 10 s.
    expect(Date.now() - started).toBeLessThan(3_000);
    expectPartial(result, 4);
    expect(logs.some((l) => /no answer within 300 ms/.test(String((l.obj.err as Error | undefined)?.message)))).toBe(true);
  });

  it('a hanging register, retried or not, is bounded the same way', async () => {
    await setUp({ timeoutMs: 300, retries: 3, batchSize: 2, concurrency: 1 });
    local.behaviour = { kind: 'hang' };
    const started = Date.now();
    const result = await membersPage(6);
    expect(Date.now() - started).toBeLessThan(3_000);
    expectPartial(result, 6);
  });

  it('answers in time when the register is slow but within the bound', async () => {
    await setUp({ timeoutMs: 1_000 });
    local.behaviour = { kind: 'slow', delayMs: 200 };
    expect((await membersPage(4)).errors).toBeUndefined();
  });

  it('opens the circuit after repeated failures (no more calls), and closes it when the register answers again', async () => {
    await setUp({ retries: 0, breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetMs: 1_500 } });
    local.behaviour = { kind: 'status', status: 500 };
    expectPartial(await membersPage(2), 2);
    expectPartial(await membersPage(3), 3);
    expect(register.circuit).toBe('open');
    expect(logs.some((l) => l.level === 'warn' && /circuit open/.test(l.msg))).toBe(true);
    const callsWhenOpened = local.calls.length;

    // Open: fails fast without calling, even though the register is back.
    local.behaviour = { kind: 'ok' };
    const started = Date.now();
    expectPartial(await membersPage(4), 4);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(local.calls).toHaveLength(callsWhenOpened);
    expect(logs.some((l) => l.msg === 'company register: circuit open, lookup skipped')).toBe(true);

    // After resetMs one trial call goes through; it succeeds, so the circuit closes: no restart.
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    const recovered = await membersPage(4);
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data.cluster.members.nodes[0].organization.registry).not.toBeNull();
    expect(local.calls).toHaveLength(callsWhenOpened + 1);
    expect(register.circuit).toBe('closed');
    expect(logs.some((l) => /circuit closed/.test(l.msg))).toBe(true);
  });

  it('keeps the circuit open when the trial call fails', async () => {
    await setUp({ retries: 0, breaker: { volumeThreshold: 1, errorThresholdPercentage: 10, resetMs: 500 } });
    local.behaviour = { kind: 'status', status: 503 };
    await membersPage(2);
    expect(register.circuit).toBe('open');
    const calls = local.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expectPartial(await membersPage(2), 2);
    expect(local.calls).toHaveLength(calls + 1);
    expect(register.circuit).toBe('open');
  });
});

describe('switched off (REGISTRY_ENABLED=false, and every test API by default)', () => {
  it('answers REGISTRY_UNAVAILABLE without any call, the rest intact', async () => {
    await setUp();
    const offApi = await createTestApi({ demo: false });
    try {
      const [id] = await insertOrganizations(offApi, [{ name: 'Off Org', orgNumber: FULL_UNIT.organisasjonsnummer }]);
      expect(id).toBeGreaterThan(0);
      const result = await offApi.query(
        `{ organization(orgNumber: "${FULL_UNIT.organisasjonsnummer}") { name registry { legalName } } }`,
      );
      expect(result.data).toEqual({ organization: { name: 'Off Org', registry: null } });
      expect(errorCodes(result)).toEqual(['REGISTRY_UNAVAILABLE']);
      expect(result.errors![0].message).toMatch(/switched off/);
      expect(local.calls).toHaveLength(0);
    } finally {
      await offApi.dispose();
    }
  });
});
