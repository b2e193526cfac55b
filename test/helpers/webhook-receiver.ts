import { createHmac, timingSafeEqual } from 'node:crypto';
import { type IncomingHttpHeaders, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST a receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, any>;
  at: number;
}

/** How the receiver answers the n-th request (from 0): a status, after an optional delay. */
export type Answer = (n: number, request: Received) => { status: number; delayMs?: number; headers?: Record<string, string> };

/** A real HTTP server on loopback that records what it is sent, and every TCP connection made to it. */
export interface Receiver {
  url: string;
  requests: Received[];
  connections: number;
  answer: Answer;
  close(): Promise<void>;
}

export async function startReceiver(host = '127.0.0.1', answer: Answer = () => ({ status: 204 })): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    requests: [],
    connections: 0,
    answer,
    close: async () => {},
  };
  const pending = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, any> = {};
      try {
        json = JSON.parse(body);
      } catch {}
      const received = { headers: req.headers, body, json, at: Date.now() };
      const n = receiver.requests.length;
      receiver.requests.push(received);
      const { status, delayMs, headers } = receiver.answer(n, received);
      pending.add(res);
      setTimeout(() => {
        pending.delete(res);
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'text/plain', ...headers });
        res.end(`answer ${status}`);
      }, delayMs ?? 0);
    });
  });
  server.on('connection', () => receiver.connections++);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://${host}:${port}/hook`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      for (const res of pending) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/**
 * Verifies a Standard Webhooks signature with node:crypto alone (independently of the library
 * klynge signs with): HMAC-SHA256 of `id.timestamp.body` under the secret's base64-decoded bytes.
 */
export function verifySignature(secret: string, received: Received, toleranceSeconds = 300): boolean {
  const id = received.headers['webhook-id'];
  const timestamp = received.headers['webhook-timestamp'];
  const signatures = received.headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${received.body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    const given = Buffer.from(value ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Polls until `check` returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
