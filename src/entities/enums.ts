// Domain enumerations, shared by persistence and the GraphQL schema (which registers them).

export enum ClusterLevel {
  ARENA = 'ARENA',
  ARENA_PRO = 'ARENA_PRO',
  NCE = 'NCE',
  GCE = 'GCE',
}
/** Programme order of the levels, lowest first (for ordering by level). */
export const CLUSTER_LEVEL_RANK: Record<ClusterLevel, number> = { ARENA: 1, ARENA_PRO: 2, NCE: 3, GCE: 4 };

export enum ClusterStatus {
  ACTIVE = 'ACTIVE',
  ENDED = 'ENDED',
}

export enum MembershipRole {
  MEMBER = 'MEMBER',
  CORE = 'CORE',
  HOST = 'HOST',
}

export enum PartnerKind {
  UNIVERSITY = 'UNIVERSITY',
  RESEARCH_INSTITUTE = 'RESEARCH_INSTITUTE',
  FUNDING_AGENCY = 'FUNDING_AGENCY',
  PUBLIC_AGENCY = 'PUBLIC_AGENCY',
  INCUBATOR = 'INCUBATOR',
}

export enum PartnershipRole {
  RESEARCH = 'RESEARCH',
  FUNDING = 'FUNDING',
  PROGRAMME_OWNER = 'PROGRAMME_OWNER',
  OTHER = 'OTHER',
}

export enum AnnouncementKind {
  ADMISSION = 'ADMISSION',
  LEVEL_CHANGE = 'LEVEL_CHANGE',
  NEWS = 'NEWS',
  POLICY = 'POLICY',
}

/** Whether an announcement is out: drafts are seen only by tokens that may edit them (and READERs of their clusters). */
export enum AnnouncementStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
}

export enum Language {
  nb = 'nb',
  nn = 'nn',
  en = 'en',
}

/** Where a row came from: real published sources, synthetic demo data, an import, an editor or a news feed. */
export enum Provenance {
  SOURCE = 'SOURCE',
  DEMO = 'DEMO',
  IMPORT = 'IMPORT',
  MANUAL = 'MANUAL',
  FEED = 'FEED',
}

/** The provenances of clusters, organizations and partners: only announcements come from feeds. */
export const RECORD_PROVENANCES = [Provenance.SOURCE, Provenance.DEMO, Provenance.IMPORT, Provenance.MANUAL] as const;

/** How an announcement came to mention a cluster: linked by hand, or found in its text by a feed ingest. */
export enum MentionMatch {
  MANUAL = 'MANUAL',
  NAME = 'NAME',
  SLUG = 'SLUG',
  FORMER_NAME = 'FORMER_NAME',
  SHORT_NAME = 'SHORT_NAME',
}

/** What an API token may do: ADMIN everything, EDITOR its clusters' data, READER read its clusters' drafts. */
export enum TokenRole {
  ADMIN = 'ADMIN',
  EDITOR = 'EDITOR',
  READER = 'READER',
}
