import type { IncomingMessage } from 'node:http';

/**
 * Which proxies' X-Forwarded-For to believe (TRUST_PROXY): none (`false`, the default: the socket's
 * peer is the client), all (`true`: the first address listed), or the last `n` hops.
 */
export type TrustProxy = boolean | number;

/** The client's address, as far as the trusted proxies say; the socket's peer otherwise. */
export function clientAddressOf(request: IncomingMessage, trust: TrustProxy): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (trust === false || trust === 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  if (trust === true) return chain[0];
  return chain[Math.max(0, chain.length - 1 - trust)];
}
