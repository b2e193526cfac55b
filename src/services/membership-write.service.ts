// Membership mutations: an organization joins a cluster, changes role, leaves. History is kept:
// ending a membership sets `leftOn`, nothing is ever deleted, and a later stay is a new membership.
// ADMIN, or an EDITOR of the membership's cluster.
import type { EntityManager } from '@mikro-orm/knex';
import { assertCan } from '../auth/permissions.js';
import type { Viewer } from '../auth/viewer.js';
import type { RequestContext } from '../context/request-context.js';
import { MembershipRole } from '../entities/enums.js';
import { Cluster, Membership, Organization } from '../entities/index.js';
import { conflict, notFound } from '../lib/errors.js';
import { lockCluster } from '../repositories/cluster.repository.js';
import type { Db } from '../repositories/db.js';
import { fetchCurrentHost, fetchMembershipStays } from '../repositories/membership.repository.js';
import { fetchOrganizationsById, fetchOrganizationsByOrgNumber } from '../repositories/organization.repository.js';
import type { MembershipRecord } from '../repositories/records.js';
import { diffFields, recordAudit, recordCreation } from './audit.service.js';
import { EventType, recordEvent } from './event-log.service.js';
import { type ClusterKeyInput, checkClusterKey } from './cluster-write.service.js';
import { InputCheck, describeKey } from './validation.js';
import { assertVersion, forgetLoaded, inTransaction, touch, transactionDb } from './write.js';

export interface AddMemberInput {
  cluster: ClusterKeyInput;
  /** The member's organisation number. */
  organization: string;
  role: MembershipRole;
  joinedOn: string;
}

export interface UpdateMembershipInput {
  /** The membership's global id. */
  id: string;
  version: number;
  role: MembershipRole;
}

export interface EndMembershipInput {
  id: string;
  version: number;
  /** The first day as a non-member. */
  leftOn: string;
}

export interface MembershipPayload {
  membership: MembershipRecord;
}

/** What the audit trail records of a membership: natural keys, so an entry reads without lookups. */
interface MembershipSnapshot {
  cluster: string;
  organization: string;
  role: MembershipRole;
  joinedOn: string;
  leftOn: string | null;
}

/**
 * Adds an organization to a cluster from `joinedOn`. Refused with CONFLICT while the organization
 * is a member already, or when the cluster has a HOST and this one would be another.
 */
export async function addMember(ctx: RequestContext, input: AddMemberInput): Promise<MembershipPayload> {
  const viewer = assertCan(ctx.viewer, 'membership.add');
  const check = new InputCheck('input');
  const where = checkClusterKey(check, input.cluster);
  const orgNumber = check.requiredOrgNumber('organization', input.organization);
  const role = check.oneOf('role', input.role, MembershipRole);
  const joinedOn = check.date('joinedOn', input.joinedOn);
  check.done();

  const id = await inTransaction(
    ctx,
    async (em) => {
      const db = transactionDb(em);
      // Taken first and held to the commit: addMember and updateMembership of one cluster take
      // turns, so the checks below read what the last of them wrote. A partial unique index
      // (`where left_on is null`) was the alternative; the lock also covers the one-HOST rule and
      // updateMembership, and needs no migration that existing or imported data (the importer
      // accepts overlapping stays) could fail. On SQLite writers queue anyway.
      const cluster = await lockCluster(db, where);
      if (!cluster) throw notFound(`No cluster with ${describeKey(where)}.`, 'input.cluster');
      const [organization] = await fetchOrganizationsByOrgNumber(db, [orgNumber]);
      if (!organization) throw notFound(`No organization with organisation number ${orgNumber}.`, 'input.organization');
      assertCan(viewer, 'membership.add', { clusterIds: [cluster.id] });

      const stays = await fetchMembershipStays(db, cluster.id, organization.id);
      // A new membership lasts until it is ended: it must begin when every earlier stay is over.
      const overlapping = stays.filter((s) => s.to !== null && s.to > joinedOn).at(-1);
      if (overlapping) {
        const state = new InputCheck('input');
        state.add(
          'joinedOn',
          `must be on or after ${overlapping.to}, when the organization's earlier membership of ${cluster.slug} ended`,
        );
        state.done();
      }
      const current = stays.find((s) => s.to === null);
      if (current) {
        throw conflict(
          `${organization.name} (${orgNumber}) is already a member of ${cluster.slug}, since ${current.from}; end that membership first.`,
          'input.organization',
        );
      }
      if (role === MembershipRole.HOST) await assertNoOtherHost(db, cluster.id, cluster.slug);

      const snapshot: MembershipSnapshot = { cluster: cluster.slug, organization: orgNumber, role, joinedOn, leftOn: null };
      const membership = em.create(Membership, {
        cluster: em.getReference(Cluster, cluster.id),
        organization: em.getReference(Organization, organization.id),
        role,
        joinedOn,
        leftOn: null,
      });
      await em.flush();
      recordCreation(em, viewer, { action: 'membership.add', entityType: 'Membership', entityId: membership.id }, snapshot);
      membershipEvent(em, 'ADDED', membership.id, cluster.id, orgNumber, ['role', 'joinedOn']);
      return membership.id;
    },
    {
      uniqueConflict: () =>
        conflict('The organization already has a membership of this cluster from that day.', 'input.joinedOn'),
    },
  );
  return { membership: await reload(ctx, id) };
}

/** Changes the role of a current membership; making it HOST needs the cluster's HOST place free. */
export async function updateMembership(ctx: RequestContext, input: UpdateMembershipInput): Promise<MembershipPayload> {
  const viewer = assertCan(ctx.viewer, 'membership.update');
  const check = new InputCheck('input');
  const membershipId = check.globalId('id', input.id, 'Membership', 'a membership');
  const version = check.version('version', input.version);
  const role = check.oneOf('role', input.role, MembershipRole);
  check.done();

  const id = await inTransaction(ctx, async (em) => {
    const db = transactionDb(em);
    const membership = await loadForWrite(em, viewer, 'membership.update', membershipId, version);
    const clusterId = membership.cluster.id;
    if (membership.role === role) {
      forgetLoaded(em);
      return membership.id;
    }
    const state = new InputCheck('input');
    if (membership.leftOn != null)
      state.add('id', `is a membership that ended on ${membership.leftOn}; its history stays as it was`);
    state.done();
    if (role === MembershipRole.HOST) {
      const cluster = await lockCluster(db, { id: clusterId });
      await assertNoOtherHost(db, clusterId, cluster?.slug ?? String(clusterId));
    }

    const before = membership.role;
    membership.role = role;
    touch(membership);
    await em.flush();
    recordAudit(em, viewer, {
      action: 'membership.update',
      entityType: 'Membership',
      entityId: membership.id,
      changes: diffFields({ role: before }, { role }),
    });
    membershipEvent(em, 'UPDATED', membership.id, clusterId, await orgNumberOf(db, membership), ['role']);
    return membership.id;
  });
  return { membership: await reload(ctx, id) };
}

/** Ends a current membership from `leftOn` (its first day as a non-member); the row stays as history. */
export async function endMembership(ctx: RequestContext, input: EndMembershipInput): Promise<MembershipPayload> {
  const viewer = assertCan(ctx.viewer, 'membership.end');
  const check = new InputCheck('input');
  const membershipId = check.globalId('id', input.id, 'Membership', 'a membership');
  const version = check.version('version', input.version);
  const leftOn = check.date('leftOn', input.leftOn);
  check.done();

  const id = await inTransaction(ctx, async (em) => {
    const membership = await loadForWrite(em, viewer, 'membership.end', membershipId, version);
    const state = new InputCheck('input');
    if (membership.leftOn != null) state.add('id', `is a membership that has already ended, on ${membership.leftOn}`);
    // leftOn is the first day outside, so a stay of at least one day ends after it began.
    else if (leftOn <= membership.joinedOn)
      state.add('leftOn', `must be after ${membership.joinedOn}, the day the membership began`);
    state.done();

    membership.leftOn = leftOn;
    touch(membership);
    await em.flush();
    recordAudit(em, viewer, {
      action: 'membership.end',
      entityType: 'Membership',
      entityId: membership.id,
      changes: diffFields({ leftOn: null }, { leftOn }),
    });
    membershipEvent(em, 'ENDED', membership.id, membership.cluster.id, await orgNumberOf(transactionDb(em), membership), [
      'leftOn',
    ]);
    return membership.id;
  });
  return { membership: await reload(ctx, id) };
}

/**
 * Loads the membership a mutation targets and checks, in this order: it exists (NOT_FOUND), the
 * viewer may act on its cluster (FORBIDDEN), and the client read the current version (CONFLICT).
 */
async function loadForWrite(
  em: EntityManager,
  viewer: Viewer,
  action: 'membership.update' | 'membership.end',
  id: number,
  version: number,
): Promise<Membership> {
  const membership = await em.findOne(Membership, { id });
  if (!membership) throw notFound(`No membership with id ${id}.`, 'input.id');
  assertCan(viewer, action, { clusterIds: [membership.cluster.id] });
  assertVersion(membership, version, `Membership ${id}`);
  return membership;
}

/** CONFLICT when the cluster has a current HOST already (call with the cluster locked). */
async function assertNoOtherHost(db: Db, clusterId: number, clusterSlug: string): Promise<void> {
  const host = await fetchCurrentHost(db, clusterId);
  if (!host) return;
  const [organization] = await fetchOrganizationsById(db, [host.organizationId]);
  throw conflict(
    `${clusterSlug} has a HOST already (${organization?.name ?? `organization ${host.organizationId}`}); a cluster has one. Change or end that membership first.`,
    'input.role',
  );
}

/** Records a membershipChanged event of the write. */
const membershipEvent = (
  em: EntityManager,
  kind: string,
  membershipId: number,
  clusterId: number,
  orgNumber: string,
  changedFields: string[],
) =>
  recordEvent(em, {
    type: EventType.MEMBERSHIP_CHANGED,
    kind,
    entityId: membershipId,
    clusterIds: [clusterId],
    changedFields,
    facets: { orgNumber },
  });

/** The membership's organisation number (as a plain row: a loaded entity would be rewritten on SQLite). */
async function orgNumberOf(db: Db, membership: Membership): Promise<string> {
  const [organization] = await fetchOrganizationsById(db, [membership.organization.id]);
  return organization?.orgNumber ?? '';
}

/** The membership as the read API shows it, after the write. */
async function reload(ctx: RequestContext, id: number): Promise<MembershipRecord> {
  const record = await ctx.loaders.membershipById.load(id);
  if (!record) throw new Error(`membership ${id} vanished after its own write`);
  return record;
}
