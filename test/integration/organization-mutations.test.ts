// upsertOrganization through GraphQL on the real database: registering a new organization and
// changing one (re-read through the read API and the audit trail), bad input (field named, nothing
// written), who may (ADMIN and any EDITOR: organizations are shared), stale and missing versions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, type TestApi, createTestApi } from '../helpers/api.js';
import { freshOrgNumber } from '../helpers/fixtures.js';
import { problemFields, refusal } from '../helpers/mutations.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const ORGANIZATION = 'id orgNumber name city county naceCode employees website provenance version';
const UPSERT = `mutation ($input: UpsertOrganizationInput!) { upsertOrganization(input: $input) { organization { ${ORGANIZATION} } } }`;
const READ = `query ($n: String!) { organization(orgNumber: $n) { ${ORGANIZATION} } }`;
const AUDIT = `query ($id: ID!) { auditLog(first: 5, filter: { entityId: $id }) {
  nodes { actorName action changes { field before after } } } }`;

interface OrganizationData {
  id: string;
  orgNumber: string;
  name: string;
  city: string | null;
  county: string | null;
  naceCode: string | null;
  employees: number | null;
  website: string | null;
  provenance: string;
  version: number;
}

let api: TestApi;
const tokens = {} as Record<'admin' | 'editor' | 'reader', string>;

beforeAll(async () => {
  api = await createTestApi({ demo: false });
  tokens.admin = await issueToken(api, TokenRole.ADMIN);
  // an EDITOR of one cluster may still register and correct any organization
  tokens.editor = await issueToken(api, TokenRole.EDITOR, ['nce-eyde'], 'Eyde editor');
  tokens.reader = await issueToken(api, TokenRole.READER, ['nce-eyde']);
});
afterAll(() => api?.dispose());

const as = (who: keyof typeof tokens): Caller => ({ token: tokens[who] });
const read = async (orgNumber: string) =>
  (await api.data<{ organization: OrganizationData | null }>(READ, { n: orgNumber })).organization;
const organizationCount = async () =>
  (await api.data<{ organizations: { totalCount: number } }>('{ organizations { totalCount } }')).organizations.totalCount;

const spaced = (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;

describe('upsertOrganization', () => {
  const orgNumber = freshOrgNumber();
  const NEW = {
    orgNumber: spaced(orgNumber),
    name: '  Fjordkraft Testselskap AS ',
    city: 'Bergen',
    county: 'Vestland',
    naceCode: '35.140',
    employees: 0,
    website: 'https://fjordkraft.example.no',
  };

  it('registers a new organization (no version), readable at once and audited', async () => {
    const before = await organizationCount();
    const { upsertOrganization: payload } = await api.data(UPSERT, { input: NEW }, as('editor'));
    const expected = {
      id: expect.any(String),
      orgNumber,
      name: 'Fjordkraft Testselskap AS',
      city: 'Bergen',
      county: 'Vestland',
      naceCode: '35.140',
      employees: 0,
      website: 'https://fjordkraft.example.no',
      provenance: 'MANUAL',
      version: 1,
    };
    expect(payload.organization).toEqual(expected);
    expect(await read(orgNumber)).toEqual(payload.organization);
    expect(await organizationCount()).toBe(before + 1);
    const { search } = await api.data(
      '{ search(query: "fjordkraft testselskap") { nodes { ... on Organization { orgNumber } } } }',
    );
    expect(search.nodes).toEqual([{ orgNumber }]);
    const { auditLog } = await api.data(AUDIT, { id: payload.organization.id }, as('admin'));
    expect(auditLog.nodes).toEqual([
      {
        actorName: 'Eyde editor',
        action: 'organization.create',
        changes: [
          { field: 'city', before: null, after: 'Bergen' },
          { field: 'county', before: null, after: 'Vestland' },
          { field: 'employees', before: null, after: 0 },
          { field: 'naceCode', before: null, after: '35.140' },
          { field: 'name', before: null, after: 'Fjordkraft Testselskap AS' },
          { field: 'orgNumber', before: null, after: orgNumber },
          { field: 'website', before: null, after: 'https://fjordkraft.example.no' },
        ],
      },
    ]);
  });

  it('changes the given fields with the version read, clears with null, leaves the rest, bumps the version', async () => {
    const before = (await read(orgNumber))!;
    const { upsertOrganization: payload } = await api.data(
      UPSERT,
      { input: { orgNumber, version: before.version, employees: 42, website: null, city: 'Os' } },
      as('admin'),
    );
    const expected = { ...before, employees: 42, website: null, city: 'Os', version: before.version + 1 };
    expect(payload.organization).toEqual(expected);
    expect(await read(orgNumber)).toEqual(expected);
    const { auditLog } = await api.data(AUDIT, { id: before.id }, as('admin'));
    expect(auditLog.nodes[0]).toEqual({
      actorName: 'admin all',
      action: 'organization.update',
      changes: [
        { field: 'city', before: 'Bergen', after: 'Os' },
        { field: 'employees', before: 0, after: 42 },
        { field: 'website', before: 'https://fjordkraft.example.no', after: null },
      ],
    });
  });

  it('leaves the version alone when nothing changes', async () => {
    const before = (await read(orgNumber))!;
    const { upsertOrganization: payload } = await api.data(
      UPSERT,
      { input: { orgNumber, version: before.version, name: before.name, employees: before.employees } },
      as('editor'),
    );
    expect(payload.organization).toEqual(before);
  });

  it('names every bad field at once and writes nothing', async () => {
    const before = await organizationCount();
    const error = refusal(
      await api.query(
        UPSERT,
        {
          input: {
            orgNumber: '974760674',
            name: ' ',
            city: 'x'.repeat(101),
            naceCode: '62.01',
            employees: -1,
            website: 'www.example.no',
          },
        },
        as('admin'),
      ),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual([
      'input.orgNumber',
      'input.name',
      'input.city',
      'input.naceCode',
      'input.employees',
      'input.website',
    ]);
    expect(error.message).toContain('"input.naceCode" must be a NACE code');
    for (const [input, field] of [
      [{ orgNumber: '' }, 'input.orgNumber'],
      [{ orgNumber: '12345678' }, 'input.orgNumber'],
      [{ name: undefined }, 'input.name'],
      [{ naceCode: '6201' }, 'input.naceCode'],
      [{ version: 0 }, 'input.version'],
    ] as const) {
      const valid = { ...NEW, orgNumber: freshOrgNumber() };
      const e = refusal(await api.query(UPSERT, { input: { ...valid, ...input } }, as('admin')), 'BAD_USER_INPUT');
      expect(problemFields(e)).toEqual([field]);
    }
    // a change must not blank the name either
    const current = (await read(orgNumber))!;
    const e = refusal(
      await api.query(UPSERT, { input: { orgNumber, version: current.version, name: null } }, as('admin')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(e)).toEqual(['input.name']);
    expect(await read(orgNumber)).toEqual(current);
    expect(await organizationCount()).toBe(before);
  });

  it('refuses to register a number that exists (CONFLICT on input.version) and to change one that does not (NOT_FOUND)', async () => {
    const current = (await read(orgNumber))!;
    let error = refusal(await api.query(UPSERT, { input: { ...NEW, name: 'Someone else AS' } }, as('editor')), 'CONFLICT');
    expect(error.extensions?.field).toBe('input.version');
    expect(error.message).toContain(`at version ${current.version}`);

    const unknown = freshOrgNumber();
    error = refusal(
      await api.query(UPSERT, { input: { orgNumber: unknown, version: 1, name: 'Ghost AS' } }, as('admin')),
      'NOT_FOUND',
    );
    expect(error.extensions?.field).toBe('input.orgNumber');
    expect(await read(unknown)).toBeNull();
    expect(await read(orgNumber)).toEqual(current);
  });

  it('refuses a stale version with CONFLICT and changes nothing', async () => {
    const current = (await read(orgNumber))!;
    const error = refusal(
      await api.query(UPSERT, { input: { orgNumber, version: current.version - 1, name: 'Stale AS' } }, as('editor')),
      'CONFLICT',
    );
    expect(error.extensions?.field).toBe('input.version');
    expect(await read(orgNumber)).toEqual(current);
  });

  it('is UNAUTHENTICATED without a token and FORBIDDEN for a READER; nothing is written', async () => {
    const current = (await read(orgNumber))!;
    const before = await organizationCount();
    const fresh = freshOrgNumber();
    refusal(await api.query(UPSERT, { input: { ...NEW, orgNumber: fresh } }), 'UNAUTHENTICATED');
    refusal(await api.query(UPSERT, { input: { ...NEW, orgNumber: fresh } }, as('reader')), 'FORBIDDEN');
    refusal(await api.query(UPSERT, { input: { orgNumber, version: current.version, name: 'Reader AS' } }), 'UNAUTHENTICATED');
    refusal(
      await api.query(UPSERT, { input: { orgNumber, version: current.version, name: 'Reader AS' } }, as('reader')),
      'FORBIDDEN',
    );
    expect(await read(fresh)).toBeNull();
    expect(await read(orgNumber)).toEqual(current);
    expect(await organizationCount()).toBe(before);
  });
});
