// Partner institutions (ADMIN only: they work with many clusters) and their partnerships with
// clusters (ADMIN, or an EDITOR of the cluster). Ending a partnership sets `until`; history is kept.
import type { EntityManager } from '@mikro-orm/knex';
import { assertCan } from '../auth/permissions.js';
import type { Viewer } from '../auth/viewer.js';
import type { RequestContext } from '../context/request-context.js';
import { PartnerKind, PartnershipRole, Provenance } from '../entities/enums.js';
import { Cluster, PartnerInstitution, Partnership } from '../entities/index.js';
import { conflict, notFound } from '../lib/errors.js';
import { lockCluster } from '../repositories/cluster.repository.js';
import { fetchPartnershipStays, fetchPartnersById, fetchPartnersBySlug } from '../repositories/partner.repository.js';
import type { PartnerRecord, PartnershipRecord } from '../repositories/records.js';
import { diffFields, recordAudit, recordCreation } from './audit.service.js';
import { type ClusterKeyInput, checkClusterKey } from './cluster-write.service.js';
import { InputCheck, type KeyWhere, type SlugOrIdKey, describeKey } from './validation.js';
import { assertVersion, forgetLoaded, inTransaction, touch, transactionDb } from './write.js';

/** Names one partner institution: by slug or by global id, exactly one of them. */
export type PartnerKeyInput = SlugOrIdKey;

/** The institution's own data: what createPartner takes and updatePartner may change. */
export interface PartnerFieldsInput {
  slug?: string | null;
  name?: string | null;
  kind?: PartnerKind | null;
  orgNumber?: string | null;
  city?: string | null;
  website?: string | null;
}

/** A patch: absent fields stay as they are; null clears an optional field. */
export interface UpdatePartnerInput extends PartnerFieldsInput {
  partner: PartnerKeyInput;
  version: number;
}

export interface AddPartnershipInput {
  cluster: ClusterKeyInput;
  partner: PartnerKeyInput;
  role: PartnershipRole;
  since: string;
}

export interface EndPartnershipInput {
  /** The partnership's global id. */
  id: string;
  version: number;
  /** The first day without the partnership (like a membership's leftOn). */
  until: string;
}

export interface PartnerPayload {
  partner: PartnerRecord;
}

export interface PartnershipPayload {
  partnership: PartnershipRecord;
}

const LIMITS = { slug: 100, name: 200, city: 100 } as const;

/** The fields the audit trail and the no-change check compare. */
interface PartnerFields {
  slug: string;
  name: string;
  kind: PartnerKind;
  orgNumber: string | null;
  city: string | null;
  website: string | null;
}

const fieldsOf = (p: PartnerInstitution): PartnerFields => ({
  slug: p.slug,
  name: p.name,
  kind: p.kind,
  orgNumber: p.orgNumber ?? null,
  city: p.city ?? null,
  website: p.website ?? null,
});

/** Checks the fields that are present (all of them when `required`) and returns them normalized. */
function checkFields(check: InputCheck, input: PartnerFieldsInput, required: boolean): Partial<PartnerFields> {
  const patch: Partial<PartnerFields> = {};
  const given = (value: unknown) => required || value !== undefined;
  if (given(input.slug)) patch.slug = check.slug('slug', input.slug, LIMITS.slug);
  if (given(input.name)) patch.name = check.text('name', input.name, LIMITS.name);
  if (given(input.kind)) patch.kind = check.oneOf('kind', input.kind, PartnerKind);
  if (given(input.orgNumber)) patch.orgNumber = check.orgNumber('orgNumber', input.orgNumber);
  if (given(input.city)) patch.city = check.optionalText('city', input.city, LIMITS.city);
  if (given(input.website)) patch.website = check.httpUrl('website', input.website);
  return patch;
}

const checkPartnerKey = (check: InputCheck, key: PartnerKeyInput | null | undefined): KeyWhere =>
  check.slugOrId('partner', key, 'PartnerInstitution', 'a partner institution');

async function assertSlugFree(em: EntityManager, slug: string): Promise<void> {
  if (await em.count(PartnerInstitution, { slug })) {
    throw conflict(`A partner institution with slug "${slug}" already exists.`, 'input.slug');
  }
}

/** A unique-constraint race on the slug is a CONFLICT on `input.slug`. */
const slugRace = (slug: string | undefined) => (message: string) =>
  slug !== undefined && /slug/.test(message)
    ? conflict(`A partner institution with slug "${slug}" already exists.`, 'input.slug')
    : undefined;

/** Adds a partner institution; ADMIN only. */
export async function createPartner(ctx: RequestContext, input: PartnerFieldsInput): Promise<PartnerPayload> {
  const viewer = assertCan(ctx.viewer, 'partner.create');
  const check = new InputCheck('input');
  const fields = checkFields(check, input, true) as PartnerFields;
  check.done();

  const id = await inTransaction(
    ctx,
    async (em) => {
      await assertSlugFree(em, fields.slug);
      const partner = em.create(PartnerInstitution, { ...fields, provenance: Provenance.MANUAL });
      await em.flush();
      recordCreation(
        em,
        viewer,
        { action: 'partner.create', entityType: 'PartnerInstitution', entityId: partner.id },
        fieldsOf(partner),
      );
      return partner.id;
    },
    { uniqueConflict: slugRace(fields.slug) },
  );
  return { partner: await reloadPartner(ctx, id) };
}

/** Changes a partner institution's data; ADMIN only. */
export async function updatePartner(ctx: RequestContext, input: UpdatePartnerInput): Promise<PartnerPayload> {
  const viewer = assertCan(ctx.viewer, 'partner.update');
  const check = new InputCheck('input');
  const where = checkPartnerKey(check, input.partner);
  const version = check.version('version', input.version);
  const patch = checkFields(check, input, false);
  check.done();

  const id = await inTransaction(
    ctx,
    async (em) => {
      const partner = await em.findOne(PartnerInstitution, where);
      if (!partner) throw notFound(`No partner institution with ${describeKey(where)}.`, 'input.partner');
      assertVersion(partner, version, `Partner institution "${partner.slug}"`);
      const before = fieldsOf(partner);
      const changes = diffFields({ ...before }, { ...before, ...patch });
      if (Object.keys(changes).length === 0) {
        forgetLoaded(em);
        return partner.id;
      }
      if (changes.slug && patch.slug) await assertSlugFree(em, patch.slug);
      em.assign(partner, patch);
      touch(partner);
      await em.flush();
      recordAudit(em, viewer, { action: 'partner.update', entityType: 'PartnerInstitution', entityId: partner.id, changes });
      return partner.id;
    },
    { uniqueConflict: slugRace(patch.slug) },
  );
  return { partner: await reloadPartner(ctx, id) };
}

/**
 * Starts a partnership of an institution with a cluster from `since`. CONFLICT while the two have
 * a partnership that has not ended.
 */
export async function addPartnership(ctx: RequestContext, input: AddPartnershipInput): Promise<PartnershipPayload> {
  const viewer = assertCan(ctx.viewer, 'partnership.add');
  const check = new InputCheck('input');
  const clusterWhere = checkClusterKey(check, input.cluster);
  const partnerWhere = checkPartnerKey(check, input.partner);
  const role = check.oneOf('role', input.role, PartnershipRole);
  const since = check.date('since', input.since);
  check.done();

  const id = await inTransaction(
    ctx,
    async (em) => {
      const db = transactionDb(em);
      // Held to the commit, so writers of this cluster's partnerships take turns (see lockCluster).
      const cluster = await lockCluster(db, clusterWhere);
      if (!cluster) throw notFound(`No cluster with ${describeKey(clusterWhere)}.`, 'input.cluster');
      const [partner] =
        'slug' in partnerWhere
          ? await fetchPartnersBySlug(db, [partnerWhere.slug])
          : await fetchPartnersById(db, [partnerWhere.id]);
      if (!partner) throw notFound(`No partner institution with ${describeKey(partnerWhere)}.`, 'input.partner');
      assertCan(viewer, 'partnership.add', { clusterIds: [cluster.id] });

      const stays = await fetchPartnershipStays(db, cluster.id, partner.id);
      // A new partnership lasts until it is ended: it must begin when every earlier one is over.
      const overlapping = stays.filter((s) => s.to !== null && s.to > since).at(-1);
      if (overlapping) {
        const state = new InputCheck('input');
        state.add(
          'since',
          `must be on or after ${overlapping.to}, when the earlier partnership of ${partner.slug} and ${cluster.slug} ended`,
        );
        state.done();
      }
      const current = stays.find((s) => s.to === null);
      if (current) {
        throw conflict(
          `${partner.slug} has been a partner of ${cluster.slug} since ${current.from}; end that partnership first.`,
          'input.partner',
        );
      }

      const partnership = em.create(Partnership, {
        cluster: em.getReference(Cluster, cluster.id),
        partner: em.getReference(PartnerInstitution, partner.id),
        role,
        since,
        until: null,
      });
      await em.flush();
      recordCreation(
        em,
        viewer,
        { action: 'partnership.add', entityType: 'Partnership', entityId: partnership.id },
        { cluster: cluster.slug, partner: partner.slug, role, since, until: null },
      );
      return partnership.id;
    },
    { uniqueConflict: () => conflict('The partner already has a partnership with this cluster from that day.', 'input.since') },
  );
  return { partnership: await reloadPartnership(ctx, id) };
}

/** Ends a partnership from `until` (its first day without it); the row stays as history. */
export async function endPartnership(ctx: RequestContext, input: EndPartnershipInput): Promise<PartnershipPayload> {
  const viewer = assertCan(ctx.viewer, 'partnership.end');
  const check = new InputCheck('input');
  const partnershipId = check.globalId('id', input.id, 'Partnership', 'a partnership');
  const version = check.version('version', input.version);
  const until = check.date('until', input.until);
  check.done();

  const id = await inTransaction(ctx, async (em) => {
    const partnership = await loadPartnershipForWrite(em, viewer, partnershipId, version);
    const state = new InputCheck('input');
    if (partnership.until != null) state.add('id', `is a partnership that has already ended, on ${partnership.until}`);
    // `until` is the first day without it, so a partnership of at least one day ends after it began.
    else if (until <= partnership.since) state.add('until', `must be after ${partnership.since}, the day the partnership began`);
    state.done();

    partnership.until = until;
    touch(partnership);
    await em.flush();
    recordAudit(em, viewer, {
      action: 'partnership.end',
      entityType: 'Partnership',
      entityId: partnership.id,
      changes: diffFields({ until: null }, { until }),
    });
    return partnership.id;
  });
  return { partnership: await reloadPartnership(ctx, id) };
}

/** Loads a partnership for a write: NOT_FOUND, then FORBIDDEN (its cluster), then a stale version is CONFLICT. */
async function loadPartnershipForWrite(em: EntityManager, viewer: Viewer, id: number, version: number): Promise<Partnership> {
  const partnership = await em.findOne(Partnership, { id });
  if (!partnership) throw notFound(`No partnership with id ${id}.`, 'input.id');
  assertCan(viewer, 'partnership.end', { clusterIds: [partnership.cluster.id] });
  assertVersion(partnership, version, `Partnership ${id}`);
  return partnership;
}

async function reloadPartner(ctx: RequestContext, id: number): Promise<PartnerRecord> {
  const record = await ctx.loaders.partnerById.load(id);
  if (!record) throw new Error(`partner ${id} vanished after its own write`);
  return record;
}

async function reloadPartnership(ctx: RequestContext, id: number): Promise<PartnershipRecord> {
  const record = await ctx.loaders.partnershipById.load(id);
  if (!record) throw new Error(`partnership ${id} vanished after its own write`);
  return record;
}
