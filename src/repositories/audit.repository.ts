import type { Knex } from '@mikro-orm/knex';
import type { SortDirection } from '../lib/pagination.js';
import type { Db } from './db.js';
import type { ListQuery, OrderColumn } from './keyset.js';
import { listQuery, ordering } from './list-query.js';

export type AuditOrderField = 'AT';

const ORDER_COLUMNS: Record<AuditOrderField, OrderColumn> = { AT: { expr: 'a.at', kind: 'datetime', property: 'at' } };

const AUDIT_SELECT = [
  'a.id as "id"',
  'a.at as "at"',
  'a.actor_token_id as "actorTokenId"',
  'a.actor_name as "actorName"',
  'a.action as "action"',
  'a.entity_type as "entityType"',
  'a.entity_id as "entityId"',
  'a.changes as "changes"',
];

/** Audit entries as the database returns them (datetimes and JSON still in the driver's form). */
export interface AuditRow {
  id: number;
  at: unknown;
  actorTokenId: number | null;
  actorName: string;
  action: string;
  entityType: string;
  entityId: number;
  changes: unknown;
}

export interface AuditFilterParams {
  entityType?: string | null;
  entityId?: number | null;
  actorName?: string | null;
  actorTokenId?: number | null;
  /** Inclusive bounds on `at`. */
  from?: Date | null;
  to?: Date | null;
}

export const auditOrdering = (direction: SortDirection = 'DESC') =>
  ordering('AuditEntry', ORDER_COLUMNS, 'AT', direction, 'a.id');

/** The audit trail, newest first; the entity and actor filters each have an index ending in (at, id). */
export function auditListQuery(db: Db, filter: AuditFilterParams, order = auditOrdering()): ListQuery {
  return listQuery(db, 'audit_entry as a', {
    select: AUDIT_SELECT,
    ordering: order,
    where: (qb: Knex.QueryBuilder) => {
      if (filter.entityType != null) qb.where('a.entity_type', filter.entityType);
      if (filter.entityId != null) qb.where('a.entity_id', filter.entityId);
      if (filter.actorName != null) qb.where('a.actor_name', filter.actorName);
      if (filter.actorTokenId != null) qb.where('a.actor_token_id', filter.actorTokenId);
      if (filter.from) qb.where('a.at', '>=', db.dateTimeParam(filter.from) as Knex.Value);
      if (filter.to) qb.where('a.at', '<=', db.dateTimeParam(filter.to) as Knex.Value);
    },
  });
}
