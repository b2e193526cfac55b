// `npm run bench`: klynge against PostGraphile v5 and the one-SQL ceiling (../shared/bench-peers),
// side by side in one run, on the peers' PostgreSQL (127.0.0.1:55432), at the given scales.
//   node dist/bench/run.js [--scales 1,10] [--reps 1] [--seconds 10] [--warmup 3] [--connections 16]
//                          [--queries Q1,...] [--systems klynge,postgraphile,baseline] [--smoke] [--reimport]
//                          [--sqlite]
// --smoke: correctness and statement counts only (no load), for CI.
// --sqlite: klynge on its embedded SQLite database too (system klynge-sqlite, the same data imported
// into bench/out/klynge_s<S>.sqlite), measured beside klynge on PostgreSQL; its table goes to the
// section "Embedded SQLite" of bench/results.md (the PostgreSQL table there is left as it is).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { KLYNGE_ONLY, KLYNGE_QUERIES, type QueryName } from './queries.js';

const args = process.argv.slice(2);
// Every other run starts servers on the bench's fixed ports and loads them: `--help` must not.
if (args.includes('--help') || args.includes('-h')) {
  console.log(`npm run bench -- [options]   (run it under the lock: flock /work/bench.lock env BENCH_DB_SUFFIX=_NAME npm run bench -- ...)
  --scales 1,10        datasets (1, 10, 100)
  --queries Q1,...     Q1 Q2 Q3 Q4 Q5 S1 (default all)
  --systems a,b        klynge, postgraphile, baseline (default all three)
  --reps 1             repetitions (systems take turns per query and repetition)
  --seconds 10         measured seconds per cell
  --warmup 3           warm-up seconds per cell
  --connections 16     concurrent connections
  --smoke              same data and statements per request only, no load (CI)
  --reimport           import klynge's database again
  --sqlite             klynge on SQLite too, beside klynge on PostgreSQL
env: BENCH_DB_SUFFIX (klynge's database names), BENCH_PEERS, BENCH_PGPORT`);
  process.exit(0);
}
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const flag = (name: string) => args.includes(`--${name}`);
const smoke = flag('smoke');
const sqlite = flag('sqlite');
const scales = opt('scales', smoke ? '1' : '1,10').split(',');
const reps = Number(opt('reps', '1'));
const seconds = opt('seconds', '10');
const warmup = opt('warmup', '3');
const connections = opt('connections', '16');
const queries = opt('queries', 'Q1,Q2,Q3,Q4,Q5,S1').split(',') as QueryName[];
const systems = opt('systems', 'klynge,postgraphile,baseline').split(',') as System[];
// klynge on SQLite is measured against klynge on PostgreSQL, in the same run.
if (sqlite) {
  if (!systems.includes('klynge')) systems.unshift('klynge');
  if (!systems.includes('klynge-sqlite')) systems.push('klynge-sqlite');
}

const ROOT = resolve(import.meta.dirname, '../..');
const PEERS = resolve(process.env.BENCH_PEERS ?? join(ROOT, '../shared/bench-peers'));
const PG_PORT = process.env.BENCH_PGPORT ?? '55432';
const PG = `postgres://postgres@127.0.0.1:${PG_PORT}`;
const OUT = join(ROOT, 'bench/out');
/** Appended to klynge's bench database names, so branches with different schemas keep their own. */
const DB_SUFFIX = (process.env.BENCH_DB_SUFFIX ?? '').replace(/[^a-z0-9_]/gi, '_');

type System = 'klynge' | 'postgraphile' | 'baseline' | 'klynge-sqlite';
/** Four ports from BENCH_PORT_BASE (default 5101): two runs on one machine each take their own. */
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 5101);
const PORTS: Record<System, number> = {
  postgraphile: PORT_BASE,
  baseline: PORT_BASE + 1,
  klynge: PORT_BASE + 2,
  'klynge-sqlite': PORT_BASE + 3,
};
const isKlynge = (system: System) => system === 'klynge' || system === 'klynge-sqlite';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.error(`[bench] ${msg}`);
/** `list` rotated left by `n`: who goes first changes every repetition. */
const rotated = <T>(list: readonly T[], n: number): T[] => list.map((_, i) => list[(i + n) % list.length]);
const sh = (cmd: string, argv: string[], cwd = PEERS) =>
  execFileSync(cmd, argv, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

/** The peers' queries (Q1 slugs, SQL ceiling) come from their own module. */
async function peerModule() {
  return (await import(join(PEERS, 'src/queries.mjs'))) as {
    QUERIES: Record<QueryName, { vars?: boolean; graphql: string }>;
    q1Slugs(dataDir: string): string[];
  };
}

async function withPg<T>(db: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: `${PG}/${db}` });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Peers installed, their PostgreSQL up, their data loaded; klynge's database imported from the same files. */
async function prepare(scale: string): Promise<{ dataDir: string; klyngeDb: string }> {
  if (!existsSync(join(PEERS, 'node_modules'))) sh('npm', ['ci', '--no-audit', '--no-fund']);
  try {
    sh('scripts/pg.sh', ['status']);
  } catch {
    sh('scripts/pg.sh', ['init']);
    sh('scripts/pg.sh', ['start']);
  }
  const dataDir = join(PEERS, `data/s${scale}`);
  const peerDbExists = await withPg(
    'postgres',
    async (c) => (await c.query('select 1 from pg_database where datname = $1', [`bench_s${scale}`])).rowCount,
  );
  if (!peerDbExists || !existsSync(join(dataDir, 'manifest.json'))) sh('scripts/load.sh', [scale]);

  const klyngeDb = `klynge_s${scale}${DB_SUFFIX}`;
  const exists = await withPg(
    'postgres',
    async (c) => (await c.query('select 1 from pg_database where datname = $1', [klyngeDb])).rowCount,
  );
  if (!exists || flag('reimport')) {
    await withPg('postgres', async (c) => {
      await c.query(`drop database if exists ${klyngeDb}`);
      await c.query(`create database ${klyngeDb}`);
    });
    await withPg(klyngeDb, (c) => c.query('create extension if not exists pg_stat_statements'));
    log(`importing ${dataDir} into ${klyngeDb}`);
    execFileSync(process.execPath, [join(ROOT, 'dist/src/cli/import.js'), dataDir], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `${PG}/${klyngeDb}`, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    // As the peer harness does after its own load (sql/load.sql): the load then starts on settled
    // tables, not beside autovacuum's first pass over millions of new rows.
    await withPg(klyngeDb, (c) => c.query('vacuum analyze'));
  }
  return { dataDir, klyngeDb };
}

/** klynge's SQLite file for a scale, imported from the same files as its PostgreSQL database. */
function prepareSqlite(scale: string, dataDir: string): string {
  const file = join(OUT, `klynge_s${scale}${DB_SUFFIX}.sqlite`);
  if (!existsSync(file) || flag('reimport')) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
    log(`importing ${dataDir} into ${file}`);
    execFileSync(process.execPath, [join(ROOT, 'dist/src/cli/import.js'), dataDir], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${file}`, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  return file;
}

/** Servers this run started: killed when it exits, however it exits (a crash must not leave one holding its port). */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

function startServer(system: System, db: string): Promise<ChildProcess> {
  // Every system runs as it would in production (graphql-js, Apollo, express and grafast skip their
  // development-time checks).
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: system === 'klynge-sqlite' ? `file:${db}` : `${PG}/${db}`,
    PORT: String(PORTS[system]),
    LOG_LEVEL: 'warn',
    // The benchmark measures klynge's own data; it never calls the company register.
    REGISTRY_ENABLED: 'false',
    // One anonymous client sends every request: its hourly budget must not be what is measured.
    RATE_LIMIT_ANONYMOUS_POINTS: '1000000000',
    // The event stream's poll of the log (one statement a second) would count against the
    // requests' statements; nothing writes during the benchmark, so it has nothing to find.
    EVENT_POLL_MS: '600000',
  };
  const child = isKlynge(system)
    ? spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(
        process.execPath,
        system === 'postgraphile' ? ['--import', './src/node20-polyfill.mjs', 'src/postgraphile.mjs'] : ['src/baseline.mjs'],
        {
          cwd: PEERS,
          env,
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${system} did not start`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (/ready|serving|GraphQL API/.test(String(d))) {
        clearTimeout(timer);
        child.stdout?.resume();
        resolvePromise(child);
      }
    });
    child.on('exit', (code) => reject(new Error(`${system} exited ${code}`)));
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([done, sleep(5000).then(() => child.kill('SIGKILL'))]);
}

/** The request bodies a system gets for a query (Q1: one per slug, round-robin). */
function requestsFor(system: System, q: QueryName, peerQueries: Awaited<ReturnType<typeof peerModule>>, slugs: string[]) {
  if (KLYNGE_ONLY.has(q)) {
    if (!isKlynge(system)) return [];
    const variables = KLYNGE_QUERIES[q].variables ?? [{}];
    return variables.map((v) => ({ path: '/graphql', body: JSON.stringify({ query: KLYNGE_QUERIES[q].graphql, variables: v }) }));
  }
  const vars = KLYNGE_QUERIES[q].vars ? slugs.map((slug) => ({ slug })) : [{}];
  if (system === 'baseline') return vars.map((v) => ({ path: `/q/${q}`, body: KLYNGE_QUERIES[q].vars ? JSON.stringify(v) : '' }));
  const query = isKlynge(system) ? KLYNGE_QUERIES[q].graphql : peerQueries.QUERIES[q].graphql;
  const path = '/graphql';
  return vars.map((v) => ({ path, body: JSON.stringify({ query, variables: v }) }));
}

async function send(system: System, r: { path: string; body: string }): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${PORTS[system]}${r.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: r.body || undefined,
  });
  const json = (await res.json()) as any;
  if (res.status !== 200 || json.errors) throw new Error(`${system}: HTTP ${res.status} ${JSON.stringify(json.errors)}`);
  return json;
}

/**
 * Same data as the ceiling? Normalises what the peers' check does (timestamps, number strings,
 * group order) plus lists whose order the queries leave to each system (partners by slug vs by
 * date, mentions by slug vs by name), and members tied on join date (ordered by id vs org number).
 */
function normalise(v: any, key?: string): any {
  if (Array.isArray(v)) {
    const items = v.map((x) => normalise(x));
    const unordered = ['groupedAggregates', 'partnershipsByClusterSlug', 'announcementClustersByAnnouncementSlug'];
    return key && unordered.includes(key) ? items.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : items;
  }
  if (v && typeof v === 'object') {
    if (Array.isArray(v.nodes) && key && ['partnershipsByClusterSlug', 'announcementClustersByAnnouncementSlug'].includes(key)) {
      return { nodes: normalise(v.nodes, key) };
    }
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, normalise(v[k], k)]),
    );
  }
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return Date.parse(v);
  if (typeof v === 'string' && /^\d+$/.test(v) && key === 'memberCount') return Number(v);
  return v;
}

/**
 * How many of `system`'s answers to q hold the same data as `reference`'s (klynge's answers mapped
 * to the peers' shape, then normalised). `exact` counts the klynge answers that are equal as sent,
 * before any normalising (for klynge on SQLite against klynge on PostgreSQL).
 */
async function checkSameData(
  q: QueryName,
  requests: Record<System, { path: string; body: string }[]>,
  system: System = 'klynge',
  reference: System = 'baseline',
): Promise<{ same: string; exact: number }> {
  const shaped = (s: System, json: any) => (isKlynge(s) ? KLYNGE_QUERIES[q].toPeerShape(json.data) : (json.data ?? json));
  let same = 0;
  let exact = 0;
  for (let i = 0; i < requests[system].length; i++) {
    const [k, b] = await Promise.all([send(system, requests[system][i]), send(reference, requests[reference][i])]);
    if (JSON.stringify(k.data) === JSON.stringify(b.data)) exact++;
    const A = JSON.stringify(normalise(shaped(system, k)));
    const B = JSON.stringify(normalise(shaped(reference, b)));
    if (A === B) same++;
    else {
      let at = 0;
      while (A[at] === B[at]) at++;
      log(
        `${q} differs (${system} vs ${reference}) at ${at}:\n  ${system}: ${A.slice(Math.max(0, at - 100), at + 100)}\n  ${reference}: ${B.slice(Math.max(0, at - 100), at + 100)}`,
      );
    }
  }
  return { same: `${same}/${requests[system].length}`, exact };
}

/** The server's own count of read statements (GET /metrics: sum and count of the per-request histogram). */
async function statementsFromMetrics(system: System): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`http://127.0.0.1:${PORTS[system]}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { sum: value('klynge_db_statements_per_request_sum'), count: value('klynge_db_statements_per_request_count') };
}

async function statementsPerRequest(system: System, db: string, reqs: { path: string; body: string }[], n = 40): Promise<number> {
  for (let i = 0; i < 5; i++) await send(system, reqs[i % reqs.length]);
  if (system === 'klynge-sqlite') {
    // No pg_stat_statements on SQLite: klynge's metrics count the statements it runs.
    const before = await statementsFromMetrics(system);
    for (let i = 0; i < n; i++) await send(system, reqs[i % reqs.length]);
    const after = await statementsFromMetrics(system);
    return (after.sum - before.sum) / (after.count - before.count);
  }
  return withPg(db, async (c) => {
    await c.query('select pg_stat_statements_reset()');
    for (let i = 0; i < n; i++) await send(system, reqs[i % reqs.length]);
    const { rows } = await c.query(
      `select coalesce(sum(calls), 0)::int as calls from pg_stat_statements s join pg_database d on d.oid = s.dbid
       where d.datname = $1 and s.query not ilike '%pg_stat_statements%'`,
      [db],
    );
    return rows[0].calls / n;
  });
}

const rssKb = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

/** CPU time (user + system) a process has used, in ms (/proc/PID/stat, clock ticks of 10 ms). */
const cpuMs = (pid: number) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
};

function runLoad(system: System, q: QueryName, reqs: { path: string; body: string }[], pid: number): Promise<any> {
  const bodiesFile = join(OUT, `bodies-${system}-${q}.json`);
  writeFileSync(bodiesFile, JSON.stringify(reqs));
  return new Promise((resolvePromise, reject) => {
    let peak = 0;
    const timer = setInterval(() => {
      peak = Math.max(peak, rssKb(pid));
    }, 250);
    // The server's CPU time over the measured seconds (after the warm-up), per request answered then.
    let cpuAtStart = 0;
    const cpuStart = setTimeout(() => {
      cpuAtStart = cpuMs(pid);
    }, Number(warmup) * 1000);
    const child = spawn(
      process.execPath,
      [join(ROOT, 'dist/bench/load.js'), `http://127.0.0.1:${PORTS[system]}`, bodiesFile, connections, seconds, warmup],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => {
      clearInterval(timer);
      clearTimeout(cpuStart);
      if (code !== 0) return reject(new Error(`load ${system} ${q} exited ${code}`));
      const result = JSON.parse(out.trim().split('\n').pop() as string);
      const cpuMsPerRequest = (cpuMs(pid) - cpuAtStart) / ((result.rps ?? 0) * Number(seconds));
      resolvePromise({ ...result, rssPeakMB: Math.round(peak / 1024), cpuMsPerRequest });
    });
  });
}

interface Row {
  S: string;
  rep: number;
  system: System;
  query: QueryName;
  rps?: number;
  p50?: number;
  p99?: number;
  errors?: number;
  non2xx?: number;
  stmts: number;
  rssPeakMB?: number;
  /** The server process's CPU ms per request over the measured seconds (see runLoad). */
  cpuMsPerRequest?: number;
  sameData?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function report(rows: Row[]): string {
  const cell = (S: string, q: string, system: string) => rows.filter((r) => r.S === S && r.query === q && r.system === system);
  const lines = [
    '| S | query | system | req/s | p50 ms | p99 ms | errors | SQL stmts/req | peak RSS MB | same data as ceiling | klynge/PostGraphile | klynge/ceiling |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const S of scales) {
    for (const q of queries) {
      const rpsOf = (system: string) => median(cell(S, q, system).map((r) => r.rps ?? 0));
      for (const system of systems) {
        const rs = cell(S, q, system);
        if (rs.length === 0 || system === 'klynge-sqlite') continue;
        const rps = rpsOf(system);
        // The median of the repetitions' ratios: each pairs runs measured back to back.
        const ratio = (other: System) => {
          if (system !== 'klynge') return '';
          const paired = rs.flatMap((r) => {
            const o = cell(S, q, other).find((x) => x.rep === r.rep);
            return o?.rps ? [(r.rps ?? 0) / o.rps] : [];
          });
          return paired.length ? median(paired).toFixed(2) : '';
        };
        lines.push(
          `| ${S} | ${q} | ${system} | ${smoke ? '–' : rps.toFixed(0)} | ${smoke ? '–' : median(rs.map((r) => r.p50 ?? 0))} | ${smoke ? '–' : median(rs.map((r) => r.p99 ?? 0))} | ${rs.reduce((a, r) => a + (r.errors ?? 0) + (r.non2xx ?? 0), 0)} | ${median(rs.map((r) => r.stmts)).toFixed(2)} | ${smoke ? '–' : median(rs.map((r) => r.rssPeakMB ?? 0))} | ${rs[0].sameData ?? ''} | ${smoke ? '' : ratio('postgraphile')} | ${smoke ? '' : ratio('baseline')} |`,
        );
      }
    }
  }
  return lines.join('\n');
}

/** klynge on SQLite beside klynge on PostgreSQL; the ratio is the median of the repetitions' back-to-back ratios. */
function reportSqlite(rows: Row[]): string {
  const cell = (S: string, q: string, system: System) => rows.filter((r) => r.S === S && r.query === q && r.system === system);
  const lines = [
    '| S | query | database | req/s | p50 ms | p99 ms | errors | SQL stmts/req | peak RSS MB | same data | SQLite/PostgreSQL req/s (per repetition) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const S of scales) {
    for (const q of queries) {
      for (const system of ['klynge', 'klynge-sqlite'] as const) {
        const rs = cell(S, q, system);
        if (rs.length === 0) continue;
        let ratio = '';
        if (system === 'klynge-sqlite' && !smoke) {
          const paired = rs.flatMap((r) => {
            const o = cell(S, q, 'klynge').find((x) => x.rep === r.rep);
            return o?.rps ? [(r.rps ?? 0) / o.rps] : [];
          });
          ratio = paired.length
            ? `**${median(paired).toFixed(2)}**${paired.length > 1 ? ` (${paired.map((x) => x.toFixed(2)).join(', ')})` : ''}`
            : '';
        }
        const m = (f: (r: Row) => number) => median(rs.map(f));
        const same = system === 'klynge' ? `${rs[0].sameData ?? ''} as ceiling` : `${rs[0].sameData ?? ''} as PostgreSQL`;
        lines.push(
          `| ${S} | ${q} | ${system === 'klynge' ? 'PostgreSQL' : 'SQLite'} | ${smoke ? '–' : m((r) => r.rps ?? 0).toFixed(0)} | ${smoke ? '–' : m((r) => r.p50 ?? 0)} | ${smoke ? '–' : m((r) => r.p99 ?? 0)} | ${rs.reduce((a, r) => a + (r.errors ?? 0) + (r.non2xx ?? 0), 0)} | ${m((r) => r.stmts).toFixed(2)} | ${smoke ? '–' : m((r) => r.rssPeakMB ?? 0)} | ${same} | ${ratio} |`,
        );
      }
    }
  }
  return lines.join('\n');
}

/** Replaces the generated part of the section "Embedded SQLite" in results.md (the notes after it stay). */
function writeSqliteSection(path: string, generated: string): void {
  const start = '<!-- bench --sqlite: generated -->';
  const end = '<!-- bench --sqlite: end -->';
  const block = `${start}\n${generated}\n${end}`;
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (previous.includes(start) && previous.includes(end)) {
    writeFileSync(path, previous.slice(0, previous.indexOf(start)) + block + previous.slice(previous.indexOf(end) + end.length));
    return;
  }
  // First time: a new section before the list of changes (kept by the PostgreSQL run, which
  // rewrites only what comes before "## Optimizations").
  const section = `## Embedded SQLite (issue 20)\n\n${block}\n\n`;
  const at = previous.indexOf('## Changes and their measured effect');
  writeFileSync(path, at >= 0 ? previous.slice(0, at) + section + previous.slice(at) : `${previous}\n${section}`);
}

mkdirSync(OUT, { recursive: true });
const peerQueries = await peerModule();
const rows: Row[] = [];
let failures = 0;
for (const S of scales) {
  const { dataDir, klyngeDb } = await prepare(S);
  const slugs = peerQueries.q1Slugs(dataDir);
  const sqliteFile = sqlite ? prepareSqlite(S, dataDir) : '';
  const dbOf = (system: System) => (system === 'klynge' ? klyngeDb : system === 'klynge-sqlite' ? sqliteFile : `bench_s${S}`);
  const requests = Object.fromEntries(
    queries.map((q) => [
      q,
      Object.fromEntries(
        (['klynge', 'postgraphile', 'baseline', 'klynge-sqlite'] as System[]).map((s) => [
          s,
          requestsFor(s, q, peerQueries, slugs),
        ]),
      ),
    ]),
  ) as Record<QueryName, Record<System, { path: string; body: string }[]>>;

  // Same data: klynge and the ceiling up together, once per scale.
  const sameData: Partial<Record<QueryName, string>> = {};
  // klynge on SQLite: the same data as klynge on PostgreSQL (normalised as against the ceiling).
  const sqliteSameData: Partial<Record<QueryName, string>> = {};
  if (systems.includes('klynge')) {
    const started = await Promise.all([
      startServer('klynge', klyngeDb),
      startServer('baseline', `bench_s${S}`),
      ...(sqlite ? [startServer('klynge-sqlite', sqliteFile)] : []),
    ]);
    try {
      for (const q of queries) {
        // Only klynge answers it: every request must answer without errors.
        if (KLYNGE_ONLY.has(q)) {
          for (const r of requests[q].klynge) await send('klynge', r);
          if (sqlite) for (const r of requests[q]['klynge-sqlite']) await send('klynge-sqlite', r);
          log(`S=${S} ${q}: klynge only (no peer answers it), ${requests[q].klynge.length} requests answered without errors`);
          continue;
        }
        sameData[q] = (await checkSameData(q, requests[q])).same;
        const [ok, total] = (sameData[q] as string).split('/');
        if (ok !== total) failures++;
        log(`S=${S} ${q}: klynge returns the same data as the ceiling for ${sameData[q]} requests`);
        if (sqlite) {
          const { same, exact } = await checkSameData(q, requests[q], 'klynge-sqlite', 'klynge');
          sqliteSameData[q] = same;
          const [ok, total] = same.split('/');
          if (ok !== total) failures++;
          log(
            `S=${S} ${q}: klynge on SQLite returns the same data as klynge on PostgreSQL for ${same} requests (${exact} byte for byte)`,
          );
        }
      }
    } finally {
      await Promise.all(started.map(stopServer));
    }
  }

  // All servers up at once (idle while another one is measured). Per query and repetition the
  // systems take turns, in an order rotated each repetition: a ratio compares runs seconds apart,
  // not minutes, on a machine whose load from other tenants drifts.
  const servers = new Map<System, ChildProcess>();
  try {
    for (const system of systems) servers.set(system, await startServer(system, dbOf(system)));
    for (const q of queries) {
      const stmts = new Map<System, number>();
      const measured = systems.filter((system) => requests[q][system].length > 0);
      for (const system of measured) stmts.set(system, await statementsPerRequest(system, dbOf(system), requests[q][system]));
      for (let rep = 1; rep <= reps; rep++) {
        for (const system of rotated(measured, rep - 1)) {
          const pid = servers.get(system)?.pid as number;
          const load = smoke ? {} : await runLoad(system, q, requests[q][system], pid);
          const row: Row = {
            S,
            rep,
            system,
            query: q,
            stmts: stmts.get(system) as number,
            ...load,
            sameData: system === 'klynge' ? sameData[q] : system === 'klynge-sqlite' ? sqliteSameData[q] : undefined,
          };
          rows.push(row);
          log(
            `S=${S} ${q} rep=${rep} ${system.padEnd(12)} ${smoke ? '' : `${row.rps?.toFixed(0)} req/s p50=${row.p50}ms p99=${row.p99}ms rss=${row.rssPeakMB}MB cpu=${row.cpuMsPerRequest?.toFixed(3)}ms/req `}stmts/req=${row.stmts}`,
          );
          if ((row.errors ?? 0) + (row.non2xx ?? 0) > 0) failures++;
        }
        if (smoke) break;
      }
    }
  } finally {
    await Promise.all([...servers.values()].map(stopServer));
  }
}

const table = sqlite ? reportSqlite(rows) : report(rows);
writeFileSync(join(OUT, 'results.json'), JSON.stringify({ node: process.version, seconds, warmup, connections, rows }, null, 1));
const header = sqlite
  ? `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench -- ${args.join(' ')}\`: ${connections} connections, ${warmup} s warm-up + ${seconds} s per cell, ${reps} repetition(s), median shown; Node ${process.version}. klynge on PostgreSQL (127.0.0.1:${PG_PORT}) and on SQLite (a file in bench/out, imported from the same generated files), one Node process each, both running throughout, measured one after the other per query and repetition (order rotated each repetition). "same data": on PostgreSQL against the ceiling, on SQLite against klynge on PostgreSQL, normalised as the smoke check does. SQL statements per request: pg_stat_statements on PostgreSQL, klynge's own count (GET /metrics) on SQLite.`
  : `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}\`: ${connections} connections, ${warmup} s warm-up + ${seconds} s per cell, ${reps} repetition(s), median shown; Node ${process.version}; all three systems on the same PostgreSQL (127.0.0.1:${PG_PORT}), one Node process each, all running throughout; per query and repetition the systems are measured one after another (order rotated each repetition), and a ratio is the median of the repetitions' ratios.`;
if (sqlite && !smoke) {
  writeSqliteSection(join(ROOT, 'bench/results.md'), `${header}\n\n${table}`);
} else if (!smoke) {
  const path = join(ROOT, 'bench/results.md');
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const notes = previous.includes('## Optimizations')
    ? previous.slice(previous.indexOf('## Optimizations'))
    : '## Optimizations\n';
  writeFileSync(path, `# Benchmark: klynge vs PostGraphile v5 vs the one-SQL ceiling\n\n${header}\n\n${table}\n\n${notes}`);
}
console.log(table);
if (failures > 0) {
  console.error(`[bench] ${failures} problem(s): differing data or errors (see above)`);
  process.exit(1);
}
