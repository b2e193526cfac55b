// Strings an attacker would send, to every string argument of every query and mutation: the
// arguments are read from the schema (input objects and lists included), so a new argument is
// covered the day it is added. Whatever the value, the answer is never a 5xx nor an
// INTERNAL_SERVER_ERROR; a NUL or an unpaired surrogate is a BAD_USER_INPUT naming the field; and
// values reach the database as bound parameters, never as SQL text.
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import type { EntityManager } from '@mikro-orm/knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKlyngeSchema } from '../../src/graphql/schema.js';
import { type TestApi, createTestApi } from '../helpers/api.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

/** The values sent to every string argument, by name. */
const HOSTILE: Record<string, string> = {
  NUL: 'gce\u0000subsea',
  'lone high surrogate': 'gce-\uD800subsea',
  'lone low surrogate': '\uDC00',
  '100 kB': `ab'c"%_\\ ${'x'.repeat(100_000)}`,
  'single quote': "gce-subsea' or '1'='1",
  'double quote': 'say "hi"',
  'percent and underscore': '%_%',
  backslashes: 'a\\b\\\\c\\',
  'SQL comment and statement': "'; drop table cluster; --",
  'LIKE and search syntax': '"bergen" NEAR(%) OR * -( ^ :',
};

/** What must be refused as BAD_USER_INPUT naming the field: text no database column can hold. */
const UNSTORABLE = new Set(['NUL', 'lone high surrogate', 'lone low surrogate']);

/** Scalars that take no text: the other scalars (String, ID, dates, ...) get the hostile strings. */
const NON_TEXT_SCALARS = new Set(['Int', 'Float', 'Boolean']);

/** One string-typed place in one argument of a root field, e.g. `input.cluster.slug` or `filter.counties[0]`. */
interface Target {
  operation: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  argument: GraphQLArgument;
  /** Input field names and list positions (0) from the argument down to the string. */
  path: (string | 0)[];
  /** The named scalar at the end: String and ID values reach the resolvers; others are coerced first. */
  scalar: string;
}

/** How the path shows in `extensions.field`: `filter.counties[0]`. */
const fieldName = (t: Target) =>
  t.path.reduce<string>((name, step) => (step === 0 ? `${name}[0]` : `${name}.${step}`), t.argument.name);

/** Every place in `type` where a string goes (input objects are followed once per path). */
function* stringPlaces(type: GraphQLInputType, path: (string | 0)[], seen: Set<string>): Generator<[(string | 0)[], string]> {
  if (isNonNullType(type)) return yield* stringPlaces(type.ofType, path, seen);
  if (isListType(type)) return yield* stringPlaces(type.ofType, [...path, 0], seen);
  if (isInputObjectType(type)) {
    if (seen.has(type.name)) return;
    for (const field of Object.values(type.getFields())) {
      yield* stringPlaces(field.type, [...path, field.name], new Set([...seen, type.name]));
    }
    return;
  }
  if (isScalarType(type) && !NON_TEXT_SCALARS.has(type.name)) yield [path, type.name];
}

/** Every string-typed place of every argument of every query and mutation field. */
function targetsOf(schema: GraphQLSchema): Target[] {
  const targets: Target[] = [];
  for (const [operation, root] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      for (const argument of field.args) {
        for (const [path, scalar] of stringPlaces(argument.type, [], new Set())) {
          targets.push({ operation, field, argument, path, scalar });
        }
      }
    }
  }
  return targets;
}

/** Seeded objects that required keys name, so a write gets past its other fields to the one under attack. */
const SAMPLE_BY_TYPE: Record<string, unknown> = {
  ClusterKey: { slug: 'gce-subsea' },
  PartnerKey: { slug: 'sintef-ocean' },
  LocalDate: '2025-06-01',
  DateTimeISO: '2025-06-01T00:00:00.000Z',
};
const SAMPLE_BY_FIELD: Record<string, unknown> = {
  slug: 'hostile-input',
  organization: '974760673',
  orgNumber: '974760673',
  clusters: ['gce-subsea'],
  sectors: ['Havbruk'],
};

/** A valid-looking value for a required input of `type` (`name` is its field's name). */
function sample(type: GraphQLInputType, name: string): unknown {
  if (isNonNullType(type)) return sample(type.ofType, name);
  const named = getNamedType(type) as GraphQLNamedType;
  if (name in SAMPLE_BY_FIELD) return SAMPLE_BY_FIELD[name];
  if (isListType(type)) return [];
  if (named.name in SAMPLE_BY_TYPE) return SAMPLE_BY_TYPE[named.name];
  if (isEnumType(named)) return named.getValues()[0].value;
  if (isInputObjectType(named)) return requiredFields(named);
  if (named.name === 'Int' || named.name === 'Float') return 1;
  if (named.name === 'Boolean') return false;
  return 'x';
}

/** An input object with its required fields sampled. */
function requiredFields(type: GraphQLInputType): Record<string, unknown> {
  const named = getNamedType(type);
  const value: Record<string, unknown> = {};
  if (!isInputObjectType(named)) return value;
  for (const field of Object.values(named.getFields())) {
    if (isNonNullType(field.type) && field.defaultValue === undefined) value[field.name] = sample(field.type, field.name);
  }
  return value;
}

/** The value of an argument of `type` with `text` at `path` and its other required fields sampled. */
function valueWith(type: GraphQLInputType, path: (string | 0)[], text: string): unknown {
  if (isNonNullType(type)) return valueWith(type.ofType, path, text);
  if (path.length === 0) return text;
  const [step, ...rest] = path;
  if (isListType(type)) return [valueWith(type.ofType, rest, text)];
  const named = getNamedType(type);
  if (!isInputObjectType(named) || step === 0) throw new Error(`no input field ${String(step)} in ${String(type)}`);
  return { ...requiredFields(named), [step]: valueWith(named.getFields()[step].type, rest, text) };
}

/**
 * A selection that makes the field do its work: its scalars, and two levels of the objects under it
 * (pages' items, payloads' objects), without fields that need arguments.
 */
function selectionOf(type: GraphQLOutputType, depth = 0): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named) && !isInterfaceType(named)) return '{ __typename }';
  const fields = Object.values(named.getFields())
    .filter((f) => !f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined))
    .filter((f) => isLeafType(getNamedType(f.type)) || depth < 2)
    .map((f) => `${f.name} ${selectionOf(f.type, depth + 1)}`);
  return `{ __typename ${fields.join(' ')} }`;
}

/** One operation that sends `text` to one target, as variables. */
function operationFor(target: Target, text: string): { query: string; variables: Record<string, unknown> } {
  const variables: Record<string, unknown> = {};
  const definitions: string[] = [];
  const args: string[] = [];
  for (const argument of target.field.args) {
    const isTarget = argument === target.argument;
    if (!isTarget && !(isNonNullType(argument.type) && argument.defaultValue === undefined)) continue;
    variables[argument.name] = isTarget ? valueWith(argument.type, target.path, text) : sample(argument.type, argument.name);
    definitions.push(`$${argument.name}: ${String(argument.type)}`);
    args.push(`${argument.name}: $${argument.name}`);
  }
  const query = `${target.operation} Hostile(${definitions.join(', ')}) { ${target.field.name}(${args.join(', ')}) ${selectionOf(target.field.type)} }`;
  return { query, variables };
}

let api: TestApi;
let targets: Target[];
let admin: string;

beforeAll(async () => {
  api = await createTestApi();
  targets = targetsOf(await buildKlyngeSchema());
  admin = await issueToken(api, TokenRole.ADMIN);
});
afterAll(async () => {
  await api?.dispose();
});

describe('hostile strings in every string argument', () => {
  it('finds the string arguments in the schema, nested ones included', () => {
    const names = targets.map((t) => `${t.field.name}(${fieldName(t)})`);
    expect(names).toEqual(
      expect.arrayContaining([
        'cluster(slug)',
        'nodes(ids[0])',
        'clusters(filter.counties[0])',
        'clusters(filter.admittedOn.from)',
        'search(query)',
        'updateCluster(input.cluster.slug)',
        'createAnnouncement(input.clusters[0])',
      ]),
    );
    expect(targets.some((t) => t.operation === 'mutation')).toBe(true);
  });

  it.each(Object.keys(HOSTILE))('%s: no 5xx, no INTERNAL_SERVER_ERROR', async (label) => {
    const text = HOSTILE[label];
    const failures: string[] = [];
    for (const target of targets) {
      const { query, variables } = operationFor(target, text);
      for (const [who, caller] of [
        ['anonymous', {}],
        ['admin', { token: admin }],
      ] as const) {
        const { status, result } = await api.exchange(query, variables, caller);
        const codes = (result.errors ?? []).map((e) => e.extensions?.code);
        const where = `${target.field.name}(${fieldName(target)}) as ${who}`;
        if (status >= 500 || codes.includes('INTERNAL_SERVER_ERROR') || codes.includes('DATABASE_UNAVAILABLE')) {
          failures.push(`${where}: HTTP ${status}, ${JSON.stringify(result.errors)}`);
          continue;
        }
        if (codes.includes('GRAPHQL_VALIDATION_FAILED') || codes.includes('QUERY_TOO_COMPLEX')) {
          // The generated operation itself was refused: the value never got anywhere.
          failures.push(`${where}: the operation was refused: ${JSON.stringify(result.errors)}`);
          continue;
        }
        if (!UNSTORABLE.has(label)) continue;
        const first = result.errors?.[0];
        if (first?.extensions?.code !== 'BAD_USER_INPUT') {
          failures.push(`${where}: not refused as BAD_USER_INPUT: ${JSON.stringify(result)}`);
        } else if ((target.scalar === 'String' || target.scalar === 'ID') && first.extensions.field !== fieldName(target)) {
          // Text scalars reach the text check, which names them; other scalars' own parsing refuses them first.
          failures.push(`${where}: named ${String(first.extensions.field)}, not ${fieldName(target)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('a NUL character or an unpaired surrogate', () => {
  const refusal = async (query: string, variables?: Record<string, unknown>, token?: string) => {
    const { status, result } = await api.exchange(query, variables, token ? { token } : {});
    return { status, data: result.data, ...(result.errors?.[0]?.extensions as Record<string, unknown>) } as Record<
      string,
      unknown
    >;
  };

  it('in a literal argument is a BAD_USER_INPUT naming it, before anything is resolved (HTTP 400)', async () => {
    expect(await refusal('{ cluster(slug: "gce\\u0000subsea") { name } }')).toEqual({
      status: 400,
      data: undefined,
      code: 'BAD_USER_INPUT',
      field: 'slug',
      fields: [{ field: 'slug', message: 'must not contain the NUL character (U+0000)' }],
    });
  });

  it('in a list inside an input object, in a nested field and in a fragment, names each place', async () => {
    const result = await refusal(
      `query ($county: String!) {
        clusters(filter: { counties: ["Vestland", $county] }) { totalCount }
        cluster(slug: "gce-subsea") { ...Members }
      }
      fragment Members on Cluster { members(after: "\\u0000") { totalCount } }`,
      { county: '\u0000' },
    );
    expect(result).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', field: 'filter.counties[1]' });
    expect((result.fields as { field: string }[]).map((f) => f.field)).toEqual(['filter.counties[1]', 'after']);
  });

  it('an unpaired surrogate is refused like a NUL, a surrogate pair (an emoji) is text like any other', async () => {
    const query = 'query ($q: String!) { search(query: $q) { nodes { __typename } } }';
    expect(await refusal(query, { q: 'sj\uD83Dmat' })).toMatchObject({
      status: 400,
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'query', message: 'must be well-formed Unicode (it has an unpaired surrogate)' }],
    });
    expect(await api.exchange(query, { q: 'sjømat 🐟' })).toMatchObject({
      status: 200,
      result: { data: { search: { nodes: expect.any(Array) } } },
    });
  });

  it("in a mutation's input is a BAD_USER_INPUT naming the input field, and nothing is written", async () => {
    const create = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { partner { slug } } }`;
    const input = { slug: 'nul-lab', name: 'NUL\u0000Lab', kind: 'INCUBATOR' };
    expect(await refusal(create, { input }, admin)).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', field: 'input.name' });
    expect(await api.data('{ partner(slug: "nul-lab") { name } }')).toEqual({ partner: null });
  });
});

describe('values reach the database as bound parameters', () => {
  interface DriverCall {
    sql: string;
    params: unknown[];
  }
  /** Where the database driver's calls go while driverCalls runs. */
  let recording: DriverCall[] | undefined;

  /** Undoes the recording hooks. */
  let restore: () => void;

  beforeAll(() => {
    const client = (api.orm.em as unknown as EntityManager).getKnex().client as any;
    if (api.dialect === 'sqlite') {
      // libSQL: knex's dialect prepares `obj.sql` (or reuses it) and runs it with `obj.bindings`.
      // Transactions run on copies of the dialect's prototype, so the hook goes there.
      const dialect = Object.getPrototypeOf(client);
      const query = dialect._query;
      dialect._query = function (this: unknown, connection: unknown, obj: { sql: string; bindings?: unknown[] }) {
        recording?.push({ sql: obj.sql, params: obj.bindings ?? [] });
        return query.call(this, connection, obj);
      };
      restore = () => {
        dialect._query = query;
      };
    } else {
      // pg: every statement, through knex or prepared by Db, is a query(text, values) or
      // query({ text, values }, callback) on a pooled connection.
      const acquire = client.acquireConnection;
      client.acquireConnection = async function (this: unknown) {
        const connection = await acquire.call(this);
        if (!connection.__recorded) {
          connection.__recorded = true;
          const query = connection.query.bind(connection);
          connection.query = (config: string | { text: string; values?: unknown[] }, values?: unknown) => {
            const text = typeof config === 'string' ? config : config.text;
            const params = typeof config === 'string' ? values : config.values;
            recording?.push({ sql: text, params: Array.isArray(params) ? params : [] });
            return query(config, values);
          };
        }
        return connection;
      };
      restore = () => {
        client.acquireConnection = acquire;
      };
    }
  });
  afterAll(() => restore?.());

  /** Every SQL text and parameter list the database driver receives while `run` runs. */
  async function driverCalls(run: () => Promise<unknown>): Promise<DriverCall[]> {
    recording = [];
    try {
      await run();
      return recording;
    } finally {
      recording = undefined;
    }
  }

  const MARK = `Zq'mark"er\\`;
  const inSql = (calls: DriverCall[]) => calls.filter((c) => c.sql.includes('mark')).map((c) => c.sql);
  const asParams = (calls: DriverCall[]) => calls.flatMap((c) => c.params).filter((p) => String(p).includes('mark'));

  it('in reads: slugs, filters and search terms', async () => {
    const calls = await driverCalls(async () => {
      await api.data('query ($s: String!) { cluster(slug: $s) { name } partner(slug: $s) { name } }', { s: MARK });
      await api.data('query ($c: String!) { clusters(filter: { counties: [$c], text: $c }) { totalCount nodes { name } } }', {
        c: MARK,
      });
      await api.data(
        'query ($q: String!) { search(query: $q) { totalCount edges { highlights { snippet } node { __typename } } } }',
        { q: 'mark' },
      );
    });
    expect(calls.length).toBeGreaterThan(0);
    expect(inSql(calls)).toEqual([]);
    expect(asParams(calls).length).toBeGreaterThan(0);
  });

  it('in writes: the flush, the audit entry and the reads inside the transaction', async () => {
    const name = `Lab ${MARK}`;
    const calls = await driverCalls(async () => {
      await api.data(
        'mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { partner { name } } }',
        { input: { slug: 'bound-lab', name, kind: 'INCUBATOR' } },
        { token: admin },
      );
    });
    expect(inSql(calls)).toEqual([]);
    expect(asParams(calls)).toContain(name);
    expect(await api.data('{ partner(slug: "bound-lab") { name } }')).toEqual({ partner: { name } });
  });
});
