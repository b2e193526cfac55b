import type { EventRow } from '../repositories/event-log.repository.js';

/**
 * Where a write's events go once its transaction has committed: the process's event stream, which
 * hands them to its subscribers and (with Redis) to the other instances. Publishing is a hint for
 * speed; the log itself is the truth, and readers catch up from it.
 */
export interface EventPublisher {
  publish(events: readonly EventRow[]): void;
}

/** For contexts with no live delivery (the command line, most tests): the log alone carries the events. */
export const noEventPublisher: EventPublisher = { publish() {} };
