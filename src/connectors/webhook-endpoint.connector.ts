// Outbound HTTP to webhook endpoints, guarded against server-side request forgery: only https, only
// public addresses (checked after DNS, and the connection goes to the very address checked, so a
// name that resolves differently the second time cannot slip through), no redirects followed.
// Hosts an operator allows (WEBHOOK_ALLOWED_HOSTS, for development) skip both rules.
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';

/** What the endpoint rules allow. */
export interface EndpointPolicy {
  /** Lowercase host names or addresses exempt from the https and public-address rules. */
  allowedHosts: readonly string[];
}

/** A URL or address the rules refuse; nothing was sent. */
export class RefusedEndpointError extends Error {
  override name = 'RefusedEndpointError';
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (AWS metadata fd00:ec2::254 among them)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address an IPv6 one embeds (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96), if any. */
function embeddedIPv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const hi = Number.parseInt(hex[1], 16);
  const lo = Number.parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Whether an address is loopback, private, link-local, metadata or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIPv4(address);
    return v4 ? blocked.check(v4, 'ipv4') : blocked.check(address, 'ipv6');
  }
  return true;
}

/** The host of a URL as compared with the allowed hosts (lowercase, IPv6 without brackets). */
const hostOf = (url: URL) => url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');

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
