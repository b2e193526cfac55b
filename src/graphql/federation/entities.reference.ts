import type { RequestContext } from '../../context/request-context.js';
import { badInput } from '../../lib/errors.js';
import { type NodeType, fromGlobalIdOf } from '../../lib/global-id.js';
import type { AnnouncementRecord, ClusterRecord, OrganizationRecord, PartnerRecord } from '../../repositories/records.js';

/** A representation as a gateway sends it: the type name and the fields of one of the type's keys. */
type Representation = Record<string, unknown>;

export type EntityRecord = ClusterRecord | OrganizationRecord | PartnerRecord | AnnouncementRecord;

/** A checked representation: the load that answers it. */
type Load = (ctx: RequestContext) => Promise<EntityRecord | null>;

/** Reads one representation of an entity type (`field` names it in errors); throws BAD_USER_INPUT when it is malformed. */
type Reference = (representation: Representation, field: string) => Load;

/** The key field's value: undefined when absent; a string (every key is an ID or String field). */
function keyValue(representation: Representation, key: string, field: string): string | undefined {
  const value = representation[key];
  if (value == null) return undefined;
  if (typeof value !== 'string') throw badInput(`"${field}.${key}" must be a string.`, `${field}.${key}`);
  return value;
}

const missingKey = (type: string, keys: string[], field: string) =>
  badInput(`A ${type} representation needs ${keys.map((k) => `"${k}"`).join(' or ')}.`, `${field}.${keys[0]}`);

const globalId = (type: NodeType, value: string, field: string) => fromGlobalIdOf(type, value, `${field}.id`);

// Every lookup is a load on the request's loaders: all representations of one type and key are one
// statement, shared with any other read of the request, and announcement drafts stay hidden from
// callers who may not see them (the loader's statement carries the caller's draft visibility).
const REFERENCES: Record<string, Reference> = {
  Cluster(representation, field) {
    const id = keyValue(representation, 'id', field);
    if (id !== undefined) {
      const key = globalId('Cluster', id, field);
      return (ctx) => ctx.loaders.clusterById.load(key);
    }
    const slug = keyValue(representation, 'slug', field);
    if (slug !== undefined) return (ctx) => ctx.loaders.clusterBySlug.load(slug);
    throw missingKey('Cluster', ['id', 'slug'], field);
  },
  Organization(representation, field) {
    const orgNumber = keyValue(representation, 'orgNumber', field);
    if (orgNumber === undefined) throw missingKey('Organization', ['orgNumber'], field);
    // Written with spaces or without, as `organization(orgNumber:)` takes it.
    const key = orgNumber.replace(/\s+/g, '');
    return (ctx) => ctx.loaders.organizationByOrgNumber.load(key);
  },
  PartnerInstitution(representation, field) {
    const id = keyValue(representation, 'id', field);
    if (id !== undefined) {
      const key = globalId('PartnerInstitution', id, field);
      return (ctx) => ctx.loaders.partnerById.load(key);
    }
    const slug = keyValue(representation, 'slug', field);
    if (slug !== undefined) return (ctx) => ctx.loaders.partnerBySlug.load(slug);
    throw missingKey('PartnerInstitution', ['id', 'slug'], field);
  },
  Announcement(representation, field) {
    const id = keyValue(representation, 'id', field);
    if (id === undefined) throw missingKey('Announcement', ['id'], field);
    const key = globalId('Announcement', id, field);
    return (ctx) => ctx.loaders.announcementById.load(key);
  },
};

/**
 * `_entities`: the records the representations name, in their order, null for an unknown key.
 * Every representation is checked before anything loads, and one malformed (no key, a malformed
 * or foreign id, a type that is no entity) fails the field with BAD_USER_INPUT, as `nodes(ids:)`
 * does. It answers one promise of the whole list, never a promise per item: graphql-jit leaves a
 * hole, not null, where an item's promise rejects, and a gateway matches entities by position.
 */
export function resolveEntities(representations: readonly unknown[], ctx: RequestContext): Promise<(EntityRecord | null)[]> {
  const loads = representations.map((representation, i) => {
    const field = `representations[${i}]`;
    if (representation === null || typeof representation !== 'object' || Array.isArray(representation)) {
      throw badInput(`"${field}" must be an object with "__typename" and the fields of a key.`, field);
    }
    const typename = (representation as Representation).__typename;
    const reference = typeof typename === 'string' && Object.hasOwn(REFERENCES, typename) ? REFERENCES[typename] : undefined;
    if (!reference) {
      throw badInput(
        `"${field}.__typename" must name an entity type: ${Object.keys(REFERENCES).join(', ')}.`,
        `${field}.__typename`,
      );
    }
    return reference(representation as Representation, field);
  });
  return Promise.all(loads.map((load) => load(ctx)));
}
