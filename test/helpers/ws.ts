import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws client of a test server (Node 20 has no global WebSocket: `ws` stands in). */
export function wsClient(httpUrl: string, options: { token?: string; lazy?: boolean; retryAttempts?: number } = {}): Client {
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    lazy: options.lazy ?? true,
    retryAttempts: options.retryAttempts ?? 0,
    connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : undefined,
  });
}

/** What one subscription has received so far, and ways to wait for more. */
export interface Subscription<T = any> {
  results: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }[];
  /** When each result arrived (performance.now()), index by index with `results`. */
  arrivals: number[];
  /** Errors sent as an `error` message (the operation was refused), or the socket's close. */
  failure: unknown;
  completed: boolean;
  /** Resolves when at least `count` results have arrived (fails after `timeoutMs`). */
  received(count: number, timeoutMs?: number): Promise<Subscription<T>['results']>;
  /** Resolves when the subscription failed or completed. */
  ended(timeoutMs?: number): Promise<void>;
  unsubscribe(): void;
}

/** Subscribes and collects what arrives. */
export function subscribe<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}): Subscription<T> {
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  const sub: Subscription<T> = {
    results: [],
    arrivals: [],
    failure: undefined,
    completed: false,
    received: (count, timeoutMs = 5000) =>
      until(
        () => sub.results.length >= count,
        timeoutMs,
        () =>
          `${sub.results.length} of ${count} results: ${JSON.stringify(sub.results)} ${JSON.stringify(describe(sub.failure))}`,
      ).then(() => sub.results),
    ended: (timeoutMs = 5000) =>
      until(
        () => sub.completed || sub.failure !== undefined,
        timeoutMs,
        () => 'subscription still open',
      ),
    unsubscribe: () => dispose(),
  };
  const until = (done: () => boolean, timeoutMs: number, what: () => string) =>
    new Promise<void>((resolve, reject) => {
      if (done()) return resolve();
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out: ${what()}`));
      }, timeoutMs);
      waiters.add(check);
    });
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        sub.arrivals.push(performance.now());
        sub.results.push(result as Subscription<T>['results'][number]);
        wake();
      },
      error: (error) => {
        sub.failure = error;
        wake();
      },
      complete: () => {
        sub.completed = true;
        wake();
      },
    },
  );
  return sub;
}

/** A failure in a readable form: GraphQL errors as they are, a CloseEvent by its code and reason. */
export function describe(failure: unknown): unknown {
  if (Array.isArray(failure)) return failure;
  if (failure && typeof failure === 'object' && 'code' in failure) {
    const { code, reason } = failure as { code: number; reason: string };
    return { code, reason };
  }
  return failure instanceof Error ? failure.message : failure;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
