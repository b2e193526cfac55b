// Getting a feed's bytes, within bounds: http(s) only, a deadline for the whole fetch (redirects
// included), a size limit counted while the body streams (after decompression), a bounded number
// of redirects, and no private, loopback or link-local address unless its host is allowed
// (FEED_ALLOWED_HOSTS). The address check runs on the address actually connected to (a lookup hook),
// so a name that resolves differently the second time cannot slip through. Conditional GET with the
// validators of the previous fetch.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { stat, readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { hostOf, isPrivateAddress } from './address-policy.js';

export interface FeedFetchOptions {
  /** Milliseconds for the whole fetch, redirects and body included. */
  timeoutMs: number;
  /** Largest body accepted, in bytes (decompressed). */
  maxBytes: number;
  /** Redirects followed at most. */
  maxRedirects: number;
  /** Host names or addresses fetched even when private or loopback (development, tests). */
  allowedHosts: readonly string[];
  /** Validators of the previous response, for a conditional GET. */
  etag?: string | null;
  lastModified?: string | null;
  userAgent?: string;
}

export type FeedFetchResult =
  | { status: 'not-modified'; url: string }
  | { status: 'ok'; url: string; body: string; etag: string | null; lastModified: string | null };

/** A fetch that failed or was refused; the message names the URL. */
export class FeedFetchError extends Error {
  override name = 'FeedFetchError';
  constructor(
    readonly url: string,
    readonly detail: string,
  ) {
    super(`Feed ${url}: ${detail}`);
  }
}

/** Whether an address is one a feed may be fetched from without being allowed by name. */
export const isPublicAddress = (address: string): boolean => !isPrivateAddress(address);

/** A lookup that refuses names resolving to a non-public address (the address connected to is checked). */
function guardedLookup(host: string) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number } & Record<string, unknown>,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const refused = addresses.find((a) => !isPublicAddress(a.address));
      if (refused) {
        const e: NodeJS.ErrnoException = new Error(
          `${host} resolves to ${refused.address}, a private or loopback address (allow it with FEED_ALLOWED_HOSTS)`,
        );
        e.code = 'EFEEDADDRESS';
        return callback(e, '');
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** Fetches a feed over http(s) within the bounds of `options`. */
export async function fetchFeed(url: string, options: FeedFetchOptions): Promise<FeedFetchResult> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new FeedFetchError(url, `no complete answer within ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  try {
    let current = url;
    for (let redirects = 0; ; redirects++) {
      const answer = await request(current, url, options, controller.signal);
      if (answer.kind !== 'redirect') return answer.result;
      if (redirects >= options.maxRedirects) {
        throw new FeedFetchError(url, `more than ${options.maxRedirects} redirects (the last to ${answer.location})`);
      }
      current = answer.location;
    }
  } finally {
    clearTimeout(timer);
  }
}

type Answer = { kind: 'done'; result: FeedFetchResult } | { kind: 'redirect'; location: string };

function request(target: string, feed: string, options: FeedFetchOptions, signal: AbortSignal): Promise<Answer> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.reject(new FeedFetchError(feed, `"${target}" is not a URL`));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new FeedFetchError(feed, `only http and https are fetched, not ${url.protocol.replace(/:$/, '')}`));
  }
  const host = hostOf(url);
  const allowed = options.allowedHosts.includes(host);
  if (!allowed && isIP(host) && !isPublicAddress(host)) {
    return Promise.reject(
      new FeedFetchError(feed, `${host} is a private or loopback address (allow it with FEED_ALLOWED_HOSTS)`),
    );
  }
  const headers: Record<string, string> = {
    'user-agent': options.userAgent ?? 'klynge-feed-ingest/0.1 (+https://github.com/klynge)',
    accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
    'accept-encoding': 'gzip, deflate, br',
  };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;

  return new Promise<Answer>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.get(url, { headers, signal, lookup: allowed ? undefined : (guardedLookup(host) as never) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && status !== 304) {
        res.resume();
        const location = res.headers.location;
        if (!location) return reject(new FeedFetchError(feed, `HTTP ${status} without a Location`));
        return resolve({ kind: 'redirect', location: new URL(location, url).toString() });
      }
      if (status === 304) {
        res.resume();
        return resolve({ kind: 'done', result: { status: 'not-modified', url: url.toString() } });
      }
      if (status !== 200) {
        res.resume();
        return reject(new FeedFetchError(feed, `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`));
      }
      const declared = Number(res.headers['content-length']);
      const encoding = String(res.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding === 'identity' && declared > options.maxBytes) {
        res.destroy();
        return reject(new FeedFetchError(feed, `is ${declared} bytes, more than the ${options.maxBytes} allowed`));
      }
      let body: Readable = res;
      if (encoding === 'gzip' || encoding === 'x-gzip') body = res.pipe(createGunzip());
      else if (encoding === 'deflate') body = res.pipe(createInflate());
      else if (encoding === 'br') body = res.pipe(createBrotliDecompress());
      readBounded(body, options.maxBytes, feed)
        .then((bytes) => {
          resolve({
            kind: 'done',
            result: {
              status: 'ok',
              url: url.toString(),
              body: decodeBody(bytes, String(res.headers['content-type'] ?? '')),
              etag: headerValue(res.headers.etag),
              lastModified: headerValue(res.headers['last-modified']),
            },
          });
        })
        .catch((error) => {
          res.destroy();
          reject(error);
        });
    });
    req.on('error', (error) => {
      if (error instanceof FeedFetchError) return reject(error);
      const reason = signal.reason;
      if (signal.aborted && reason instanceof FeedFetchError) return reject(reason);
      reject(new FeedFetchError(feed, error.message));
    });
  });
}

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.slice(0, 300) ?? null;

/** The stream's bytes, refused as soon as they pass `maxBytes` (a feed that never ends stops here or at the deadline). */
function readBounded(stream: Readable, maxBytes: number, feed: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stream.destroy();
        reject(new FeedFetchError(feed, `is larger than the ${maxBytes} bytes allowed`));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', (error) =>
      reject(error instanceof FeedFetchError ? error : new FeedFetchError(feed, `reading the body failed: ${error.message}`)),
    );
    stream.on('close', () => {
      if (!stream.readableEnded && size <= maxBytes)
        reject(new FeedFetchError(feed, 'the connection closed before the body ended'));
    });
  });
}

/** Text from bytes: the charset of Content-Type, else of the XML declaration, else UTF-8. */
export function decodeBody(bytes: Buffer, contentType = ''): string {
  const head = bytes.subarray(0, 200).toString('latin1');
  const charset =
    /charset=["']?([\w-]+)/i.exec(contentType)?.[1] ?? /<\?xml[^>]*encoding=["']([\w-]+)["']/i.exec(head)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Reads a feed from a file, refusing one larger than `maxBytes`. */
export async function readFeedFile(path: string, maxBytes: number): Promise<string> {
  const info = await stat(path).catch((error: Error) => {
    throw new FeedFetchError(path, `cannot be read: ${error.message}`);
  });
  if (!info.isFile()) throw new FeedFetchError(path, 'is not a file');
  if (info.size > maxBytes) throw new FeedFetchError(path, `is ${info.size} bytes, more than the ${maxBytes} allowed`);
  return decodeBody(await readFile(path));
}
