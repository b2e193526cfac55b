// Feeds fetched over HTTP from a local server answering as feed servers do: conditional GET (ETag,
// Last-Modified, 304), errors, a slow server, a body that never ends, a gzip bomb, redirects, and
// the address rules (only 127.0.0.1 is allowed here, as FEED_ALLOWED_HOSTS would). Nothing leaves
// the machine.
import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedsConfig } from '../../src/config/config.js';
import { fetchFeed, isPublicAddress } from '../../src/connectors/feed-fetch.connector.js';
import { createRequestContext } from '../../src/context/request-context.js';
import { ingestFeed } from '../../src/services/feed-ingest.service.js';
import { type TestApi, createTestApi } from '../helpers/api.js';
import { sql } from '../helpers/database.js';

const RSS = readFileSync(new URL('../fixtures/feeds/regjeringen.rss', import.meta.url));
const ATOM = readFileSync(new URL('../fixtures/feeds/innovasjon.atom', import.meta.url));
const LIMITS = { ...feedsConfig({}), allowedHosts: ['127.0.0.1'], timeoutMs: 1500, maxBytes: 256 * 1024 };

let api: TestApi;
let server: Server;
let base: string;
const seen: { url: string; ifNoneMatch?: string; ifModifiedSince?: string; userAgent?: string }[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  seen.push({
    url,
    ifNoneMatch: req.headers['if-none-match'],
    ifModifiedSince: req.headers['if-modified-since'],
    userAgent: req.headers['user-agent'],
  });
  if (url === '/etag.rss') {
    if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304, { etag: '"v1"' }).end();
    return void res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"' }).end(RSS);
  }
  if (url === '/modified.atom') {
    const stamp = 'Wed, 20 Nov 2019 08:00:00 GMT';
    if (req.headers['if-modified-since'] === stamp) return void res.writeHead(304).end();
    return void res.writeHead(200, { 'content-type': 'application/atom+xml', 'last-modified': stamp }).end(ATOM);
  }
  if (url === '/error.rss') return void res.writeHead(500, 'Internal Server Error').end('oops');
  if (url === '/slow.rss') {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.write('<?xml version="1.0"?><rss version="2.0"><channel>');
    return; // and nothing more, ever
  }
  if (url === '/endless.rss') {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>');
    const chunk = 'x'.repeat(16 * 1024);
    const timer = setInterval(() => res.write(chunk), 1);
    res.on('close', () => clearInterval(timer));
    return;
  }
  if (url === '/gzip-bomb.rss') {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    return void res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' }).end(bomb);
  }
  if (url === '/gzip.rss') {
    return void res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' }).end(gzipSync(RSS));
  }
  const hop = /^\/hop\/(\d+)$/.exec(url);
  if (hop) {
    const left = Number(hop[1]);
    return void res.writeHead(302, { location: left > 0 ? `/hop/${left - 1}` : `${base}/gzip.rss` }).end();
  }
  if (url === '/to-ipv6-loopback') {
    const port = (server.address() as AddressInfo).port;
    return void res.writeHead(301, { location: `http://[::1]:${port}/etag.rss` }).end();
  }
  res.writeHead(404).end();
}

beforeAll(async () => {
  api = await createTestApi({ demo: false });
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await api?.dispose();
});

const ingest = (url: string, limits = LIMITS) => ingestFeed(createRequestContext(api.orm), url, limits);
const feedRow = async (url: string) =>
  (
    await sql(
      api,
      `select etag, last_modified as "lastModified", failures, last_error as "lastError" from feed where url = '${url}'`,
    )
  )[0];

describe('conditional GET', () => {
  it('stores the ETag, sends it back, and a 304 changes nothing', async () => {
    const url = `${base}/etag.rss`;
    expect(await ingest(url)).toMatchObject({ items: 3, inserted: 3, notModified: false });
    expect(await feedRow(url)).toMatchObject({ etag: '"v1"', lastModified: null });
    expect(await ingest(url)).toMatchObject({ items: 0, inserted: 0, updated: 0, unchanged: 0, notModified: true });
    const requests = seen.filter((s) => s.url === '/etag.rss');
    expect(requests.map((r) => r.ifNoneMatch)).toEqual([undefined, '"v1"']);
    expect(requests[0].userAgent).toMatch(/^klynge/);
  });

  it('stores Last-Modified and sends it as If-Modified-Since', async () => {
    const url = `${base}/modified.atom`;
    expect(await ingest(url)).toMatchObject({ items: 3, inserted: 3 });
    expect(await ingest(url)).toMatchObject({ notModified: true });
    expect(seen.filter((s) => s.url === '/modified.atom').map((r) => r.ifModifiedSince)).toEqual([
      undefined,
      'Wed, 20 Nov 2019 08:00:00 GMT',
    ]);
  });
});

describe('failures are refused within bounds, write nothing, and are recorded for the backoff', () => {
  it('HTTP 500', async () => {
    const url = `${base}/error.rss`;
    await expect(ingest(url)).rejects.toThrow(`Feed ${url}: HTTP 500 Internal Server Error`);
    await expect(ingest(url)).rejects.toThrow(/HTTP 500/);
    expect(await feedRow(url)).toMatchObject({ lastError: `Feed ${url}: HTTP 500 Internal Server Error` });
    expect(Number((await feedRow(url)).failures)).toBe(2);
  });

  it('a server that stops answering: the deadline', async () => {
    const started = Date.now();
    await expect(ingest(`${base}/slow.rss`, { ...LIMITS, timeoutMs: 400 })).rejects.toThrow(
      `Feed ${base}/slow.rss: no complete answer within 400 ms`,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a body that never ends: the size limit, counted while it streams', async () => {
    const started = Date.now();
    await expect(ingest(`${base}/endless.rss`, { ...LIMITS, timeoutMs: 10_000 })).rejects.toThrow(
      `Feed ${base}/endless.rss: is larger than the ${256 * 1024} bytes allowed`,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a gzip bomb: the limit counts the bytes after decompression', async () => {
    await expect(ingest(`${base}/gzip-bomb.rss`)).rejects.toThrow(/is larger than the 262144 bytes allowed/);
  });

  it('redirects are followed up to the limit, and no further', async () => {
    const result = await ingest(`${base}/hop/2`);
    expect(result).toMatchObject({ feed: `${base}/hop/2`, items: 3, inserted: 3 });
    await expect(ingest(`${base}/hop/9`, { ...LIMITS, maxRedirects: 5 })).rejects.toThrow(
      `Feed ${base}/hop/9: more than 5 redirects (the last to ${base}/hop/3)`,
    );
  });

  it('private and loopback addresses only when allowed, also after a redirect; http(s) only', async () => {
    const notAllowed = { ...LIMITS, allowedHosts: [] };
    await expect(fetchFeed(`${base}/etag.rss`, notAllowed)).rejects.toThrow(
      '127.0.0.1 is a private or loopback address (allow it with FEED_ALLOWED_HOSTS)',
    );
    // A name is checked on the addresses it resolves to, in the connection's own lookup.
    await expect(fetchFeed(`${base.replace('127.0.0.1', 'localhost')}/etag.rss`, notAllowed)).rejects.toThrow(
      /localhost resolves to (127\.0\.0\.1|::1), a private or loopback address/,
    );
    await expect(fetchFeed('http://10.1.2.3/feed', notAllowed)).rejects.toThrow(/10\.1\.2\.3 is a private/);
    await expect(fetchFeed('http://[fd00::1]/feed', notAllowed)).rejects.toThrow(/fd00::1 is a private/);
    await expect(fetchFeed(`${base}/to-ipv6-loopback`, LIMITS)).rejects.toThrow(/::1 is a private or loopback address/);
    await expect(fetchFeed('ftp://127.0.0.1/feed', LIMITS)).rejects.toThrow('only http and https are fetched, not ftp');
    await expect(ingest('gopher://127.0.0.1/feed')).rejects.toThrow(/only http and https URLs and files are read/);
  });

  it('tells public addresses from the rest', () => {
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '172.20.1.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ['8.8.8.8', '151.101.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      expect(isPublicAddress(address), address).toBe(true);
    }
  });
});
