// Announcement mutations. An announcement starts as a draft, seen only by those who may edit it
// (and READERs of a cluster it mentions), and is published (and unpublished) on its own. Who may
// edit one follows from the clusters it mentions: ADMIN any, an EDITOR those mentioning only its
// clusters, before and after the change.
import type { EntityManager } from '@mikro-orm/knex';
import { assertCan, draftVisibility } from '../auth/permissions.js';
import type { Viewer } from '../auth/viewer.js';
import type { RequestContext } from '../context/request-context.js';
import { AnnouncementKind, AnnouncementStatus, Language, Provenance } from '../entities/enums.js';
import { Announcement, AnnouncementCluster } from '../entities/index.js';
import { conflict, notFound } from '../lib/errors.js';
import { fetchAnnouncementsById } from '../repositories/announcement.repository.js';
import { fetchClustersById, fetchClustersBySlug } from '../repositories/cluster.repository.js';
import type { Db } from '../repositories/db.js';
import type { AnnouncementRecord } from '../repositories/records.js';
import { diffFields, recordAudit, recordCreation } from './audit.service.js';
import { recordAnnouncementEvent } from './event-log.service.js';
import { replaceMentions } from './mentions.js';
import { InputCheck } from './validation.js';
import { assertVersion, forgetLoaded, inTransaction, touch, transactionDb } from './write.js';

/** The announcement's own data: what createAnnouncement takes and updateAnnouncement may change. */
export interface AnnouncementFieldsInput {
  slug?: string | null;
  title?: string | null;
  body?: string | null;
  language?: Language | null;
  kind?: AnnouncementKind | null;
  sourceUrl?: string | null;
  /** Slugs of the clusters it mentions, in order. */
  clusters?: string[] | null;
}

/** A patch: absent fields stay as they are; null clears an optional field. */
export interface UpdateAnnouncementInput extends AnnouncementFieldsInput {
  /** The announcement's global id. */
  id: string;
  version: number;
}

export interface PublishAnnouncementInput {
  id: string;
  version: number;
  /** When it counts as published; now when absent. Not in the future. */
  publishedAt?: Date | null;
}

export interface UnpublishAnnouncementInput {
  id: string;
  version: number;
}

export interface AnnouncementPayload {
  announcement: AnnouncementRecord;
}

const LIMITS = { slug: 150, title: 300, body: 100_000, clusters: 50 } as const;

/** The fields the audit trail and the no-change check compare. */
interface AnnouncementFields {
  slug: string;
  title: string;
  body: string;
  language: Language;
  kind: AnnouncementKind;
  sourceUrl: string | null;
  clusters: string[];
}

type AnnouncementSnapshot = AnnouncementFields & { status: AnnouncementStatus; publishedAt: string | null };

const snapshot = (a: Announcement, clusters: string[]): AnnouncementSnapshot => ({
  slug: a.slug,
  title: a.title,
  body: a.body,
  language: a.language,
  kind: a.kind,
  sourceUrl: a.sourceUrl ?? null,
  clusters,
  status: a.status,
  publishedAt: a.publishedAt ? a.publishedAt.toISOString() : null,
});

/** Checks the fields that are present (all of them when `required`) and returns them normalized. */
function checkFields(check: InputCheck, input: AnnouncementFieldsInput, required: boolean): Partial<AnnouncementFields> {
  const patch: Partial<AnnouncementFields> = {};
  const given = (value: unknown) => required || value !== undefined;
  if (given(input.slug)) patch.slug = check.slug('slug', input.slug, LIMITS.slug);
  if (given(input.title)) patch.title = check.text('title', input.title, LIMITS.title);
  if (given(input.body)) patch.body = check.text('body', input.body, LIMITS.body);
  if (given(input.language)) patch.language = check.oneOf('language', input.language, Language);
  if (given(input.kind)) patch.kind = check.oneOf('kind', input.kind, AnnouncementKind);
  if (given(input.sourceUrl)) patch.sourceUrl = check.httpUrl('sourceUrl', input.sourceUrl);
  if (given(input.clusters)) patch.clusters = check.slugs('clusters', input.clusters, 0, LIMITS.clusters);
  return patch;
}

/** The ids of the clusters named by slug, in order; NOT_FOUND names the first unknown one. */
async function clusterIdsOf(db: Db, slugs: string[]): Promise<number[]> {
  const bySlug = new Map((await fetchClustersBySlug(db, slugs)).map((c) => [c.slug, Number(c.id)]));
  return slugs.map((slug, i) => {
    const id = bySlug.get(slug);
    if (id === undefined) throw notFound(`No cluster with slug "${slug}".`, `input.clusters[${i}]`);
    return id;
  });
}

async function assertSlugFree(em: EntityManager, slug: string): Promise<void> {
  if (await em.count(Announcement, { slug })) throw conflict(`An announcement with slug "${slug}" already exists.`, 'input.slug');
}

/** A unique-constraint race on the slug is a CONFLICT on `input.slug`. */
const slugRace = (slug: string | undefined) => (message: string) =>
  slug !== undefined && /slug/.test(message)
    ? conflict(`An announcement with slug "${slug}" already exists.`, 'input.slug')
    : undefined;

/**
 * Writes a new announcement as a draft (publishAnnouncement makes it public). ADMIN, or an EDITOR
 * when every cluster it mentions is one of the EDITOR's (and it mentions at least one).
 */
export async function createAnnouncement(ctx: RequestContext, input: AnnouncementFieldsInput): Promise<AnnouncementPayload> {
  const viewer = assertCan(ctx.viewer, 'announcement.create');
  const check = new InputCheck('input');
  const fields = checkFields(check, input, true) as AnnouncementFields;
  check.done();

  const id = await inTransaction(
    ctx,
    async (em) => {
      const clusterIds = await clusterIdsOf(transactionDb(em), fields.clusters);
      assertCan(viewer, 'announcement.create', { clusterIds });
      await assertSlugFree(em, fields.slug);
      const { clusters, ...columns } = fields;
      const announcement = em.create(Announcement, {
        ...columns,
        status: AnnouncementStatus.DRAFT,
        publishedAt: null,
        provenance: Provenance.MANUAL,
      });
      replaceMentions(
        em,
        announcement,
        [],
        clusterIds.map((clusterId) => ({ clusterId })),
      );
      await em.flush();
      recordCreation(
        em,
        viewer,
        { action: 'announcement.create', entityType: 'Announcement', entityId: announcement.id },
        snapshot(announcement, clusters),
      );
      return announcement.id;
    },
    { uniqueConflict: slugRace(fields.slug) },
  );
  return { announcement: await reload(ctx, id) };
}

/** Changes an announcement's text, metadata or mentions, draft or published. */
export async function updateAnnouncement(ctx: RequestContext, input: UpdateAnnouncementInput): Promise<AnnouncementPayload> {
  const viewer = assertCan(ctx.viewer, 'announcement.update');
  const check = new InputCheck('input');
  const announcementId = check.globalId('id', input.id, 'Announcement', 'an announcement');
  const version = check.version('version', input.version);
  const patch = checkFields(check, input, false);
  check.done();

  const id = await inTransaction(
    ctx,
    async (em) => {
      const db = transactionDb(em);
      const target = await loadForWrite(em, viewer, announcementId);
      const wantedIds = patch.clusters ? await clusterIdsOf(db, patch.clusters) : target.clusterIds;
      // An EDITOR must be allowed on what the announcement mentions now and on what it will mention.
      assertCan(viewer, 'announcement.update', { clusterIds: [...new Set([...target.clusterIds, ...wantedIds])] });
      const { announcement, mentions } = target;
      assertVersion(announcement, version, `Announcement "${announcement.slug}"`);

      const before = snapshot(announcement, target.clusterSlugs);
      const changes = diffFields({ ...before }, { ...before, ...patch });
      if (Object.keys(changes).length === 0) {
        forgetLoaded(em);
        return announcement.id;
      }
      if (changes.slug && patch.slug) await assertSlugFree(em, patch.slug);

      const { clusters, ...columns } = patch;
      em.assign(announcement, columns);
      touch(announcement);
      // Flushed first: the UPDATE claims the version (and, on PostgreSQL, locks the row) before anything else is written.
      await em.flush();
      if (clusters && changes.clusters)
        replaceMentions(
          em,
          announcement,
          mentions,
          wantedIds.map((clusterId) => ({ clusterId })),
        );
      recordAudit(em, viewer, { action: 'announcement.update', entityType: 'Announcement', entityId: announcement.id, changes });
      // Drafts are nobody else's business; a published one's change is news. Both the clusters it
      // mentioned and those it mentions now are concerned.
      if (announcement.status === AnnouncementStatus.PUBLISHED) {
        announcementEvent(em, 'UPDATED', announcement, [...target.clusterIds, ...wantedIds], Object.keys(changes));
      }
      return announcement.id;
    },
    { uniqueConflict: slugRace(patch.slug) },
  );
  return { announcement: await reload(ctx, id) };
}

/** Publishes a draft: everyone sees it from then on, dated `publishedAt` (now by default). */
export async function publishAnnouncement(ctx: RequestContext, input: PublishAnnouncementInput): Promise<AnnouncementPayload> {
  const viewer = assertCan(ctx.viewer, 'announcement.publish');
  const now = new Date();
  const check = new InputCheck('input');
  const announcementId = check.globalId('id', input.id, 'Announcement', 'an announcement');
  const version = check.version('version', input.version);
  const publishedAt = check.pastInstant('publishedAt', input.publishedAt, now) ?? now;
  check.done();

  const id = await changeStatus(ctx, viewer, 'announcement.publish', announcementId, version, (announcement, state) => {
    if (announcement.status === AnnouncementStatus.PUBLISHED)
      state.add('id', `is "${announcement.slug}", which is published already`);
    return { status: AnnouncementStatus.PUBLISHED, publishedAt };
  });
  return { announcement: await reload(ctx, id) };
}

/** Takes a published announcement back to a draft: hidden again from those who may not edit it. */
export async function unpublishAnnouncement(
  ctx: RequestContext,
  input: UnpublishAnnouncementInput,
): Promise<AnnouncementPayload> {
  const viewer = assertCan(ctx.viewer, 'announcement.unpublish');
  const check = new InputCheck('input');
  const announcementId = check.globalId('id', input.id, 'Announcement', 'an announcement');
  const version = check.version('version', input.version);
  check.done();

  const id = await changeStatus(ctx, viewer, 'announcement.unpublish', announcementId, version, (announcement, state) => {
    if (announcement.status === AnnouncementStatus.DRAFT) state.add('id', `is "${announcement.slug}", which is a draft already`);
    return { status: AnnouncementStatus.DRAFT, publishedAt: null };
  });
  return { announcement: await reload(ctx, id) };
}

/** publish and unpublish: load and check the announcement, apply the state rule, write and audit. */
function changeStatus(
  ctx: RequestContext,
  viewer: Viewer,
  action: 'announcement.publish' | 'announcement.unpublish',
  announcementId: number,
  version: number,
  next: (announcement: Announcement, state: InputCheck) => { status: AnnouncementStatus; publishedAt: Date | null },
): Promise<number> {
  return inTransaction(ctx, async (em) => {
    const { announcement, clusterIds } = await loadForWrite(em, viewer, announcementId);
    assertCan(viewer, action, { clusterIds });
    assertVersion(announcement, version, `Announcement "${announcement.slug}"`);
    const state = new InputCheck('input');
    const after = next(announcement, state);
    state.done();

    const before = { status: announcement.status, publishedAt: announcement.publishedAt?.toISOString() ?? null };
    announcement.status = after.status;
    announcement.publishedAt = after.publishedAt;
    touch(announcement);
    await em.flush();
    recordAudit(em, viewer, {
      action,
      entityType: 'Announcement',
      entityId: announcement.id,
      changes: diffFields(before, { status: after.status, publishedAt: after.publishedAt?.toISOString() ?? null }),
    });
    const kind = after.status === AnnouncementStatus.PUBLISHED ? 'PUBLISHED' : 'UNPUBLISHED';
    announcementEvent(em, kind, announcement, clusterIds, ['status', 'publishedAt']);
    return announcement.id;
  });
}

/** Records the write's announcementChanged event. */
const announcementEvent = (
  em: EntityManager,
  kind: 'PUBLISHED' | 'UPDATED' | 'UNPUBLISHED',
  announcement: Announcement,
  clusterIds: number[],
  changedFields: string[],
) =>
  recordAnnouncementEvent(em, {
    kind,
    announcementId: announcement.id,
    announcementKind: announcement.kind,
    language: announcement.language,
    clusterIds,
    changedFields,
  });

interface WriteTarget {
  announcement: Announcement;
  mentions: AnnouncementCluster[];
  clusterIds: number[];
  clusterSlugs: string[];
}

/**
 * Loads the announcement a mutation targets, with its mentions. NOT_FOUND when it does not exist,
 * and also for a draft the viewer may not see: to it, the draft does not exist (as in every read).
 * The caller then checks the scope (FORBIDDEN) and the version (CONFLICT).
 */
async function loadForWrite(em: EntityManager, viewer: Viewer, id: number): Promise<WriteTarget> {
  const db = transactionDb(em);
  const [visible] = await fetchAnnouncementsById(db, [id], draftVisibility(viewer));
  const announcement = visible ? await em.findOne(Announcement, { id }) : null;
  if (!announcement) throw notFound(`No announcement with id ${id}.`, 'input.id');
  const mentions = await em.find(AnnouncementCluster, { announcement }, { orderBy: { position: 'asc', id: 'asc' } });
  const clusterIds = mentions.map((m) => m.cluster.id);
  const slugs = new Map((await fetchClustersById(db, clusterIds)).map((c) => [Number(c.id), c.slug]));
  return { announcement, mentions, clusterIds, clusterSlugs: clusterIds.map((c) => slugs.get(c) ?? String(c)) };
}

/** The announcement as the read API shows it to the writer, after the write. */
async function reload(ctx: RequestContext, id: number): Promise<AnnouncementRecord> {
  const record = await ctx.loaders.announcementById.load(id);
  if (!record) throw new Error(`announcement ${id} vanished after its own write`);
  return record;
}
