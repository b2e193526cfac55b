// SIGTERM on a started klynge process (`node dist/src/main.js`, as `npm start` runs it, on its own
// SQLite file): open WebSockets are closed with 1001, requests already sent are answered, and the
// process exits 0. Needs the compiled server (`npm test` builds it first).
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { metricValue } from '../helpers/metrics.js';
import { KLYNGE_MAIN, type KlyngeProcess, startKlyngeProcess } from '../helpers/processes.js';

describe.runIf(existsSync(KLYNGE_MAIN))('shutdown on SIGTERM', () => {
  let dir: string;
  let klynge: KlyngeProcess | undefined;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'klynge-shutdown-'));
    klynge = await startKlyngeProcess('shutdown', {
      DATABASE_URL: `file:${join(dir, 'klynge.sqlite')}`,
      REGISTRY_ENABLED: 'false',
      REDIS_URL: '',
    });
    url = klynge.url;
  }, 90_000);
  afterAll(async () => {
    await klynge?.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('closes WebSockets with 1001, answers requests in flight and exits 0', async () => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => socket.once('message', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

    // Five requests the server has begun (it has their headers) but cannot finish before the
    // signal: half of each body is held back until after it.
    const body = JSON.stringify({ query: '{ clusters(first: 50) { nodes { name members(first: 10) { totalCount } } } }' });
    const half = Math.floor(body.length / 2);
    const inFlight = Array.from({ length: 5 }, () => {
      const req = request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
        req.once('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.once('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.once('error', reject);
        });
        req.once('error', reject);
      });
      req.write(body.slice(0, half));
      return { req, answered };
    });
    // The server's own count says when it has all five (the scrape itself is one more).
    const metricsUrl = new URL('/metrics', url).href;
    for (let i = 0; ; i++) {
      const text = await (await fetch(metricsUrl)).text();
      if (metricValue(text, 'klynge_http_requests_in_flight') >= 6) break;
      if (i > 500) throw new Error('the server never had the five requests in flight');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    const exited = (klynge as KlyngeProcess).stop('SIGTERM');
    expect(await closed).toBe(1001);
    for (const { req } of inFlight) req.end(body.slice(half));

    // Each request begun before the signal is answered in full (none is cut off half-way).
    for (const { answered } of inFlight) {
      const { status, text } = await answered;
      expect(status).toBe(200);
      expect(JSON.parse(text).data.clusters.nodes.length).toBeGreaterThan(0);
    }
    expect(await exited).toBe(0);
  });
});
