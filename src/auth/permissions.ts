import { TokenRole } from '../entities/enums.js';
import { CodedError, ErrorCode } from '../lib/errors.js';
import type { Viewer } from './viewer.js';

/** Everything the permission checks know how to decide, `entity.verb`; also the audit trail's actions. */
export type Action =
  | 'cluster.create'
  | 'cluster.update'
  | 'cluster.changeLevel'
  | 'cluster.end'
  | 'auditLog.read'
  | 'token.create'
  | 'token.list'
  | 'token.revoke';

/** What an action touches: the clusters whose data it reads or changes. */
export interface Scope {
  clusterIds: readonly number[];
}

/** What an EDITOR may do, to data of its own clusters only (ADMIN may do everything). */
const EDITOR_ACTIONS: ReadonlySet<Action> = new Set<Action>(['cluster.update', 'cluster.changeLevel', 'cluster.end']);
/** What a READER may do: nothing yet that anonymous callers may not (drafts of its clusters come later). */
const READER_ACTIONS: ReadonlySet<Action> = new Set<Action>();

/**
 * Whether the viewer may do the action. Without a scope: whether its role allows the action at
 * all (to refuse early, before the target is loaded); with one: whether every cluster the action
 * touches is one of the viewer's.
 */
export function can(viewer: Viewer, action: Action, scope?: Scope): boolean {
  if (viewer.role === TokenRole.ADMIN) return true;
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
