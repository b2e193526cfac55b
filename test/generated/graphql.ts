/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** What an announcement is about. */
export type AnnouncementKind =
  /** Clusters admitted to the programme. */
  | 'ADMISSION'
  /** A cluster moved to another level. */
  | 'LEVEL_CHANGE'
  /** News from or about clusters. */
  | 'NEWS'
  /** Policy for the programme as a whole. */
  | 'POLICY';

/** Whether an announcement is out. */
export type AnnouncementStatus =
  /** Not published: seen only by ADMIN tokens, EDITOR tokens that may edit it (it mentions only their clusters) and READER tokens of a cluster it mentions. */
  | 'DRAFT'
  /** Published: seen by everyone. */
  | 'PUBLISHED';

/** Which audit entries to include; fields combine with AND. */
export type AuditLogFilter = {
  /** Entries by this actor (its `actorName`). */
  actor?: string | null | undefined;
  /** Entries made with this API token (its id). */
  actorTokenId?: number | null | undefined;
  /** Entries about this object: a global id, or with `entityType: "ApiToken"` a token number. */
  entityId?: string | number | null | undefined;
  /** Entries about objects of this kind, e.g. `Cluster`. */
  entityType?: string | null | undefined;
  /** Entries at or after this instant. */
  from?: string | null | undefined;
  /** Entries at or before this instant. */
  to?: string | null | undefined;
};

/** Which cluster events to receive; given parts must all match, list values any. */
export type ClusterEventFilter = {
  /** Slugs of the clusters. */
  clusters?: Array<string> | null | undefined;
  /** What happened. */
  kinds?: Array<ClusterEventKind> | null | undefined;
  /** Levels (a level change matches both the old and the new one). */
  levels?: Array<ClusterLevel> | null | undefined;
};

/** What happened to a cluster. */
export type ClusterEventKind =
  /** It was created. */
  | 'CREATED'
  /** It left the programme. */
  | 'ENDED'
  /** It moved to another programme level. */
  | 'LEVEL_CHANGED'
  /** Its own data changed (see `changedFields`). */
  | 'UPDATED';

/** Which clusters to include. Lists match any of their values; fields combine with AND. */
export type ClusterFilter = {
  /** Clusters admitted to the programme within this range. */
  admittedOn?: DateRange | null | undefined;
  /** Clusters in any of these counties, e.g. ["Vestland", "Oslo"]. */
  counties?: Array<string> | null | undefined;
  /** Clusters at any of these levels. */
  levels?: Array<ClusterLevel> | null | undefined;
  /** Clusters working in any of these sectors. */
  sectors?: Array<string> | null | undefined;
  /** Only active or only ended clusters. */
  status?: ClusterStatus | null | undefined;
  /** Words in name, description, place or sectors (prefixes match; æ, ø, å and case handled). */
  text?: string | null | undefined;
};

/** Names one cluster: give exactly one of `slug` and `id`. */
export type ClusterKey = {
  /** The global id of the cluster. */
  id?: string | number | null | undefined;
  /** The cluster slug, e.g. `gce-subsea`. */
  slug?: string | null | undefined;
};

/** A level of the Norwegian Innovation Clusters programme, lowest first. */
export type ClusterLevel =
  /** Arena: young or regional cluster initiatives in an early phase (3 years, extendable to 5). */
  | 'ARENA'
  /** Arena Pro: regional or national clusters that outgrew Arena (5 years; since 2019). */
  | 'ARENA_PRO'
  /** Global Centre of Expertise: mature clusters in global value chains (up to 10 years). */
  | 'GCE'
  /** Norwegian Centre of Expertise: mature clusters with a national position. */
  | 'NCE';

/** How to order clusters. */
export type ClusterOrder = {
  /** The direction. */
  direction?: OrderDirection;
  /** The field to order by. */
  field: ClusterOrderField;
};

/** Fields clusters can be ordered by (ties are broken by id, so pages are stable). */
export type ClusterOrderField =
  /** By the date the cluster was admitted to the programme. */
  | 'ADMITTED_ON'
  /** By level in programme order (Arena, Arena Pro, NCE, GCE), not alphabetically. */
  | 'LEVEL'
  /** By name. */
  | 'NAME';

/** Whether a cluster still takes part in the programme. */
export type ClusterStatus =
  /** Takes part in the programme. */
  | 'ACTIVE'
  /** Has left the programme; its history is kept. */
  | 'ENDED';

/** A new announcement. It starts as a DRAFT (publishAnnouncement makes it public). An EDITOR may write only about its own clusters. */
export type CreateAnnouncementInput = {
  /** Full text, plain, paragraphs separated by blank lines; 1 to 100,000 characters. */
  body: string;
  /** Slugs of the clusters it mentions, in order (at most 50, distinct). For an EDITOR: at least one, and only its own clusters. */
  clusters: Array<string>;
  /** What it is about. */
  kind: AnnouncementKind;
  /** Language of title and body. */
  language: Language;
  /** Unique URL name: lowercase letters and digits in words joined by hyphens, at most 150 characters. */
  slug: string;
  /** Where the original was published: an http:// or https:// URL. */
  sourceUrl?: string | null | undefined;
  /** Headline, 1 to 300 characters. */
  title: string;
};

/** A range of dates; both ends inclusive, either may be left open. */
export type DateRange = {
  /** First date in the range. */
  from?: string | null | undefined;
  /** Last date in the range. */
  to?: string | null | undefined;
};

/** The language a text is written in (ISO 639-1). */
export type Language =
  /** English. */
  | 'en'
  /** Norwegian Bokmål. */
  | 'nb'
  /** Norwegian Nynorsk. */
  | 'nn';

/** An organization's role in a cluster. */
export type MembershipRole =
  /** A core member that drives the cluster. */
  | 'CORE'
  /** The host organization that runs the cluster (one per cluster). */
  | 'HOST'
  /** An ordinary member. */
  | 'MEMBER';

/** Sort direction. */
export type OrderDirection =
  /** Ascending: A to Z, oldest first, lowest first. */
  | 'ASC'
  /** Descending: Z to A, newest first, highest first. */
  | 'DESC';

/** What kind of institution a partner is. */
export type PartnerKind =
  /** A body that funds clusters (e.g. Innovasjon Norge, Forskningsrådet). */
  | 'FUNDING_AGENCY'
  /** An incubator or science park. */
  | 'INCUBATOR'
  /** Another public agency (e.g. SIVA). */
  | 'PUBLIC_AGENCY'
  /** A research institute. */
  | 'RESEARCH_INSTITUTE'
  /** A university or university college. */
  | 'UNIVERSITY';

/** A partner institution's role in a cluster. */
export type PartnershipRole =
  /** Funds the cluster or its projects. */
  | 'FUNDING'
  /** Any other partnership. */
  | 'OTHER'
  /** Owns and runs the cluster programme (Innovasjon Norge, Forskningsrådet, SIVA). */
  | 'PROGRAMME_OWNER'
  /** Research and education partner. */
  | 'RESEARCH';

/** Where a record came from. */
export type Provenance =
  /** Synthetic demo data, loaded so the graph has something to explore. Not real. */
  | 'DEMO'
  /** Ingested from a news feed (RSS or Atom); `Announcement.source` says which. */
  | 'FEED'
  /** Loaded by a bulk import. */
  | 'IMPORT'
  /** Entered through the API. */
  | 'MANUAL'
  /** Taken from a published source (e.g. a government announcement). */
  | 'SOURCE';

/** Publishes a draft. */
export type PublishAnnouncementInput = {
  /** The global id of the announcement. */
  id: string | number;
  /** The publication time to show; now when left out. Not in the future (there is no scheduled publishing). */
  publishedAt?: string | null | undefined;
  /** The `version` you read; a stale one is refused with CONFLICT. */
  version: number;
};

/** What an API token may do. */
export type Role =
  /** Everything: all clusters, cluster creation, partner institutions, every draft, the audit log. */
  | 'ADMIN'
  /** Edit its own clusters: their data, level and end, their memberships and partnerships, and announcements that mention only them (drafts included); register and correct organizations. */
  | 'EDITOR'
  /** Read, plus the drafts of announcements that mention any of its clusters. */
  | 'READER';

/** A type of object `search` finds: one tab of a search page. */
export type SearchType =
  /** Announcements (title and body); drafts only for viewers who may see them. */
  | 'ANNOUNCEMENT'
  /** Clusters (name, description, city, county, sectors). */
  | 'CLUSTER'
  /** Organizations (name, city, county, organization number). */
  | 'ORGANIZATION'
  /** Partner institutions (name, city, organization number). */
  | 'PARTNER';

/** Changes to a cluster's own data. Fields left out stay as they are; null clears an optional field. Level and status change through changeClusterLevel and endCluster. */
export type UpdateClusterInput = {
  /** New admission date; the first level period starts then too, so it must not be after that period ends. */
  admittedOn?: string | null | undefined;
  /** New city or region, 1 to 100 characters. */
  city?: string | null | undefined;
  /** The cluster to change. */
  cluster: ClusterKey;
  /** New county, 1 to 100 characters. */
  county?: string | null | undefined;
  /** New description; null clears it. */
  description?: string | null | undefined;
  /** New founding year; null clears it. */
  foundedYear?: number | null | undefined;
  /** New name, 1 to 200 characters. */
  name?: string | null | undefined;
  /** New organisation number; null clears it. */
  orgNumber?: string | null | undefined;
  /** The complete new list of sectors (1 to 10), most important first. */
  sectors?: Array<string> | null | undefined;
  /** New slug (same rules as at creation). */
  slug?: string | null | undefined;
  /** The `version` you read; a stale one is refused with CONFLICT. */
  version: number;
  /** New website (http or https URL); null clears it. */
  website?: string | null | undefined;
};

export type AnnouncementQueryVariables = Exact<{
  slug: string;
}>;


export type AnnouncementQuery = { announcement: { slug: string, title: string, status: AnnouncementStatus, publishedAt: string | null } | null };

export type AuditLogQueryVariables = Exact<{
  first?: number | null | undefined;
  filter?: AuditLogFilter | null | undefined;
}>;


export type AuditLogQuery = { auditLog: { nodes: Array<{ at: string, actorName: string, action: string, entityType: string, entityId: string, changes: Array<{ field: string, before: unknown, after: unknown }> }> } };

export type ClusterChangedSubscriptionVariables = Exact<{
  filter?: ClusterEventFilter | null | undefined;
  after?: string | null | undefined;
}>;


export type ClusterChangedSubscription = { clusterChanged: { position: string, occurredAt: string, kind: ClusterEventKind, clusterId: string, changedFields: Array<string>, cluster: { id: string, slug: string, name: string, level: ClusterLevel, version: number } | null } };

export type ClusterListQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: ClusterFilter | null | undefined;
  orderBy?: ClusterOrder | null | undefined;
}>;


export type ClusterListQuery = { clusters: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, nodes: Array<{ id: string, slug: string, name: string, level: ClusterLevel, admittedOn: string }> } };

export type ClusterPageQueryVariables = Exact<{
  slug: string;
  membersFirst?: number | null | undefined;
  membersAfter?: string | null | undefined;
}>;


export type ClusterPageQuery = { cluster: { id: string, slug: string, name: string, level: ClusterLevel, county: string, city: string, sectors: Array<string>, levelHistory: Array<{ level: ClusterLevel, fromDate: string, toDate: string | null }>, members: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { role: MembershipRole, joinedOn: string, leftOn: string | null, organization: { name: string, orgNumber: string, provenance: Provenance } } }> }, partners: { nodes: Array<{ role: PartnershipRole, partner: { name: string, kind: PartnerKind } }> }, announcements: { nodes: Array<{ title: string, publishedAt: string | null }> } } | null };

export type ClusterVersionQueryVariables = Exact<{
  slug: string;
}>;


export type ClusterVersionQuery = { cluster: { id: string, version: number } | null };

export type CreateAnnouncementMutationVariables = Exact<{
  input: CreateAnnouncementInput;
}>;


export type CreateAnnouncementMutation = { createAnnouncement: { announcement: { id: string, slug: string, status: AnnouncementStatus, publishedAt: string | null, version: number } } };

export type NodeByIdQueryVariables = Exact<{
  id: string | number;
}>;


export type NodeByIdQuery = { node:
    | { __typename: 'Announcement', id: string }
    | { __typename: 'Cluster', name: string, id: string }
    | { __typename: 'Membership', id: string }
    | { __typename: 'Organization', name: string, id: string }
    | { __typename: 'PartnerInstitution', id: string }
    | { __typename: 'Partnership', id: string }
   | null };

export type ProgrammeStatsQueryVariables = Exact<{
  filter?: ClusterFilter | null | undefined;
}>;


export type ProgrammeStatsQuery = { stats: { clustersByLevel: Array<{ key: string, count: number }>, membersByLevel: Array<{ key: string, count: number }>, membersByCounty: Array<{ key: string, count: number }>, membersBySector: Array<{ key: string, count: number }>, membershipsByYear: Array<{ key: string, count: number }> } };

export type PublishAnnouncementMutationVariables = Exact<{
  input: PublishAnnouncementInput;
}>;


export type PublishAnnouncementMutation = { publishAnnouncement: { announcement: { id: string, status: AnnouncementStatus, publishedAt: string | null, version: number } } };

export type SearchQueryVariables = Exact<{
  query: string;
  types?: Array<SearchType> | SearchType | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type SearchQuery = { search: { totalCount: number, totalCountIsExact: boolean, countsByType: Array<{ type: SearchType, count: number, isExact: boolean }>, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, rank: number, highlights: Array<{ field: string, snippet: string }>, node:
        | { __typename: 'Announcement', id: string, title: string }
        | { __typename: 'Cluster', id: string, name: string }
        | { __typename: 'Organization', id: string, name: string }
        | { __typename: 'PartnerInstitution', id: string, name: string }
       }> } };

export type UpdateClusterMutationVariables = Exact<{
  input: UpdateClusterInput;
}>;


export type UpdateClusterMutation = { updateCluster: { cluster: { id: string, slug: string, name: string, sectors: Array<string>, version: number } } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { name: string, role: Role, clusters: Array<{ slug: string, version: number }> } | null };


export const AnnouncementDocument = {"__meta__":{"hash":"sha256:9dcbf2e092801968da626e7c6812da676149d0b74c212426c547829f2f846523"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Announcement"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"slug"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"announcement"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"slug"},"value":{"kind":"Variable","name":{"kind":"Name","value":"slug"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}}]}}]}}]} as unknown as DocumentNode<AnnouncementQuery, AnnouncementQueryVariables>;
export const AuditLogDocument = {"__meta__":{"hash":"sha256:b8fe105d6a9412b47238c406d4cd211f225796919d996df9a6f7f6ad8a346bad"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AuditLog"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"AuditLogFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auditLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"actorName"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"entityType"}},{"kind":"Field","name":{"kind":"Name","value":"entityId"}},{"kind":"Field","name":{"kind":"Name","value":"changes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"before"}},{"kind":"Field","name":{"kind":"Name","value":"after"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AuditLogQuery, AuditLogQueryVariables>;
export const ClusterChangedDocument = {"__meta__":{"hash":"sha256:21f791310ec3261cf11ce025eb2f37d1abc4483803c8cc477edf0fae0b57c33f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ClusterChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ClusterEventFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"clusterId"}},{"kind":"Field","name":{"kind":"Name","value":"changedFields"}},{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}}]} as unknown as DocumentNode<ClusterChangedSubscription, ClusterChangedSubscriptionVariables>;
export const ClusterListDocument = {"__meta__":{"hash":"sha256:153bd0648c5b3a87b663b29db7b8ad709c23682b3667671205dd9b9244b2fd90"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ClusterList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ClusterFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ClusterOrder"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusters"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"admittedOn"}}]}}]}}]}}]} as unknown as DocumentNode<ClusterListQuery, ClusterListQueryVariables>;
export const ClusterPageDocument = {"__meta__":{"hash":"sha256:b43e05164d2b6006f032f58770a400fd9d2f4f9236f6423990a480d347e58f3b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ClusterPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"slug"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"membersFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"membersAfter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cluster"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"slug"},"value":{"kind":"Variable","name":{"kind":"Name","value":"slug"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"county"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"sectors"}},{"kind":"Field","name":{"kind":"Name","value":"levelHistory"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"fromDate"}},{"kind":"Field","name":{"kind":"Name","value":"toDate"}}]}},{"kind":"Field","name":{"kind":"Name","value":"members"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"membersFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"membersAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"joinedOn"}},{"kind":"Field","name":{"kind":"Name","value":"leftOn"}},{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"orgNumber"}},{"kind":"Field","name":{"kind":"Name","value":"provenance"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"partners"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"partner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"announcements"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ClusterPageQuery, ClusterPageQueryVariables>;
export const ClusterVersionDocument = {"__meta__":{"hash":"sha256:f5c3f27687478a60dbac21b53c695fab10eb22a79a64d264ca1ce8cb2d0673ad"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ClusterVersion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"slug"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cluster"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"slug"},"value":{"kind":"Variable","name":{"kind":"Name","value":"slug"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]} as unknown as DocumentNode<ClusterVersionQuery, ClusterVersionQueryVariables>;
export const CreateAnnouncementDocument = {"__meta__":{"hash":"sha256:9201d658129bc2922e81fdbf3759994ef7e250fa74beb6b7841df5bbdcd42241"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateAnnouncement"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateAnnouncementInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAnnouncement"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"announcement"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}}]} as unknown as DocumentNode<CreateAnnouncementMutation, CreateAnnouncementMutationVariables>;
export const NodeByIdDocument = {"__meta__":{"hash":"sha256:d98469324cb7b1e78cfc4235878b75fb6d25669d9b57365fcb4a5c40168220be"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NodeById"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Cluster"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Organization"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<NodeByIdQuery, NodeByIdQueryVariables>;
export const ProgrammeStatsDocument = {"__meta__":{"hash":"sha256:7f3ff9eacf9c8b1cd3eead01a1fbedbccd4e638c34eaf355c1029b16c8dae04d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ProgrammeStats"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ClusterFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clustersByLevel"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"membersByLevel"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"membersByCounty"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"membersBySector"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"membershipsByYear"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}}]}}]} as unknown as DocumentNode<ProgrammeStatsQuery, ProgrammeStatsQueryVariables>;
export const PublishAnnouncementDocument = {"__meta__":{"hash":"sha256:6110634d3412e5a22ef514f613c2b0afa4069e10d0bf7857535df2c04060055e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PublishAnnouncement"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PublishAnnouncementInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publishAnnouncement"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"announcement"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}}]} as unknown as DocumentNode<PublishAnnouncementMutation, PublishAnnouncementMutationVariables>;
export const SearchDocument = {"__meta__":{"hash":"sha256:253f6f00829b55e51ebf882946e50f109dc9161de30c8d65b56105a851575444"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Search"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"query"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"types"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SearchType"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"search"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"query"},"value":{"kind":"Variable","name":{"kind":"Name","value":"query"}}},{"kind":"Argument","name":{"kind":"Name","value":"types"},"value":{"kind":"Variable","name":{"kind":"Name","value":"types"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"totalCountIsExact"}},{"kind":"Field","name":{"kind":"Name","value":"countsByType"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"isExact"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"highlights"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"snippet"}}]}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Cluster"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Organization"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PartnerInstitution"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Announcement"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<SearchQuery, SearchQueryVariables>;
export const UpdateClusterDocument = {"__meta__":{"hash":"sha256:f0f923cf466dc028e0edb8047315fe0191ceb3587a2b5191939496e1a3e92846"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateCluster"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateClusterInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateCluster"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"sectors"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}}]} as unknown as DocumentNode<UpdateClusterMutation, UpdateClusterMutationVariables>;
export const ViewerDocument = {"__meta__":{"hash":"sha256:bef11b39a8ed33de352dc5277aae1749f6f59828c9dd3b69d9bd230865ccbd54"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;