// Cluster mutations. Each one: who may (auth), what is valid (every problem at once), then one
// transaction that checks the version read, writes, and records the audit entry.
import type { EntityManager } from '@mikro-orm/knex';
import { type Action, assertCan } from '../auth/permissions.js';
import type { Viewer } from '../auth/viewer.js';
import type { RequestContext } from '../context/request-context.js';
import { ClusterLevel, ClusterStatus, Provenance } from '../entities/enums.js';
import { Cluster, ClusterLevelPeriod, ClusterSector } from '../entities/index.js';
import { addDays } from '../lib/dates.js';
import { conflict, notFound } from '../lib/errors.js';
import type { ClusterRecord } from '../repositories/records.js';
import { diffFields, recordAudit, recordCreation } from './audit.service.js';
import { EventType, recordEvent } from './event-log.service.js';
import { InputCheck, type KeyWhere, type SlugOrIdKey, describeKey } from './validation.js';
import { assertVersion, forgetLoaded, inTransaction, touch } from './write.js';

/** Names one cluster: by slug or by global id, exactly one of them. */
export type ClusterKeyInput = SlugOrIdKey;

/** The cluster's own data: what createCluster takes and updateCluster may change. */
export interface ClusterFieldsInput {
  slug?: string | null;
  name?: string | null;
  county?: string | null;
  city?: string | null;
  description?: string | null;
  website?: string | null;
  orgNumber?: string | null;
  foundedYear?: number | null;
  admittedOn?: string | null;
  sectors?: string[] | null;
}

export interface CreateClusterInput extends ClusterFieldsInput {
  level: ClusterLevel;
}

/** A patch: absent fields stay as they are; null clears an optional field. */
export interface UpdateClusterInput extends ClusterFieldsInput {
  cluster: ClusterKeyInput;
  version: number;
}

export interface ChangeClusterLevelInput {
  cluster: ClusterKeyInput;
  version: number;
  level: ClusterLevel;
  /** The first day at the new level; the current level's period ends the day before. */
  on: string;
}

export interface EndClusterInput {
  cluster: ClusterKeyInput;
  version: number;
  /** The first day outside the programme (like a membership's leftOn); the last level period ends the day before. */
  on: string;
}

export interface ClusterPayload {
  cluster: ClusterRecord;
}

const LIMITS = { slug: 100, name: 200, county: 100, city: 100, description: 10_000, sector: 100, sectors: 10 } as const;
const FIRST_FOUNDED_YEAR = 1900;

/** The fields the audit trail and the no-change check compare. */
interface ClusterSnapshot {
  slug: string;
  name: string;
  level: ClusterLevel;
  status: ClusterStatus;
  county: string;
  city: string;
  description: string | null;
  website: string | null;
  orgNumber: string | null;
  foundedYear: number | null;
  admittedOn: string;
  sectors: string[];
}

type ClusterPatch = Partial<Omit<ClusterSnapshot, 'level' | 'status'>>;

const snapshot = (c: Cluster, sectors: string[]): ClusterSnapshot => ({
  slug: c.slug,
  name: c.name,
  level: c.level,
  status: c.status,
  county: c.county,
  city: c.city,
  description: c.description ?? null,
  website: c.website ?? null,
  orgNumber: c.orgNumber ?? null,
  foundedYear: c.foundedYear ?? null,
  admittedOn: c.admittedOn,
  sectors,
});

/**
 * Checks the fields that are present (all of them when `required`) and returns them normalized.
 * Absent (undefined) fields stay absent; null is refused for required ones.
 */
function checkFields(check: InputCheck, input: ClusterFieldsInput, required: boolean): ClusterPatch {
  const patch: ClusterPatch = {};
  const given = (value: unknown) => required || value !== undefined;
  if (given(input.slug)) patch.slug = check.slug('slug', input.slug, LIMITS.slug);
  if (given(input.name)) patch.name = check.text('name', input.name, LIMITS.name);
  if (given(input.county)) patch.county = check.text('county', input.county, LIMITS.county);
  if (given(input.city)) patch.city = check.text('city', input.city, LIMITS.city);
  if (given(input.description)) patch.description = check.optionalText('description', input.description, LIMITS.description);
  if (given(input.website)) patch.website = check.httpUrl('website', input.website);
  if (given(input.orgNumber)) patch.orgNumber = check.orgNumber('orgNumber', input.orgNumber);
  if (given(input.foundedYear)) {
    patch.foundedYear = check.integer('foundedYear', input.foundedYear, FIRST_FOUNDED_YEAR, new Date().getUTCFullYear());
  }
  if (given(input.admittedOn)) patch.admittedOn = check.date('admittedOn', input.admittedOn);
  if (given(input.sectors)) patch.sectors = check.distinctTexts('sectors', input.sectors, 1, LIMITS.sectors, LIMITS.sector);
  return patch;
}

/** The `where` of a cluster key, or a problem when it names none or both. */
export const checkClusterKey = (check: InputCheck, key: ClusterKeyInput | null | undefined): KeyWhere =>
  check.slugOrId('cluster', key, 'Cluster', 'a cluster');

/**
 * Loads the cluster a mutation targets and checks, in this order: it exists (NOT_FOUND), the viewer
 * may act on it (FORBIDDEN), and the client read the current version (CONFLICT). The version is
 * checked again by the UPDATE itself, which only matches the row at that version.
 */
async function loadForWrite(
  em: EntityManager,
  viewer: Viewer,
  action: Action,
  where: KeyWhere,
  version: number,
): Promise<Cluster> {
  const cluster = await em.findOne(Cluster, where);
  if (!cluster) throw notFound(`No cluster with ${describeKey(where)}.`, 'input.cluster');
  assertCan(viewer, action, { clusterIds: [cluster.id] });
  assertVersion(cluster, version, `Cluster "${cluster.slug}"`);
  return cluster;
}

async function assertSlugFree(em: EntityManager, slug: string): Promise<void> {
  if (await em.count(Cluster, { slug })) throw conflict(`A cluster with slug "${slug}" already exists.`, 'input.slug');
}

/** A unique-constraint race on the slug is a CONFLICT on `input.slug`. */
const slugRace = (slug: string | undefined) => (message: string) =>
  slug !== undefined && /slug/.test(message)
    ? conflict(`A cluster with slug "${slug}" already exists.`, 'input.slug')
    : undefined;

const sectorsOf = (em: EntityManager, cluster: Cluster) =>
  em.find(ClusterSector, { cluster }, { orderBy: { position: 'asc', id: 'asc' } });

const levelPeriodsOf = (em: EntityManager, cluster: Cluster) =>
  em.find(ClusterLevelPeriod, { cluster }, { orderBy: { fromDate: 'asc', id: 'asc' } });

/** Makes the cluster's sector rows say `wanted`, in that order, keeping rows whose sector stays. */
function replaceSectors(em: EntityManager, cluster: Cluster, existing: ClusterSector[], wanted: string[]): void {
  const kept = new Map(existing.map((row) => [row.sector, row]));
  wanted.forEach((sector, position) => {
    const row = kept.get(sector);
    if (row) {
      row.position = position;
      kept.delete(sector);
    } else {
      em.create(ClusterSector, { cluster, sector, position });
    }
  });
  for (const row of kept.values()) em.remove(row);
}

/** The period the cluster is in now: the open one (the latest, should data hold more). */
const currentPeriod = (periods: ClusterLevelPeriod[]) => periods.filter((p) => p.toDate == null).at(-1);

/** Creates a cluster at its first level, admitted on `admittedOn`; ADMIN only. */
export async function createCluster(ctx: RequestContext, input: CreateClusterInput): Promise<ClusterPayload> {
  const viewer = assertCan(ctx.viewer, 'cluster.create');
  const check = new InputCheck('input');
  const fields = checkFields(check, input, true) as Required<ClusterPatch>;
  const level = check.oneOf('level', input.level, ClusterLevel);
  check.done();

  const id = await inTransaction(
    ctx,
    async (em) => {
      await assertSlugFree(em, fields.slug);
      const { sectors, ...columns } = fields;
      const cluster = em.create(Cluster, { ...columns, level, status: ClusterStatus.ACTIVE, provenance: Provenance.MANUAL });
      replaceSectors(em, cluster, [], sectors);
      em.create(ClusterLevelPeriod, { cluster, level, fromDate: fields.admittedOn, toDate: null });
      await em.flush();
      recordCreation(
        em,
        viewer,
        { action: 'cluster.create', entityType: 'Cluster', entityId: cluster.id },
        snapshot(cluster, sectors),
      );
      clusterEvent(em, 'CREATED', cluster.id, Object.keys(snapshot(cluster, sectors)));
      return cluster.id;
    },
    { uniqueConflict: slugRace(fields.slug) },
  );
  return { cluster: await reload(ctx, id) };
}

/** Changes a cluster's own fields (not its level or status); ADMIN, or an EDITOR of the cluster. */
export async function updateCluster(ctx: RequestContext, input: UpdateClusterInput): Promise<ClusterPayload> {
  const viewer = assertCan(ctx.viewer, 'cluster.update');
  const check = new InputCheck('input');
  const where = checkClusterKey(check, input.cluster);
  const version = check.version('version', input.version);
  const patch = checkFields(check, input, false);
  check.done();

  const id = await inTransaction(
    ctx,
    async (em) => {
      const cluster = await loadForWrite(em, viewer, 'cluster.update', where, version);
      const sectorRows = await sectorsOf(em, cluster);
      const sectorNames = sectorRows.map((row) => row.sector);
      const before = snapshot(cluster, sectorNames);
      const changes = diffFields({ ...before }, { ...before, ...patch });
      if (Object.keys(changes).length === 0) {
        // Nothing to write: forget what was loaded, or the flush would rewrite it (see forgetLoaded).
        forgetLoaded(em);
        return cluster.id;
      }

      const periods = changes.admittedOn ? await levelPeriodsOf(em, cluster) : [];
      const first = periods[0];
      if (patch.admittedOn && first?.toDate && patch.admittedOn > first.toDate) {
        const state = new InputCheck('input');
        state.add(
          'admittedOn',
          `must be on or before ${first.toDate}, the last day at the cluster's first level (${first.level})`,
        );
        state.done();
      }
      if (changes.slug && patch.slug) await assertSlugFree(em, patch.slug);

      const { sectors, ...columns } = patch;
      em.assign(cluster, columns);
      touch(cluster);
      // Flushed first: the UPDATE claims the version (and, on PostgreSQL, locks the row) before anything else is written.
      await em.flush();
      if (sectors && changes.sectors) replaceSectors(em, cluster, sectorRows, sectors);
      if (patch.admittedOn && first && first.fromDate === before.admittedOn) first.fromDate = patch.admittedOn;
      recordAudit(em, viewer, { action: 'cluster.update', entityType: 'Cluster', entityId: cluster.id, changes });
      clusterEvent(em, 'UPDATED', cluster.id, Object.keys(changes));
      return cluster.id;
    },
    { uniqueConflict: slugRace(patch.slug) },
  );
  return { cluster: await reload(ctx, id) };
}

/**
 * Moves a cluster to another level from `on`: the current level period ends the day before and a
 * new one starts (as in the seed data, where each period ends the day before the next begins).
 */
export async function changeClusterLevel(ctx: RequestContext, input: ChangeClusterLevelInput): Promise<ClusterPayload> {
  const viewer = assertCan(ctx.viewer, 'cluster.changeLevel');
  const check = new InputCheck('input');
  const where = checkClusterKey(check, input.cluster);
  const version = check.version('version', input.version);
  const level = check.oneOf('level', input.level, ClusterLevel);
  const on = check.date('on', input.on);
  check.done();

  const id = await inTransaction(ctx, async (em) => {
    const cluster = await loadForWrite(em, viewer, 'cluster.changeLevel', where, version);
    const state = new InputCheck('input');
    if (cluster.status === ClusterStatus.ENDED) state.add('cluster', `is ${cluster.slug}, which has left the programme`);
    if (cluster.level === level) state.add('level', `is already the level of ${cluster.slug}`);
    const periods = await levelPeriodsOf(em, cluster);
    const current = currentPeriod(periods);
    checkEffectiveDate(state, cluster, current, on);
    state.done();

    const previous = { level: cluster.level, since: current?.fromDate ?? null };
    cluster.level = level;
    touch(cluster);
    await em.flush();
    if (current) current.toDate = addDays(on, -1);
    em.create(ClusterLevelPeriod, { cluster, level, fromDate: on, toDate: null });
    recordAudit(em, viewer, {
      action: 'cluster.changeLevel',
      entityType: 'Cluster',
      entityId: cluster.id,
      changes: diffFields({ level: previous.level, levelSince: previous.since }, { level, levelSince: on }),
    });
    // Both levels: a subscriber to either level hears that the cluster left or joined it.
    clusterEvent(em, 'LEVEL_CHANGED', cluster.id, ['level', 'levelHistory'], [previous.level, level]);
    return cluster.id;
  });
  return { cluster: await reload(ctx, id) };
}

/** Ends a cluster's time in the programme from `on`: status ENDED, its last level period closed. */
export async function endCluster(ctx: RequestContext, input: EndClusterInput): Promise<ClusterPayload> {
  const viewer = assertCan(ctx.viewer, 'cluster.end');
  const check = new InputCheck('input');
  const where = checkClusterKey(check, input.cluster);
  const version = check.version('version', input.version);
  const on = check.date('on', input.on);
  check.done();

  const id = await inTransaction(ctx, async (em) => {
    const cluster = await loadForWrite(em, viewer, 'cluster.end', where, version);
    const state = new InputCheck('input');
    if (cluster.status === ClusterStatus.ENDED) state.add('cluster', `is ${cluster.slug}, which has already left the programme`);
    const current = currentPeriod(await levelPeriodsOf(em, cluster));
    checkEffectiveDate(state, cluster, current, on);
    state.done();

    cluster.status = ClusterStatus.ENDED;
    touch(cluster);
    await em.flush();
    if (current) current.toDate = addDays(on, -1);
    recordAudit(em, viewer, {
      action: 'cluster.end',
      entityType: 'Cluster',
      entityId: cluster.id,
      changes: diffFields({ status: ClusterStatus.ACTIVE, endedOn: null }, { status: ClusterStatus.ENDED, endedOn: on }),
    });
    clusterEvent(em, 'ENDED', cluster.id, ['status', 'levelHistory']);
    return cluster.id;
  });
  return { cluster: await reload(ctx, id) };
}

/** Records a clusterChanged event of the write (its levels are the cluster's at commit unless given). */
const clusterEvent = (em: EntityManager, kind: string, clusterId: number, changedFields: string[], levels?: ClusterLevel[]) =>
  recordEvent(em, {
    type: EventType.CLUSTER_CHANGED,
    kind,
    entityId: clusterId,
    clusterIds: [clusterId],
    changedFields,
    facets: levels ? { levels } : undefined,
  });

/** A change taking effect `on` must fall after the first day of the current level period (or the admission). */
function checkEffectiveDate(check: InputCheck, cluster: Cluster, current: ClusterLevelPeriod | undefined, on: string): void {
  const start = current?.fromDate ?? cluster.admittedOn;
  if (on <= start) {
    const what = current ? `the first day at its current level (${current.level})` : 'its admission';
    check.add('on', `must be after ${start}, ${what}`);
  }
}

/** The cluster as the read API shows it, after the write (the request's caches were just replaced). */
async function reload(ctx: RequestContext, id: number): Promise<ClusterRecord> {
  const record = await ctx.loaders.clusterById.load(id);
  if (!record) throw new Error(`cluster ${id} vanished after its own write`);
  return record;
}
