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
      await locker.query('rollback');
      const after = await post('{ clusters(first: 1) { nodes { slug } } }');
      expect(after.status).toBe(200);
      expect(after.body.errors).toBeUndefined();
      const { rows } = await locker.query(
        `select count(*)::int as waiting from pg_stat_activity where wait_event_type = 'Lock' and query like '%cluster%'`,
      );
      expect(rows[0].waiting).toBe(0);
    } finally {
      await locker.end();
    }
  });
});
