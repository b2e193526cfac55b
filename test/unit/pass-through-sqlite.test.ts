// The SQL the pass-through writes on SQLite for what PostgreSQL has functions for: a global id's
// base64url and an instant's ISO text, checked against Node's own on SQLite itself.
import Database from 'libsql';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE_TYPES, toGlobalId } from '../../src/lib/global-id.js';
import { sqliteBase64url, sqliteIsoInstant } from '../../src/repositories/pass-through.repository.js';

const db = new Database(':memory:');
afterAll(() => db.close());

// Numbers are bound as REAL by the driver: the columns the pass-through reads hold integers.
const value = (sql: string, parameter: number): string =>
  (db.prepare(`select ${sql} as v from (select cast(? as integer) as x)`).get(parameter) as { v: string }).v;

describe('the pass-through on SQLite', () => {
  it('writes global ids as src/lib/global-id.ts does, for every type and id length', () => {
    const ids = [0, 1, 7, 42, 999, 1000, 65_535, 123_456, 2_147_483_647, 9_007_199_254_740_991];
    for (const type of NODE_TYPES) expect(toGlobalId(type, 42)).toBe(Buffer.from(`${type}:42`).toString('base64url'));
    // Prefixes of every length modulo 3 (whole groups encoded in Node, the rest in SQL).
    for (const type of [...NODE_TYPES, 'A', 'Ab', 'Abc']) {
      const sql = sqliteBase64url(`${type}:`, 'x');
      for (const id of ids) expect(value(sql, id), `${type} ${id}`).toBe(Buffer.from(`${type}:${id}`).toString('base64url'));
    }
  });

  it('writes instants as Date.toISOString does, before 1970 too', () => {
    const sql = sqliteIsoInstant('x');
    for (const ms of [0, 1, 999, 1_000, 1_733_572_800_123, Date.UTC(2030, 2, 4, 5, 6, 7, 891), -1, -999, -1_000, -86_400_001]) {
      expect(value(sql, ms), String(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
