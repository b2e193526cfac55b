// The company register (Brønnøysund Enhetsregisteret): batched lookups by org number, cached
// (hits and misses), each bounded in time, retried when that can help, behind a circuit breaker.
// Returns plain data; a failure is a REGISTRY_UNAVAILABLE value per number, never a thrown error.
import { setTimeout as delay } from 'node:timers/promises';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import CircuitBreaker from 'opossum';
import type { z } from 'zod';
import type { RegistryConfig } from '../config/config.js';
import { CodedError, ErrorCode } from '../lib/errors.js';
import {
  type RegisterChangePage,
  type RegisterUnitSearch,
  type RegistryEntry,
  changePageSchema,
  registerErrorSchema,
  toRegistryEntry,
  unitSearchSchema,
} from './company-register.format.js';
import { Limit } from './limit.js';
import {
  type CacheLogger,
  MemoryRegistryCache,
  RedisRegistryCache,
  type RegistryCache,
  TieredRegistryCache,
} from './registry-cache.js';

export type { RegistryAddress, RegistryCode, RegistryEntry } from './company-register.format.js';

/** What a lookup says about one number: its unit, null (the register has none), or why it cannot say. */
export type RegistryAnswer = RegistryEntry | null | CodedError;

/** The company register as the loaders see it. */
export interface CompanyRegister {
  /** False when switched off (REGISTRY_ENABLED=false): no outside calls. */
  readonly enabled: boolean;
  /** One answer per number, in the order asked. Never rejects. */
  lookup(orgNumbers: readonly string[]): Promise<RegistryAnswer[]>;
  /** Stops timers and closes the Redis connection. */
  close(): Promise<void>;
}

/** pino's signature, so the server's logger fits. */
export interface RegisterLogger extends CacheLogger {
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export const USER_AGENT = 'klynge/0.1 (GraphQL API over the Norwegian Innovation Clusters programme)';

export interface BreakerOptions {
  /** How long the breaker stays open before one trial call (milliseconds). */
  resetMs: number;
  /** Failed share of calls in the window, in percent, above which it opens. */
  errorThresholdPercentage: number;
  /** Calls in the window before it may open at all. */
  volumeThreshold: number;
  /** The window the share is counted over (milliseconds). */
  windowMs: number;
}

export interface CompanyRegisterOptions {
  /** Base URL, e.g. https://data.brreg.no/enhetsregisteret/api */
  url: string;
  /** Upper bound of one lookup, its waiting for a slot and its retries included (milliseconds). */
  timeoutMs: number;
  hitTtlMs: number;
  missTtlMs: number;
  cache: RegistryCache;
  logger: RegisterLogger;
  /** Numbers per HTTP call (the register's page size; page × size must stay ≤ 10,000). Default 100. */
  batchSize?: number;
  /** HTTP calls in flight at once, for the whole process. Default 4. */
  concurrency?: number;
  /** Further attempts after a 5xx, 429 or network error. Default 2. */
  retries?: number;
  /** First backoff in milliseconds, doubled per retry, with jitter. Default 100. */
  retryBaseMs?: number;
  breaker?: Partial<BreakerOptions>;
}

const DEFAULT_BREAKER: BreakerOptions = { resetMs: 30_000, errorThresholdPercentage: 50, volumeThreshold: 5, windowMs: 30_000 };
/** The register allows page × size ≤ 10,000; 100 numbers also keep the URL short (~1 KB). */
const MAX_BATCH = 100;
/** A retry is not started with less time than this left. */
const MIN_ATTEMPT_MS = 50;

/** A failed call to the register, with what the log needs to tell why. */
export class RegisterCallError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RegisterCallError';
  }
}

const unavailable = (message = 'The company register is unavailable; try again shortly.') =>
  new CodedError(ErrorCode.REGISTRY_UNAVAILABLE, message);

/** The answer of a switched-off register, for every number. */
const SWITCHED_OFF = unavailable('The company register is switched off on this server (REGISTRY_ENABLED=false).');

/** A register that makes no calls: every lookup is REGISTRY_UNAVAILABLE (switched off). */
export const disabledCompanyRegister: CompanyRegister = {
  enabled: false,
  async lookup(orgNumbers) {
    return orgNumbers.map(() => SWITCHED_OFF);
  },
  async close() {},
};

interface ChunkAnswer {
  found: Map<string, RegistryEntry>;
  /** False if the register said it had more units than it sent: then absence proves nothing. */
  complete: boolean;
}

/** The register over HTTP. One instance per process: its cache, breaker and call slots are shared. */
export class HttpCompanyRegister implements CompanyRegister {
  readonly enabled = true;
  /** Every call goes through it: a task (one bounded HTTP exchange with its retries) per fire. */
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  private readonly limit: Limit;
  private readonly inFlight = new Map<string, Promise<RegistryAnswer>>();
  private readonly batchSize: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;

  constructor(private readonly options: CompanyRegisterOptions) {
    this.batchSize = Math.min(Math.max(1, options.batchSize ?? MAX_BATCH), MAX_BATCH);
    this.retries = options.retries ?? 2;
    this.retryBaseMs = options.retryBaseMs ?? 100;
    this.limit = new Limit(options.concurrency ?? 4);
    const breaker = { ...DEFAULT_BREAKER, ...options.breaker };
    this.breaker = new CircuitBreaker((task: () => Promise<unknown>) => task(), {
      // Time is bounded by the lookup's own deadline, which also aborts the HTTP call.
      timeout: false,
      resetTimeout: breaker.resetMs,
      errorThresholdPercentage: breaker.errorThresholdPercentage,
      volumeThreshold: breaker.volumeThreshold,
      rollingCountTimeout: breaker.windowMs,
      name: 'company-register',
    });
    const { logger } = options;
    this.breaker.on('open', () =>
      logger.warn({ resetMs: breaker.resetMs }, 'company register: circuit open, failing fast until a trial call succeeds'),
    );
    this.breaker.on('halfOpen', () => logger.info({}, 'company register: circuit half-open, trying one call'));
    this.breaker.on('close', () => logger.info({}, 'company register: circuit closed, calls resumed'));
    this.breaker.on('success', () => this.calls.success++);
    this.breaker.on('failure', () => this.calls.failure++);
    this.breaker.on('reject', () => this.calls.reject++);
  }

  /** Calls through the breaker since start: answered, failed, refused while open (for metrics). */
  readonly calls = { success: 0, failure: 0, reject: 0 };

  /** The register's base URL. */
  get url(): string {
    return this.options.url;
  }

  /** The breaker's state: closed (calls go through), open (failing fast) or halfOpen (one trial call). */
  get circuit(): 'closed' | 'open' | 'halfOpen' {
    if (this.breaker.halfOpen) return 'halfOpen';
    return this.breaker.opened ? 'open' : 'closed';
  }

  /** Looks numbers up: the cache first, then the register in batches; never rejects. */
  async lookup(orgNumbers: readonly string[]): Promise<RegistryAnswer[]> {
    const deadline = Date.now() + this.options.timeoutMs;
    const unique = [...new Set(orgNumbers)];
    const answers = new Map<string, RegistryAnswer | Promise<RegistryAnswer>>();
    // Anything but nine digits cannot be a unit, and would make the register refuse the whole batch.
    const wellFormed = unique.filter((n) => {
      if (/^\d{9}$/.test(n)) return true;
      answers.set(n, null);
      return false;
    });
    const cached = await this.options.cache.getMany(wellFormed);
    const toFetch: string[] = [];
    for (const n of wellFormed) {
      const hit = cached.get(n);
      const pending = this.inFlight.get(n);
      if (hit) answers.set(n, hit.entry);
      else if (pending) answers.set(n, pending);
      else toFetch.push(n);
    }
    for (let i = 0; i < toFetch.length; i += this.batchSize) {
      const chunk = toFetch.slice(i, i + this.batchSize);
      const result = this.lookupChunk(chunk, deadline);
      for (const n of chunk) {
        const answer = result.then((byNumber) => byNumber.get(n) ?? null);
        this.inFlight.set(n, answer);
        answers.set(n, answer);
      }
      void result.finally(() => {
        for (const n of chunk) this.inFlight.delete(n);
      });
    }
    const settled = new Map<string, RegistryAnswer>();
    await Promise.all([...answers].map(async ([n, answer]) => settled.set(n, await answer)));
    return orgNumbers.map((n) => settled.get(n) ?? null);
  }

  /** One batch through the breaker; answers (and caches) each number, or marks them all unavailable. */
  private async lookupChunk(numbers: string[], deadline: number): Promise<Map<string, RegistryAnswer>> {
    const byNumber = new Map<string, RegistryAnswer>();
    try {
      const url = `${this.options.url}/enheter?organisasjonsnummer=${numbers.join(',')}&size=${numbers.length}`;
      const search = await this.call(() => this.getJson(url, unitSearchSchema, deadline));
      const { found, complete } = chunkAnswer(search, new Date());
      const now = Date.now();
      const writes = [];
      for (const n of numbers) {
        const entry = found.get(n) ?? null;
        byNumber.set(n, entry);
        if (entry || complete) {
          const ttl = entry ? this.options.hitTtlMs : this.options.missTtlMs;
          writes.push({ orgNumber: n, answer: { entry, expiresAt: now + ttl } });
        }
      }
      await this.options.cache.setMany(writes);
    } catch (error) {
      const open = (error as { code?: string }).code === 'EOPENBREAKER';
      if (open) this.options.logger.debug({ numbers: numbers.length }, 'company register: circuit open, lookup skipped');
      else {
        this.options.logger.warn(
          { err: error, ...(error instanceof RegisterCallError ? error.detail : {}), numbers: numbers.length },
          'company register lookup failed',
        );
      }
      const failure = unavailable();
      for (const n of numbers) byNumber.set(n, failure);
    }
    return byNumber;
  }

  /** Runs one task through the breaker (open: fails at once with code EOPENBREAKER). */
  private call<T>(task: () => Promise<T>): Promise<T> {
    return this.breaker.fire(task) as Promise<T>;
  }

  /**
   * One GET within the deadline: a call slot, then attempts with backoff while they can help;
   * the answer validated by `schema`.
   */
  private async getJson<T>(url: string, schema: z.ZodType<T>, deadline: number): Promise<T> {
    const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    return this.limit
      .run(async () => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await this.getOnce(url, schema, signal);
          } catch (error) {
            if (!(error instanceof RegisterCallError) || !error.retryable || attempt >= this.retries) throw error;
            const wait = this.retryBaseMs * 2 ** attempt * (0.5 + Math.random() / 2);
            if (deadline - Date.now() < wait + MIN_ATTEMPT_MS) throw error;
            this.options.logger.debug(
              { attempt: attempt + 1, delay: Math.round(wait), reason: error.message },
              'company register: retrying',
            );
            // Node's abortable timer: no listener is left on the lookup's signal after it fires.
            await delay(wait, undefined, { signal });
          }
        }
      }, signal)
      .catch((error: unknown) => {
        if (signal.aborted) {
          throw new RegisterCallError(`no answer within ${this.options.timeoutMs} ms`, false, {
            url,
            timeoutMs: this.options.timeoutMs,
          });
        }
        throw error;
      });
  }

  /** One HTTP GET, its answer validated; failures say whether a retry can help. A span when tracing is on. */
  private getOnce<T>(url: string, schema: z.ZodType<T>, signal: AbortSignal): Promise<T> {
    return trace.getTracer('klynge').startActiveSpan('registry GET', { attributes: { 'url.full': url } }, async (span) => {
      try {
        return await this.getOnceUntraced(url, schema, signal);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  private async getOnceUntraced<T>(url: string, schema: z.ZodType<T>, signal: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json', 'user-agent': USER_AGENT }, signal });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new RegisterCallError(`no connection: ${(error as Error).message}`, true, {
        url,
        cause: String((error as Error).cause ?? ''),
      });
    }
    const text = await response.text();
    if (!response.ok) {
      const retryable = response.status >= 500 || response.status === 429;
      const problem = registerErrorSchema.safeParse(parseJson(text));
      throw new RegisterCallError(`HTTP ${response.status}`, retryable, {
        url,
        status: response.status,
        message: problem.success ? problem.data.feilmelding : undefined,
        validation: problem.success ? problem.data.valideringsfeil : undefined,
        body: problem.success && problem.data.feilmelding ? undefined : excerpt(text),
      });
    }
    const parsed = schema.safeParse(parseJson(text));
    if (!parsed.success) {
      throw new RegisterCallError('malformed answer', false, {
        url,
        status: response.status,
        issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
        body: excerpt(text),
      });
    }
    return parsed.data;
  }

  /**
   * One page of the register's change feed (`GET /oppdateringer/enheter?dato=`): units changed at
   * or after `since` (an ISO instant), oldest first. Rejects (RegisterCallError, or the breaker's
   * EOPENBREAKER) when the register cannot answer.
   */
  changes(since: string, page: number, size: number): Promise<RegisterChangePage> {
    const url = `${this.options.url}/oppdateringer/enheter?dato=${encodeURIComponent(since)}&page=${page}&size=${size}`;
    return this.call(() => this.getJson(url, changePageSchema, Date.now() + this.options.timeoutMs));
  }

  async close(): Promise<void> {
    this.breaker.shutdown();
    await this.options.cache.close();
  }
}

function chunkAnswer(search: RegisterUnitSearch, fetchedAt: Date): ChunkAnswer {
  const units = search._embedded?.enheter ?? [];
  const found = new Map(units.map((unit) => [unit.organisasjonsnummer, toRegistryEntry(unit, fetchedAt)]));
  return { found, complete: search.page.totalElements <= units.length };
}

/** JSON, or undefined for anything else (which the schema then reports). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const excerpt = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

/** What the process needs to build the register besides its configuration. */
export interface RegisterDeps {
  logger: RegisterLogger;
  /** Redis for a cache shared by instances (REDIS_URL); in-process only when absent. */
  redisUrl?: string;
  /** Prefix of the Redis keys (tests use one per run). */
  redisKeyPrefix?: string;
  /** Overrides for tests (batch size, breaker timings, retries). */
  tuning?: Pick<CompanyRegisterOptions, 'batchSize' | 'concurrency' | 'retries' | 'retryBaseMs' | 'breaker'>;
}

/** The process's register from its configuration: switched off, or over HTTP with its caches. */
export function createCompanyRegister(config: RegistryConfig | undefined, deps: RegisterDeps): CompanyRegister {
  if (!config?.enabled) return disabledCompanyRegister;
  const memory = new MemoryRegistryCache(config.cacheMaxEntries);
  const cache = deps.redisUrl
    ? new TieredRegistryCache(
        memory,
        new RedisRegistryCache(deps.redisUrl, deps.redisKeyPrefix ?? 'klynge:registry:v1:', deps.logger),
      )
    : memory;
  return new HttpCompanyRegister({
    url: config.url,
    timeoutMs: config.timeoutMs,
    hitTtlMs: config.hitTtlSeconds * 1000,
    missTtlMs: config.missTtlSeconds * 1000,
    cache,
    logger: deps.logger,
    ...deps.tuning,
  });
}
