import type { EntityManager } from '@mikro-orm/knex';
import { assertCan } from '../auth/permissions.js';
import type { Viewer } from '../auth/viewer.js';
import type { RequestContext } from '../context/request-context.js';
import { ApiToken, AuditEntry } from '../entities/index.js';
import type { AuditChanges } from '../entities/audit-entry.entity.js';
import { badInput } from '../lib/errors.js';
import { NODE_TYPES, type NodeType, fromGlobalId, toGlobalId } from '../lib/global-id.js';
import type { PageArgs } from '../lib/pagination.js';
import { type AuditRow, auditListQuery, auditOrdering } from '../repositories/audit.repository.js';
import { parseDateTime } from '../repositories/db.js';
import { type Connection, rootConnection } from './connection.js';

/** One changed field of an audit entry. */
export interface AuditChangeRecord {
  field: string;
  before: unknown;
  after: unknown;
}

/** An audit entry as the API shows it. */
export interface AuditEntryRecord {
  id: number;
  at: Date;
  actorTokenId: number | null;
  actorName: string;
  action: string;
  entityType: string;
  /** The entity's global id for graph objects (usable with `node`), its number otherwise (tokens). */
  entityId: string;
  changes: AuditChangeRecord[];
}

export interface AuditLogFilterInput {
  entityType?: string | null;
  entityId?: string | null;
  actor?: string | null;
  actorTokenId?: number | null;
  from?: Date | null;
  to?: Date | null;
}

/** What changed between two snapshots of an entity's audited fields (arrays compared by content). */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = before[field] ?? null;
    const is = after[field] ?? null;
    if (JSON.stringify(was) !== JSON.stringify(is)) changes[field] = { before: was, after: is };
  }
  return changes;
}

/** Records one write in the audit trail, in the write's own transaction (it is flushed with it). */
export function recordAudit(
  em: EntityManager,
  viewer: Viewer,
  entry: { action: string; entityType: string; entityId: number; changes: AuditChanges },
): void {
  em.create(AuditEntry, {
    at: new Date(),
    actorToken: viewer.tokenId === null ? null : em.getReference(ApiToken, viewer.tokenId),
    actorName: viewer.name,
    ...entry,
  });
}

const isNodeType = (type: string): type is NodeType => (NODE_TYPES as readonly string[]).includes(type);

function toRecord(row: AuditRow): AuditEntryRecord {
  const changes = (typeof row.changes === 'string' ? JSON.parse(row.changes) : row.changes) as AuditChanges;
  const entityId = Number(row.entityId);
  return {
    id: Number(row.id),
    at: parseDateTime(row.at),
    actorTokenId: row.actorTokenId == null ? null : Number(row.actorTokenId),
    actorName: row.actorName,
    action: row.action,
    entityType: row.entityType,
    entityId: isNodeType(row.entityType) ? toGlobalId(row.entityType, entityId) : String(entityId),
    // By field name: PostgreSQL's jsonb keeps no key order, and both databases must answer alike.
    changes: Object.keys(changes)
      .sort()
      .map((field) => ({ field, before: changes[field].before, after: changes[field].after })),
  };
}

/** The entity filter in database terms: a global id names its type; other entities (tokens) go by number. */
function entityFilter(filter: AuditLogFilterInput): { entityType?: string | null; entityId?: number | null } {
  if (filter.entityId == null) return { entityType: filter.entityType };
  if (filter.entityType != null && !isNodeType(filter.entityType)) {
    if (!/^[1-9]\d{0,15}$/.test(filter.entityId)) {
      throw badInput(`"filter.entityId" must be the number of the ${filter.entityType}.`, 'filter.entityId');
    }
    return { entityType: filter.entityType, entityId: Number(filter.entityId) };
  }
  const { type, id } = fromGlobalId(filter.entityId, 'filter.entityId');
  if (filter.entityType != null && filter.entityType !== type) {
    throw badInput(`"filter.entityId" is a ${type} id, but "filter.entityType" is ${filter.entityType}.`, 'filter.entityId');
  }
  return { entityType: type, entityId: id };
}

/** The audit trail, newest first, one page; ADMIN only. */
export function listAuditEntries(
  ctx: RequestContext,
  args: PageArgs & { filter?: AuditLogFilterInput | null },
): Promise<Connection<AuditEntryRecord>> {
  assertCan(ctx.viewer, 'auditLog.read');
  const filter = args.filter ?? {};
  if (filter.from && filter.to && filter.from > filter.to) {
    throw badInput('"filter.from" is after "filter.to".', 'filter.from');
  }
  const order = auditOrdering();
  const query = auditListQuery(
    ctx.db,
    { ...entityFilter(filter), actorName: filter.actor, actorTokenId: filter.actorTokenId, from: filter.from, to: filter.to },
    order,
  );
  // Every column: an entry's record is built from all of them.
  return rootConnection<AuditRow | AuditEntryRecord>(ctx, args, order, query, undefined, (row) =>
    toRecord(row as AuditRow),
  ) as Promise<Connection<AuditEntryRecord>>;
}

/** Records the creation of an entity: every field it was created with, as changed from nothing. */
export function recordCreation(
  em: EntityManager,
  viewer: Viewer,
  entry: { action: string; entityType: string; entityId: number },
  fields: object,
): void {
  recordAudit(em, viewer, { ...entry, changes: diffFields({}, { ...fields }) });
}
