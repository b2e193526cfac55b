// Webhook delivery benchmark (issue 17):
//   npm run bench:webhooks [-- --events 300 --seconds 10]
// A klynge server in its own process (NODE_ENV=production, PostgreSQL when DATABASE_URL names it,
// a fresh schema; else a temporary SQLite file), receivers on loopback in this process, and the
// GraphQL load generator (bench/load.ts) in a third. Measures
//   1. deliveries per second: events queued for 1 and for 10 webhooks (created, disabled, events
//      written, re-enabled), time until every receiver has every event;
//   2. GraphQL p99 of a read query with no writes, with a writer making ~10 events/s, and with that
//      writer and 100 webhooks receiving every event.
// Results are printed and written to bench/webhooks-results.json.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const EVENTS = arg('events', 300);
const SECONDS = arg('seconds', 10);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

async function database(): Promise<{ url: string; drop: () => Promise<void>; dialect: string }> {
  const base = process.env.DATABASE_URL;
  if (base && /^postgres/.test(base)) {
    const schema = `klynge_bench_webhooks_${randomBytes(4).toString('hex')}`;
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(`create schema ${schema}`);
    await client.end();
    const url = new URL(base);
    url.searchParams.set('schema', schema);
    return {
      url: url.toString(),
      dialect: 'postgresql',
      drop: async () => {
        const c = new pg.Client({ connectionString: base });
        await c.connect();
        await c.query(`drop schema if exists ${schema} cascade`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'klynge-bench-webhooks-'));
  return {
    url: `file:${join(dir, 'klynge.sqlite')}`,
    dialect: 'sqlite',
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

const db = await database();
const port = await freePort();
const env = {
  ...process.env,
  NODE_ENV: 'production',
  DATABASE_URL: db.url,
  PORT: String(port),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  CACHE_MAX_AGE: '0',
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_POLL_MS: '200',
  // The load generator is one anonymous address: its hourly budget must not be what is measured.
  RATE_LIMIT_POINTS: '1000000000',
  RATE_LIMIT_ANONYMOUS_POINTS: '1000000000',
  REGISTRY_ENABLED: 'false',
};
const server: ChildProcess = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
  cwd: ROOT,
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  server.stdout?.on('data', (d: Buffer) => {
    if (/GraphQL API/.test(String(d))) resolve();
  });
  server.on('exit', (code) => reject(new Error(`klynge exited ${code}`)));
});
const URL_ = `http://127.0.0.1:${port}/graphql`;
const token = /klynge_[A-Za-z0-9_-]{43}/.exec(
  execFileSync(process.execPath, [join(ROOT, 'dist/src/cli/token.js'), 'create', '--role', 'admin', '--name', 'bench'], {
    cwd: ROOT,
    env,
  }).toString(),
)?.[0];

async function gql(query: string, variables: Record<string, unknown> = {}, retry = true): Promise<any> {
  let response: Response;
  try {
    response = await fetch(URL_, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    // A kept-alive connection the server closed while idle: once more, on a new one.
    if (retry) return gql(query, variables, false);
    throw error;
  }
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

// One receiver for all webhooks: /hook/<n>, counted per webhook.
const received = new Map<number, number>();
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const n = Number(req.url?.split('/').pop());
    received.set(n, (received.get(n) ?? 0) + 1);
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

async function createWebhooks(from: number, count: number) {
  const hooks: { id: string; version: number; n: number }[] = [];
  for (let n = from; n < from + count; n++) {
    const { webhook } = (
      await gql(
        'mutation ($url: String!) { createWebhook(input: { url: $url, events: [CLUSTER_CHANGED] }) { webhook { id version } } }',
        {
          url: `${hookBase}/${n}`,
        },
      )
    ).createWebhook;
    hooks.push({ ...webhook, n });
  }
  return hooks;
}
const setEnabled = async (hooks: { id: string; version: number }[], enabled: boolean) => {
  for (const hook of hooks) {
    const { webhook } = (
      await gql(
        'mutation ($id: ID!, $v: Int!, $e: Boolean) { updateWebhook(input: { id: $id, version: $v, enabled: $e }) { webhook { version } } }',
        {
          id: hook.id,
          v: hook.version,
          e: enabled,
        },
      )
    ).updateWebhook;
    hook.version = webhook.version;
  }
};
let serial = 0;
const createCluster = () =>
  gql(
    `mutation ($slug: String!) { createCluster(input: { slug: $slug, name: $slug, level: ARENA, county: "Oslo", city: "Oslo", admittedOn: "2020-01-01", sectors: ["bench"] }) { cluster { id } } }`,
    { slug: `bench-${process.pid}-${++serial}` },
  );
const deleteAll = async (hooks: { id: string }[]) => {
  for (const hook of hooks)
    await gql('mutation ($id: ID!) { deleteWebhook(input: { id: $id }) { deletedWebhookId } }', { id: hook.id });
};

async function throughput(hooks: { id: string; version: number; n: number }[]) {
  for (const h of hooks) received.set(h.n, 0);
  const started = performance.now();
  await setEnabled(hooks, true);
  while (hooks.some((h) => (received.get(h.n) ?? 0) < EVENTS)) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - started) / 1000;
  return {
    webhooks: hooks.length,
    events: EVENTS,
    deliveries: EVENTS * hooks.length,
    seconds: +seconds.toFixed(2),
    perSecond: Math.round((EVENTS * hooks.length) / seconds),
  };
}

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  database: db.dialect,
  events: EVENTS,
};
try {
  // 1. Deliveries per second.
  const one = await createWebhooks(0, 1);
  const ten = await createWebhooks(1, 10);
  await setEnabled([...one, ...ten], false);
  for (let i = 0; i < EVENTS; i++) await createCluster();
  results.throughput = [await throughput(one), await throughput(ten)];
  console.log(JSON.stringify(results.throughput));
  await deleteAll([...one, ...ten]);

  // 2. GraphQL p99 without and with 100 webhooks.
  const bodiesFile = join(mkdtempSync(join(tmpdir(), 'klynge-bench-bodies-')), 'bodies.json');
  writeFileSync(
    bodiesFile,
    JSON.stringify([
      {
        path: '/graphql',
        body: JSON.stringify({
          query:
            '{ clusters(first: 20) { nodes { slug name level county members(first: 5) { nodes { role organization { name } } } } } }',
        }),
      },
    ]),
  );
  // Asynchronously: the writer and the receiver run in this process meanwhile.
  const load = async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(ROOT, 'dist/bench/load.js'),
      URL_,
      bodiesFile,
      '16',
      String(SECONDS),
      '2',
    ]);
    return JSON.parse(stdout.trim().split('\n').pop() as string);
  };
  let writing = false;
  let written = 0;
  const writer = async () => {
    while (writing) {
      const t = performance.now();
      await createCluster();
      written++;
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - t))));
    }
  };
  const loadRuns: Record<string, unknown>[] = [];
  loadRuns.push({ scenario: 'reads only', ...(await load()) });
  writing = true;
  written = 0;
  let w = writer();
  loadRuns.push({ scenario: 'reads + writer (~10 events/s), no webhooks', ...(await load()), events: written });
  writing = false;
  await w;
  const hundred = await createWebhooks(100, 100);
  const before = [...received.values()].reduce((a, b) => a + b, 0);
  writing = true;
  written = 0;
  w = writer();
  const run = await load();
  writing = false;
  await w;
  loadRuns.push({
    scenario: 'reads + writer + 100 webhooks',
    ...run,
    events: written,
    deliveriesDuringRun: [...received.values()].reduce((a, b) => a + b, 0) - before,
  });
  results.load = loadRuns;
  for (const r of loadRuns) console.log(JSON.stringify(r));
  await deleteAll(hundred);
  writeFileSync(join(ROOT, 'bench/webhooks-results.json'), `${JSON.stringify(results, null, 2)}\n`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  receiver.close();
  await db.drop();
}
