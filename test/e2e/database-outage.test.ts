// PostgreSQL restarted under load: a PostgreSQL of the test's own (initdb into a temporary
// directory, on a free port) is stopped while klynge serves. Requests during the outage fail fast
// with DATABASE_UNAVAILABLE (HTTP 503), /readyz says so, and klynge recovers by itself once the
// database is back.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import { TEST_DIALECT } from '../helpers/database.js';

const BIN = '/usr/lib/postgresql/15/bin';
// With the PostgreSQL suites (DATABASE_URL), where PostgreSQL's server binaries are installed and we may run them as postgres.
const available =
  TEST_DIALECT === 'postgresql' && existsSync(join(BIN, 'initdb')) && existsSync('/usr/sbin/runuser') && process.getuid?.() === 0;

/** Runs a PostgreSQL tool as the postgres user (the server refuses to run as root). */
const asPostgres = (tool: string, args: string[]) =>
  execFileSync('/usr/sbin/runuser', ['-u', 'postgres', '--', join(BIN, tool), ...args], { stdio: 'pipe', timeout: 60_000 });

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe.runIf(available)('a PostgreSQL outage', () => {
  let dir: string;
  let port: number;
  let server: RunningServer;
  const pgctl = (action: 'start' | 'stop') =>
    action === 'start'
      ? asPostgres('pg_ctl', [
          '-D',
          dir,
          '-w',
          '-l',
          join(dir, 'log'),
          '-o',
          `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
          'start',
        ])
      : asPostgres('pg_ctl', ['-D', dir, '-w', '-m', 'fast', 'stop']);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'klynge-pg-'));
    chownSync(
      dir,
      Number(execFileSync('id', ['-u', 'postgres']).toString()),
      Number(execFileSync('id', ['-g', 'postgres']).toString()),
    );
    port = await freePort();
    asPostgres('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    pgctl('start');
    const config = loadConfig({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres`,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      REGISTRY_ENABLED: 'false',
    });
    server = await startServer(config, { logger: createLogger('silent') });
  }, 120_000);
  afterAll(async () => {
    await server?.stop().catch(() => {});
    try {
      pgctl('stop');
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const query = async () => {
    const started = Date.now();
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ clusters(first: 3) { nodes { slug } } }' }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] };
    return { status: response.status, codes: (body.errors ?? []).map((e) => e.extensions.code), ms: Date.now() - started };
  };
  const ready = async () => (await fetch(server.url.replace('/graphql', '/readyz'))).status;

  it('fails fast with DATABASE_UNAVAILABLE while the database is down, and recovers by itself', async () => {
    // Load while it goes down: requests keep coming.
    const before = await Promise.all(Array.from({ length: 10 }, query));
    expect(before.every((r) => r.status === 200 && r.codes.length === 0)).toBe(true);
    expect(await ready()).toBe(200);

    pgctl('stop');
    const during = await Promise.all(Array.from({ length: 10 }, query));
    for (const r of during) {
      expect(r.status).toBe(503);
      expect(r.codes).toEqual(['DATABASE_UNAVAILABLE']);
      expect(r.ms).toBeLessThan(5000);
    }
    expect(await ready()).toBe(503);
    expect((await fetch(server.url.replace('/graphql', '/healthz'))).status).toBe(200);

    pgctl('start');
    let after = await query();
    for (let i = 0; i < 50 && after.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      after = await query();
    }
    expect(after).toMatchObject({ status: 200, codes: [] });
    expect(await ready()).toBe(200);
  });
});
