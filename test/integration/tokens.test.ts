// API tokens: the command line (create, list, revoke) through the token service, what is stored
// (the hash, never the token), how a request turns a token into a viewer, and what a bad token gets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/auth/token.js';
import { type Viewer, systemViewer } from '../../src/auth/viewer.js';
import { runTokenCommand } from '../../src/cli/token-command.js';
import { createRequestContext } from '../../src/context/request-context.js';
import { TokenRole } from '../../src/entities/enums.js';
import { CodedError } from '../../src/lib/errors.js';
import { createToken, listTokens, revokeToken } from '../../src/services/token.service.js';
import { type TestApi, createTestApi, errorCodes } from '../helpers/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ demo: false });
});
afterAll(() => api?.dispose());

/** Runs `npm run token -- …` against the test database; returns what it printed. */
async function cli(...args: string[]): Promise<string> {
  const lines: string[] = [];
  await runTokenCommand(api.orm, args, (line) => lines.push(line));
  return lines.join('\n');
}
const tokenIn = (output: string) => /klynge_[A-Za-z0-9_-]{43}/.exec(output)?.[0] ?? '';
const sql = <T>(query: string, params: unknown[] = []) => api.orm.em.fork().getConnection().execute<T[]>(query, params);
const VIEWER = '{ viewer { name role clusters { slug } } }';

describe('token command line', () => {
  let adminToken = '';
  let editorToken = '';

  it('creates an ADMIN token, prints it once, and stores only its hash and prefix', async () => {
    const output = await cli('create', '--role', 'admin', '--name', 'Ops');
    adminToken = tokenIn(output);
    expect(adminToken).toMatch(/^klynge_[A-Za-z0-9_-]{43}$/);
    expect(output).toContain('only time the token is shown');
    const rows = await sql<Record<string, unknown>>('select * from api_token where name = ?', ['Ops']);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(hashToken(adminToken));
    expect(rows[0].token_prefix).toBe(adminToken.slice(7, 15));
    expect(JSON.stringify(rows)).not.toContain(adminToken.slice(7));
    expect(await api.data(VIEWER, {}, { token: adminToken })).toEqual({ viewer: { name: 'Ops', role: 'ADMIN', clusters: [] } });
  });

  it('creates an EDITOR token scoped to clusters', async () => {
    editorToken = tokenIn(await cli('create', '--role=editor', '--name', 'Subsea staff', '--clusters', 'gce-subsea,nce-eyde'));
    expect(await api.data(VIEWER, {}, { token: editorToken })).toEqual({
      viewer: { name: 'Subsea staff', role: 'EDITOR', clusters: [{ slug: 'gce-subsea' }, { slug: 'nce-eyde' }] },
    });
  });

  it('refuses bad token requests without writing anything', async () => {
    const count = async () => Number((await sql<{ n: number }>('select count(*) as n from api_token'))[0].n);
    const before = await count();
    await expect(cli('create', '--role', 'editor', '--name', 'Nobody')).rejects.toThrow(
      '"clusters" must name at least one cluster',
    );
    await expect(cli('create', '--role', 'reader', '--name', 'X', '--clusters', 'gce-subsea,no-such')).rejects.toThrow(
      'Unknown cluster(s): no-such',
    );
    await expect(cli('create', '--role', 'admin', '--name', 'X', '--clusters', 'gce-subsea')).rejects.toThrow('must be empty');
    await expect(cli('create', '--role', 'owner', '--name', 'X')).rejects.toThrow('--role must be admin, editor or reader');
    await expect(cli('create', '--role', 'admin', '--name', ' ')).rejects.toThrow('"name" must be 1 to 100 characters');
    await expect(cli('create', '--role', 'admin')).rejects.toThrow('needs --role and --name');
    await expect(cli('frobnicate')).rejects.toThrow('unknown command');
    expect(await count()).toBe(before);
  });

  it('lists tokens with id, name, role, prefix, clusters and dates, never the token', async () => {
    const output = await cli('list');
    const lines = output.split('\n');
    expect(lines[0]).toMatch(/^id\s+name\s+role\s+prefix\s+clusters\s+created\s+last used\s+revoked$/);
    expect(output).toMatch(new RegExp(`Ops\\s+ADMIN\\s+klynge_${adminToken.slice(7, 15)}…\\s+-\\s+\\d{4}-`));
    expect(output).toMatch(/Subsea staff\s+EDITOR\s+klynge_\S+…\s+gce-subsea,nce-eyde\s/);
    expect(output).not.toContain(adminToken);
    expect(output).not.toContain(editorToken);
  });

  it('revokes a token: every later request with it is UNAUTHENTICATED, queries included', async () => {
    const id = (await sql<{ id: number }>('select id from api_token where name = ?', ['Subsea staff']))[0].id;
    expect(await cli('revoke', String(id))).toContain(`revoked token ${id} "Subsea staff"`);
    for (const query of [VIEWER, '{ cluster(slug: "gce-subsea") { name } }']) {
      const result = await api.query(query, {}, { token: editorToken });
      expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
      expect(result.errors?.[0].message).toBe('This API token has been revoked.');
      expect(result.data).toBeUndefined();
    }
    const version = (await api.data('{ cluster(slug: "gce-subsea") { version } }')).cluster.version;
    const update = await api.query(
      'mutation ($v: Int!) { updateCluster(input: { cluster: { slug: "gce-subsea" }, version: $v, name: "Revoked" }) { cluster { name } } }',
      { v: version },
      { token: editorToken },
    );
    expect(errorCodes(update)).toEqual(['UNAUTHENTICATED']);
    expect((await api.data('{ cluster(slug: "gce-subsea") { name } }')).cluster.name).toBe('GCE Subsea');
    expect(await cli('list')).toMatch(/Subsea staff.*\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/m);
    await expect(cli('revoke', String(id))).rejects.toThrow('already revoked');
    await expect(cli('revoke', '99999')).rejects.toThrow('No API token with id 99999');
    await expect(cli('revoke')).rejects.toThrow('exactly one token id');
  });

  it('leaves the clusters a token names untouched (versions unchanged)', async () => {
    const read = async () => (await api.data('{ cluster(slug: "nce-eyde") { version } }')).cluster.version;
    const before = await read();
    const id = (await tokenInfo(await cli('create', '--role', 'reader', '--name', 'Eyde reader', '--clusters', 'nce-eyde'))).id;
    await cli('revoke', String(id));
    expect(await read()).toBe(before);
  });

  async function tokenInfo(output: string) {
    const hash = hashToken(tokenIn(output));
    return (await sql<{ id: number }>('select id from api_token where token_hash = ?', [hash]))[0];
  }
});

describe('token service permissions', () => {
  const as = (viewer: Viewer) => createRequestContext(api.orm, undefined, viewer);
  const editor: Viewer = { tokenId: null, name: 'an editor', role: TokenRole.EDITOR, clusterIds: [1] };

  it('lets only ADMIN viewers create, list and revoke tokens', async () => {
    for (const attempt of [
      () => createToken(as(editor), { name: 'sneaky', role: TokenRole.ADMIN }),
      () => listTokens(as(editor)),
      () => revokeToken(as(editor), 1),
    ]) {
      const error = await attempt().catch((e) => e);
      expect(error).toBeInstanceOf(CodedError);
      expect(error.code).toBe('FORBIDDEN');
    }
    const anonymous = await listTokens(createRequestContext(api.orm)).catch((e) => e);
    expect(anonymous.code).toBe('UNAUTHENTICATED');
    expect((await listTokens(as(systemViewer('cli:test')))).length).toBeGreaterThan(0);
  });
});

describe('authentication of requests', () => {
  it('is anonymous without an Authorization header: viewer is null, published data readable', async () => {
    expect(await api.data('{ viewer { name } cluster(slug: "nce-eyde") { slug } }')).toEqual({
      viewer: null,
      cluster: { slug: 'nce-eyde' },
    });
  });

  it('refuses a malformed header, a foreign token and an unknown token, for queries too', async () => {
    const unknown = `klynge_${'A'.repeat(43)}`;
    for (const [authorization, message] of [
      ['Basic dXNlcjpwYXNz', 'The Authorization header must be "Bearer <klynge API token>".'],
      ['Bearer', 'The Authorization header must be "Bearer <klynge API token>".'],
      ['Bearer ghp_abcdef', 'This is not a klynge API token (they look like "klynge_…").'],
      [`Bearer ${unknown}`, 'Unknown API token.'],
    ]) {
      const result = await api.query('{ clusters { totalCount } }', {}, { authorization });
      expect(result.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['UNAUTHENTICATED', message]]);
    }
  });

  it('accepts any case of "Bearer" and notes when a token was last used', async () => {
    const { token, info } = await createToken(createRequestContext(api.orm, undefined, systemViewer('test')), {
      name: 'Fresh',
      role: TokenRole.ADMIN,
    });
    expect(info.lastUsedAt).toBeNull();
    expect(await api.data('{ viewer { name } }', {}, { authorization: `bearer ${token}` })).toEqual({
      viewer: { name: 'Fresh' },
    });
    const [row] = await sql<{ last_used_at: unknown }>('select last_used_at from api_token where id = ?', [info.id]);
    expect(row.last_used_at).not.toBeNull();
  });

  it('costs anonymous reads nothing, and an authenticated read one lookup', async () => {
    const { token } = await createToken(createRequestContext(api.orm, undefined, systemViewer('test')), {
      name: 'Counter',
      role: TokenRole.ADMIN,
    });
    await api.data('{ viewer { name } }', {}, { token }); // first use writes lastUsedAt
    api.statements.length = 0;
    await api.data('{ cluster(slug: "nce-eyde") { name } }');
    const anonymous = api.statements.length;
    api.statements.length = 0;
    await api.data('{ cluster(slug: "nce-eyde") { name } }', {}, { token });
    expect(api.statements.length).toBe(anonymous + 1);
    expect(api.statements[0]).toMatch(/from [`"]api_token[`"] as [`"]t[`"]/);
  });
});
