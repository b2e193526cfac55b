/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query Announcement($slug: String!) {\n  announcement(slug: $slug) {\n    slug\n    title\n    status\n    publishedAt\n  }\n}": typeof types.AnnouncementDocument,
    "query AuditLog($first: Int, $filter: AuditLogFilter) {\n  auditLog(first: $first, filter: $filter) {\n    nodes {\n      at\n      actorName\n      action\n      entityType\n      entityId\n      changes {\n        field\n        before\n        after\n      }\n    }\n  }\n}": typeof types.AuditLogDocument,
    "subscription ClusterChanged($filter: ClusterEventFilter, $after: String) {\n  clusterChanged(filter: $filter, after: $after) {\n    position\n    occurredAt\n    kind\n    clusterId\n    changedFields\n    cluster {\n      id\n      slug\n      name\n      level\n      version\n    }\n  }\n}": typeof types.ClusterChangedDocument,
    "query ClusterList($first: Int, $after: String, $filter: ClusterFilter, $orderBy: ClusterOrder) {\n  clusters(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    nodes {\n      id\n      slug\n      name\n      level\n      admittedOn\n    }\n  }\n}": typeof types.ClusterListDocument,
    "query ClusterPage($slug: String!, $membersFirst: Int = 20, $membersAfter: String) {\n  cluster(slug: $slug) {\n    id\n    slug\n    name\n    level\n    county\n    city\n    sectors\n    levelHistory {\n      level\n      fromDate\n      toDate\n    }\n    members(first: $membersFirst, after: $membersAfter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          role\n          joinedOn\n          leftOn\n          organization {\n            name\n            orgNumber\n            provenance\n          }\n        }\n      }\n    }\n    partners {\n      nodes {\n        role\n        partner {\n          name\n          kind\n        }\n      }\n    }\n    announcements(first: 5) {\n      nodes {\n        title\n        publishedAt\n      }\n    }\n  }\n}": typeof types.ClusterPageDocument,
    "query ClusterVersion($slug: String!) {\n  cluster(slug: $slug) {\n    id\n    version\n  }\n}": typeof types.ClusterVersionDocument,
    "mutation CreateAnnouncement($input: CreateAnnouncementInput!) {\n  createAnnouncement(input: $input) {\n    announcement {\n      id\n      slug\n      status\n      publishedAt\n      version\n    }\n  }\n}": typeof types.CreateAnnouncementDocument,
    "query NodeById($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ... on Cluster {\n      name\n    }\n    ... on Organization {\n      name\n    }\n  }\n}": typeof types.NodeByIdDocument,
    "query ProgrammeStats($filter: ClusterFilter) {\n  stats(filter: $filter) {\n    clustersByLevel {\n      key\n      count\n    }\n    membersByLevel {\n      key\n      count\n    }\n    membersByCounty {\n      key\n      count\n    }\n    membersBySector {\n      key\n      count\n    }\n    membershipsByYear {\n      key\n      count\n    }\n  }\n}": typeof types.ProgrammeStatsDocument,
    "mutation PublishAnnouncement($input: PublishAnnouncementInput!) {\n  publishAnnouncement(input: $input) {\n    announcement {\n      id\n      status\n      publishedAt\n      version\n    }\n  }\n}": typeof types.PublishAnnouncementDocument,
    "query Search($query: String!, $types: [SearchType!], $first: Int, $after: String) {\n  search(query: $query, types: $types, first: $first, after: $after) {\n    totalCount\n    totalCountIsExact\n    countsByType {\n      type\n      count\n      isExact\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      rank\n      highlights {\n        field\n        snippet\n      }\n      node {\n        __typename\n        ... on Cluster {\n          id\n          name\n        }\n        ... on Organization {\n          id\n          name\n        }\n        ... on PartnerInstitution {\n          id\n          name\n        }\n        ... on Announcement {\n          id\n          title\n        }\n      }\n    }\n  }\n}": typeof types.SearchDocument,
    "mutation UpdateCluster($input: UpdateClusterInput!) {\n  updateCluster(input: $input) {\n    cluster {\n      id\n      slug\n      name\n      sectors\n      version\n    }\n  }\n}": typeof types.UpdateClusterDocument,
    "query Viewer {\n  viewer {\n    name\n    role\n    clusters {\n      slug\n      version\n    }\n  }\n}": typeof types.ViewerDocument,
};
const documents: Documents = {
    "query Announcement($slug: String!) {\n  announcement(slug: $slug) {\n    slug\n    title\n    status\n    publishedAt\n  }\n}": types.AnnouncementDocument,
    "query AuditLog($first: Int, $filter: AuditLogFilter) {\n  auditLog(first: $first, filter: $filter) {\n    nodes {\n      at\n      actorName\n      action\n      entityType\n      entityId\n      changes {\n        field\n        before\n        after\n      }\n    }\n  }\n}": types.AuditLogDocument,
    "subscription ClusterChanged($filter: ClusterEventFilter, $after: String) {\n  clusterChanged(filter: $filter, after: $after) {\n    position\n    occurredAt\n    kind\n    clusterId\n    changedFields\n    cluster {\n      id\n      slug\n      name\n      level\n      version\n    }\n  }\n}": types.ClusterChangedDocument,
    "query ClusterList($first: Int, $after: String, $filter: ClusterFilter, $orderBy: ClusterOrder) {\n  clusters(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    nodes {\n      id\n      slug\n      name\n      level\n      admittedOn\n    }\n  }\n}": types.ClusterListDocument,
    "query ClusterPage($slug: String!, $membersFirst: Int = 20, $membersAfter: String) {\n  cluster(slug: $slug) {\n    id\n    slug\n    name\n    level\n    county\n    city\n    sectors\n    levelHistory {\n      level\n      fromDate\n      toDate\n    }\n    members(first: $membersFirst, after: $membersAfter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          role\n          joinedOn\n          leftOn\n          organization {\n            name\n            orgNumber\n            provenance\n          }\n        }\n      }\n    }\n    partners {\n      nodes {\n        role\n        partner {\n          name\n          kind\n        }\n      }\n    }\n    announcements(first: 5) {\n      nodes {\n        title\n        publishedAt\n      }\n    }\n  }\n}": types.ClusterPageDocument,
    "query ClusterVersion($slug: String!) {\n  cluster(slug: $slug) {\n    id\n    version\n  }\n}": types.ClusterVersionDocument,
    "mutation CreateAnnouncement($input: CreateAnnouncementInput!) {\n  createAnnouncement(input: $input) {\n    announcement {\n      id\n      slug\n      status\n      publishedAt\n      version\n    }\n  }\n}": types.CreateAnnouncementDocument,
    "query NodeById($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ... on Cluster {\n      name\n    }\n    ... on Organization {\n      name\n    }\n  }\n}": types.NodeByIdDocument,
    "query ProgrammeStats($filter: ClusterFilter) {\n  stats(filter: $filter) {\n    clustersByLevel {\n      key\n      count\n    }\n    membersByLevel {\n      key\n      count\n    }\n    membersByCounty {\n      key\n      count\n    }\n    membersBySector {\n      key\n      count\n    }\n    membershipsByYear {\n      key\n      count\n    }\n  }\n}": types.ProgrammeStatsDocument,
    "mutation PublishAnnouncement($input: PublishAnnouncementInput!) {\n  publishAnnouncement(input: $input) {\n    announcement {\n      id\n      status\n      publishedAt\n      version\n    }\n  }\n}": types.PublishAnnouncementDocument,
    "query Search($query: String!, $types: [SearchType!], $first: Int, $after: String) {\n  search(query: $query, types: $types, first: $first, after: $after) {\n    totalCount\n    totalCountIsExact\n    countsByType {\n      type\n      count\n      isExact\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      rank\n      highlights {\n        field\n        snippet\n      }\n      node {\n        __typename\n        ... on Cluster {\n          id\n          name\n        }\n        ... on Organization {\n          id\n          name\n        }\n        ... on PartnerInstitution {\n          id\n          name\n        }\n        ... on Announcement {\n          id\n          title\n        }\n      }\n    }\n  }\n}": types.SearchDocument,
    "mutation UpdateCluster($input: UpdateClusterInput!) {\n  updateCluster(input: $input) {\n    cluster {\n      id\n      slug\n      name\n      sectors\n      version\n    }\n  }\n}": types.UpdateClusterDocument,
    "query Viewer {\n  viewer {\n    name\n    role\n    clusters {\n      slug\n      version\n    }\n  }\n}": types.ViewerDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Announcement($slug: String!) {\n  announcement(slug: $slug) {\n    slug\n    title\n    status\n    publishedAt\n  }\n}"): (typeof documents)["query Announcement($slug: String!) {\n  announcement(slug: $slug) {\n    slug\n    title\n    status\n    publishedAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AuditLog($first: Int, $filter: AuditLogFilter) {\n  auditLog(first: $first, filter: $filter) {\n    nodes {\n      at\n      actorName\n      action\n      entityType\n      entityId\n      changes {\n        field\n        before\n        after\n      }\n    }\n  }\n}"): (typeof documents)["query AuditLog($first: Int, $filter: AuditLogFilter) {\n  auditLog(first: $first, filter: $filter) {\n    nodes {\n      at\n      actorName\n      action\n      entityType\n      entityId\n      changes {\n        field\n        before\n        after\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription ClusterChanged($filter: ClusterEventFilter, $after: String) {\n  clusterChanged(filter: $filter, after: $after) {\n    position\n    occurredAt\n    kind\n    clusterId\n    changedFields\n    cluster {\n      id\n      slug\n      name\n      level\n      version\n    }\n  }\n}"): (typeof documents)["subscription ClusterChanged($filter: ClusterEventFilter, $after: String) {\n  clusterChanged(filter: $filter, after: $after) {\n    position\n    occurredAt\n    kind\n    clusterId\n    changedFields\n    cluster {\n      id\n      slug\n      name\n      level\n      version\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ClusterList($first: Int, $after: String, $filter: ClusterFilter, $orderBy: ClusterOrder) {\n  clusters(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    nodes {\n      id\n      slug\n      name\n      level\n      admittedOn\n    }\n  }\n}"): (typeof documents)["query ClusterList($first: Int, $after: String, $filter: ClusterFilter, $orderBy: ClusterOrder) {\n  clusters(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    nodes {\n      id\n      slug\n      name\n      level\n      admittedOn\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ClusterPage($slug: String!, $membersFirst: Int = 20, $membersAfter: String) {\n  cluster(slug: $slug) {\n    id\n    slug\n    name\n    level\n    county\n    city\n    sectors\n    levelHistory {\n      level\n      fromDate\n      toDate\n    }\n    members(first: $membersFirst, after: $membersAfter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          role\n          joinedOn\n          leftOn\n          organization {\n            name\n            orgNumber\n            provenance\n          }\n        }\n      }\n    }\n    partners {\n      nodes {\n        role\n        partner {\n          name\n          kind\n        }\n      }\n    }\n    announcements(first: 5) {\n      nodes {\n        title\n        publishedAt\n      }\n    }\n  }\n}"): (typeof documents)["query ClusterPage($slug: String!, $membersFirst: Int = 20, $membersAfter: String) {\n  cluster(slug: $slug) {\n    id\n    slug\n    name\n    level\n    county\n    city\n    sectors\n    levelHistory {\n      level\n      fromDate\n      toDate\n    }\n    members(first: $membersFirst, after: $membersAfter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          role\n          joinedOn\n          leftOn\n          organization {\n            name\n            orgNumber\n            provenance\n          }\n        }\n      }\n    }\n    partners {\n      nodes {\n        role\n        partner {\n          name\n          kind\n        }\n      }\n    }\n    announcements(first: 5) {\n      nodes {\n        title\n        publishedAt\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ClusterVersion($slug: String!) {\n  cluster(slug: $slug) {\n    id\n    version\n  }\n}"): (typeof documents)["query ClusterVersion($slug: String!) {\n  cluster(slug: $slug) {\n    id\n    version\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateAnnouncement($input: CreateAnnouncementInput!) {\n  createAnnouncement(input: $input) {\n    announcement {\n      id\n      slug\n      status\n      publishedAt\n      version\n    }\n  }\n}"): (typeof documents)["mutation CreateAnnouncement($input: CreateAnnouncementInput!) {\n  createAnnouncement(input: $input) {\n    announcement {\n      id\n      slug\n      status\n      publishedAt\n      version\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query NodeById($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ... on Cluster {\n      name\n    }\n    ... on Organization {\n      name\n    }\n  }\n}"): (typeof documents)["query NodeById($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ... on Cluster {\n      name\n    }\n    ... on Organization {\n      name\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ProgrammeStats($filter: ClusterFilter) {\n  stats(filter: $filter) {\n    clustersByLevel {\n      key\n      count\n    }\n    membersByLevel {\n      key\n      count\n    }\n    membersByCounty {\n      key\n      count\n    }\n    membersBySector {\n      key\n      count\n    }\n    membershipsByYear {\n      key\n      count\n    }\n  }\n}"): (typeof documents)["query ProgrammeStats($filter: ClusterFilter) {\n  stats(filter: $filter) {\n    clustersByLevel {\n      key\n      count\n    }\n    membersByLevel {\n      key\n      count\n    }\n    membersByCounty {\n      key\n      count\n    }\n    membersBySector {\n      key\n      count\n    }\n    membershipsByYear {\n      key\n      count\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PublishAnnouncement($input: PublishAnnouncementInput!) {\n  publishAnnouncement(input: $input) {\n    announcement {\n      id\n      status\n      publishedAt\n      version\n    }\n  }\n}"): (typeof documents)["mutation PublishAnnouncement($input: PublishAnnouncementInput!) {\n  publishAnnouncement(input: $input) {\n    announcement {\n      id\n      status\n      publishedAt\n      version\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Search($query: String!, $types: [SearchType!], $first: Int, $after: String) {\n  search(query: $query, types: $types, first: $first, after: $after) {\n    totalCount\n    totalCountIsExact\n    countsByType {\n      type\n      count\n      isExact\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      rank\n      highlights {\n        field\n        snippet\n      }\n      node {\n        __typename\n        ... on Cluster {\n          id\n          name\n        }\n        ... on Organization {\n          id\n          name\n        }\n        ... on PartnerInstitution {\n          id\n          name\n        }\n        ... on Announcement {\n          id\n          title\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query Search($query: String!, $types: [SearchType!], $first: Int, $after: String) {\n  search(query: $query, types: $types, first: $first, after: $after) {\n    totalCount\n    totalCountIsExact\n    countsByType {\n      type\n      count\n      isExact\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      rank\n      highlights {\n        field\n        snippet\n      }\n      node {\n        __typename\n        ... on Cluster {\n          id\n          name\n        }\n        ... on Organization {\n          id\n          name\n        }\n        ... on PartnerInstitution {\n          id\n          name\n        }\n        ... on Announcement {\n          id\n          title\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateCluster($input: UpdateClusterInput!) {\n  updateCluster(input: $input) {\n    cluster {\n      id\n      slug\n      name\n      sectors\n      version\n    }\n  }\n}"): (typeof documents)["mutation UpdateCluster($input: UpdateClusterInput!) {\n  updateCluster(input: $input) {\n    cluster {\n      id\n      slug\n      name\n      sectors\n      version\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Viewer {\n  viewer {\n    name\n    role\n    clusters {\n      slug\n      version\n    }\n  }\n}"): (typeof documents)["query Viewer {\n  viewer {\n    name\n    role\n    clusters {\n      slug\n      version\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;