import { type GraphQLSchema, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKlyngeSchema } from '../../src/graphql/schema.js';
import { announcementSelect } from '../../src/repositories/announcement.repository.js';
import { CLUSTER_SELECT } from '../../src/repositories/cluster.repository.js';
import { Db } from '../../src/repositories/db.js';
import { MEMBERSHIP_SELECT } from '../../src/repositories/membership.repository.js';
import { ORGANIZATION_SELECT } from '../../src/repositories/organization.repository.js';
import { PARTNERSHIP_SELECT, PARTNER_SELECT } from '../../src/repositories/partner.repository.js';
import { type TestApi, createTestApi } from '../helpers/api.js';

// A page statement selects only the columns of the fields a client asks of the items (plus type
// name, id, foreign keys, the ordering's value and the rows it carries for another loader).

let api: TestApi;
let schema: GraphQLSchema;
beforeAll(async () => {
  api = await createTestApi();
  schema = await buildKlyngeSchema();
});
afterAll(() => api?.dispose());

const aliases = (select: readonly string[]) => select.map((column) => /as "([^"]+)"$/.exec(column)?.[1]);

/** The SQL of every statement an operation ran. */
async function statementsOf(query: string, variables?: Record<string, unknown>) {
  api.statements.length = 0;
  const data = await api.data(query, variables);
  return { data, statements: [...api.statements] };
}

describe('page columns', () => {
  it('every field read straight from a record is a column of its type (so leaving columns out is safe)', () => {
    const selects: Record<string, readonly string[]> = {
      Cluster: CLUSTER_SELECT,
      Organization: ORGANIZATION_SELECT,
      Membership: MEMBERSHIP_SELECT,
      PartnerInstitution: PARTNER_SELECT,
      Partnership: PARTNERSHIP_SELECT,
      Announcement: announcementSelect(new Db(api.orm.em.fork() as never)),
    };
    for (const [typeName, select] of Object.entries(selects)) {
      const type = schema.getType(typeName);
      if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
      // Fields with a resolver read only the record's id and foreign keys, which are always kept.
      const plain = Object.values(type.getFields())
        .filter((field) => !field.resolve)
        .map((field) => field.name);
      expect(
        plain.filter((name) => !aliases(select).includes(name)),
        typeName,
      ).toEqual([]);
    }
  });

  it('leaves out the columns nobody asked for, and keeps what cursors and relations need', async () => {
    const { statements } = await statementsOf(`{
      announcements(first: 2) { edges { cursor node { title clusters(first: 2) { nodes { name } } } } }
    }`);
    expect(statements[0]).toMatch(/a\.title as "title"/);
    expect(statements[0]).not.toMatch(/a\.body as "body"/);
    expect(statements[0]).toMatch(/as "publishedAtOrDraft"/); // the ordering's value, for the cursor
    // The clusters' page: inside the announcements' statement.
    const clusters = statements[0];
    expect(clusters).toMatch(/c\.name as "name"/);
    expect(clusters).not.toMatch(/c\.description as "description"/);
    const withBody = await statementsOf('{ announcements(first: 2) { nodes { title body } } }');
    expect(withBody.statements[0]).toMatch(/a\.body as "body"/);
  });

  it("carries of each item's organization only the columns asked under it, and fills no loader with that part", async () => {
    const { statements } = await statementsOf(
      '{ cluster(slug: "gce-subsea") { members(first: 2) { nodes { organization { name } } } } }',
    );
    const page = statements.find((sql) => sql.includes('join organization as o'));
    expect(page).toMatch(/o\.name as "j__name"/);
    expect(page).not.toMatch(/o\.website as "j__website"/);
    // The same organization asked for whole elsewhere in the operation is whole there.
    const { data } = await statementsOf(`{
      cluster(slug: "gce-subsea") { members(first: 1) { nodes { organization { id name } } } }
    }`);
    const { id, name } = (data as { cluster: { members: { nodes: { organization: { id: string; name: string } }[] } } }).cluster
      .members.nodes[0].organization;
    const both = await api.data<{
      cluster: { members: { nodes: { organization: { name: string } }[] } };
      node: Record<string, unknown>;
    }>(
      `query ($id: ID!) {
        cluster(slug: "gce-subsea") { members(first: 1) { nodes { organization { name } } } }
        node(id: $id) { ... on Organization { name orgNumber city website } }
      }`,
      { id },
    );
    expect(both.cluster.members.nodes[0].organization).toEqual({ name });
    const alone = await api.data<{ node: Record<string, unknown> }>(
      'query ($id: ID!) { node(id: $id) { ... on Organization { name orgNumber city website } } }',
      { id },
    );
    expect(alone.node.orgNumber).toMatch(/^\d{9}$/);
    expect(both.node).toEqual(alone.node);
  });

  it('gives each of two sibling lists that differ only in fields its own columns', async () => {
    const { data } = await statementsOf(`{
      cluster(slug: "gce-subsea") {
        a: members(first: 3) { nodes { role } }
        b: members(first: 3) { nodes { joinedOn organization { name website } } }
        c: members(first: 3) { ...Dates edges { node { ... on Membership { leftOn } } } }
      }
    }
    fragment Dates on MembershipConnection { nodes { joinedOn } }`);
    const { a, b, c } = (data as { cluster: Record<string, { nodes: Record<string, unknown>[] }> }).cluster;
    const full = await api.data<{ cluster: { members: { nodes: Record<string, unknown>[] } } }>(
      '{ cluster(slug: "gce-subsea") { members(first: 3) { nodes { role joinedOn leftOn organization { name website } } } } }',
    );
    const expected = full.cluster.members.nodes;
    expect(a.nodes).toEqual(expected.map(({ role }) => ({ role })));
    expect(b.nodes).toEqual(expected.map(({ joinedOn, organization }) => ({ joinedOn, organization })));
    expect(c.nodes).toEqual(expected.map(({ joinedOn }) => ({ joinedOn })));
    expect((c as unknown as { edges: { node: unknown }[] }).edges.map((e) => e.node)).toEqual(
      expected.map(({ leftOn }) => ({ leftOn })),
    );
  });
});
