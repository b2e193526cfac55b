// The process's view of the event log: every event once, in position order, to its listeners
// (the subscription hub). Events arrive as hints (this process's commits, and other instances'
// through an optional transport such as Redis) and the log fills whatever a hint did not say:
// a gap in positions, a lost message, an instance that crashed before publishing. Positions are
// gapless, so a gap is always noticed.
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { EventPublisher } from '../pubsub/event-publisher.js';
import { Db } from '../repositories/db.js';
import type { EventRow } from '../repositories/event-log.repository.js';
import { eventsAfter, logState } from './event-log.service.js';

/** Carries events between instances (Redis); absent, each instance finds others' events by polling the log. */
export interface EventTransport {
  /** Sends this instance's committed events to the others (best effort). */
  send(events: readonly EventRow[]): void;
  /** Calls `handler` with the events other instances sent (none: some may have been missed). */
  onReceive(handler: (events: EventRow[]) => void): void;
  close(): Promise<void>;
}

/** Receives each event once, in order; the stream waits for it before the next. */
export type EventListener = (event: EventRow) => Promise<void> | void;

interface Log {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EventStreamOptions {
  /** How often the log is read for events no hint announced (other processes, lost messages). */
  pollMs: number;
  transport?: EventTransport;
  logger: Log;
}

/** Events read from the log per statement when catching up. */
const READ_BATCH = 500;
/** Hints held beyond this many are dropped: the log has them. */
const MAX_HINTS = 10_000;

/** Dispatches the log's events to this process's listeners, and publishes its own commits. */
export class EventStream implements EventPublisher {
  /** The last position handed to the listeners. */
  lastDispatched = 0;
  private readonly listeners = new Set<EventListener>();
  private hints: EventRow[] = [];
  private draining: Promise<void> | null = null;
  private readAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly options: EventStreamOptions,
  ) {}

  /** Starts from the end of the log (subscribers ask for older events with `after`). */
  async start(): Promise<void> {
    this.lastDispatched = (await logState(this.db())).lastPosition;
    // An empty message means "you may have missed some" (a reconnect): read the log.
    this.options.transport?.onReceive((events) => (events.length > 0 ? this.hint(events, false) : void this.wake(true)));
    this.timer = setInterval(() => this.wake(true), this.options.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.options.transport?.close();
    await this.draining;
  }

  /** Adds a listener; returns the function that removes it. */
  listen(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** This process committed these events: dispatch them here, and tell the other instances. */
  publish(events: readonly EventRow[]): void {
    this.hint(events, false);
    try {
      this.options.transport?.send(events);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'events not sent to other instances; they will read them from the log');
    }
  }

  /** Reads the log for anything new now (also done every pollMs). */
  catchUp(): Promise<void> {
    return this.wake(true);
  }

  private db(): Db {
    return new Db(this.orm.em.fork() as EntityManager);
  }

  private hint(events: readonly EventRow[], fromLog: boolean): void {
    for (const event of events) if (event.position > this.lastDispatched) this.hints.push(event);
    if (this.hints.length > MAX_HINTS) this.hints = [];
    void this.wake(fromLog);
  }

  /** Runs the dispatch loop, or tells the running one to look again. */
  private wake(readLog: boolean): Promise<void> {
    if (readLog) this.readAgain = true;
    if (this.draining) return this.draining;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.readAgain && !this.stopped) void this.wake(true);
    });
    return this.draining;
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      this.hints = this.hints.filter((e) => e.position > this.lastDispatched).sort((a, b) => a.position - b.position);
      const next = this.hints[0];
      if (next && next.position === this.lastDispatched + 1) {
        this.hints.shift();
        await this.dispatch(next);
        continue;
      }
      // A gap (an event not yet heard of), or a poll: the log has everything committed.
      if (!next && !this.readAgain) return;
      this.readAgain = false;
      let rows: EventRow[];
      try {
        rows = await eventsAfter(this.db(), this.lastDispatched, READ_BATCH);
      } catch (error) {
        this.options.logger.warn({ err: error }, 'event log unreadable; retrying at the next poll');
        return;
      }
      for (const row of rows) await this.dispatch(row);
      if (rows.length === READ_BATCH) this.readAgain = true;
      else if (rows.length === 0) {
        // Hints ahead of what the log shows are from transactions still committing: the next poll sees them.
        return;
      }
    }
  }

  private async dispatch(event: EventRow): Promise<void> {
    if (event.position <= this.lastDispatched) return;
    this.lastDispatched = event.position;
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (error) {
        this.options.logger.error({ err: error, position: event.position }, 'event listener failed');
      }
    }
  }
}
