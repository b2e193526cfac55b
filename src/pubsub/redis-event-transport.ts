import { Redis } from 'ioredis';
import type { EventRow } from '../repositories/event-log.repository.js';
import type { EventTransport } from '../services/event-stream.service.js';

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * Carries committed events between instances over Redis pub/sub. Messages are hints: an instance
 * that missed one (Redis down, a reconnect) finds the event in the log, so nothing here retries or
 * queues. While Redis is away, queries, mutations and local subscribers go on as before.
 */
export class RedisEventTransport implements EventTransport {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private down = false;

  constructor(
    url: string,
    prefix: string,
    private readonly logger: Log,
  ) {
    this.channel = `${prefix}events`;
    const options = {
      // Commands fail at once while disconnected instead of queueing: a lost hint costs nothing.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // Reconnect for ever, backing off to 5 s.
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 5000),
    };
    this.publisher = new Redis(url, options);
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true });
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (error: Error) => this.wentDown(error));
      client.on('ready', () => this.cameBack());
    }
  }

  send(events: readonly EventRow[]): void {
    if (this.publisher.status !== 'ready') return;
    this.publisher.publish(this.channel, JSON.stringify(events)).catch((error: Error) => this.wentDown(error));
  }

  onReceive(handler: (events: EventRow[]) => void): void {
    this.subscriber.on('message', (_channel: string, message: string) => {
      try {
        const events = (JSON.parse(message) as EventRow[]).map((e) => ({ ...e, occurredAt: new Date(e.occurredAt) }));
        handler(events);
      } catch (error) {
        this.logger.warn({ err: error }, 'unreadable event message from Redis ignored');
      }
    });
    // After a reconnect, messages sent meanwhile are gone: an empty hint makes the stream read the log.
    this.subscriber.on('ready', () => handler([]));
    this.subscriber.subscribe(this.channel).catch((error: Error) => this.wentDown(error));
  }

  /** Whether Redis answers now (for readiness). */
  async ping(): Promise<void> {
    await this.publisher.ping();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }

  private wentDown(error: Error): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn(
      { err: { message: error.message } },
      'Redis unavailable: events reach other instances by polling the log until it is back',
    );
  }

  private cameBack(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.info({}, 'Redis is back: events travel between instances through it again');
  }
}
