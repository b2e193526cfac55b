// Load generator in its own process (so it does not share the server's event loop):
//   node dist/bench/load.js <url> <json-bodies-file> <connections> <seconds> <warmupSeconds>
// Bodies are sent round-robin. Prints one JSON line.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, bodiesFile, conns = '16', secs = '10', warm = '3'] = process.argv.slice(2);
const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8')) as { path: string; body: string }[];
let n = 0;
const run = (duration: number) =>
  autocannon({
    url,
    connections: Number(conns),
    duration,
    timeout: 10,
    requests: [
      {
        setupRequest: (req: any) => {
          const b = bodies[n++ % bodies.length];
          return { ...req, method: 'POST', path: b.path, headers: { 'content-type': 'application/json' }, body: b.body };
        },
      },
    ],
  });
if (Number(warm) > 0) await run(Number(warm));
const r = await run(Number(secs));
console.log(
  JSON.stringify({
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  }),
);
