// `npm run registry:sync` against a local register (127.0.0.1): the first run checks every
// non-demo organization in batches and writes changes through the service (versions bump, audited);
// the next follows the change feed; a run the register interrupts resumes where it stopped.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRegistrySync } from '../../src/cli/registry-sync-command.js';
import type { AppConfig } from '../../src/config/config.js';
import { defaultEventsConfig } from '../../src/config/config.js';
import { SyncInterrupted, placeName } from '../../src/services/registry-sync.service.js';
import {
  DELETED_UNIT,
  FULL_UNIT,
  NO_EMPLOYEES_UNIT,
  UNKNOWN_NUMBER,
  plainUnit,
  syntheticOrgNumber,
} from '../fixtures/register.js';
import { type TestApi, createTestApi } from '../helpers/api.js';
import { sql } from '../helpers/database.js';
import { insertOrganizations } from '../helpers/fixtures.js';
import { type LocalRegister, localRegistryConfig, startLocalRegister } from '../helpers/register-server.js';

const EXTRA = Array.from({ length: 5 }, (_, i) => syntheticOrgNumber(77_720_000 + i * 10));

let api: TestApi;
let local: LocalRegister;
let dir: string;
let config: AppConfig;
let lines: string[];

beforeEach(async () => {
  local = await startLocalRegister([FULL_UNIT, NO_EMPLOYEES_UNIT, DELETED_UNIT, ...EXTRA.map((n) => plainUnit(n))]);
  api = await createTestApi({ demo: true });
  await insertOrganizations(api, [
    { name: 'Havteknologi (old name)', orgNumber: FULL_UNIT.organisasjonsnummer, city: 'Bergen' },
    { name: 'Enkeltperson', orgNumber: NO_EMPLOYEES_UNIT.organisasjonsnummer, employees: 1 },
    { name: 'Nedlagt', orgNumber: DELETED_UNIT.organisasjonsnummer },
    { name: 'Ukjent', orgNumber: UNKNOWN_NUMBER },
    ...EXTRA.map((orgNumber, i) => ({ name: `Extra ${i}`, orgNumber })),
  ]);
  dir = await mkdtemp(join(tmpdir(), 'klynge-sync-'));
  config = {
    port: 0,
    host: '127.0.0.1',
    database: api.database,
    logLevel: 'silent',
    registry: localRegistryConfig(local.url, { timeoutMs: 1_000 }),
    redisPrefix: 'klynge-test:',
    ...defaultEventsConfig(),
  };
  lines = [];
});
afterEach(async () => {
  await api.dispose();
  await local.close();
  await rm(dir, { recursive: true, force: true });
});

const sync = (...args: string[]) =>
  runRegistrySync(api.orm, config, ['--state', join(dir, 'state.json'), '--batch-size', '4', ...args], (l) => lines.push(l));

const organization = async (orgNumber: string) =>
  (
    await api.data(
      `query ($n: String!) { organization(orgNumber: $n) { name city county naceCode employees website version provenance } }`,
      { n: orgNumber },
    )
  ).organization;

const demoNumbers = async () =>
  (await sql(api, `select org_number from organization where provenance = 'DEMO'`)).map((r) => String(r.org_number));

describe('registry:sync', () => {
  it('first run: every non-demo organization, in batches; changes written through the service', async () => {
    const demo = await demoNumbers();
    expect(demo.length).toBeGreaterThan(0);
    const counts = await sync();
    const asked = local.calls.flatMap((c) => c.numbers);
    expect(local.calls.every((c) => c.path.endsWith('/enheter') && c.numbers.length <= 4 && c.size === c.numbers.length)).toBe(
      true,
    );
    expect(asked).toEqual(expect.arrayContaining([FULL_UNIT.organisasjonsnummer, UNKNOWN_NUMBER, ...EXTRA]));
    expect(asked.filter((n) => demo.includes(n))).toEqual([]);
    expect(new Set(asked).size).toBe(asked.length);

    expect(await organization(FULL_UNIT.organisasjonsnummer)).toEqual({
      name: 'TESTKLYNGE HAVTEKNOLOGI AS',
      city: 'Bergen',
      county: 'Vestland',
      naceCode: '71.129',
      employees: 42,
      website: 'https://www.testklynge-havteknologi.example',
      version: 2,
      provenance: 'MANUAL',
    });
    // No employees registered: the stored count is cleared. A deleted unit is left as it is.
    expect(await organization(NO_EMPLOYEES_UNIT.organisasjonsnummer)).toMatchObject({ employees: null, version: 2 });
    expect(await organization(DELETED_UNIT.organisasjonsnummer)).toMatchObject({ name: 'Nedlagt', version: 1 });
    expect(await organization(UNKNOWN_NUMBER)).toMatchObject({ name: 'Ukjent', version: 1 });
    expect(counts).toMatchObject({ updated: 2 + EXTRA.length, deleted: 1, failed: 0 });
    expect(counts.unknown).toBe(counts.checked - counts.updated - counts.deleted - counts.unchanged);

    const audit = await sql(api, `select actor_name, action from audit_entry where action = 'organization.update'`);
    expect(audit).toHaveLength(2 + EXTRA.length);
    expect(new Set(audit.map((a) => a.actor_name))).toEqual(new Set(['registry-sync']));
    expect(lines.at(-1)).toMatch(/register sync: \d+ checked, 7 updated/);

    const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));
    expect(state.state).toMatchObject({ mode: 'incremental', page: 0, since: expect.any(String) });
  });

  it('a second run changes nothing that did not change, and follows the change feed', async () => {
    await sync();
    const { state } = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));
    local.calls.length = 0;

    // Nothing in the feed: one call to it, no lookups, no writes.
    const quiet = await sync();
    expect(quiet).toMatchObject({ checked: 0, updated: 0 });
    expect(local.calls.map((c) => c.path)).toEqual(['/enhetsregisteret/api/oppdateringer/enheter']);

    // The register changed one unit (and one we do not store).
    local.calls.length = 0;
    local.units.set(FULL_UNIT.organisasjonsnummer, { ...FULL_UNIT, antallAnsatte: 50 });
    const later = new Date(Date.parse(state.since) + 1000).toISOString();
    local.updates.push(
      { oppdateringsid: 1, dato: later, organisasjonsnummer: FULL_UNIT.organisasjonsnummer, endringstype: 'Endring' },
      { oppdateringsid: 2, dato: later, organisasjonsnummer: syntheticOrgNumber(77_730_000), endringstype: 'Ny' },
    );
    const counts = await sync();
    expect(counts).toMatchObject({ checked: 1, updated: 1 });
    expect(local.calls.map((c) => c.path.replace('/enhetsregisteret/api', ''))).toEqual(['/oppdateringer/enheter', '/enheter']);
    expect(local.calls[1].numbers).toEqual([FULL_UNIT.organisasjonsnummer]);
    expect(await organization(FULL_UNIT.organisasjonsnummer)).toMatchObject({ employees: 50, version: 3 });
    const saved = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).state;
    expect(saved.since).toBe(later);
  });

  it('resumes an interrupted first run after its last finished batch', async () => {
    local.queue.push({ kind: 'ok' });
    local.behaviour = { kind: 'status', status: 503 };
    await expect(sync()).rejects.toThrow(SyncInterrupted);
    const firstBatch = local.calls[0].numbers;
    expect(firstBatch).toHaveLength(4);
    const { state } = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));
    expect(state).toMatchObject({ mode: 'full', afterId: expect.any(Number) });
    expect(state.afterId).toBeGreaterThan(0);

    local.behaviour = { kind: 'ok' };
    local.calls.length = 0;
    await sync();
    expect(lines.some((l) => /^resuming a full pass/.test(l))).toBe(true);
    const asked = local.calls.flatMap((c) => c.numbers);
    expect(asked.filter((n) => firstBatch.includes(n))).toEqual([]);
    expect(asked).toContain(EXTRA[EXTRA.length - 1]);
    expect(await organization(EXTRA[EXTRA.length - 1])).toMatchObject({ version: 2 });
  });

  it('refuses to run with the register switched off', async () => {
    config = { ...config, registry: { ...config.registry!, enabled: false } };
    await expect(sync()).rejects.toThrow(/switched off/);
    expect(local.calls).toHaveLength(0);
  });

  it('writes places as Norwegians do', () => {
    expect(placeName('MO I RANA')).toBe('Mo i Rana');
    expect(placeName('BØ I TELEMARK')).toBe('Bø i Telemark');
    expect(placeName('HØNEFOSS')).toBe('Hønefoss');
    expect(placeName('ÅL')).toBe('Ål');
  });
});
