// `npm run bench:subscriptions`: publish-to-delivery latency of subscriptions (issue 14).
// Compiled klynge processes (NODE_ENV=production) on a fresh schema of the local PostgreSQL, real
// graphql-ws clients in this process, a driver that renames a cluster N times, paced:
//   (a) many subscribers of one operation (10, 100, 1,000), (b) the same spread over distinct
//   filters (100 subscribers × 1 per filter, 1,000 × 10), both on one instance without Redis;
//   (c) both at 1,000 with two instances through Redis: subscribers on B, mutations on A.
// Latency = a result's arrival − the mutation's HTTP answer (and − its request, the stricter view).
// SQL statements are counted at the pg driver inside each server (bench/count-statements.ts).
//   node dist/bench/subscriptions.js [--events 50] [--interval 200] [--levels 10,100,1000]
//        [--per-connection 10] [--filters 100] [--parts one,filters,redis] [--no-redis]
// BENCH_DEBUG=1 logs each event's first arrival; BENCH_DATABASE_URL / BENCH_REDIS_URL override
// postgres://postgres@127.0.0.1:5432/test and redis://127.0.0.1:6379 (a fresh schema is made and dropped).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Client, createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const EVENTS = Number(opt('events', '50'));
const INTERVAL_MS = Number(opt('interval', '200'));
const LEVELS = opt('levels', '10,100,1000').split(',').map(Number);
const PER_CONNECTION = Number(opt('per-connection', '10'));
const FILTERS = Number(opt('filters', '100'));
const WITH_REDIS = !args.includes('--no-redis');
/** Which parts run: `one` (one operation), `filters` (distinct filters), `redis` (two instances). */
const PARTS = new Set(opt('parts', 'one,filters,redis').split(','));

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'dist/src/main.js');
const TOKEN_CLI = join(ROOT, 'dist/src/cli/token.js');
const PRELOAD = pathToFileURL(join(ROOT, 'dist/bench/count-statements.js')).href;
const OUT = join(ROOT, 'bench/out');
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SCHEMA = `klynge_bench_subs_${randomBytes(4).toString('hex')}`;
const DATABASE_URL = (() => {
  const url = new URL(PG_URL);
  url.searchParams.set('schema', SCHEMA);
  return url.toString();
})();

const OPERATION = `subscription ($filter: ClusterEventFilter) {
  clusterChanged(filter: $filter) {
    position occurredAt kind clusterId changedFields
    cluster { slug name level members(first: 5) { totalCount nodes { role organization { name } } } }
  }
}`;
const SLUG = 'gce-subsea';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.error(`[bench:subscriptions] ${msg}`);

interface Server {
  name: string;
  url: string;
  pid: number;
  /** Statements this process has sent to PostgreSQL so far. */
  statements(): Promise<number>;
  stop(): Promise<void>;
}

function startKlynge(name: string, env: Record<string, string>): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, ['--import', PRELOAD, MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // Only commits and Redis deliver: no poll in the measured windows.
      EVENT_POLL_MS: '60000',
      WS_MAX_CONNECTIONS_PER_ADDRESS: '5000',
      WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '1000',
      // Every client is one anonymous address: its hourly budget must not be what is measured.
      RATE_LIMIT_POINTS: '1000000000',
      RATE_LIMIT_ANONYMOUS_POINTS: '1000000000',
      REGISTRY_ENABLED: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
  };
  return new Promise((done, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`klynge ${name} did not start:\n${seen}`)), 120_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /GraphQL API and GraphiQL at (http:\/\/\S+)/.exec(seen);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      done({
        name,
        url: match[1].replace('//localhost:', '//127.0.0.1:'),
        pid: child.pid as number,
        statements: () =>
          new Promise((answer) => {
            child.once('message', (m) => answer((m as { statements: number }).statements));
            child.send('statements');
          }),
        stop,
      });
    });
    child.once('exit', (code) => fail(new Error(`klynge ${name} exited ${code}:\n${seen}`)));
  });
}

/** CPU time a process has used so far (user + system), in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second here).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident memory of a process now and at its peak, in MB. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

/** Renames the cluster over HTTP with an admin token, keeping its version. */
class Driver {
  private version = 0;
  constructor(
    private readonly server: Server,
    private readonly token: string,
  ) {}

  private async post(query: string, variables: Record<string, unknown>, token?: string) {
    const res = await fetch(this.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown };
    if (body.errors) throw new Error(`${this.server.name}: ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  async init(): Promise<void> {
    this.version = (await this.post('query ($s: String!) { cluster(slug: $s) { version } }', { s: SLUG })).cluster.version;
  }

  async rename(name: string): Promise<void> {
    const data = await this.post(
      'mutation ($s: String!, $v: Int!, $n: String!) { updateCluster(input: { cluster: { slug: $s }, version: $v, name: $n }) { cluster { version } } }',
      { s: SLUG, v: this.version, n: name },
      this.token,
    );
    this.version = data.updateCluster.cluster.version;
  }
}

interface Sub {
  positions: number[];
  arrivals: number[];
  errors: number;
  failure?: unknown;
}

/** Distinct filters that all match a rename of gce-subsea (a GCE cluster, kind UPDATED). */
function matchingFilters(count: number): Record<string, unknown>[] {
  const subsets = <T>(values: T[]): T[][] => {
    const all: T[][] = [[]];
    for (const v of values) for (const s of all.slice()) all.push([...s, v]);
    return all;
  };
  const all = subsets(['NCE', 'ARENA', 'ARENA_PRO']).flatMap((levels) =>
    subsets(['CREATED', 'LEVEL_CHANGED', 'ENDED']).flatMap((kinds) =>
      [[SLUG], [SLUG, 'nce-eyde']].map((clusters) => ({ clusters, levels: ['GCE', ...levels], kinds: ['UPDATED', ...kinds] })),
    ),
  );
  if (count > all.length) throw new Error(`at most ${all.length} distinct filters`);
  return all.slice(0, count);
}

/** Connects in batches (a burst of 100 handshakes on a busy machine can outlast the init timeout), then subscribes. */
async function connectSubscribers(
  server: Server,
  count: number,
  filters: Record<string, unknown>[],
): Promise<{ clients: Client[]; subs: Sub[] }> {
  const clients: Client[] = [];
  const connections = Math.ceil(count / PER_CONNECTION);
  for (let first = 0; first < connections; first += 20) {
    const batch = Array.from({ length: Math.min(20, connections - first) }, () =>
      createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 }),
    );
    await Promise.all(
      batch.map(
        (c) =>
          new Promise<void>((done, fail) => {
            c.on('connected', () => done());
            c.on('closed', (event) => fail(new Error(`connection closed: ${(event as { code?: number }).code}`)));
          }),
      ),
    );
    clients.push(...batch);
  }
  const subs: Sub[] = [];
  for (let i = 0; i < count; i++) {
    const sub: Sub = { positions: [], arrivals: [], errors: 0 };
    subs.push(sub);
    clients[Math.floor(i / PER_CONNECTION)].subscribe<any>(
      { query: OPERATION, variables: { filter: filters[i % filters.length] } },
      {
        next: (result) => {
          sub.arrivals.push(performance.now());
          if (result.errors) sub.errors++;
          sub.positions.push(Number(result.data?.clusterChanged?.position));
        },
        error: (error) => {
          sub.failure = error;
        },
        complete: () => {},
      },
    );
  }
  return { clients, subs };
}

async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) return false;
    await sleep(20);
  }
  return true;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN;

interface Row {
  setup: string;
  subscribers: number;
  connections: number;
  filters: number;
  events: number;
  delivered: number;
  expected: number;
  outOfOrder: number;
  p50: number;
  p99: number;
  p50FromRequest: number;
  p99FromRequest: number;
  /** Per event, the first and the last subscriber's latency (median over the events). */
  firstArrival: number;
  lastArrival: number;
  mutationMs: number;
  /** Statements per event, per server (name → figure). */
  statements: Record<string, number>;
  /** Server CPU ms per event (whole window, mutations included where the server takes them). */
  cpu: Record<string, number>;
  memory: Record<string, { rss: number; peak: number }>;
}

/** One measurement: subscribers on `on`, mutations through `driver` (on `writer`). */
async function phase(
  setup: string,
  on: Server,
  writer: Server,
  driver: Driver,
  count: number,
  filterCount: number,
  counted: Server[],
): Promise<Row> {
  const filters = count === 0 ? [] : matchingFilters(Math.min(filterCount, count));
  log(
    `${setup}: ${count} subscribers${count ? ` over ${Math.ceil(count / PER_CONNECTION)} connections, ${filters.length} filter(s)` : ''}`,
  );
  const { clients, subs } = await connectSubscribers(on, count, filters);
  const failures = () => subs.filter((s) => s.failure !== undefined);
  // Live once every subscriber has had a result: write until they all have one.
  let warm = count === 0;
  for (let i = 0; i < 40 && !warm; i++) {
    await driver.rename(`warm-up ${setup} ${count} ${i}`);
    warm = await until(() => subs.every((s) => s.positions.length > 0) || failures().length > 0, 1500);
    if (failures().length) break;
  }
  const failed = failures();
  if (failed.length) throw new Error(`${failed.length} subscriptions failed: ${String(failed[0].failure)}`);
  if (!warm)
    throw new Error(`${setup}: subscribers not live: ${subs.filter((s) => !s.positions.length).length} without a result`);
  // The warm-up's last results may still be on their way: wait until nothing arrives for 500 ms.
  for (let total = -1, i = 0; i < 40; i++) {
    const now = subs.reduce((n, s) => n + s.positions.length, 0);
    if (now === total) break;
    total = now;
    await sleep(500);
  }
  const startAfter = Math.max(0, ...subs.map((s) => s.positions.at(-1) ?? 0));

  const before = await Promise.all(counted.map((s) => s.statements()));
  const cpuBefore = counted.map((s) => cpuMs(s.pid));
  const sent: number[] = [];
  const answered: number[] = [];
  for (let k = 0; k < EVENTS; k++) {
    const t0 = performance.now();
    sent.push(t0);
    await driver.rename(`bench ${setup} ${count} ${k}`);
    answered.push(performance.now());
    await sleep(Math.max(0, INTERVAL_MS - (performance.now() - t0)));
  }
  const measured = (s: Sub) => s.positions.filter((p) => p > startAfter).length;
  const complete = await until(() => subs.every((s) => measured(s) >= EVENTS), 60_000);
  await sleep(300);
  const after = await Promise.all(counted.map((s) => s.statements()));
  const cpuAfter = counted.map((s) => cpuMs(s.pid));

  const fromAnswer: number[] = [];
  const fromRequest: number[] = [];
  const firsts = answered.map(() => Number.POSITIVE_INFINITY);
  const lasts = answered.map(() => Number.NEGATIVE_INFINITY);
  let delivered = 0;
  let outOfOrder = 0;
  for (const s of subs) {
    const first = s.positions.findIndex((p) => p > startAfter);
    if (first < 0) continue;
    for (let k = 0; first + k < s.positions.length; k++) {
      const i = first + k;
      delivered++;
      if (i > 0 && s.positions[i] <= s.positions[i - 1]) outOfOrder++;
      if (k >= EVENTS) continue;
      fromAnswer.push(s.arrivals[i] - answered[k]);
      firsts[k] = Math.min(firsts[k], s.arrivals[i] - answered[k]);
      lasts[k] = Math.max(lasts[k], s.arrivals[i] - answered[k]);
      fromRequest.push(s.arrivals[i] - sent[k]);
    }
  }
  fromAnswer.sort((x, y) => x - y);
  fromRequest.sort((x, y) => x - y);
  const mutation = answered.map((a, k) => a - sent[k]).sort((x, y) => x - y);
  const row: Row = {
    setup,
    subscribers: count,
    connections: clients.length,
    filters: filters.length,
    events: EVENTS,
    delivered,
    expected: count * EVENTS,
    outOfOrder,
    p50: percentile(fromAnswer, 50),
    p99: percentile(fromAnswer, 99),
    p50FromRequest: percentile(fromRequest, 50),
    p99FromRequest: percentile(fromRequest, 99),
    firstArrival: percentile(
      firsts.filter(Number.isFinite).sort((x, y) => x - y),
      50,
    ),
    lastArrival: percentile(
      lasts.filter(Number.isFinite).sort((x, y) => x - y),
      50,
    ),
    mutationMs: percentile(mutation, 50),
    statements: Object.fromEntries(counted.map((s, i) => [s.name, (after[i] - before[i]) / EVENTS])),
    cpu: Object.fromEntries(counted.map((s, i) => [s.name, (cpuAfter[i] - cpuBefore[i]) / EVENTS])),
    memory: Object.fromEntries([...new Set([on, writer])].map((s) => [s.name, memory(s.pid)])),
  };
  if (process.env.BENCH_DEBUG) log(`first arrivals: ${firsts.map((f) => Math.round(f)).join(' ')}`);
  if (!complete) log(`${setup}: only ${delivered} of ${count * EVENTS} results arrived`);
  log(JSON.stringify(row));
  await Promise.all(clients.map((c) => c.dispose()));
  await sleep(500);
  return row;
}

async function adminToken(): Promise<string> {
  const out = execFileSync(process.execPath, [TOKEN_CLI, 'create', '--role', 'admin', '--name', 'bench subscriptions'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL },
    encoding: 'utf8',
  });
  const token = /klynge_[A-Za-z0-9_-]{43}/.exec(out)?.[0];
  if (!token) throw new Error(`no token in:\n${out}`);
  return token;
}

async function withPg<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const fmt = (n: number) => (Number.isNaN(n) ? '–' : n < 10 ? n.toFixed(1) : String(Math.round(n)));

function markdown(rows: Row[]): string {
  const lines = [
    '| setup | subscribers | connections | distinct filters | results delivered | p50 ms | p99 ms | p50 / p99 ms from the request | first / last subscriber ms (median event) | SQL statements per event (server) | server CPU ms per event | server RSS MB (peak) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const statements = Object.entries(r.statements)
      .map(([name, n]) => `${name} ${n.toFixed(2)}`)
      .join(', ');
    const cpu = Object.entries(r.cpu)
      .map(([name, n]) => `${name} ${fmt(n)}`)
      .join(', ');
    const mem = Object.entries(r.memory)
      .map(([name, m]) => `${name} ${m.rss} (${m.peak})`)
      .join(', ');
    lines.push(
      `| ${r.setup} | ${r.subscribers} | ${r.connections} | ${r.filters} | ${r.delivered}/${r.expected}${r.outOfOrder ? ` (${r.outOfOrder} out of order)` : ''} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.p50FromRequest)} / ${fmt(r.p99FromRequest)} | ${fmt(r.firstArrival)} / ${fmt(r.lastArrival)} | ${statements} | ${cpu} | ${mem} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  await withPg((c) => c.query(`create schema "${SCHEMA}"`));
  const servers: Server[] = [];
  const rows: Row[] = [];
  try {
    // (a) and (b): one instance, in-process delivery.
    const start = async (name: string, env: Record<string, string>) => {
      const server = await startKlynge(name, env);
      servers.push(server);
      return server;
    };
    const single = await start('S', {});
    const token = await adminToken();
    const driver = new Driver(single, token);
    await driver.init();
    rows.push(await phase('one instance, no subscriber', single, single, driver, 0, 1, [single]));
    for (const level of PARTS.has('one') ? LEVELS : []) {
      rows.push(await phase('one instance, one operation', single, single, driver, level, 1, [single]));
    }
    for (const level of PARTS.has('filters') ? LEVELS.filter((l) => l >= FILTERS) : []) {
      rows.push(await phase(`one instance, ${FILTERS} filters`, single, single, driver, level, FILTERS, [single]));
    }
    await single.stop();
    servers.length = 0;

    // (c): two instances through Redis, subscribers on B, mutations on A.
    if (WITH_REDIS && PARTS.has('redis')) {
      const env = { REDIS_URL, REDIS_PREFIX: `klynge-bench-${randomBytes(4).toString('hex')}:` };
      const [a, b] = await Promise.all([start('A', env), start('B', env)]);
      const driverA = new Driver(a, token);
      await driverA.init();
      const top = Math.max(...LEVELS);
      rows.push(await phase('two instances via Redis, one operation', b, a, driverA, top, 1, [a, b]));
      rows.push(await phase(`two instances via Redis, ${FILTERS} filters`, b, a, driverA, top, FILTERS, [a, b]));
    }
  } finally {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await withPg((c) => c.query(`drop schema if exists "${SCHEMA}" cascade`));
  }
  mkdirSync(OUT, { recursive: true });
  writeFileSync(
    join(OUT, 'subscriptions.json'),
    JSON.stringify(
      { node: process.version, events: EVENTS, intervalMs: INTERVAL_MS, perConnection: PER_CONNECTION, rows },
      null,
      1,
    ),
  );
  console.log(
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench:subscriptions${args.length ? ` -- ${args.join(' ')}` : ''}\`: ${EVENTS} renames of one cluster per row, one every ${INTERVAL_MS} ms; ${PER_CONNECTION} subscriptions per connection; Node ${process.version}; ${Math.round((Date.now() - started) / 1000)} s in all.\n`,
  );
  console.log(markdown(rows));
}

await main();
