// The outbound side of webhooks against real servers on loopback: a host name goes through the
// pinned lookup (the connection goes to the address checked), a name resolving to a private
// address is refused before any connection, and a body's excerpt and a timeout are reported.
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../src/connectors/address-policy.js';
import { postToEndpoint } from '../../src/connectors/webhook-endpoint.connector.js';
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.js';

let receiver: Receiver;
let localhostAddress: string;

beforeAll(async () => {
  // Listen where "localhost" resolves first, so a request by name reaches it only through the lookup.
  [{ address: localhostAddress }] = await lookup('localhost', { all: true, verbatim: true });
  receiver = await startReceiver(localhostAddress, (n) => ({ status: n === 0 ? 202 : 200, delayMs: n === 1 ? 1000 : 0 }));
});
afterAll(() => receiver?.close());

const byName = () => receiver.url.replace(/\/\/[^/]+:/, '//localhost:');

describe('postToEndpoint', () => {
  it('connects to the address it checked when the URL names a host, and reports the answer', async () => {
    const result = await postToEndpoint(byName(), { 'content-type': 'application/json' }, '{"a":1}', {
      timeoutMs: 2000,
      policy: { allowedHosts: ['localhost'] },
    });
    expect(result).toMatchObject({ status: 202, excerpt: 'answer 202' });
    expect(receiver.requests[0].body).toBe('{"a":1}');
  });

  it('times out a slow answer', async () => {
    const result = await postToEndpoint(byName(), {}, '{}', { timeoutMs: 200, policy: { allowedHosts: ['localhost'] } });
    expect(result.status).toBeNull();
    expect(result.excerpt).toMatch(/timeout/);
    expect(result.durationMs).toBeLessThan(900);
  });

  it('refuses a name that resolves to a private address, after DNS and before connecting', async () => {
    // The machine's own name resolves to a loopback or private address on most hosts (here 127.0.0.1).
    const name = hostname();
    const [resolved] = await lookup(name, { all: true, verbatim: true }).catch(() => []);
    if (!resolved || !isPrivateAddress(resolved.address))
      return console.info(`skipped: "${name}" does not resolve to a private address here`);
    const before = receiver.connections;
    const url = receiver.url.replace(/^http:\/\/[^/]+:/, `https://${name}:`);
    const result = await postToEndpoint(url, {}, '{}', { timeoutMs: 2000, policy: { allowedHosts: [] } });
    expect(result.status).toBeNull();
    expect(result.excerpt).toBe(
      `refused: The webhook host ${name.toLowerCase()} resolves to ${resolved.address}, which is not a public address.`,
    );
    expect(receiver.connections).toBe(before);
  });

  it('refuses localhost by name', async () => {
    const result = await postToEndpoint(byName().replace('http:', 'https:'), {}, '{}', {
      timeoutMs: 2000,
      policy: { allowedHosts: [] },
    });
    expect(result.excerpt).toMatch(/^refused: .*localhost/);
  });
});
