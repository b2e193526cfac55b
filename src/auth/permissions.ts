import { TokenRole } from '../entities/enums.js';
import { CodedError, ErrorCode } from '../lib/errors.js';
import type { DraftVisibility } from '../repositories/draft-visibility.js';
import type { Viewer } from './viewer.js';

/** Everything the permission checks know how to decide, `entity.verb`; also the audit trail's actions. */
export type Action =
  | 'cluster.create'
  | 'cluster.update'
  | 'cluster.changeLevel'
  | 'cluster.end'
  | 'organization.create'
  | 'organization.update'
  | 'membership.add'
  | 'membership.update'
  | 'membership.end'
  | 'partner.create'
  | 'partner.update'
  | 'partnership.add'
  | 'partnership.end'
  | 'announcement.create'
  | 'announcement.update'
  | 'announcement.publish'
  | 'announcement.unpublish'
  | 'auditLog.read'
  | 'token.create'
  | 'token.list'
  | 'token.revoke'
  | 'webhook.read'
  | 'webhook.create'
  | 'webhook.update'
  | 'webhook.delete'
  | 'webhook.rotateSecret'
  | 'webhook.redeliver'
  | 'webhook.ping';

/** What an action touches: the clusters whose data it reads or changes. */
export interface Scope {
  clusterIds: readonly number[];
}

/**
 * What an EDITOR may do, to data of its own clusters only (ADMIN may do everything): its clusters,
 * their memberships and partnerships, and announcements that mention only them.
 */
const EDITOR_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'cluster.update',
  'cluster.changeLevel',
  'cluster.end',
  'membership.add',
  'membership.update',
  'membership.end',
  'partnership.add',
  'partnership.end',
  'announcement.create',
  'announcement.update',
  'announcement.publish',
  'announcement.unpublish',
  // Webhooks filtered to the EDITOR's clusters only (a webhook without a cluster filter is ADMIN's).
  'webhook.read',
  'webhook.create',
  'webhook.update',
  'webhook.delete',
  'webhook.rotateSecret',
  'webhook.redeliver',
  'webhook.ping',
]);
/**
 * What an EDITOR may do to shared data, whatever its clusters: organizations belong to no cluster
 * (one organization is a member of several), so any EDITOR may register or correct one.
 */
const EDITOR_SHARED_ACTIONS: ReadonlySet<Action> = new Set<Action>(['organization.create', 'organization.update']);
/** What a READER may do: no writes; it reads the drafts of its clusters (see `draftVisibility`). */
const READER_ACTIONS: ReadonlySet<Action> = new Set<Action>();

/**
 * Whether the viewer may do the action. Without a scope: whether its role allows the action at
 * all (to refuse early, before the target is loaded); with one: whether every cluster the action
 * touches is one of the viewer's.
 */
export function can(viewer: Viewer, action: Action, scope?: Scope): boolean {
  if (viewer.role === TokenRole.ADMIN) return true;
  if (viewer.role === TokenRole.EDITOR && EDITOR_SHARED_ACTIONS.has(action)) return true;
  const allowed = viewer.role === TokenRole.EDITOR ? EDITOR_ACTIONS : READER_ACTIONS;
  if (!allowed.has(action)) return false;
  if (!scope) return true;
  return scope.clusterIds.length > 0 && scope.clusterIds.every((id) => viewer.clusterIds.includes(id));
}

/** The viewer, or UNAUTHENTICATED when there is none. */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) {
    throw new CodedError(ErrorCode.UNAUTHENTICATED, 'This needs an API token: send "Authorization: Bearer <token>".');
  }
  return viewer;
}

/** The viewer if it may do the action (see `can`); UNAUTHENTICATED without one, FORBIDDEN otherwise. */
export function assertCan(viewer: Viewer | null, action: Action, scope?: Scope): Viewer {
  const who = requireViewer(viewer);
  if (!can(who, action, scope)) {
    const reach = scope && can(who, action) ? ' on data outside its clusters' : '';
    throw new CodedError(ErrorCode.FORBIDDEN, `The ${who.role} token "${who.name}" may not do ${action}${reach}.`);
  }
  return who;
}

/**
 * Which drafts the viewer may read: none anonymously; a READER those mentioning any of its
 * clusters; an EDITOR those it may edit (mentioning only its clusters); an ADMIN all of them.
 */
export function draftVisibility(viewer: Viewer | null): DraftVisibility {
  switch (viewer?.role) {
    case TokenRole.ADMIN:
      return { drafts: 'all' };
    case TokenRole.EDITOR:
      return viewer.clusterIds.length ? { drafts: 'mentioningOnly', clusterIds: viewer.clusterIds } : { drafts: 'none' };
    case TokenRole.READER:
      return viewer.clusterIds.length ? { drafts: 'mentioningAny', clusterIds: viewer.clusterIds } : { drafts: 'none' };
    default:
      return { drafts: 'none' };
  }
}
