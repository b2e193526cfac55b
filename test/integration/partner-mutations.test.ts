// createPartner, updatePartner (ADMIN only), addPartnership and endPartnership (ADMIN, or an EDITOR
// of the cluster) through GraphQL on the real database: what each writes (re-read), what it refuses
// and why (field named, nothing written), who may call it, stale versions, and history kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, type TestApi, createTestApi } from '../helpers/api.js';
import { globalId, problemFields, refusal } from '../helpers/mutations.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const PARTNER = 'id slug name kind orgNumber city website provenance version';
const PARTNERSHIP = 'id role since until version cluster { slug } partner { slug }';
const CREATE = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { partner { ${PARTNER} } } }`;
const UPDATE = `mutation ($input: UpdatePartnerInput!) { updatePartner(input: $input) { partner { ${PARTNER} } } }`;
const ADD = `mutation ($input: AddPartnershipInput!) { addPartnership(input: $input) { partnership { ${PARTNERSHIP} } } }`;
const END = `mutation ($input: EndPartnershipInput!) { endPartnership(input: $input) { partnership { ${PARTNERSHIP} } } }`;
const READ = `query ($slug: String!) { partner(slug: $slug) { ${PARTNER} } }`;
const PARTNERSHIPS = `query ($slug: String!, $activeOn: LocalDate) { partner(slug: $slug) {
  partnerships(first: 100, filter: { activeOn: $activeOn }) { nodes { ${PARTNERSHIP} } } } }`;
const AUDIT = `query ($id: ID!) { auditLog(first: 5, filter: { entityId: $id }) { nodes { action changes { field before after } } } }`;

interface PartnerData {
  id: string;
  slug: string;
  name: string;
  kind: string;
  orgNumber: string | null;
  city: string | null;
  website: string | null;
  provenance: string;
  version: number;
}
interface PartnershipData {
  id: string;
  role: string;
  since: string;
  until: string | null;
  version: number;
  cluster: { slug: string };
  partner: { slug: string };
}

const MINE = 'gce-subsea';
const OTHER = 'nce-eyde';

let api: TestApi;
const tokens = {} as Record<'admin' | 'editor' | 'otherEditor' | 'reader', string>;

beforeAll(async () => {
  api = await createTestApi({ demo: false });
  tokens.admin = await issueToken(api, TokenRole.ADMIN);
  tokens.editor = await issueToken(api, TokenRole.EDITOR, [MINE]);
  tokens.otherEditor = await issueToken(api, TokenRole.EDITOR, [OTHER]);
  tokens.reader = await issueToken(api, TokenRole.READER, [MINE]);
});
afterAll(() => api?.dispose());

const as = (who: keyof typeof tokens): Caller => ({ token: tokens[who] });
const read = async (slug: string) => (await api.data<{ partner: PartnerData | null }>(READ, { slug })).partner;
const partnershipsOf = async (slug: string, activeOn?: string) =>
  (await api.data<{ partner: { partnerships: { nodes: PartnershipData[] } } }>(PARTNERSHIPS, { slug, activeOn })).partner
    .partnerships.nodes;
const partnerCount = async () =>
  (await api.data<{ partners: { totalCount: number } }>('{ partners { totalCount } }')).partners.totalCount;

const NEW_PARTNER = {
  slug: 'sintef-ocean',
  name: 'SINTEF Ocean',
  kind: 'RESEARCH_INSTITUTE',
  orgNumber: '974 760 673',
  city: 'Trondheim',
  website: 'https://www.sintef.no/ocean',
};

describe('createPartner', () => {
  it('adds a partner institution, readable at once', async () => {
    const before = await partnerCount();
    const { createPartner: payload } = await api.data(CREATE, { input: NEW_PARTNER }, as('admin'));
    expect(payload.partner).toEqual({
      ...NEW_PARTNER,
      id: expect.any(String),
      orgNumber: '974760673',
      provenance: 'MANUAL',
      version: 1,
    });
    expect(await read('sintef-ocean')).toEqual(payload.partner);
    expect(await partnerCount()).toBe(before + 1);
  });

  it('names every bad field at once and writes nothing', async () => {
    const before = await partnerCount();
    const error = refusal(
      await api.query(
        CREATE,
        { input: { slug: 'Sintef Ocean', name: '', kind: 'RESEARCH_INSTITUTE', orgNumber: '974760674', website: 'sintef.no' } },
        as('admin'),
      ),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.slug', 'input.name', 'input.orgNumber', 'input.website']);
    expect(
      (await api.query(CREATE, { input: { ...NEW_PARTNER, slug: 'x-lab', kind: 'LAB' } }, as('admin'))).errors?.[0].extensions
        ?.code,
    ).toBe('BAD_USER_INPUT');
    expect(await read('x-lab')).toBeNull();
    expect(await partnerCount()).toBe(before);
  });

  it('refuses a slug that is taken (CONFLICT)', async () => {
    const error = refusal(await api.query(CREATE, { input: { ...NEW_PARTNER, slug: 'nofima' } }, as('admin')), 'CONFLICT');
    expect(error.extensions?.field).toBe('input.slug');
    expect((await read('nofima'))?.name).toBe('Nofima');
  });

  it('is for ADMIN tokens only: none is UNAUTHENTICATED, EDITOR and READER are FORBIDDEN', async () => {
    const input = { ...NEW_PARTNER, slug: 'not-allowed' };
    refusal(await api.query(CREATE, { input }), 'UNAUTHENTICATED');
    refusal(await api.query(CREATE, { input }, as('editor')), 'FORBIDDEN');
    refusal(await api.query(CREATE, { input }, as('reader')), 'FORBIDDEN');
    expect(await read('not-allowed')).toBeNull();
  });
});

describe('updatePartner', () => {
  it('changes the given fields (by slug or id), clears with null, bumps the version; no change keeps it', async () => {
    const before = (await read('sintef-ocean'))!;
    const { updatePartner: payload } = await api.data(
      UPDATE,
      { input: { partner: { slug: 'sintef-ocean' }, version: before.version, name: 'SINTEF Ocean AS', city: null } },
      as('admin'),
    );
    const expected = { ...before, name: 'SINTEF Ocean AS', city: null, version: before.version + 1 };
    expect(payload.partner).toEqual(expected);
    expect(await read('sintef-ocean')).toEqual(expected);

    const { updatePartner: same } = await api.data(
      UPDATE,
      { input: { partner: { id: before.id }, version: expected.version, name: expected.name } },
      as('admin'),
    );
    expect(same.partner).toEqual(expected);

    const { updatePartner: renamed } = await api.data(
      UPDATE,
      { input: { partner: { id: before.id }, version: expected.version, slug: 'sintef' } },
      as('admin'),
    );
    expect(renamed.partner).toMatchObject({ slug: 'sintef', version: expected.version + 1 });
    expect(await read('sintef-ocean')).toBeNull();
  });

  it('refuses bad input, an unknown partner (NOT_FOUND), a taken slug and a stale version (CONFLICT); nothing changes', async () => {
    const before = (await read('sintef'))!;
    let error = refusal(
      await api.query(UPDATE, { input: { partner: {}, version: before.version, kind: null, name: null } }, as('admin')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.partner', 'input.name', 'input.kind']);
    error = refusal(
      await api.query(UPDATE, { input: { partner: { slug: 'nobody' }, version: 1, name: 'X' } }, as('admin')),
      'NOT_FOUND',
    );
    expect(error.extensions?.field).toBe('input.partner');
    error = refusal(
      await api.query(UPDATE, { input: { partner: { slug: 'sintef' }, version: before.version, slug: 'nofima' } }, as('admin')),
      'CONFLICT',
    );
    expect(error.extensions?.field).toBe('input.slug');
    error = refusal(
      await api.query(
        UPDATE,
        { input: { partner: { slug: 'sintef' }, version: before.version - 1, name: 'Stale' } },
        as('admin'),
      ),
      'CONFLICT',
    );
    expect(error.extensions?.field).toBe('input.version');
    expect(await read('sintef')).toEqual(before);
  });

  it('is for ADMIN tokens only; nothing changes', async () => {
    const before = (await read('sintef'))!;
    const input = { partner: { slug: 'sintef' }, version: before.version, name: 'Hijacked' };
    refusal(await api.query(UPDATE, { input }), 'UNAUTHENTICATED');
    refusal(await api.query(UPDATE, { input }, as('editor')), 'FORBIDDEN');
    refusal(await api.query(UPDATE, { input }, as('reader')), 'FORBIDDEN');
    expect(await read('sintef')).toEqual(before);
  });
});

describe('addPartnership and endPartnership', () => {
  let partnership: PartnershipData;

  it('an EDITOR adds a partnership with its cluster, readable from both ends and audited', async () => {
    const { addPartnership: payload } = await api.data(
      ADD,
      { input: { cluster: { slug: MINE }, partner: { slug: 'sintef' }, role: 'RESEARCH', since: '2020-01-01' } },
      as('editor'),
    );
    partnership = payload.partnership;
    expect(partnership).toEqual({
      id: expect.any(String),
      role: 'RESEARCH',
      since: '2020-01-01',
      until: null,
      version: 1,
      cluster: { slug: MINE },
      partner: { slug: 'sintef' },
    });
    expect(await partnershipsOf('sintef')).toEqual([partnership]);
    const { cluster } = await api.data(`{ cluster(slug: "${MINE}") { partners(first: 50) { nodes { id } } } }`);
    expect(cluster.partners.nodes).toContainEqual({ id: partnership.id });
    const { auditLog } = await api.data(AUDIT, { id: partnership.id }, as('admin'));
    expect(auditLog.nodes).toEqual([
      {
        action: 'partnership.add',
        changes: [
          { field: 'cluster', before: null, after: MINE },
          { field: 'partner', before: null, after: 'sintef' },
          { field: 'role', before: null, after: 'RESEARCH' },
          { field: 'since', before: null, after: '2020-01-01' },
        ],
      },
    ]);
  });

  it('refuses bad input, unknown cluster or partner (NOT_FOUND), and a second current partnership (CONFLICT)', async () => {
    const base = { cluster: { slug: MINE }, partner: { slug: 'sintef' }, role: 'RESEARCH', since: '2022-01-01' };
    let error = refusal(
      await api.query(
        ADD,
        { input: { ...base, cluster: { slug: MINE, id: globalId('Cluster', 1) }, partner: { id: 'x' } } },
        as('admin'),
      ),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.cluster', 'input.partner.id']);
    error = refusal(await api.query(ADD, { input: { ...base, cluster: { slug: 'nowhere' } } }, as('admin')), 'NOT_FOUND');
    expect(error.extensions?.field).toBe('input.cluster');
    error = refusal(await api.query(ADD, { input: { ...base, partner: { slug: 'nobody' } } }, as('admin')), 'NOT_FOUND');
    expect(error.extensions?.field).toBe('input.partner');
    error = refusal(await api.query(ADD, { input: base }, as('editor')), 'CONFLICT');
    expect(error.extensions?.field).toBe('input.partner');
    expect(await partnershipsOf('sintef')).toEqual([partnership]);
  });

  it('addPartnership is UNAUTHENTICATED without a token, FORBIDDEN for READER and other EDITOR; nothing is added', async () => {
    const input = { cluster: { slug: MINE }, partner: { slug: 'nhh' }, role: 'RESEARCH', since: '2022-01-01' };
    const before = await partnershipsOf('nhh');
    refusal(await api.query(ADD, { input }), 'UNAUTHENTICATED');
    refusal(await api.query(ADD, { input }, as('reader')), 'FORBIDDEN');
    refusal(await api.query(ADD, { input }, as('otherEditor')), 'FORBIDDEN');
    expect(await partnershipsOf('nhh')).toEqual(before);
  });

  it('endPartnership refuses an `until` not after `since`, and is guarded like the others; nothing changes', async () => {
    for (const until of ['2020-01-01', '2019-12-31']) {
      const error = refusal(
        await api.query(END, { input: { id: partnership.id, version: partnership.version, until } }, as('editor')),
        'BAD_USER_INPUT',
      );
      expect(problemFields(error)).toEqual(['input.until']);
    }
    const input = { id: partnership.id, version: partnership.version, until: '2023-01-01' };
    refusal(await api.query(END, { input }), 'UNAUTHENTICATED');
    refusal(await api.query(END, { input }, as('reader')), 'FORBIDDEN');
    refusal(await api.query(END, { input }, as('otherEditor')), 'FORBIDDEN');
    refusal(await api.query(END, { input: { ...input, version: 2 } }, as('editor')), 'CONFLICT');
    refusal(await api.query(END, { input: { ...input, id: globalId('Partnership', 999_999) } }, as('editor')), 'NOT_FOUND');
    expect(await partnershipsOf('sintef')).toEqual([partnership]);
  });

  it('endPartnership sets `until` (the first day without it) and keeps the partnership as history; it can start again', async () => {
    const { endPartnership: payload } = await api.data(
      END,
      { input: { id: partnership.id, version: partnership.version, until: '2023-01-01' } },
      as('editor'),
    );
    const ended = { ...partnership, until: '2023-01-01', version: 2 };
    expect(payload.partnership).toEqual(ended);
    expect(await partnershipsOf('sintef', '2022-12-31')).toEqual([ended]);
    expect(await partnershipsOf('sintef', '2023-01-01')).toEqual([]);

    const error = refusal(
      await api.query(END, { input: { id: partnership.id, version: 2, until: '2024-01-01' } }, as('admin')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.id']);

    const again = { cluster: { slug: MINE }, partner: { slug: 'sintef' }, role: 'FUNDING' };
    const overlap = refusal(await api.query(ADD, { input: { ...again, since: '2022-06-01' } }, as('editor')), 'BAD_USER_INPUT');
    expect(problemFields(overlap)).toEqual(['input.since']);
    const { addPartnership } = await api.data(ADD, { input: { ...again, since: '2023-01-01' } }, as('editor'));
    expect(await partnershipsOf('sintef')).toEqual([ended, addPartnership.partnership]);
  });
});
