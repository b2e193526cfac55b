// Q1–Q5 of the peer harness (../shared/bench-peers/src/queries.mjs), written for klynge's schema
// with the same meaning, and a mapping of klynge's answers onto the peers' JSON shape so the
// data can be compared.

export type QueryName = 'Q1' | 'Q2' | 'Q3' | 'Q4' | 'Q5' | 'S1' | 'T1' | 'T2' | 'T3' | 'T4' | 'T5' | 'T6';

/** Queries only klynge answers (the peers have no search or statistics): no ceiling, no same-data check, no ratios. */
export const KLYNGE_ONLY: ReadonlySet<QueryName> = new Set(['S1', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6']);

/** T5's days: clusters per level over time. */
export const LEVEL_DAYS = ['2010-01-01', '2015-06-30', '2020-01-01', '2025-01-01'];

/** S1's search words, round-robin: common ones in the generated data (tens of thousands of hits at S=100) and rarer ones. */
export const SEARCH_WORDS = ['programmet', 'bergen', 'innovation', 'subsea'];

export interface BenchQuery {
  /** Q1 takes a cluster slug. */
  vars: boolean;
  graphql: string;
  /** klynge's `data` in the peers' shape (klynge-only queries are never compared). */
  toPeerShape(data: any): unknown;
  /** The variables of each request, round-robin (Q1 takes the slugs instead). */
  variables?: Record<string, unknown>[];
}

const nodes = <T>(list: T[]) => ({ nodes: list });

export const KLYNGE_QUERIES: Record<QueryName, BenchQuery> = {
  // cluster page
  Q1: {
    vars: true,
    graphql: `query Q1($slug: String!) {
  cluster(slug: $slug) {
    slug name level
    members(first: 20, orderBy: { field: JOINED_ON, direction: ASC }) {
      nodes { role organization { name orgNumber city } }
    }
    partners(first: 100) { nodes { role partner { name kind } } }
    announcements(first: 5) { nodes { title publishedAt } }
  }
}`,
    toPeerShape: (d) => ({
      clusterBySlug: d.cluster && {
        slug: d.cluster.slug,
        name: d.cluster.name,
        level: d.cluster.level,
        membershipsByClusterSlug: nodes(
          d.cluster.members.nodes.map((m: any) => ({ role: m.role, organizationByOrgNumber: m.organization })),
        ),
        partnershipsByClusterSlug: nodes(
          d.cluster.partners.nodes.map((p: any) => ({ role: p.role, partnerByPartnerSlug: p.partner })),
        ),
        announcements: d.cluster.announcements,
      },
    }),
  },
  // list page
  Q2: {
    vars: false,
    graphql: `query Q2 {
  clusters(first: 50, filter: { levels: [NCE] }, orderBy: { field: NAME, direction: ASC }) {
    nodes {
      slug name
      members { totalCount }
      partners(first: 100) { nodes { partner { name } } }
    }
  }
}`,
    toPeerShape: (d) => ({
      allClusters: nodes(
        d.clusters.nodes.map((c: any) => ({
          slug: c.slug,
          name: c.name,
          membershipsByClusterSlug: { totalCount: c.members.totalCount },
          partnershipsByClusterSlug: nodes(c.partners.nodes.map((p: any) => ({ partnerByPartnerSlug: p.partner }))),
        })),
      ),
    }),
  },
  // nested fan-out
  Q3: {
    vars: false,
    graphql: `query Q3 {
  clusters(first: 100, orderBy: { field: NAME, direction: ASC }) {
    nodes {
      slug name
      members(first: 10, orderBy: { field: JOINED_ON, direction: ASC }) {
        nodes {
          role
          organization { orgNumber name }
          otherClusters(first: 3) { nodes { name level } }
        }
      }
    }
  }
}`,
    toPeerShape: (d) => ({
      allClusters: nodes(
        d.clusters.nodes.map((c: any) => ({
          slug: c.slug,
          name: c.name,
          membershipsByClusterSlug: nodes(
            c.members.nodes.map((m: any) => ({
              role: m.role,
              organizationByOrgNumber: m.organization,
              otherClusters: m.otherClusters,
            })),
          ),
        })),
      ),
    }),
  },
  // feed
  Q4: {
    vars: false,
    graphql: `query Q4 {
  announcements(first: 20, orderBy: { field: PUBLISHED_AT, direction: DESC }) {
    nodes {
      slug title publishedAt
      clusters { nodes { name level } }
    }
  }
}`,
    toPeerShape: (d) => ({
      allAnnouncements: nodes(
        d.announcements.nodes.map((a: any) => ({
          slug: a.slug,
          title: a.title,
          publishedAt: a.publishedAt,
          announcementClustersByAnnouncementSlug: nodes(a.clusters.nodes.map((c: any) => ({ clusterByClusterSlug: c }))),
        })),
      ),
    }),
  },
  // analytics: membership rows per (cluster level, cluster county)
  Q5: {
    vars: false,
    graphql: `query Q5 {
  stats { membershipCounts(groupBy: [CLUSTER_LEVEL, CLUSTER_COUNTY]) { keys count } }
}`,
    toPeerShape: (d) => ({
      allClusters: {
        groupedAggregates: d.stats.membershipCounts.map((g: any) => ({ keys: g.keys, sum: { memberCount: g.count } })),
      },
    }),
  },
  // search page: a results page with tabs and highlights (klynge only)
  S1: {
    vars: false,
    variables: SEARCH_WORDS.map((query) => ({ query })),
    graphql: `query S1($query: String! = "programmet") {
  search(query: $query, first: 20) {
    totalCount
    countsByType { type count }
    pageInfo { hasNextPage endCursor }
    edges {
      rank
      highlights { field snippet }
      node {
        __typename
        ... on Cluster { slug name }
        ... on Organization { orgNumber name }
        ... on PartnerInstitution { slug name }
        ... on Announcement { slug title }
      }
    }
  }
}`,
    toPeerShape: (d) => d,
  },
  // statistics (klynge only): the analysts' figures, read from kept counts
  T1: {
    vars: false,
    graphql: `query T1 {
  stats { membersByLevel { key count } membersByCounty { key count } }
}`,
    toPeerShape: (d) => d,
  },
  T2: {
    vars: false,
    graphql: `query T2 {
  stats { membersBySector { key count } }
}`,
    toPeerShape: (d) => d,
  },
  T3: {
    vars: false,
    graphql: `query T3 {
  stats(filter: { status: ACTIVE }) { membersByCountyAndLevel { county level count } }
}`,
    toPeerShape: (d) => d,
  },
  T4: {
    vars: false,
    graphql: `query T4 {
  stats { membershipsByYear { key count } }
}`,
    toPeerShape: (d) => d,
  },
  T5: {
    vars: false,
    variables: LEVEL_DAYS.map((on) => ({ on })),
    graphql: `query T5($on: LocalDate = "2020-01-01") {
  stats { clustersByLevel(activeOn: $on) { key count } }
}`,
    toPeerShape: (d) => d,
  },
  T6: {
    vars: false,
    graphql: `query T6 {
  stats(filter: { status: ACTIVE }) { membershipsByYear { key count } }
}`,
    toPeerShape: (d) => d,
  },
};
