// QUERY_TIMEOUT_MS on PostgreSQL: a statement that runs past it (here: one waiting for a lock) is
// cancelled by the database, the client gets TIMEOUT (503 when nothing resolved), and the
// connection goes back to the pool: the next requests are answered as usual.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../helpers/database.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

describe.runIf(TEST_DIALECT === 'postgresql')('operation time limit on PostgreSQL', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ queryTimeoutMs: 500 });
  });
  afterAll(() => server?.stop());

  const post = async (query: string) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] },
    };
  };

  it('cancels a statement that runs too long, answers TIMEOUT, and keeps its connections usable', async () => {
    const schema = (server.orm.config.get('schema') as string | undefined) ?? 'public';
    const url = new URL(process.env.DATABASE_URL as string);
    url.searchParams.delete('schema');
    const locker = new pg.Client({ connectionString: url.toString() });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query(`lock table "${schema}"."cluster" in access exclusive mode`);
      const started = Date.now();
      // More requests than the pool has connections: each gets its statement cancelled and gives its connection back.
      const results = await Promise.all(Array.from({ length: 12 }, () => post('{ clusters(first: 1) { nodes { slug } } }')));
      expect(Date.now() - started).toBeLessThan(5000);
      for (const { status, body } of results) {
        expect(status).toBe(503);
        expect(body.errors?.map((e) => e.extensions.code)).toContain('TIMEOUT');
      }
      // The cancelled statements no longer wait for the lock, which is still held (other suites'
      // schemas are not ours to count).
      const waiting = async () =>
        (
          await locker.query('select count(*)::int as waiting from pg_locks where not granted and relation = to_regclass($1)', [
            `"${schema}"."cluster"`,
          ])
        ).rows[0].waiting;
      // The answer comes at the operation's deadline; the database cancels the statement at its own
      // statement_timeout, a moment later.
      await expect.poll(waiting, { timeout: 3000 }).toBe(0);
      await locker.query('rollback');
      const after = await post('{ clusters(first: 1) { nodes { slug } } }');
      expect(after.status).toBe(200);
      expect(after.body.errors).toBeUndefined();
    } finally {
      await locker.end();
    }
  });
});
