// A mutation's transaction that PostgreSQL aborts to break a deadlock (two writes locking the same
// rows in opposite orders; the kept counts are such rows) runs again, whole, instead of failing
// with an internal error; one that keeps being aborted is a CONFLICT the client can retry.
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlockException } from '@mikro-orm/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestContext } from '../../src/context/request-context.js';
import { CodedError } from '../../src/lib/errors.js';
import { DEADLOCK_ATTEMPTS, inTransaction } from '../../src/services/write.js';
import { TEST_DIALECT, type TestDatabase, createTestDatabase, sql } from '../helpers/database.js';

describe.skipIf(TEST_DIALECT !== 'postgresql')('a write aborted to break a deadlock (PostgreSQL)', () => {
  let db: TestDatabase;
  let other: pg.Client;
  let a: number;
  let b: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    [a, b] = (await sql(db, 'select id from cluster order by id limit 2')).map((row) => Number(row.id));
    const schema = (db.database as { schema?: string }).schema;
    other = new pg.Client({ connectionString: db.database.url, options: `-c search_path=${schema}` });
    await other.connect();
  });
  afterAll(async () => {
    await other?.end();
    await db?.dispose();
  });

  it('runs again from the start and commits once, and the other transaction commits too', async () => {
    await other.query('begin');
    await other.query(`update cluster set name = name || ' (other)' where id = $1`, [b]);
    let attempts = 0;
    let otherCommitted: Promise<unknown> | undefined;
    const result = await inTransaction(createRequestContext(db.orm), async (em) => {
      attempts++;
      await em.execute(`update cluster set version = version + 1 where id = ${a}`);
      const lockB = em.execute(`update cluster set name = name || ' (write)' where id = ${b}`);
      if (attempts === 1) {
        // This transaction waits first, so its deadlock check runs first and it is the one aborted.
        await sleep(200);
        otherCommitted = other.query('update cluster set version = version where id = $1', [a]).then(() => other.query('commit'));
      }
      await lockB;
      return attempts;
    });
    await otherCommitted;
    expect(result).toBe(2);
    const [row] = await sql(db, `select name from cluster where id = ${b}`);
    // Both wrote B, the other first; the aborted first attempt left nothing behind.
    expect(row.name).toMatch(/ \(other\) \(write\)$/);
    const [counted] = await sql(db, `select version from cluster where id = ${a}`);
    expect(Number(counted.version)).toBeGreaterThan(0);
  });

  it(`gives up after ${DEADLOCK_ATTEMPTS} attempts with a CONFLICT`, async () => {
    let attempts = 0;
    const failing = inTransaction(createRequestContext(db.orm), async () => {
      attempts++;
      throw new DeadlockException(Object.assign(new Error('deadlock detected'), { code: '40P01' }));
    });
    await expect(failing).rejects.toBeInstanceOf(CodedError);
    await expect(failing).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(attempts).toBe(DEADLOCK_ATTEMPTS);
  });
});
