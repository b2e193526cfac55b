// Webhooks: integrators' endpoints for the event log (ADMIN any; an EDITOR those filtered to its
// clusters only). The signing secret is shown once, when created or rotated.
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import { assertCan, can } from '../auth/permissions.js';
import type { Viewer } from '../auth/viewer.js';
import { RefusedEndpointError, resolveEndpoint, urlProblem } from '../connectors/webhook-endpoint.connector.js';
import type { RequestContext } from '../context/request-context.js';
import { ClusterLevel } from '../entities/enums.js';
import { EventType } from '../entities/event-log.entity.js';
import { Webhook, WebhookDelivery, WebhookDeliveryKind, WebhookDeliveryStatus } from '../entities/webhook.entity.js';
import { badInput, notFound } from '../lib/errors.js';
import { fromPrivateId, toPrivateId } from '../lib/global-id.js';
import type { PageArgs } from '../lib/pagination.js';
import { sealSecret } from '../lib/secret-box.js';
import { fetchEventAt, fetchLogState } from '../repositories/event-log.repository.js';
import {
  type WebhookDeliveryRow,
  type WebhookRow,
  countAttempts,
  deliveryListQuery,
  fetchDelivery,
  fetchWebhook,
  fetchWebhookScopes,
  toDeliveryRow,
  toWebhookRow,
  webhookListQuery,
} from '../repositories/webhook.repository.js';
import { diffFields, recordAudit, recordCreation } from './audit.service.js';
import { type Connection, rootConnection } from './connection.js';
import { FILTER_LIST_LIMIT, clusterIdsBySlug } from './event-log.service.js';
import { InputCheck } from './validation.js';
import {
  DEFAULT_SECRET_OVERLAP_HOURS,
  MAX_SECRET_OVERLAP_HOURS,
  notifyWebhookWork,
  webhookSettings,
} from './webhook-settings.js';
import { assertVersion, forgetLoaded, inTransaction, transactionDb } from './write.js';

/** A webhook as the API shows it (never its secret). */
export type WebhookRecord = Omit<WebhookRow, 'secret' | 'previousSecret'>;
export type WebhookDeliveryRecord = WebhookDeliveryRow;

export interface WebhookFilterInput {
  clusters?: string[] | null;
  levels?: ClusterLevel[] | null;
}

export interface CreateWebhookInput {
  url: string;
  events: EventType[];
  filter?: WebhookFilterInput | null;
  description?: string | null;
}

export interface UpdateWebhookInput {
  id: string;
  version: number;
  url?: string | null;
  events?: EventType[] | null;
  filter?: WebhookFilterInput | null;
  description?: string | null;
  enabled?: boolean | null;
}

export interface WebhookSecretPayload {
  webhook: WebhookRecord;
  /** `whsec_` + base64 of 32 random bytes (the Standard Webhooks form); shown only here. */
  secret: string;
}

/** A new signing secret in the Standard Webhooks form. */
export const generateWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

const recordOf = ({ secret: _secret, previousSecret: _previous, ...rest }: WebhookRow): WebhookRecord => rest;

/** The fields the audit trail compares. */
const auditFields = (w: {
  url: string;
  events: string[];
  clusterIds: number[];
  levels?: string[] | null;
  description?: string | null;
  enabled: boolean;
}) => ({
  url: w.url,
  events: w.events,
  clusterIds: w.clusterIds,
  levels: w.levels ?? null,
  description: w.description ?? null,
  enabled: w.enabled,
});

function checkUrl(check: InputCheck, value: string | null | undefined): string {
  const url = check.text('url', value, 2000);
  if (!check.ok) return url;
  const problem = urlProblem(url, webhookSettings());
  if (problem) check.add('url', problem);
  return url;
}

/** A webhook URL's host must resolve to public addresses (again at every delivery, after DNS). */
async function checkUrlResolves(url: string): Promise<void> {
  try {
    await resolveEndpoint(new URL(url), webhookSettings());
  } catch (error) {
    if (!(error instanceof RefusedEndpointError)) throw error;
    const check = new InputCheck('input');
    check.add('url', error.message.replace(/^The webhook (URL|host) /, 'is refused: '));
    check.done();
  }
}

function checkEvents(check: InputCheck, values: readonly EventType[] | null | undefined): EventType[] {
  if (values == null || values.length === 0) {
    check.add('events', 'must name at least one event type');
    return [];
  }
  const allowed = Object.values(EventType);
  values.forEach((v, i) => {
    if (!allowed.includes(v)) check.add(`events[${i}]`, `must be one of ${allowed.join(', ')}`);
  });
  return [...new Set(values)];
}

function checkLevels(check: InputCheck, values: readonly ClusterLevel[] | null | undefined): string[] | null {
  if (values == null) return null;
  const allowed = Object.values(ClusterLevel);
  values.forEach((v, i) => {
    if (!allowed.includes(v)) check.add(`filter.levels[${i}]`, `must be one of ${allowed.join(', ')}`);
  });
  return values.length ? [...new Set(values)] : null;
}

async function resolveClusters(ctx: RequestContext, slugs: readonly string[] | null | undefined): Promise<number[]> {
  if (!slugs?.length) return [];
  if (slugs.length > FILTER_LIST_LIMIT) {
    const check = new InputCheck('input');
    check.add('filter.clusters', `may list at most ${FILTER_LIST_LIMIT} clusters`);
    check.done();
  }
  return [...new Set(await clusterIdsBySlug(ctx.db, slugs, 'input.filter.clusters'))];
}

/** EDITORs may only manage webhooks filtered to clusters that are all theirs. */
const assertScope = (viewer: Viewer, action: Parameters<typeof assertCan>[1], clusterIds: readonly number[]) =>
  assertCan(viewer, action, { clusterIds });

/** Adds a webhook; it receives events committed after it was created. */
export async function createWebhook(ctx: RequestContext, input: CreateWebhookInput): Promise<WebhookSecretPayload> {
  const viewer = assertCan(ctx.viewer, 'webhook.create');
  const check = new InputCheck('input');
  const url = checkUrl(check, input.url);
  const events = checkEvents(check, input.events);
  const levels = checkLevels(check, input.filter?.levels);
  const description = check.optionalText('description', input.description, 500);
  check.done();
  const clusterIds = await resolveClusters(ctx, input.filter?.clusters);
  await checkUrlResolves(url);
  assertScope(viewer, 'webhook.create', clusterIds);

  const secret = generateWebhookSecret();
  const id = await inTransaction(ctx, async (em) => {
    const { lastPosition } = await fetchLogState(transactionDb(em));
    const webhook = em.create(Webhook, {
      url,
      events,
      clusterIds,
      levels,
      description,
      secret: sealSecret(secret, webhookSettings().secretKey),
      enabled: true,
      createdPosition: lastPosition,
      cursor: lastPosition,
    });
    await em.flush();
    recordCreation(em, viewer, { action: 'webhook.create', entityType: 'Webhook', entityId: webhook.id }, auditFields(webhook));
    return webhook.id;
  });
  return { webhook: await reloadWebhook(ctx, id), secret };
}

/** The database id in a webhook's id; `field` names the argument (`id`, or `input.id`). */
function webhookId(value: string | null | undefined, field = 'id'): number {
  const check = new InputCheck();
  const id = value == null ? null : fromPrivateId('Webhook', value);
  if (id === null) check.add(field, `must be the id of a webhook ("${value ?? ''}" is not)`);
  check.done();
  return id as number;
}

/** Loads a webhook entity for a write: NOT_FOUND, then FORBIDDEN when outside the viewer's clusters. */
async function loadForWrite(
  em: EntityManager,
  viewer: Viewer,
  id: number,
  action: Parameters<typeof assertCan>[1],
  field = 'id',
): Promise<Webhook> {
  const webhook = await em.findOne(Webhook, { id });
  if (!webhook) throw notFound(`No webhook with id ${toPrivateId('Webhook', id)}.`, field);
  assertScope(viewer, action, webhook.clusterIds);
  return webhook;
}

/** Changes a webhook: its URL, events, filter, description, or whether it is enabled (re-enabling clears the reason). */
export async function updateWebhook(ctx: RequestContext, input: UpdateWebhookInput): Promise<{ webhook: WebhookRecord }> {
  const viewer = assertCan(ctx.viewer, 'webhook.update');
  const id = webhookId(input.id, 'input.id');
  const check = new InputCheck('input');
  const version = check.version('version', input.version);
  const url = input.url !== undefined ? checkUrl(check, input.url) : undefined;
  const events = input.events !== undefined ? checkEvents(check, input.events) : undefined;
  const levels = input.filter?.levels !== undefined ? checkLevels(check, input.filter.levels) : undefined;
  const description = input.description !== undefined ? check.optionalText('description', input.description, 500) : undefined;
  if (input.enabled === null) check.add('enabled', 'must be true or false when given');
  check.done();
  const clusterIds = input.filter?.clusters !== undefined ? await resolveClusters(ctx, input.filter.clusters) : undefined;
  if (url !== undefined) await checkUrlResolves(url);

  await inTransaction(ctx, async (em) => {
    const webhook = await loadForWrite(em, viewer, id, 'webhook.update', 'input.id');
    if (clusterIds !== undefined) assertScope(viewer, 'webhook.update', clusterIds);
    assertVersion(webhook, version, `Webhook ${input.id}`);
    const before = auditFields(webhook);
    const patch: Partial<Webhook> = {};
    if (url !== undefined) patch.url = url;
    if (events !== undefined) patch.events = events;
    if (clusterIds !== undefined) patch.clusterIds = clusterIds;
    if (levels !== undefined) patch.levels = levels;
    if (description !== undefined) patch.description = description;
    if (input.enabled != null) patch.enabled = input.enabled;
    const changes = diffFields(before, auditFields({ ...before, ...patch }));
    if (Object.keys(changes).length === 0) {
      forgetLoaded(em);
      return;
    }
    em.assign(webhook, patch);
    if (input.enabled === true && changes.enabled) {
      // Back on: it goes on from where it stopped, and its next attempt is due now.
      webhook.disabledReason = null;
      webhook.nextAttemptAt = null;
      webhook.failingSince = null;
    }
    await em.flush();
    recordAudit(em, viewer, { action: 'webhook.update', entityType: 'Webhook', entityId: id, changes });
  });
  notifyWebhookWork();
  return { webhook: await reloadWebhook(ctx, id) };
}

/** Deletes a webhook and its delivery log (the audit trail keeps what it was). */
export async function deleteWebhook(ctx: RequestContext, idValue: string): Promise<{ deletedWebhookId: string }> {
  const viewer = assertCan(ctx.viewer, 'webhook.delete');
  const id = webhookId(idValue);
  await inTransaction(ctx, async (em) => {
    const webhook = await loadForWrite(em, viewer, id, 'webhook.delete');
    const before = auditFields(webhook);
    await em.nativeDelete(WebhookDelivery, { webhook: id });
    em.remove(webhook);
    await em.flush();
    recordAudit(em, viewer, {
      action: 'webhook.delete',
      entityType: 'Webhook',
      entityId: id,
      changes: diffFields(before, {}),
    });
  });
  return { deletedWebhookId: idValue };
}

/**
 * Replaces a webhook's signing secret. For `overlapHours` deliveries carry a second signature made
 * with the old secret (Standard Webhooks allows several), so a receiver can deploy the new one
 * without rejecting anything; with 0 the old secret stops signing at once (a leaked secret).
 */
export async function rotateWebhookSecret(
  ctx: RequestContext,
  idValue: string,
  overlapHours: number | null | undefined,
): Promise<WebhookSecretPayload> {
  const viewer = assertCan(ctx.viewer, 'webhook.rotateSecret');
  const id = webhookId(idValue);
  const hours = overlapHours ?? DEFAULT_SECRET_OVERLAP_HOURS;
  if (!Number.isInteger(hours) || hours < 0 || hours > MAX_SECRET_OVERLAP_HOURS) {
    throw badInput(`overlapHours must be a whole number from 0 to ${MAX_SECRET_OVERLAP_HOURS}.`, 'overlapHours');
  }
  const secret = generateWebhookSecret();
  await inTransaction(ctx, async (em) => {
    const webhook = await loadForWrite(em, viewer, id, 'webhook.rotateSecret');
    const overlapUntil = hours > 0 ? new Date(Date.now() + hours * 3_600_000) : null;
    webhook.previousSecret = overlapUntil ? webhook.secret : null;
    webhook.previousSecretUntil = overlapUntil;
    webhook.secret = sealSecret(secret, webhookSettings().secretKey);
    await em.flush();
    recordAudit(em, viewer, {
      action: 'webhook.rotateSecret',
      entityType: 'Webhook',
      entityId: id,
      changes: {
        secret: { before: '[redacted]', after: '[redacted]' },
        previousSecretExpiresAt: { before: null, after: overlapUntil?.toISOString() ?? null },
      },
    });
  });
  return { webhook: await reloadWebhook(ctx, id), secret };
}

/** Queues one more delivery of an attempt's event (or ping), sent once, outside the order of the log. */
export async function redeliverWebhookDelivery(
  ctx: RequestContext,
  idValue: string,
): Promise<{ delivery: WebhookDeliveryRecord }> {
  const viewer = assertCan(ctx.viewer, 'webhook.redeliver');
  const check = new InputCheck();
  const deliveryId = fromPrivateId('WebhookDelivery', idValue ?? '');
  if (deliveryId === null) check.add('id', `must be the id of a webhook delivery ("${idValue}" is not)`);
  check.done();
  const id = await inTransaction(ctx, async (em) => {
    const db = transactionDb(em);
    const original = await fetchDelivery(db, deliveryId as number);
    if (!original) throw notFound(`No webhook delivery with id ${idValue}.`, 'id');
    await loadForWrite(em, viewer, original.webhookId, 'webhook.redeliver');
    if (original.eventPosition !== null && !(await fetchEventAt(db, original.eventPosition))) {
      const state = new InputCheck();
      state.add('id', 'is a delivery of an event the log no longer keeps (EVENT_RETENTION_DAYS)');
      state.done();
    }
    const attempt =
      original.eventPosition === null ? 1 : (await countAttempts(db, original.webhookId, original.eventPosition)).highest + 1;
    const delivery = em.create(WebhookDelivery, {
      webhook: em.getReference(Webhook, original.webhookId),
      kind: original.kind === WebhookDeliveryKind.PING ? WebhookDeliveryKind.PING : WebhookDeliveryKind.REDELIVERY,
      eventPosition: original.eventPosition,
      attempt,
      status: WebhookDeliveryStatus.PENDING,
      createdAt: new Date(),
    });
    await em.flush();
    recordAudit(em, viewer, {
      action: 'webhook.redeliver',
      entityType: 'Webhook',
      entityId: original.webhookId,
      changes: { redelivered: { before: null, after: original.eventPosition } },
    });
    return delivery.id;
  });
  notifyWebhookWork();
  return { delivery: await reloadDelivery(ctx, id) };
}

/** Queues a test delivery (`type: "PING"`), sent even to a disabled webhook. */
export async function pingWebhook(ctx: RequestContext, idValue: string): Promise<{ delivery: WebhookDeliveryRecord }> {
  const viewer = assertCan(ctx.viewer, 'webhook.ping');
  const id = webhookId(idValue);
  const deliveryId = await inTransaction(ctx, async (em) => {
    await loadForWrite(em, viewer, id, 'webhook.ping');
    const delivery = em.create(WebhookDelivery, {
      webhook: em.getReference(Webhook, id),
      kind: WebhookDeliveryKind.PING,
      eventPosition: null,
      attempt: 1,
      status: WebhookDeliveryStatus.PENDING,
      createdAt: new Date(),
    });
    await em.flush();
    recordAudit(em, viewer, { action: 'webhook.ping', entityType: 'Webhook', entityId: id, changes: {} });
    return delivery.id;
  });
  notifyWebhookWork();
  return { delivery: await reloadDelivery(ctx, deliveryId) };
}

/** The webhooks the viewer may manage, oldest first (ADMIN all; an EDITOR those filtered to its clusters). */
export async function listWebhooks(ctx: RequestContext, args: PageArgs): Promise<Connection<WebhookRecord>> {
  const viewer = assertCan(ctx.viewer, 'webhook.read');
  let ids: number[] | undefined;
  // An ADMIN reads every webhook; others those filtered to clusters they may act on.
  if (!can(viewer, 'webhook.read', { clusterIds: [] })) {
    ids = (await fetchWebhookScopes(ctx.db))
      .filter((w) => can(viewer, 'webhook.read', { clusterIds: w.clusterIds }))
      .map((w) => w.id);
  }
  const query = webhookListQuery(ctx.db, { ids });
  return rootConnection<WebhookRecord>(ctx, args, query.ordering, query, undefined, (row) =>
    recordOf(toWebhookRow(row as unknown as Record<string, unknown>)),
  );
}

/** A webhook's attempts, newest first (its parent was already checked to be the viewer's). */
export function listWebhookDeliveries(
  ctx: RequestContext,
  webhook: WebhookRecord,
  args: PageArgs & { filter?: { status?: WebhookDeliveryStatus | null } | null },
): Promise<Connection<WebhookDeliveryRecord>> {
  const query = deliveryListQuery(ctx.db, webhook.id, args.filter?.status);
  return rootConnection<WebhookDeliveryRecord>(ctx, args, query.ordering, query, undefined, (row) =>
    toDeliveryRow(row as unknown as Record<string, unknown>),
  );
}

async function reloadWebhook(ctx: RequestContext, id: number): Promise<WebhookRecord> {
  const row = await fetchWebhook(ctx.db, id);
  if (!row) throw new Error(`webhook ${id} vanished after its own write`);
  return recordOf(row);
}

async function reloadDelivery(ctx: RequestContext, id: number): Promise<WebhookDeliveryRecord> {
  const row = await fetchDelivery(ctx.db, id);
  if (!row) throw new Error(`webhook delivery ${id} vanished after its own write`);
  return row;
}
