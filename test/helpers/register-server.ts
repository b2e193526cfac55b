// A local stand-in for the company register: a node:http server on 127.0.0.1 answering in the
// register's documented HAL format, with switchable misbehaviour. Tests never reach the real one:
// every register a test builds must point at a loopback address (assertLoopback).
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RegistryConfig } from '../../src/config/config.js';
import {
  type CompanyRegisterOptions,
  HttpCompanyRegister,
  type RegisterLogger,
} from '../../src/connectors/company-register.connector.js';
import { MemoryRegistryCache, type RegistryCache } from '../../src/connectors/registry-cache.js';

/** How the local register answers a request. */
export type RegisterBehaviour =
  | { kind: 'ok' }
  /** Answers correctly after `delayMs`. */
  | { kind: 'slow'; delayMs: number }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Answers with this status and JSON body (500, 503, 400, …). */
  | { kind: 'status'; status: number; body?: unknown }
  /** Answers 200 with this raw text. */
  | { kind: 'raw'; body: string; contentType?: string };

export interface RegisterCall {
  path: string;
  numbers: string[];
  size: number | null;
  userAgent: string | undefined;
}

export interface LocalRegister {
  /** Base URL, like https://data.brreg.no/enhetsregisteret/api */
  url: string;
  /** Units by organisation number (deleted ones included, with slettedato). */
  units: Map<string, object>;
  /** Every request received, in order. */
  calls: RegisterCall[];
  /** The most requests it was answering at once. */
  maxConcurrent: number;
  /** The default answer. */
  behaviour: RegisterBehaviour;
  /** One-shot answers, used (first first) before the default. */
  queue: RegisterBehaviour[];
  /** Changes for `/oppdateringer/enheter` (register sync). */
  updates: { organisasjonsnummer: string; endringstype: string; dato: string; oppdateringsid: number }[];
  close(): Promise<void>;
}

const BASE_PATH = '/enhetsregisteret/api';

/** Starts a local register on 127.0.0.1 (a free port) serving `units`. */
export async function startLocalRegister(units: Iterable<object> = []): Promise<LocalRegister> {
  const register: LocalRegister = {
    url: '',
    units: new Map([...units].map((u) => [(u as { organisasjonsnummer: string }).organisasjonsnummer, u])),
    calls: [],
    maxConcurrent: 0,
    behaviour: { kind: 'ok' },
    queue: [],
    updates: [],
    close: async () => {},
  };
  const hanging = new Set<ServerResponse>();
  let active = 0;

  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const numbers = (url.searchParams.get('organisasjonsnummer') ?? '').split(',').filter(Boolean);
    const size = url.searchParams.has('size') ? Number(url.searchParams.get('size')) : null;
    register.calls.push({ path: url.pathname, numbers, size, userAgent: req.headers['user-agent'] });
    active++;
    register.maxConcurrent = Math.max(register.maxConcurrent, active);
    res.once('close', () => active--);
    const behaviour = register.queue.shift() ?? register.behaviour;
    const send = (status: number, body: unknown, contentType = 'application/hal+json;charset=UTF-8') => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const respond = () => {
      if (url.pathname === `${BASE_PATH}/enheter`) return send(200, unitSearch(register, numbers, size, url));
      if (url.pathname.startsWith(`${BASE_PATH}/enheter/`)) {
        const unit = register.units.get(url.pathname.slice(`${BASE_PATH}/enheter/`.length));
        return unit ? send(200, unit) : send(404, { status: 404, feilmelding: 'Ikke funnet' });
      }
      if (url.pathname === `${BASE_PATH}/oppdateringer/enheter`) return send(200, updatesAnswer(register, url));
      send(404, { status: 404, feilmelding: 'Ikke funnet' });
    };
    switch (behaviour.kind) {
      case 'ok':
        return respond();
      case 'slow':
        setTimeout(respond, behaviour.delayMs);
        return;
      case 'hang':
        hanging.add(res);
        return;
      case 'status':
        return send(behaviour.status, behaviour.body ?? { status: behaviour.status, feilmelding: 'Intern feil' });
      case 'raw':
        return send(200, behaviour.body, behaviour.contentType);
    }
  };

  const server: Server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  register.url = `http://127.0.0.1:${port}${BASE_PATH}`;
  register.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return register;
}

/** `GET /enheter?organisasjonsnummer=a,b,c&size=N` as the register answers it (HAL; no `_embedded` without hits). */
function unitSearch(register: LocalRegister, numbers: string[], size: number | null, url: URL) {
  const pageSize = size ?? 20;
  const all = numbers.map((n) => register.units.get(n)).filter((u): u is object => u !== undefined);
  const pageNumber = Number(url.searchParams.get('page') ?? 0);
  const page = all.slice(pageNumber * pageSize, (pageNumber + 1) * pageSize);
  return {
    ...(page.length > 0 ? { _embedded: { enheter: page } } : {}),
    _links: { self: { href: url.href } },
    page: {
      size: pageSize,
      totalElements: all.length,
      totalPages: Math.ceil(all.length / pageSize),
      number: pageNumber,
    },
  };
}

/** `GET /oppdateringer/enheter?dato=…`: changes at or after `dato`, oldest first, paged. */
function updatesAnswer(register: LocalRegister, url: URL) {
  const since = url.searchParams.get('dato') ?? '1970-01-01T00:00:00.000Z';
  const pageSize = Number(url.searchParams.get('size') ?? 20);
  const pageNumber = Number(url.searchParams.get('page') ?? 0);
  const all = register.updates.filter((u) => u.dato >= since).sort((a, b) => a.oppdateringsid - b.oppdateringsid);
  const page = all.slice(pageNumber * pageSize, (pageNumber + 1) * pageSize);
  return {
    ...(page.length > 0 ? { _embedded: { oppdaterteEnheter: page } } : {}),
    _links: { self: { href: url.href } },
    page: { size: pageSize, totalElements: all.length, totalPages: Math.ceil(all.length / pageSize), number: pageNumber },
  };
}

/** Refuses any register URL that is not on this machine's loopback interface. */
export function assertLoopback(url: string): void {
  const { hostname } = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(hostname)) {
    throw new Error(`tests may only talk to a local register on 127.0.0.1, not ${url}`);
  }
}

/** A logger that keeps what it is told (to check what the connector logs). */
export function recordingLogger() {
  const entries: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg: string): void => {
      entries.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  const logger: RegisterLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, entries };
}

/** The configuration of a local register (switched on, on 127.0.0.1). */
export function localRegistryConfig(url: string, overrides: Partial<RegistryConfig> = {}): RegistryConfig {
  assertLoopback(url);
  return {
    enabled: true,
    url,
    timeoutMs: 1_000,
    hitTtlSeconds: 24 * 3600,
    missTtlSeconds: 3600,
    cacheMaxEntries: 1_000,
    ...overrides,
  };
}

/** A register connector on the local server, with short timings; its logger records. */
export function localCompanyRegister(
  local: Pick<LocalRegister, 'url'>,
  options: Partial<Omit<CompanyRegisterOptions, 'url' | 'logger'>> & { cache?: RegistryCache } = {},
) {
  assertLoopback(local.url);
  const { logger, entries } = recordingLogger();
  const register = new HttpCompanyRegister({
    url: local.url,
    timeoutMs: 1_000,
    hitTtlMs: 24 * 3600 * 1000,
    missTtlMs: 3600 * 1000,
    cache: options.cache ?? new MemoryRegistryCache(1_000),
    logger,
    retryBaseMs: 10,
    ...options,
  });
  return { register, logs: entries };
}
