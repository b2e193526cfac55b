// Webhooks and their delivery attempts: the lists the API pages through, and the delivery worker's
// statements (leases, cursors, attempts), all plain SQL that leaves `version` alone.
import type { Knex } from '@mikro-orm/knex';
import type { EventType } from '../entities/event-log.entity.js';
import type { WebhookDeliveryKind, WebhookDeliveryStatus } from '../entities/webhook.entity.js';
import { type Db, parseDateTime, parseJson as json } from './db.js';
import type { ListQuery, OrderColumn } from './keyset.js';
import { listQuery, ordering, whereInSet } from './list-query.js';

/** A webhook as read (the stored secret stays sealed here). */
export interface WebhookRow {
  id: number;
  url: string;
  events: EventType[];
  clusterIds: number[];
  levels: string[] | null;
  description: string | null;
  secret: string;
  /** The secret before the last rotation, still signing until `previousSecretUntil`. */
  previousSecret: string | null;
  previousSecretUntil: Date | null;
  enabled: boolean;
  disabledReason: string | null;
  createdPosition: number;
  cursor: number;
  nextAttemptAt: Date | null;
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** A delivery attempt as read. */
export interface WebhookDeliveryRow {
  id: number;
  webhookId: number;
  kind: WebhookDeliveryKind;
  eventPosition: number | null;
  attempt: number;
  status: WebhookDeliveryStatus;
  httpStatus: number | null;
  durationMs: number | null;
  responseExcerpt: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
}

const WEBHOOK_SELECT = [
  'w.id as "id"',
  'w.url as "url"',
  'w.events as "events"',
  'w.cluster_ids as "clusterIds"',
  'w.levels as "levels"',
  'w.description as "description"',
  'w.secret as "secret"',
  'w.previous_secret as "previousSecret"',
  'w.previous_secret_until as "previousSecretUntil"',
  'w.enabled as "enabled"',
  'w.disabled_reason as "disabledReason"',
  'w.created_position as "createdPosition"',
  'w.cursor as "cursor"',
  'w.next_attempt_at as "nextAttemptAt"',
  'w.failing_since as "failingSince"',
  'w.created_at as "createdAt"',
  'w.updated_at as "updatedAt"',
  'w.version as "version"',
];

const DELIVERY_SELECT = [
  'd.id as "id"',
  'd.webhook_id as "webhookId"',
  'd.kind as "kind"',
  'd.event_position as "eventPosition"',
  'd.attempt as "attempt"',
  'd.status as "status"',
  'd.http_status as "httpStatus"',
  'd.duration_ms as "durationMs"',
  'd.response_excerpt as "responseExcerpt"',
  'd.next_attempt_at as "nextAttemptAt"',
  'd.created_at as "createdAt"',
];

const dateOrNull = (value: unknown) => (value == null ? null : parseDateTime(value));
const numberOrNull = (value: unknown) => (value == null ? null : Number(value));

export function toWebhookRow(row: Record<string, unknown>): WebhookRow {
  return {
    id: Number(row.id),
    url: row.url as string,
    events: json<EventType[]>(row.events),
    clusterIds: json<number[]>(row.clusterIds),
    levels: row.levels == null ? null : json<string[] | null>(row.levels),
    description: (row.description as string | null) ?? null,
    secret: row.secret as string,
    previousSecret: (row.previousSecret as string | null) ?? null,
    previousSecretUntil: dateOrNull(row.previousSecretUntil),
    enabled: row.enabled === true || row.enabled === 1 || row.enabled === '1' || row.enabled === 'true',
    disabledReason: (row.disabledReason as string | null) ?? null,
    createdPosition: Number(row.createdPosition),
    cursor: Number(row.cursor),
    nextAttemptAt: dateOrNull(row.nextAttemptAt),
    failingSince: dateOrNull(row.failingSince),
    createdAt: parseDateTime(row.createdAt),
    updatedAt: parseDateTime(row.updatedAt),
    version: Number(row.version),
  };
}

export function toDeliveryRow(row: Record<string, unknown>): WebhookDeliveryRow {
  return {
    id: Number(row.id),
    webhookId: Number(row.webhookId),
    kind: row.kind as WebhookDeliveryKind,
    eventPosition: numberOrNull(row.eventPosition),
    attempt: Number(row.attempt),
    status: row.status as WebhookDeliveryStatus,
    httpStatus: numberOrNull(row.httpStatus),
    durationMs: numberOrNull(row.durationMs),
    responseExcerpt: (row.responseExcerpt as string | null) ?? null,
    nextAttemptAt: dateOrNull(row.nextAttemptAt),
    createdAt: parseDateTime(row.createdAt),
  };
}

const ID_COLUMN = (expr: string): Record<'ID', OrderColumn> => ({ ID: { expr, kind: 'int', property: 'id' } });

/** Webhooks, oldest first; `ids` narrows them to those (the ones an EDITOR may see). */
export function webhookListQuery(db: Db, scope: { ids?: readonly number[] }): ListQuery {
  return listQuery(db, 'webhook as w', {
    select: WEBHOOK_SELECT,
    ordering: ordering('Webhook', ID_COLUMN('w.id'), 'ID', 'ASC', 'w.id'),
    where: (qb: Knex.QueryBuilder) => {
      whereInSet(qb, db, 'w.id', scope.ids);
    },
  });
}

/** A webhook's attempts, newest first, optionally of one status. */
export function deliveryListQuery(db: Db, webhookId: number, status: WebhookDeliveryStatus | null | undefined): ListQuery {
  return listQuery(db, 'webhook_delivery as d', {
    select: DELIVERY_SELECT,
    ordering: ordering('WebhookDelivery', ID_COLUMN('d.id'), 'ID', 'DESC', 'd.id'),
    where: (qb: Knex.QueryBuilder) => {
      qb.where('d.webhook_id', webhookId);
      if (status) qb.where('d.status', status);
    },
  });
}

export async function fetchWebhook(db: Db, id: number): Promise<WebhookRow | null> {
  const rows = await db.rows<Record<string, unknown>>(
    db.knex
      .from(db.knex.raw('webhook as w'))
      .select(db.knex.raw(WEBHOOK_SELECT.join(', ')))
      .where('w.id', id),
  );
  return rows[0] ? toWebhookRow(rows[0]) : null;
}

/** Every webhook's id and cluster filter (for an EDITOR's view: those filtered to its clusters). */
export async function fetchWebhookScopes(db: Db): Promise<{ id: number; clusterIds: number[] }[]> {
  const rows = await db.rows<Record<string, unknown>>(db.knex.from('webhook').select('id', 'cluster_ids as clusterIds'));
  return rows.map((r) => ({ id: Number(r.id), clusterIds: json<number[]>(r.clusterIds) }));
}

export async function fetchDelivery(db: Db, id: number): Promise<WebhookDeliveryRow | null> {
  const rows = await db.rows<Record<string, unknown>>(
    db.knex
      .from(db.knex.raw('webhook_delivery as d'))
      .select(db.knex.raw(DELIVERY_SELECT.join(', ')))
      .where('d.id', id),
  );
  return rows[0] ? toDeliveryRow(rows[0]) : null;
}

const enabledTrue = (db: Db) => (db.dialect === 'sqlite' ? '1' : 'true');
const enabledFalse = (db: Db) => (db.dialect === 'sqlite' ? '0' : 'false');

/**
 * Webhooks with work now that no other live instance holds: enabled ones behind the log whose
 * next attempt is due, and any with queued pings or redeliveries.
 */
export async function fetchWebhooksWithWork(db: Db, lastPosition: number, now: Date, owner: string): Promise<number[]> {
  const t = db.dateTimeParam(now);
  const rows = (await db.em.execute(
    `select w.id as "id" from webhook w
      where (w.lease_until is null or w.lease_until < ? or w.lease_owner = ?)
        and ((w.enabled = ${enabledTrue(db)} and w.cursor < ? and (w.next_attempt_at is null or w.next_attempt_at <= ?))
          or exists (select 1 from webhook_delivery d where d.webhook_id = w.id and d.status = 'PENDING' and d.kind <> 'EVENT'))
      order by w.id`,
    [t, owner, lastPosition, t],
  )) as { id: number | string }[];
  return rows.map((r) => Number(r.id));
}

/** How many webhooks deliver and how many are switched off, and the cursor of the one furthest behind. */
export async function fetchWebhookTotals(db: Db): Promise<{ enabled: number; disabled: number; oldestCursor: number | null }> {
  const on = enabledTrue(db);
  const [row] = await db.rows<{
    enabled: number | string | null;
    disabled: number | string | null;
    oldestCursor: number | string | null;
  }>(
    db.knex.raw(
      `select sum(case when w.enabled = ${on} then 1 else 0 end) as "enabled", sum(case when w.enabled = ${on} then 0 else 1 end) as "disabled",
         min(case when w.enabled = ${on} then w.cursor end) as "oldestCursor" from webhook w`,
    ),
  );
  return {
    enabled: Number(row?.enabled ?? 0),
    disabled: Number(row?.disabled ?? 0),
    oldestCursor: row?.oldestCursor == null ? null : Number(row.oldestCursor),
  };
}

/**
 * Takes (or renews) the webhook's lease for `owner` until `until`, if no other owner holds a live
 * one. The conditional UPDATE is atomic on both databases, so of several instances one wins.
 */
export async function claimWebhook(db: Db, id: number, owner: string, now: Date, until: Date): Promise<boolean> {
  const rows = (await db.em.execute(
    `update webhook set lease_owner = ?, lease_until = ?
      where id = ? and (lease_owner is null or lease_owner = ? or lease_until is null or lease_until < ?)
      returning id`,
    [owner, db.dateTimeParam(until), id, owner, db.dateTimeParam(now)],
  )) as unknown[];
  return rows.length === 1;
}

export async function releaseWebhook(db: Db, id: number, owner: string): Promise<void> {
  await db.em.execute('update webhook set lease_owner = null, lease_until = null where id = ? and lease_owner = ?', [id, owner]);
}

/** The worker's progress on a webhook, written only while `owner` holds its lease; false when it lost it. */
export async function saveProgress(
  db: Db,
  id: number,
  owner: string,
  progress: { cursor?: number; nextAttemptAt?: Date | null; failingSince?: Date | null; disabledReason?: string },
): Promise<boolean> {
  const sets: string[] = [];
  const params: unknown[] = [];
  if (progress.cursor !== undefined) {
    sets.push('cursor = case when cursor < ? then ? else cursor end');
    params.push(progress.cursor, progress.cursor);
  }
  if (progress.nextAttemptAt !== undefined) {
    sets.push('next_attempt_at = ?');
    params.push(progress.nextAttemptAt === null ? null : db.dateTimeParam(progress.nextAttemptAt));
  }
  if (progress.failingSince !== undefined) {
    sets.push('failing_since = ?');
    params.push(progress.failingSince === null ? null : db.dateTimeParam(progress.failingSince));
  }
  if (progress.disabledReason !== undefined) {
    sets.push(`enabled = ${enabledFalse(db)}`, 'disabled_reason = ?');
    params.push(progress.disabledReason);
  }
  if (sets.length === 0) return true;
  const rows = (await db.em.execute(`update webhook set ${sets.join(', ')} where id = ? and lease_owner = ? returning id`, [
    ...params,
    id,
    owner,
  ])) as unknown[];
  return rows.length === 1;
}

/** Pings and redeliveries waiting to be sent, oldest first. */
export async function fetchQueuedDeliveries(db: Db, webhookId: number, limit: number): Promise<WebhookDeliveryRow[]> {
  const rows = await db.rows<Record<string, unknown>>(
    db.knex
      .from(db.knex.raw('webhook_delivery as d'))
      .select(db.knex.raw(DELIVERY_SELECT.join(', ')))
      .where('d.webhook_id', webhookId)
      .where('d.status', 'PENDING')
      .whereNot('d.kind', 'EVENT')
      .orderBy('d.id')
      .limit(limit),
  );
  return rows.map(toDeliveryRow);
}

/** How many attempts an event has had at a webhook: all kinds (numbering) and the worker's own (retry schedule). */
export async function countAttempts(
  db: Db,
  webhookId: number,
  position: number,
): Promise<{ highest: number; scheduled: number }> {
  const [row] = (await db.em.execute(
    `select coalesce(max(attempt), 0) as "highest", sum(case when kind = 'EVENT' then 1 else 0 end) as "scheduled"
      from webhook_delivery where webhook_id = ? and event_position = ?`,
    [webhookId, position],
  )) as { highest: number | string; scheduled: number | string | null }[];
  return { highest: Number(row?.highest ?? 0), scheduled: Number(row?.scheduled ?? 0) };
}

/** Records an attempt that has been made, with its result. */
export async function insertAttempt(
  db: Db,
  attempt: {
    webhookId: number;
    kind: WebhookDeliveryKind;
    eventPosition: number | null;
    attempt: number;
    createdAt: Date;
    status: WebhookDeliveryStatus;
    httpStatus: number | null;
    durationMs: number;
    responseExcerpt: string;
    nextAttemptAt: Date | null;
  },
): Promise<void> {
  await db.em.execute(
    `insert into webhook_delivery
      (webhook_id, kind, event_position, attempt, status, http_status, duration_ms, response_excerpt, next_attempt_at, created_at)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      attempt.webhookId,
      attempt.kind,
      attempt.eventPosition,
      attempt.attempt,
      attempt.status,
      attempt.httpStatus,
      attempt.durationMs,
      attempt.responseExcerpt,
      attempt.nextAttemptAt === null ? null : db.dateTimeParam(attempt.nextAttemptAt),
      db.dateTimeParam(attempt.createdAt),
    ],
  );
}

/** Writes an attempt's result. */
export async function finishAttempt(
  db: Db,
  id: number,
  result: {
    status: WebhookDeliveryStatus;
    httpStatus: number | null;
    durationMs: number;
    responseExcerpt: string;
    nextAttemptAt: Date | null;
  },
): Promise<void> {
  await db.em.execute(
    `update webhook_delivery set status = ?, http_status = ?, duration_ms = ?, response_excerpt = ?, next_attempt_at = ?
      where id = ?`,
    [
      result.status,
      result.httpStatus,
      result.durationMs,
      result.responseExcerpt,
      result.nextAttemptAt === null ? null : db.dateTimeParam(result.nextAttemptAt),
      id,
    ],
  );
}
