// Plain rows the read side works with: camelCase, no ORM identity, cheap to batch and serialize.
import type {
  AnnouncementKind,
  AnnouncementStatus,
  ClusterLevel,
  ClusterStatus,
  Language,
  MembershipRole,
  MentionMatch,
  PartnerKind,
  PartnershipRole,
  Provenance,
} from '../entities/enums.js';

export interface ClusterRecord {
  __typename: 'Cluster';
  id: number;
  slug: string;
  name: string;
  level: ClusterLevel;
  levelRank: number;
  status: ClusterStatus;
  county: string;
  city: string;
  description: string | null;
  website: string | null;
  orgNumber: string | null;
  foundedYear: number | null;
  admittedOn: string;
  provenance: Provenance;
  /** Optimistic-locking version; a write must name the version it read. */
  version: number;
}

export interface ClusterLevelPeriodRecord {
  clusterId: number;
  level: ClusterLevel;
  fromDate: string;
  toDate: string | null;
}

export interface OrganizationRecord {
  __typename: 'Organization';
  id: number;
  orgNumber: string;
  name: string;
  city: string | null;
  county: string | null;
  naceCode: string | null;
  employees: number | null;
  website: string | null;
  provenance: Provenance;
  /** Optimistic-locking version; a write must name the version it read. */
  version: number;
}

export interface MembershipRecord {
  __typename: 'Membership';
  id: number;
  clusterId: number;
  organizationId: number;
  role: MembershipRole;
  joinedOn: string;
  leftOn: string | null;
  /** Optimistic-locking version; a write must name the version it read. */
  version: number;
  /** Carried by a page of memberships: the organization (under a cluster) or the cluster (under an organization), with the fields asked for. */
  organization?: OrganizationRecord;
  cluster?: ClusterRecord;
}

export interface PartnerRecord {
  __typename: 'PartnerInstitution';
  id: number;
  slug: string;
  name: string;
  kind: PartnerKind;
  orgNumber: string | null;
  city: string | null;
  website: string | null;
  provenance: Provenance;
  /** Optimistic-locking version; a write must name the version it read. */
  version: number;
}

export interface PartnershipRecord {
  __typename: 'Partnership';
  id: number;
  clusterId: number;
  partnerId: number;
  role: PartnershipRole;
  since: string;
  until: string | null;
  /** Optimistic-locking version; a write must name the version it read. */
  version: number;
  /** Carried by a page of partnerships: the partner (under a cluster) or the cluster (under a partner), with the fields asked for. */
  partner?: PartnerRecord;
  cluster?: ClusterRecord;
}

export interface AnnouncementRecord {
  __typename: 'Announcement';
  id: number;
  slug: string;
  title: string;
  body: string;
  language: Language;
  /** Null for a draft. */
  publishedAt: Date | null;
  kind: AnnouncementKind;
  sourceUrl: string | null;
  provenance: Provenance;
  status: AnnouncementStatus;
  /** Optimistic-locking version; a write must name the version it read. */
  version: number;
  /** The news feed it was ingested from; null otherwise. */
  feedId?: number | null;
}

/** The news feed an announcement was ingested from. */
export interface FeedSourceRecord {
  id: number;
  feedUrl: string;
  title: string | null;
}

/** A cluster an announcement mentions, and how the mention was made. */
export interface MentionRecord {
  announcementId: number;
  clusterId: number;
  position: number;
  matchedBy: MentionMatch;
  matchedText: string | null;
}
