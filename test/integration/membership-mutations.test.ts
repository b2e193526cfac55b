// addMember, updateMembership and endMembership through GraphQL on the real database: what each
// writes (re-read through the read API and the audit trail), what it refuses and why (field named,
// nothing written), who may call it, stale versions and the membership rules (one current
// membership per organization and cluster, one HOST per cluster, history kept).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemViewer } from '../../src/auth/viewer.js';
import { createRequestContext } from '../../src/context/request-context.js';
import { MembershipRole } from '../../src/entities/enums.js';
import { CodedError } from '../../src/lib/errors.js';
import { addMember } from '../../src/services/membership-write.service.js';
import { type Caller, type TestApi, createTestApi } from '../helpers/api.js';
import { freshOrgNumber, insertOrganizations } from '../helpers/fixtures.js';
import { globalId, problemFields, refusal } from '../helpers/mutations.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const MEMBERSHIP = 'id role joinedOn leftOn version cluster { slug } organization { orgNumber }';
const ADD = `mutation ($input: AddMemberInput!) { addMember(input: $input) { membership { ${MEMBERSHIP} } } }`;
const UPDATE = `mutation ($input: UpdateMembershipInput!) { updateMembership(input: $input) { membership { ${MEMBERSHIP} } } }`;
const END = `mutation ($input: EndMembershipInput!) { endMembership(input: $input) { membership { ${MEMBERSHIP} } } }`;
const NODE = `query ($id: ID!) { node(id: $id) { ... on Membership { ${MEMBERSHIP} } } }`;
const MEMBERS = `query ($slug: String!, $activeOn: LocalDate) { cluster(slug: $slug) {
  members(first: 100, filter: { activeOn: $activeOn }) { totalCount nodes { ${MEMBERSHIP} } } } }`;
const AUDIT = `query ($id: ID!) { auditLog(first: 5, filter: { entityId: $id }) {
  nodes { actorName action entityType entityId changes { field before after } } } }`;

interface MembershipData {
  id: string;
  role: string;
  joinedOn: string;
  leftOn: string | null;
  version: number;
  cluster: { slug: string };
  organization: { orgNumber: string };
}

const MINE = 'gce-subsea';
const OTHER = 'nce-eyde';

let api: TestApi;
const tokens = {} as Record<'admin' | 'editor' | 'otherEditor' | 'reader', string>;
/** Organizations of the test, by what they are for (none is a member of anything at first). */
const org = {} as Record<'first' | 'host' | 'secondHost' | 'forbidden' | 'ended' | 'roles', string>;

beforeAll(async () => {
  api = await createTestApi({ demo: false });
  tokens.admin = await issueToken(api, TokenRole.ADMIN, [], 'Programme admin');
  tokens.editor = await issueToken(api, TokenRole.EDITOR, [MINE], 'Subsea editor');
  tokens.otherEditor = await issueToken(api, TokenRole.EDITOR, [OTHER]);
  tokens.reader = await issueToken(api, TokenRole.READER, [MINE]);
  for (const key of Object.keys({ first: 1, host: 1, secondHost: 1, forbidden: 1, ended: 1, roles: 1 }) as (keyof typeof org)[]) {
    org[key] = freshOrgNumber();
  }
  await insertOrganizations(
    api,
    Object.entries(org).map(([key, orgNumber]) => ({ name: `Member ${key} AS`, orgNumber })),
  );
});
afterAll(() => api?.dispose());

const as = (who: keyof typeof tokens): Caller => ({ token: tokens[who] });
const node = async (id: string) => (await api.data<{ node: MembershipData | null }>(NODE, { id })).node;
const members = async (slug = MINE, activeOn?: string) =>
  (await api.data<{ cluster: { members: { totalCount: number; nodes: MembershipData[] } } }>(MEMBERS, { slug, activeOn })).cluster
    .members;
const membersOf = async (orgNumber: string, slug = MINE) =>
  (await members(slug)).nodes.filter((m) => m.organization.orgNumber === orgNumber);
const add = async (orgNumber: string, patch: Record<string, unknown> = {}, who: keyof typeof tokens = 'editor') =>
  (
    await api.data<{ addMember: { membership: MembershipData } }>(
      ADD,
      { input: { cluster: { slug: MINE }, organization: orgNumber, role: 'MEMBER', joinedOn: '2020-01-01', ...patch } },
      as(who),
    )
  ).addMember.membership;

describe('addMember', () => {
  it("adds an organization to an EDITOR's cluster from a day, readable at once from both ends, and audited", async () => {
    const membership = await add(org.first, { role: 'CORE', joinedOn: '2021-03-01' });
    expect(membership).toEqual({
      id: expect.any(String),
      role: 'CORE',
      joinedOn: '2021-03-01',
      leftOn: null,
      version: 1,
      cluster: { slug: MINE },
      organization: { orgNumber: org.first },
    });
    expect(await node(membership.id)).toEqual(membership);
    expect(await membersOf(org.first)).toEqual([membership]);
    const { organization } = await api.data(
      'query ($n: String!) { organization(orgNumber: $n) { memberships { nodes { id cluster { slug } } } } }',
      { n: org.first },
    );
    expect(organization.memberships.nodes).toEqual([{ id: membership.id, cluster: { slug: MINE } }]);

    const { auditLog } = await api.data(AUDIT, { id: membership.id }, as('admin'));
    expect(auditLog.nodes).toEqual([
      {
        actorName: 'Subsea editor',
        action: 'membership.add',
        entityType: 'Membership',
        entityId: membership.id,
        changes: [
          { field: 'cluster', before: null, after: MINE },
          { field: 'joinedOn', before: null, after: '2021-03-01' },
          { field: 'organization', before: null, after: org.first },
          { field: 'role', before: null, after: 'CORE' },
        ],
      },
    ]);
  });

  it('names every bad field at once and writes nothing', async () => {
    const before = await members();
    const error = refusal(
      await api.query(
        ADD,
        { input: { cluster: {}, organization: '974760674', role: 'MEMBER', joinedOn: '2021-01-01' } },
        as('admin'),
      ),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.cluster', 'input.organization']);
    expect(error.message).toContain('"input.organization" must be a 9-digit organisation number with a valid check digit');
    for (const [input, field] of [
      [{ cluster: { id: 'nonsense' } }, 'input.cluster.id'],
      [{ cluster: { id: globalId('Organization', 1) } }, 'input.cluster.id'],
      [{ organization: '' }, 'input.organization'],
      [{ organization: '12345678' }, 'input.organization'],
    ] as const) {
      const valid = { cluster: { slug: MINE }, organization: org.host, role: 'MEMBER', joinedOn: '2021-01-01' };
      const e = refusal(await api.query(ADD, { input: { ...valid, ...input } }, as('admin')), 'BAD_USER_INPUT');
      expect(problemFields(e)).toEqual([field]);
    }
    expect(await members()).toEqual(before);
  });

  it('refuses an impossible date: in GraphQL by the LocalDate type, on other paths by the service', async () => {
    const input = { cluster: { slug: MINE }, organization: org.host, role: 'MEMBER', joinedOn: '2023-02-30' };
    expect((await api.query(ADD, { input }, as('admin'))).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const ctx = createRequestContext(api.orm, undefined, systemViewer('test'));
    const error = await addMember(ctx, { ...input, role: MembershipRole.MEMBER }).catch((e) => e);
    expect(error).toBeInstanceOf(CodedError);
    expect(error.fields).toEqual([{ field: 'input.joinedOn', message: 'must be a real date, YYYY-MM-DD' }]);
    expect(await membersOf(org.host)).toEqual([]);
  });

  it('is NOT_FOUND for an unknown cluster or organization', async () => {
    let error = refusal(
      await api.query(
        ADD,
        { input: { cluster: { slug: 'no-such-cluster' }, organization: org.host, role: 'MEMBER', joinedOn: '2021-01-01' } },
        as('admin'),
      ),
      'NOT_FOUND',
    );
    expect(error.extensions?.field).toBe('input.cluster');
    error = refusal(
      await api.query(
        ADD,
        { input: { cluster: { slug: MINE }, organization: freshOrgNumber(), role: 'MEMBER', joinedOn: '2021-01-01' } },
        as('admin'),
      ),
      'NOT_FOUND',
    );
    expect(error.extensions?.field).toBe('input.organization');
  });

  it('is UNAUTHENTICATED without a token and FORBIDDEN for a READER or an EDITOR of another cluster; nothing is added', async () => {
    const input = { cluster: { slug: MINE }, organization: org.forbidden, role: 'MEMBER', joinedOn: '2021-01-01' };
    refusal(await api.query(ADD, { input }), 'UNAUTHENTICATED');
    refusal(await api.query(ADD, { input }, as('reader')), 'FORBIDDEN');
    const error = refusal(await api.query(ADD, { input }, as('otherEditor')), 'FORBIDDEN');
    expect(error.message).toContain('outside its clusters');
    expect(await membersOf(org.forbidden)).toEqual([]);
  });

  it('refuses a second current membership of the same organization (CONFLICT), whatever the day', async () => {
    const before = await membersOf(org.first);
    for (const joinedOn of ['2021-03-01', '2022-01-01']) {
      const error = refusal(
        await api.query(
          ADD,
          { input: { cluster: { slug: MINE }, organization: org.first, role: 'MEMBER', joinedOn } },
          as('editor'),
        ),
        'CONFLICT',
      );
      expect(error.extensions?.field).toBe('input.organization');
      expect(error.message).toContain('already a member of gce-subsea, since 2021-03-01');
    }
    expect(await membersOf(org.first)).toEqual(before);
  });

  it('allows one HOST per cluster: a second is a CONFLICT on input.role', async () => {
    const host = await add(org.host, { role: 'HOST', joinedOn: '2006-01-01' });
    expect(host.role).toBe('HOST');
    const error = refusal(
      await api.query(
        ADD,
        { input: { cluster: { slug: MINE }, organization: org.secondHost, role: 'HOST', joinedOn: '2022-01-01' } },
        as('editor'),
      ),
      'CONFLICT',
    );
    expect(error.extensions?.field).toBe('input.role');
    expect(error.message).toContain('Member host AS');
    expect(await membersOf(org.secondHost)).toEqual([]);
    // the same organization as HOST of another cluster is fine
    const elsewhere = (
      await api.data(
        ADD,
        { input: { cluster: { slug: OTHER }, organization: org.secondHost, role: 'HOST', joinedOn: '2022-01-01' } },
        as('admin'),
      )
    ).addMember.membership;
    expect(elsewhere).toMatchObject({ role: 'HOST', cluster: { slug: OTHER } });
  });

  it('keeps history: after a membership ends the organization may join again, from the day it left', async () => {
    const first = await add(org.ended, { joinedOn: '2018-01-01' });
    const ended = (await api.data(END, { input: { id: first.id, version: 1, leftOn: '2020-06-01' } }, as('editor'))).endMembership
      .membership;
    // not before the earlier stay ended
    const error = refusal(
      await api.query(
        ADD,
        { input: { cluster: { slug: MINE }, organization: org.ended, role: 'MEMBER', joinedOn: '2020-05-31' } },
        as('editor'),
      ),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.joinedOn']);
    expect(error.message).toContain('must be on or after 2020-06-01');

    const again = await add(org.ended, { joinedOn: '2020-06-01' });
    expect(await membersOf(org.ended)).toEqual([ended, again]);
    expect((await members(MINE, '2020-05-31')).nodes.map((m) => m.id)).toContain(first.id);
    expect((await members(MINE, '2020-06-01')).nodes.map((m) => m.id)).toEqual(expect.arrayContaining([again.id]));
    expect((await members(MINE, '2020-06-01')).nodes.map((m) => m.id)).not.toContain(first.id);
  });
});

describe('updateMembership', () => {
  let membership: MembershipData;
  beforeAll(async () => {
    membership = await add(org.roles, { joinedOn: '2019-09-01' });
  });

  it('changes the role of a current membership and bumps the version; the same role changes nothing', async () => {
    const { updateMembership: payload } = await api.data(
      UPDATE,
      { input: { id: membership.id, version: membership.version, role: 'CORE' } },
      as('editor'),
    );
    const expected = { ...membership, role: 'CORE', version: membership.version + 1 };
    expect(payload.membership).toEqual(expected);
    expect(await node(membership.id)).toEqual(expected);

    const { updateMembership: same } = await api.data(
      UPDATE,
      { input: { id: membership.id, version: expected.version, role: 'CORE' } },
      as('admin'),
    );
    expect(same.membership).toEqual(expected);
    membership = expected;
  });

  it('refuses a second HOST (CONFLICT) and leaves the membership as it was', async () => {
    const error = refusal(
      await api.query(UPDATE, { input: { id: membership.id, version: membership.version, role: 'HOST' } }, as('editor')),
      'CONFLICT',
    );
    expect(error.extensions?.field).toBe('input.role');
    expect(await node(membership.id)).toEqual(membership);
  });

  it('names bad input, is NOT_FOUND for an unknown membership, and refuses an ended one', async () => {
    let error = refusal(
      await api.query(UPDATE, { input: { id: 'nonsense', version: 0, role: 'CORE' } }, as('admin')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.id', 'input.version']);
    error = refusal(
      await api.query(UPDATE, { input: { id: globalId('Cluster', 1), version: 1, role: 'CORE' } }, as('admin')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.id']);
    error = refusal(
      await api.query(UPDATE, { input: { id: globalId('Membership', 999_999), version: 1, role: 'CORE' } }, as('admin')),
      'NOT_FOUND',
    );
    expect(error.extensions?.field).toBe('input.id');

    const [ended] = (await membersOf(org.ended)).filter((m) => m.leftOn !== null);
    error = refusal(
      await api.query(UPDATE, { input: { id: ended.id, version: ended.version, role: 'CORE' } }, as('admin')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.id']);
    expect(await node(ended.id)).toEqual(ended);
  });

  it('is UNAUTHENTICATED without a token, FORBIDDEN for READER and other EDITOR, CONFLICT when stale; nothing changes', async () => {
    const input = { id: membership.id, version: membership.version, role: 'MEMBER' };
    refusal(await api.query(UPDATE, { input }), 'UNAUTHENTICATED');
    refusal(await api.query(UPDATE, { input }, as('reader')), 'FORBIDDEN');
    refusal(await api.query(UPDATE, { input }, as('otherEditor')), 'FORBIDDEN');
    const error = refusal(
      await api.query(UPDATE, { input: { ...input, version: membership.version - 1 } }, as('editor')),
      'CONFLICT',
    );
    expect(error.extensions?.field).toBe('input.version');
    expect(error.message).toContain(`at version ${membership.version}`);
    expect(await node(membership.id)).toEqual(membership);
  });
});

describe('endMembership', () => {
  it('sets leftOn (the first day outside) and keeps the membership as history; audited', async () => {
    const [current] = await membersOf(org.first);
    const { endMembership: payload } = await api.data(
      END,
      { input: { id: current.id, version: current.version, leftOn: '2024-01-01' } },
      as('editor'),
    );
    const expected = { ...current, leftOn: '2024-01-01', version: current.version + 1 };
    expect(payload.membership).toEqual(expected);
    expect(await node(current.id)).toEqual(expected);
    expect(await membersOf(org.first)).toEqual([expected]);
    expect((await members(MINE, '2023-12-31')).nodes.map((m) => m.id)).toContain(current.id);
    expect((await members(MINE, '2024-01-01')).nodes.map((m) => m.id)).not.toContain(current.id);
    const { auditLog } = await api.data(AUDIT, { id: current.id }, as('admin'));
    expect(auditLog.nodes[0]).toMatchObject({
      action: 'membership.end',
      changes: [{ field: 'leftOn', before: null, after: '2024-01-01' }],
    });
  });

  it('refuses a leftOn not after joinedOn, and ending an ended membership', async () => {
    const [current] = await membersOf(org.roles);
    for (const leftOn of ['2019-09-01', '2019-08-31']) {
      const error = refusal(
        await api.query(END, { input: { id: current.id, version: current.version, leftOn } }, as('editor')),
        'BAD_USER_INPUT',
      );
      expect(problemFields(error)).toEqual(['input.leftOn']);
    }
    expect(await node(current.id)).toEqual(current);

    const [ended] = await membersOf(org.first);
    const error = refusal(
      await api.query(END, { input: { id: ended.id, version: ended.version, leftOn: '2025-01-01' } }, as('editor')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.id']);
    expect(error.message).toContain('has already ended, on 2024-01-01');
    expect(await node(ended.id)).toEqual(ended);
  });

  it('is UNAUTHENTICATED without a token, FORBIDDEN for READER and other EDITOR, CONFLICT when stale; nothing changes', async () => {
    const [current] = await membersOf(org.roles);
    const input = { id: current.id, version: current.version, leftOn: '2025-01-01' };
    refusal(await api.query(END, { input }), 'UNAUTHENTICATED');
    refusal(await api.query(END, { input }, as('reader')), 'FORBIDDEN');
    refusal(await api.query(END, { input }, as('otherEditor')), 'FORBIDDEN');
    refusal(await api.query(END, { input: { ...input, version: current.version + 1 } }, as('editor')), 'CONFLICT');
    expect(await node(current.id)).toEqual(current);
  });
});
