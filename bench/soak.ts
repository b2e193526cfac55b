// `npm run bench:soak`: klynge at saturation for a while with a mix of queries and mutations, as
// production sees it: counts errors (HTTP and GraphQL) and follows the server's RSS before, during
// and after the load, to show nothing fails and memory does not keep growing.
//   node dist/bench/soak.js [--seconds 60] [--connections 16] [--sqlite]
// PostgreSQL: a fresh schema in postgres://postgres@127.0.0.1:5432/test (PG_URL), dropped afterwards.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const seconds = Number(opt('seconds', '60'));
const connections = Number(opt('connections', '16'));
const sqlite = args.includes('--sqlite');
const ROOT = resolve(import.meta.dirname, '../..');
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const log = (msg: string) => console.error(`[soak] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const rssMb = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
};

const QUERIES = [
  '{ cluster(slug: "gce-subsea") { name level members(first: 10) { totalCount nodes { role organization { name } } } } }',
  '{ clusters(first: 20, orderBy: { field: NAME, direction: ASC }) { totalCount nodes { name level county } } }',
  '{ announcements(first: 20) { nodes { title publishedAt clusters(first: 3) { nodes { name } } } } }',
  '{ stats { clustersByLevel { key count } membersByCounty { key count } } }',
];

async function main() {
  let databaseUrl: string;
  let cleanup: () => Promise<void>;
  if (sqlite) {
    const dir = mkdtempSync(join(tmpdir(), 'klynge-soak-'));
    databaseUrl = `file:${join(dir, 'klynge.sqlite')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = `klynge_soak_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    databaseUrl = `${PG_URL}?schema=${schema}`;
    cleanup = async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    };
  }
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    REGISTRY_ENABLED: 'false',
    REDIS_URL: '',
    RATE_LIMIT_POINTS: '1000000000',
    RATE_LIMIT_ANONYMOUS_POINTS: '1000000000',
  };
  const server: ChildProcess = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((ok, fail) => {
      let out = '';
      server.stdout?.on('data', (chunk) => {
        out += chunk;
        const found = /GraphiQL at (http:\/\/\S+)/.exec(out);
        if (found) ok(found[1].replace('localhost', '127.0.0.1'));
      });
      server.once('exit', (code) => fail(new Error(`klynge exited (${code})`)));
    });
    const printed = execFileSync(
      process.execPath,
      [join(ROOT, 'dist/src/cli/token.js'), 'create', '--role', 'admin', '--name', 'soak'],
      {
        cwd: ROOT,
        env,
      },
    ).toString();
    const token = /klynge_[A-Za-z0-9_-]{43}/.exec(printed)?.[0];
    if (!token) throw new Error(`no token printed: ${printed}`);
    const pid = server.pid as number;

    let n = 0;
    let graphqlErrors = 0;
    let mutations = 0;
    const errorCodes: Record<string, number> = {};
    const samples: { t: number; rssMb: number }[] = [];
    const started = Date.now();
    const sampler = setInterval(() => samples.push({ t: Math.round((Date.now() - started) / 1000), rssMb: rssMb(pid) }), 1000);
    const rssBefore = rssMb(pid);
    log(`${url}: ${seconds} s at ${connections} connections, 4 queries to 1 mutation`);
    const result = await autocannon({
      url,
      connections,
      duration: seconds,
      timeout: 10,
      requests: [
        {
          setupRequest: (req: Record<string, unknown>) => {
            const i = n++;
            if (i % 5 === 4) {
              mutations++;
              const body = JSON.stringify({
                query: `mutation ($slug: String!) { createAnnouncement(input: { slug: $slug, title: "Soak", body: "Soak test.", language: en, kind: NEWS, clusters: ["gce-subsea"] }) { announcement { id } } }`,
                variables: { slug: `soak-${process.pid}-${i}` },
              });
              return {
                ...req,
                method: 'POST',
                path: '/graphql',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
                body,
              };
            }
            return {
              ...req,
              method: 'POST',
              path: '/graphql',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ query: QUERIES[i % 5] }),
            };
          },
          onResponse: (_status: number, body: string) => {
            if (!body.includes('"errors"')) return;
            graphqlErrors++;
            for (const match of body.matchAll(/"code":"([A-Z_]+)"/g)) errorCodes[match[1]] = (errorCodes[match[1]] ?? 0) + 1;
          },
        },
      ],
    } as never);
    const rssEnd = rssMb(pid);
    await sleep(15_000);
    clearInterval(sampler);
    const rssIdle = rssMb(pid);
    const peak = Math.max(...samples.map((s) => s.rssMb));
    const atTenSeconds = samples.find((s) => s.t >= 10)?.rssMb ?? rssBefore;
    const summary = {
      database: sqlite ? 'sqlite' : 'postgresql',
      seconds,
      connections,
      requests: result.requests.total,
      rps: Math.round(result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      mutations,
      non2xx: result.non2xx,
      connectionErrors: result.errors,
      timeouts: result.timeouts,
      graphqlErrors,
      errorCodes,
      rssMb: { before: rssBefore, after10s: atTenSeconds, peak, end: rssEnd, idle15s: rssIdle },
    };
    console.log(JSON.stringify(summary, null, 2));
    mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
    writeFileSync(join(ROOT, `bench/out/soak-${summary.database}.json`), JSON.stringify({ ...summary, samples }, null, 2));
    const failed = result.non2xx + result.errors + result.timeouts + graphqlErrors;
    if (failed > 0) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await cleanup();
  }
}

await main();
