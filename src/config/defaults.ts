// Defaults that both the configuration and the layers using them need; config/ imports nothing
// internal, so they live here and the plugins take them from here.

/**
 * Highest estimated cost of one operation: room for two nested pages of 100 with a dozen values
 * per item (an analyst's "every member of every cluster" is ~90,000), but not for a third nested
 * list of 15 or more under them.
 */
export const DEFAULT_MAX_QUERY_COST = 150_000;

/** Seconds shared caches may keep a successful query's response. */
export const DEFAULT_CACHE_MAX_AGE = 60;

/** Milliseconds one operation may run (as GitHub's API): past it, TIMEOUT and the statement is cancelled. */
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;
