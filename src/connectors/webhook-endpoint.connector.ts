// Outbound HTTP to webhook endpoints, guarded against server-side request forgery: only https, only
// public addresses (checked after DNS, and the connection goes to the very address checked, so a
// name that resolves differently the second time cannot slip through), no redirects followed.
// Hosts an operator allows (WEBHOOK_ALLOWED_HOSTS, for development) skip both rules.
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { hostOf, isPrivateAddress } from './address-policy.js';

/** What the endpoint rules allow. */
export interface EndpointPolicy {
  /** Lowercase host names or addresses exempt from the https and public-address rules. */
  allowedHosts: readonly string[];
}

/** A URL or address the rules refuse; nothing was sent. */
export class RefusedEndpointError extends Error {
  override name = 'RefusedEndpointError';
}

const isAllowedHost = (url: URL, policy: EndpointPolicy) => policy.allowedHosts.includes(hostOf(url));

/**
 * Why a webhook URL is refused by its form alone (not https, credentials, an address that is not
 * public), or null. Names are checked against DNS by `resolveEndpoint`.
 */
export function urlProblem(raw: string, policy: EndpointPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not have a fragment (#…)';
  if (isAllowedHost(url, policy)) {
    return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'must be an http:// or https:// URL';
  }
  if (url.protocol !== 'https:') return 'must be an https:// URL';
  const host = hostOf(url);
  if (isIP(host) && isPrivateAddress(host))
    return `must not point to a loopback, private, link-local or metadata address (${host})`;
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point to localhost';
  return null;
}

/**
 * The address to connect to for `url`: its host resolved, every address it resolves to checked
 * (one private address refuses the name), the first one used. RefusedEndpointError otherwise.
 */
export async function resolveEndpoint(url: URL, policy: EndpointPolicy): Promise<{ address: string; family: 4 | 6 }> {
  const problem = urlProblem(url.toString(), policy);
  if (problem) throw new RefusedEndpointError(`The webhook URL ${problem}.`);
  const host = hostOf(url);
  const literal = isIP(host);
  if (literal) return { address: host, family: literal as 4 | 6 };
  let addresses: { address: string; family: number }[];
  try {
    addresses = await dnsLookup(host, { all: true, verbatim: true });
  } catch (error) {
    throw new RefusedEndpointError(
      `The webhook host ${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
  if (!isAllowedHost(url, policy)) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad)
      throw new RefusedEndpointError(`The webhook host ${host} resolves to ${bad.address}, which is not a public address.`);
  }
  const first = addresses[0];
  if (!first) throw new RefusedEndpointError(`The webhook host ${host} has no address.`);
  return { address: first.address, family: first.family as 4 | 6 };
}

/** What one POST came to: a status and the start of the body, or what went wrong. */
export interface PostResult {
  /** The HTTP status; null when no response came (refused, unreachable, timeout). */
  status: number | null;
  /** The first characters of the response body, or the error. */
  excerpt: string;
  durationMs: number;
}

/** Characters of a response body kept; bytes read before the rest is discarded. */
const EXCERPT_CHARS = 500;
const MAX_BODY_BYTES = 64 * 1024;

/**
 * POSTs `body` to the endpoint, connecting only to the address `resolveEndpoint` checked. Never
 * throws: a refusal, a connection error or a timeout (`timeoutMs`, connection to the last byte)
 * come back with a null status. Redirects are not followed (a 3xx is a failed attempt).
 */
export async function postToEndpoint(
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; policy: EndpointPolicy },
): Promise<PostResult> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  let url: URL;
  let target: { address: string; family: 4 | 6 };
  try {
    url = new URL(rawUrl);
    target = await resolveEndpoint(url, options.policy);
  } catch (error) {
    return { status: null, excerpt: `refused: ${(error as Error).message}`, durationMs: took() };
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<PostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: took() });
    };
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        // The connection goes to the address checked above, whatever DNS says now.
        lookup: (_host, opts, callback) => {
          if ((opts as { all?: boolean }).all)
            (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
          else (callback as (e: null, a: string, f: number) => void)(null, target.address, target.family);
        },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY_BYTES) chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_BODY_BYTES) response.destroy();
        });
        const done = () =>
          finish({
            status: response.statusCode ?? null,
            excerpt: Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_CHARS),
          });
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      finish({ status: null, excerpt: `timeout: no complete response within ${options.timeoutMs} ms` });
      request.destroy();
    }, options.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) =>
      finish({ status: null, excerpt: `connection error: ${error.code ?? ''} ${error.message}`.trim() }),
    );
    request.end(body);
  });
}
