// klynge's SQLite connection (src/db/drivers.ts): opened once with its per-connection settings and
// kept while it is open, so SQLite's page cache and the prepared statements survive. MikroORM's
// libSQL dialect counted a connection valid for 10 s and reopened it under load.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { TEST_DIALECT } from '../helpers/database.js';

interface RawConnection {
  prepare(sql: string): { get(params: unknown[]): Record<string, unknown> };
}

describe.skipIf(TEST_DIALECT !== 'sqlite')('the SQLite connection', () => {
  let dir: string;
  let orm: MikroORM;
  const pool = () =>
    (orm.em as EntityManager).getConnection().getKnex().client as {
      acquireConnection(): Promise<RawConnection>;
      releaseConnection(connection: RawConnection): Promise<void>;
    };

  beforeAll(async () => {
    // A file: an in-memory database's connection is always kept.
    dir = mkdtempSync(join(tmpdir(), 'klynge-sqlite-'));
    const file = join(dir, 'klynge.sqlite');
    orm = await openDatabase({ dialect: 'sqlite', url: `file:${file}`, file });
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await orm.close(true);
    rmSync(dir, { recursive: true, force: true });
  });

  async function withConnection<T>(use: (connection: RawConnection) => T): Promise<T> {
    const connection = await pool().acquireConnection();
    try {
      return use(connection);
    } finally {
      await pool().releaseConnection(connection);
    }
  }

  it('opens with its settings: foreign keys, a 32 MiB page cache, temporary tables in memory', async () => {
    const pragma = (connection: RawConnection, name: string) => Object.values(connection.prepare(`pragma ${name}`).get([]))[0];
    const settings = await withConnection((c) => ({
      foreignKeys: pragma(c, 'foreign_keys'),
      cacheSize: pragma(c, 'cache_size'),
      tempStore: pragma(c, 'temp_store'),
    }));
    expect(settings).toEqual({ foreignKeys: 1, cacheSize: -32768, tempStore: 2 });
  });

  it('keeps the same connection after more than 10 s', async () => {
    const first = await withConnection((c) => c);
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 60_000);
    const later = await withConnection((c) => c);
    expect(later).toBe(first);
  });
});
