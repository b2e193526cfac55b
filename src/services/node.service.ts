import type { RequestContext } from '../context/request-context.js';
import { CodedError, ErrorCode } from '../lib/errors.js';
import { type NodeType, fromGlobalId } from '../lib/global-id.js';
import { MAX_PAGE_SIZE } from '../lib/pagination.js';
import type {
  AnnouncementRecord,
  ClusterRecord,
  MembershipRecord,
  OrganizationRecord,
  PartnerRecord,
  PartnershipRecord,
} from '../repositories/records.js';

export type NodeRecord =
  | ClusterRecord
  | OrganizationRecord
  | MembershipRecord
  | PartnerRecord
  | PartnershipRecord
  | AnnouncementRecord;

/** Loads a record of a node type through the same per-request loaders as every other read. */
export function loadNode(ctx: RequestContext, type: NodeType, id: number): Promise<NodeRecord | null> {
  const l = ctx.loaders;
  switch (type) {
    case 'Cluster':
      return l.clusterById.load(id);
    case 'Organization':
      return l.organizationById.load(id);
    case 'Membership':
      return l.membershipById.load(id);
    case 'PartnerInstitution':
      return l.partnerById.load(id);
    case 'Partnership':
      return l.partnershipById.load(id);
    case 'Announcement':
      return l.announcementById.load(id);
  }
}

/** Any object by global id: a malformed id is BAD_USER_INPUT, an unknown one null. */
export function findNode(ctx: RequestContext, globalId: string, field = 'id'): Promise<NodeRecord | null> {
  const { type, id } = fromGlobalId(globalId, field);
  return loadNode(ctx, type, id);
}

/** Several objects by global id (at most MAX_PAGE_SIZE), in the order asked, null where unknown. */
export function findNodes(ctx: RequestContext, globalIds: string[]): Promise<(NodeRecord | null)[]> {
  if (globalIds.length > MAX_PAGE_SIZE) {
    throw new CodedError(
      ErrorCode.PAGE_SIZE_EXCEEDED,
      `"ids" holds ${globalIds.length} ids, but at most ${MAX_PAGE_SIZE} can be fetched at once.`,
      'ids',
    );
  }
  const decoded = globalIds.map((gid, i) => fromGlobalId(gid, `ids[${i}]`));
  return Promise.all(decoded.map(({ type, id }) => loadNode(ctx, type, id)));
}
