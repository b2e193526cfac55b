// The webhook delivery worker. Each webhook has a cursor in the event log (the last position it
// handled), so deliveries resume where they stopped after a restart or a crash, and a webhook never
// gets events from before it was created. One webhook is delivered by one process at a time (a
// lease on its row, taken by a conditional UPDATE), in log order: an event is retried until it is
// delivered or its retries run out before the next one goes. Attempts are rows of
// webhook_delivery. The work runs beside the API, bounded (`concurrency` webhooks at once, a batch
// of events each), and wakes on committed events, queued pings and redeliveries, and a poll.
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { type EndpointPolicy, type PostResult, postToEndpoint } from '../connectors/webhook-endpoint.connector.js';
import { WebhookDeliveryKind, WebhookDeliveryStatus } from '../entities/webhook.entity.js';
import { toPrivateId } from '../lib/global-id.js';
import { openSecret } from '../lib/secret-box.js';
import { Db } from '../repositories/db.js';
import { type EventRow, fetchEventAt, fetchEventsAfter, fetchLogState } from '../repositories/event-log.repository.js';
import {
  type WebhookDeliveryRow,
  type WebhookRow,
  claimWebhook,
  countAttempts,
  fetchQueuedDeliveries,
  fetchWebhook,
  fetchWebhookTotals,
  fetchWebhooksWithWork,
  finishAttempt,
  insertAttempt,
  releaseWebhook,
  saveProgress,
} from '../repositories/webhook.repository.js';
import type { EventStream } from './event-stream.service.js';
import { onWebhookWork } from './webhook-settings.js';

/** Renders an event as a webhook body's object part (the API layer executes it as an anonymous query). */
export type EventRenderer = (event: EventRow) => Promise<Record<string, unknown>>;

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WebhookWorkerOptions {
  policy: EndpointPolicy;
  timeoutMs: number;
  /** Delays before the 2nd, 3rd, … attempt at an event; when they run out, it has failed and the webhook is disabled. */
  retryScheduleMs: readonly number[];
  /** Webhooks delivered at once by this process. */
  concurrency: number;
  pollMs: number;
  secretKey?: Buffer;
  render: EventRenderer;
  logger: Log;
  /** Identifies this process in leases (default: random). */
  owner?: string;
}

/** One attempt as metrics see it. */
export interface AttemptOutcome {
  kind: WebhookDeliveryKind;
  outcome: 'delivered' | 'failed';
  seconds: number;
}

/** Events read per statement for one webhook: its in-memory queue never holds more. */
const BATCH = 20;
/** Queued pings and redeliveries sent per turn of one webhook. */
const QUEUED_BATCH = 10;
/** A rendered event is reused by every webhook that sends it within this long (the object as of then). */
const RENDER_TTL_MS = 2000;
const RENDER_CACHE_SIZE = 500;
/** Jitter of a retry delay: ±20%. */
const JITTER = 0.2;

/** The delay before the attempt after `failed` attempts, with jitter; null when retries have run out. */
export function retryDelay(schedule: readonly number[], failed: number, random = Math.random): number | null {
  const base = schedule[failed - 1];
  if (base === undefined) return null;
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/** The body of an event's delivery: what happened and the object as an anonymous reader sees it. */
export function webhookMessageId(webhookId: number, position: number | null, deliveryId: number): string {
  return position === null
    ? `ping_${toPrivateId('WebhookDelivery', deliveryId)}`
    : `msg_${toPrivateId('Webhook', webhookId)}_${position}`;
}

export class WebhookWorker {
  readonly owner: string;
  /** Attempts made by this process (for tests and benchmarks). */
  attempts = 0;
  private readonly queue: number[] = [];
  private readonly queued = new Set<number>();
  /** The log's last position as the latest scan read it (one read per scan, not per webhook and batch). */
  private logEnd = 0;
  private readonly active = new Set<Promise<void>>();
  private scanning: Promise<void> | null = null;
  private scanAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private unlisten: (() => void)[] = [];
  private readonly attemptListeners = new Set<(attempt: AttemptOutcome) => void>();

  constructor(
    private readonly orm: MikroORM,
    private readonly options: WebhookWorkerOptions,
  ) {
    this.owner = options.owner ?? `worker-${randomUUID()}`;
  }

  /** Starts: wakes on committed events (the stream), on queued work, and every pollMs. */
  start(stream?: EventStream): void {
    this.stopped = false;
    this.unlisten = [];
    if (stream) this.unlisten.push(stream.listen(() => this.wake()));
    this.unlisten.push(onWebhookWork(() => this.wake()));
    this.timer = setInterval(() => this.wake(), this.options.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Stops taking work and waits for attempts in flight; the leases it held are released. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const off of this.unlisten) off();
    await this.scanning;
    await Promise.allSettled([...this.active]);
  }

  /** Calls `listener` after every attempt this process makes (metrics); returns how to stop. */
  onAttempt(listener: (attempt: AttemptOutcome) => void): () => void {
    this.attemptListeners.add(listener);
    return () => this.attemptListeners.delete(listener);
  }

  /** Webhooks delivering and switched off, and how many log positions the one furthest behind has left. */
  async totals(): Promise<{ enabled: number; disabled: number; lagEvents: number }> {
    const db = this.db();
    const [{ lastPosition }, totals] = await Promise.all([fetchLogState(db), fetchWebhookTotals(db)]);
    const lagEvents = totals.oldestCursor === null ? 0 : Math.max(0, lastPosition - totals.oldestCursor);
    return { enabled: totals.enabled, disabled: totals.disabled, lagEvents };
  }

  /** Looks for work now. */
  wake(): void {
    if (this.stopped) return;
    if (this.scanning) {
      this.scanAgain = true;
      return;
    }
    this.scanning = this.scan()
      .catch((error) => this.options.logger.warn({ err: error }, 'webhook scan failed; retrying at the next poll'))
      .finally(() => {
        this.scanning = null;
        if (this.scanAgain) {
          this.scanAgain = false;
          this.wake();
        }
      });
  }

  /** Resolves once no work is queued or running (tests). */
  async idle(): Promise<void> {
    while (this.scanning || this.active.size > 0 || this.queue.length > 0) {
      await this.scanning;
      await Promise.allSettled([...this.active]);
    }
  }

  private db(): Db {
    return new Db(this.orm.em.fork() as EntityManager);
  }

  private async scan(): Promise<void> {
    const db = this.db();
    const { lastPosition } = await fetchLogState(db);
    this.logEnd = Math.max(this.logEnd, lastPosition);
    const ids = await fetchWebhooksWithWork(db, lastPosition, new Date(), this.owner);
    for (const id of ids) {
      if (this.queued.has(id)) continue;
      this.queued.add(id);
      this.queue.push(id);
    }
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.active.size < this.options.concurrency && this.queue.length > 0) {
      const id = this.queue.shift() as number;
      const run = this.process(id)
        .catch((error) => this.options.logger.error({ err: error, webhookId: id }, 'webhook delivery failed unexpectedly'))
        .finally(() => {
          this.active.delete(run);
          this.queued.delete(id);
          this.pump();
        });
      this.active.add(run);
    }
  }

  /** Long enough for a few attempts; renewed before each one. */
  private leaseMs(): number {
    return Math.max(30_000, this.options.timeoutMs * 3);
  }

  /** When this process's lease on each webhook it works on ends. */
  private readonly leases = new Map<number, number>();

  /** Takes the webhook's lease, or renews it when half of it has passed (a write only then). */
  private async claim(db: Db, id: number): Promise<boolean> {
    const now = Date.now();
    const held = this.leases.get(id);
    if (held !== undefined && held - now > this.leaseMs() / 2) return true;
    const until = now + this.leaseMs();
    if (!(await claimWebhook(db, id, this.owner, new Date(now), new Date(until)))) return false;
    this.leases.set(id, until);
    return true;
  }

  /** Runs `work` in one transaction (one commit for an attempt and the progress it makes). */
  private transaction<T>(work: (db: Db) => Promise<T>): Promise<T> {
    return (this.orm.em.fork() as EntityManager).transactional((em) => work(new Db(em as EntityManager)));
  }

  /** One turn of one webhook: its queued pings and redeliveries, then the log from its cursor. */
  private async process(id: number): Promise<void> {
    const db = this.db();
    if (!(await this.claim(db, id))) return;
    try {
      const webhook = await fetchWebhook(db, id);
      if (!webhook) return;
      for (const delivery of await fetchQueuedDeliveries(db, id, QUEUED_BATCH)) {
        if (this.stopped || !(await this.claim(db, id))) return;
        await this.sendQueued(db, webhook, delivery);
      }
      if (webhook.enabled && (!webhook.nextAttemptAt || webhook.nextAttemptAt <= new Date())) await this.deliverLog(db, webhook);
    } finally {
      this.leases.delete(id);
      await releaseWebhook(db, id, this.owner).catch(() => {});
    }
  }

  /** Delivers the log after the webhook's cursor, in order, until it is through or an attempt fails. */
  private async deliverLog(db: Db, webhook: WebhookRow): Promise<void> {
    let cursor = webhook.cursor;
    const levels = webhook.levels ? new Set(webhook.levels) : null;
    for (;;) {
      if (this.stopped) return;
      // The end of the log as the last scan read it: read before the events below, so a lower bound.
      const lastPosition = this.logEnd;
      const events = await fetchEventsAfter(db, cursor, BATCH, {
        types: webhook.events,
        clusterIds: webhook.clusterIds.length ? webhook.clusterIds : null,
      });
      for (const event of events) {
        if (this.stopped) return;
        if (levels && !(event.facets.levels ?? []).some((level) => levels.has(level))) {
          cursor = event.position;
          continue;
        }
        if (!(await this.claim(db, webhook.id))) return;
        const delivered = await this.deliverEvent(db, webhook, event);
        if (!delivered) return;
        cursor = event.position;
        webhook.cursor = cursor;
      }
      // Positions are gapless and commit in order: with fewer than a batch, everything matching up to
      // `lastPosition` (read before) has been seen.
      if (events.length < BATCH) cursor = Math.max(cursor, lastPosition);
      if (cursor > webhook.cursor && !(await saveProgress(db, webhook.id, this.owner, { cursor }))) return;
      webhook.cursor = cursor;
      if (events.length < BATCH) return;
    }
  }

  /**
   * One attempt at one event; true when the webhook may go on to the next event. The attempt's row
   * and the webhook's progress are written together, after the response: a crash before that sends
   * the event again (at least once).
   */
  private async deliverEvent(db: Db, webhook: WebhookRow, event: EventRow): Promise<boolean> {
    const { highest, scheduled } = await countAttempts(db, webhook.id, event.position);
    const now = new Date();
    const result = await this.send(webhook, WebhookDeliveryKind.EVENT, webhookMessageId(webhook.id, event.position, 0), () =>
      this.eventBody(event),
    );
    const attempt = {
      webhookId: webhook.id,
      kind: WebhookDeliveryKind.EVENT,
      eventPosition: event.position,
      attempt: highest + 1,
      createdAt: now,
    };
    if (isSuccess(result)) {
      return this.transaction(async (tx) => {
        const progress = webhook.failingSince || webhook.nextAttemptAt ? { nextAttemptAt: null, failingSince: null } : {};
        webhook.failingSince = null;
        webhook.nextAttemptAt = null;
        // First the progress: a webhook deleted meanwhile (or taken over) gets no row.
        if (!(await saveProgress(tx, webhook.id, this.owner, { cursor: event.position, ...progress }))) return false;
        await insertAttempt(tx, { ...attempt, ...outcome(result, WebhookDeliveryStatus.DELIVERED), nextAttemptAt: null });
        return true;
      });
    }
    const delay = retryDelay(this.options.retryScheduleMs, scheduled + 1);
    const failingSince = webhook.failingSince ?? now;
    if (delay !== null) {
      const nextAttemptAt = new Date(Date.now() + delay);
      await this.transaction(async (tx) => {
        if (await saveProgress(tx, webhook.id, this.owner, { nextAttemptAt, failingSince }))
          await insertAttempt(tx, { ...attempt, ...outcome(result, WebhookDeliveryStatus.FAILED), nextAttemptAt });
      });
      webhook.failingSince = failingSince;
      setTimeout(() => this.wake(), delay + 5).unref();
      return false;
    }
    // Retries ran out: the event has failed (it can be redelivered by hand), and a webhook failing
    // this long is switched off until someone re-enables it.
    const reason = `Disabled on ${new Date().toISOString()}: every attempt since ${failingSince.toISOString()} failed; event ${event.position} gave up after ${scheduled + 1} attempts (last: ${describe(result)}).`;
    await this.transaction(async (tx) => {
      if (await saveProgress(tx, webhook.id, this.owner, { cursor: event.position, nextAttemptAt: null, disabledReason: reason }))
        await insertAttempt(tx, { ...attempt, ...outcome(result, WebhookDeliveryStatus.FAILED), nextAttemptAt: null });
    });
    this.options.logger.warn(
      { webhookId: webhook.id, position: event.position },
      'webhook disabled: its deliveries kept failing',
    );
    return false;
  }

  /** Sends a queued ping or redelivery once; its row is the attempt. */
  private async sendQueued(db: Db, webhook: WebhookRow, delivery: WebhookDeliveryRow): Promise<void> {
    let body: () => Promise<Record<string, unknown>>;
    if (delivery.kind === WebhookDeliveryKind.PING || delivery.eventPosition === null) {
      body = async () => ({ type: 'PING', webhookId: toPrivateId('Webhook', webhook.id), occurredAt: new Date().toISOString() });
    } else {
      const event = await fetchEventAt(db, delivery.eventPosition);
      if (!event) {
        await finishAttempt(db, delivery.id, {
          status: WebhookDeliveryStatus.FAILED,
          httpStatus: null,
          durationMs: 0,
          responseExcerpt: 'the event is no longer in the log',
          nextAttemptAt: null,
        });
        return;
      }
      body = () => this.eventBody(event);
    }
    const result = await this.send(
      webhook,
      delivery.kind,
      webhookMessageId(webhook.id, delivery.eventPosition, delivery.id),
      body,
    );
    const status = isSuccess(result) ? WebhookDeliveryStatus.DELIVERED : WebhookDeliveryStatus.FAILED;
    await finishAttempt(db, delivery.id, { ...outcome(result, status), nextAttemptAt: null });
  }

  /** Events rendered lately, by position: 100 webhooks of one event cost one execution, not 100. */
  private readonly rendered = new Map<number, { at: number; body: Promise<Record<string, unknown>> }>();

  private eventBody(event: EventRow): Promise<Record<string, unknown>> {
    const now = Date.now();
    const hit = this.rendered.get(event.position);
    if (hit && now - hit.at < RENDER_TTL_MS) return hit.body;
    const body = this.options.render(event).then((object) => ({ type: event.type, ...object }));
    body.catch(() => this.rendered.delete(event.position));
    this.rendered.delete(event.position);
    this.rendered.set(event.position, { at: now, body });
    if (this.rendered.size > RENDER_CACHE_SIZE) this.rendered.delete(this.rendered.keys().next().value as number);
    return body;
  }

  /** Signs and POSTs one message (Standard Webhooks headers); a body that cannot be built is a failed attempt. */
  private async send(
    webhook: WebhookRow,
    kind: WebhookDeliveryKind,
    messageId: string,
    body: () => Promise<Record<string, unknown>>,
  ): Promise<PostResult> {
    const result = await this.signAndPost(webhook, messageId, body);
    const attempt: AttemptOutcome = {
      kind,
      outcome: isSuccess(result) ? 'delivered' : 'failed',
      seconds: result.durationMs / 1000,
    };
    for (const listener of this.attemptListeners) listener(attempt);
    return result;
  }

  private async signAndPost(
    webhook: WebhookRow,
    messageId: string,
    body: () => Promise<Record<string, unknown>>,
  ): Promise<PostResult> {
    this.attempts++;
    let payload: string;
    let signers: StandardWebhook[];
    try {
      payload = JSON.stringify(await body());
      // During a rotation's overlap the old secret signs too: receivers accept either signature.
      const overlapping = webhook.previousSecret && webhook.previousSecretUntil && webhook.previousSecretUntil > new Date();
      const secrets = overlapping ? [webhook.secret, webhook.previousSecret as string] : [webhook.secret];
      signers = secrets.map((secret) => new StandardWebhook(openSecret(secret, this.options.secretKey)));
    } catch (error) {
      this.options.logger.error({ err: error, webhookId: webhook.id }, 'webhook message could not be built');
      return { status: null, excerpt: 'internal error: the message could not be built', durationMs: 0 };
    }
    const timestamp = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'klynge-webhooks/1',
      'webhook-id': messageId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signers.map((signer) => signer.sign(messageId, timestamp, payload)).join(' '),
    };
    return postToEndpoint(webhook.url, headers, payload, { timeoutMs: this.options.timeoutMs, policy: this.options.policy });
  }
}

const isSuccess = (result: PostResult) => result.status !== null && result.status >= 200 && result.status < 300;

const outcome = (result: PostResult, status: WebhookDeliveryStatus) => ({
  status,
  httpStatus: result.status,
  durationMs: result.durationMs,
  responseExcerpt: result.excerpt,
});

const describe = (result: PostResult) => (result.status !== null ? `HTTP ${result.status}` : result.excerpt);
