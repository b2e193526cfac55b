// MikroORM 6 keeps four AsyncLocalStorage instances (the transaction context, the request context,
// the unit of work's "inside a flush" flag and the raw-fragment registry); two are module-private.
// On Node 20 an AsyncLocalStorage is built on promise hooks: from the first `run()` of any of them
// (the first flush, the first transaction) every promise the process creates pays an init hook,
// for good, though klynge's reads never look at those stores (its request forks do not resolve
// their context through them). This module makes those instances switch themselves off again
// whenever none of their `run()`s is in progress, so only the requests that overlap a write pay.
//
// It must be evaluated before MikroORM is first loaded: it loads MikroORM itself, with a subclass
// of AsyncLocalStorage in place while its modules create their instances.
import asyncHooks, { type AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Original = asyncHooks.AsyncLocalStorage;

/** MikroORM's instances, and how many of their `run()`s have not settled. */
const instances: AsyncLocalStorage<unknown>[] = [];
let running = 0;

function settled(): void {
  running--;
  // Nothing of MikroORM's runs inside a store now: no promise needs to carry one.
  if (running === 0) for (const storage of instances) storage.disable();
}

/**
 * An AsyncLocalStorage that counts its runs until what they return settles (MikroORM's callbacks
 * return the promise of the flush, transaction or query they wrap, and nothing reads the store
 * after it), and switches every tracked instance off once none is left.
 */
class SelfDisablingStorage<T> extends Original<T> {
  constructor() {
    super();
    instances.push(this as AsyncLocalStorage<unknown>);
  }

  override run<R, A extends unknown[]>(store: T, callback: (...args: A) => R, ...args: A): R {
    running++;
    let result: R;
    try {
      result = super.run(store, callback, ...args);
    } catch (error) {
      settled();
      throw error;
    }
    if (result !== null && typeof (result as { then?: unknown })?.then === 'function') {
      (result as PromiseLike<unknown>).then(settled, settled);
    } else {
      settled();
    }
    return result;
  }

  override enterWith(store: T): void {
    // A store entered without a callback has no end to wait for: it stays on for good, as before.
    running++;
    super.enterWith(store);
  }
}

/** Whether MikroORM was loaded here (false: something loaded it first, and its stores stay as they are). */
export let ormStoresTracked = false;

const coreEntry = require.resolve('@mikro-orm/core');
if (!require.cache[coreEntry]) {
  (asyncHooks as { AsyncLocalStorage: typeof Original }).AsyncLocalStorage = SelfDisablingStorage;
  try {
    require('@mikro-orm/core');
    ormStoresTracked = instances.length > 0;
  } finally {
    (asyncHooks as { AsyncLocalStorage: typeof Original }).AsyncLocalStorage = Original;
  }
}

/** How many of MikroORM's stores are on (tests: 0 once no flush or transaction is in progress). */
export const enabledOrmStores = (): number =>
  instances.filter((storage) => (storage as unknown as { enabled: boolean }).enabled).length;
