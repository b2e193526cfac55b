import { fromBase64Url, toBase64Url } from './base64url.js';
import { badInput } from './errors.js';

/** The types that carry a global `id` (GraphQL type names). */
export const NODE_TYPES = ['Cluster', 'Organization', 'Membership', 'PartnerInstitution', 'Partnership', 'Announcement'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/** Opaque global id: base64url of `Type:primaryKey`. */
export const toGlobalId = (type: NodeType, id: number) => toBase64Url(`${type}:${id}`);

/** Decodes a global id; a malformed one or one of an unknown type is a BAD_USER_INPUT. */
export function fromGlobalId(globalId: string, field = 'id'): { type: NodeType; id: number } {
  const text = fromBase64Url(globalId);
  const match = text ? /^([A-Za-z]+):([1-9]\d{0,15})$/.exec(text) : null;
  if (!match || !(NODE_TYPES as readonly string[]).includes(match[1])) {
    throw badInput(`"${globalId}" is not a valid klynge id.`, field);
  }
  return { type: match[1] as NodeType, id: Number(match[2]) };
}

/** Decodes a global id that must be of the given type. */
export function fromGlobalIdOf(type: NodeType, globalId: string, field = 'id'): number {
  const decoded = fromGlobalId(globalId, field);
  if (decoded.type !== type) throw badInput(`"${globalId}" is a ${decoded.type} id, not a ${type} id.`, field);
  return decoded.id;
}

/** Opaque ids of objects outside the graph of nodes (webhooks, their deliveries): same form, not for `node`. */
export type PrivateIdType = 'Webhook' | 'WebhookDelivery';

export const toPrivateId = (type: PrivateIdType, id: number) => toBase64Url(`${type}:${id}`);

/** The database id in a private id of `type`, or null when it is not one. */
export function fromPrivateId(type: PrivateIdType, value: string): number | null {
  const match = /^([A-Za-z]+):([1-9]\d{0,15})$/.exec(fromBase64Url(value) ?? '');
  return match && match[1] === type ? Number(match[2]) : null;
}
