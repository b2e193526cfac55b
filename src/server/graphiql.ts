import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Router } from 'express';

const require = createRequire(import.meta.url);
/** GraphiQL's prebuilt bundle (React, editor, CSS with inlined fonts, and workers), served by klynge itself: no CDN. */
const GRAPHIQL_PACKAGE = require.resolve('@graphql-yoga/graphiql/package.json');
const GRAPHIQL_DIST = join(dirname(GRAPHIQL_PACKAGE), 'dist');
/** The asset URLs carry the bundle's version, so browsers may cache them for good and still see an upgrade. */
const GRAPHIQL_VERSION: string = require(GRAPHIQL_PACKAGE).version;
export const GRAPHIQL_ASSETS_PATH = '/graphiql';

export const EXAMPLE_QUERY = `# Welcome to klynge: the Norwegian Innovation Clusters programme as a graph.
# Press the ▶ button (or Ctrl-Enter) to run. Open "Docs" for every type and field.

query ClustersByLevel {
  clusters(first: 10, orderBy: { field: LEVEL, direction: DESC }) {
    totalCount
    nodes {
      name
      level
      city
      sectors
      levelHistory { level fromDate toDate }
      members(first: 3) {
        totalCount
        nodes { role organization { name orgNumber } }
      }
    }
  }
  stats { clustersByLevel { key count } }
}
`;

/** More examples, each in a tab of its own beside the first one. */
export const MORE_EXAMPLES = [
  `# One cluster's page: its level history, members (paged with cursors), partners and news.
query ClusterPage($slug: String = "gce-subsea", $after: String) {
  cluster(slug: $slug) {
    name level county city sectors admittedOn
    levelHistory { level fromDate toDate }
    members(first: 5, after: $after, filter: { roles: [HOST, CORE, MEMBER] }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { role joinedOn leftOn organization { name orgNumber provenance } otherClusters(first: 3) { nodes { name } } } }
    }
    partners { nodes { role since partner { name kind } } }
    announcements(first: 3) { nodes { title publishedAt kind } }
  }
}
`,
  `# Free-text search across clusters, organizations, partners and announcements (Norwegian-aware):
# a results page with counts for its tabs (up to 1,000: isExact false means "1,000+"), highlighted matches (<mark> in escaped HTML), and paging
# (pass pageInfo.endCursor as \`after\` with the same query and types for the next page).
query Search($query: String! = "næringsklynger", $types: [SearchType!], $after: String) {
  search(query: $query, types: $types, first: 10, after: $after) {
    totalCount totalCountIsExact
    countsByType { type count isExact }
    pageInfo { hasNextPage endCursor }
    edges {
      rank
      highlights { field snippet }
      node {
        __typename
        ... on Cluster { name level }
        ... on Organization { name orgNumber }
        ... on PartnerInstitution { name kind }
        ... on Announcement { title publishedAt }
      }
    }
  }
}
`,
  `# Statistics for analysts over the clusters a filter selects. Member figures without a filter
# or by status alone come from counts the database keeps (fast at any size). Set the day and the
# status under Variables.
query Analytics($on: LocalDate = "2020-01-01", $status: ClusterStatus = ACTIVE) {
  all: stats {
    # Clusters per level on $on: clusters per level over time, one day at a time.
    clustersByLevel(activeOn: $on) { key count }
    membershipsByYear { key count }
    membershipCounts(groupBy: [CLUSTER_LEVEL, ROLE]) { keys count }
  }
  byStatus: stats(filter: { status: $status }) {
    membersByCountyAndLevel { county level count }
    membersByCounty { key count }
  }
  westernNorway: stats(filter: { counties: ["Vestland", "Rogaland"] }) {
    membersBySector { key count }
  }
}
`,
];

/** The Variables pane of the examples that take variables, by their operation name. */
export const EXAMPLE_VARIABLES: Record<string, Record<string, unknown>> = {
  Analytics: { on: '2020-01-01', status: 'ACTIVE' },
};

/**
 * A subscription in a tab of its own: GraphiQL runs it over graphql-ws at the same URL (ws:// or
 * wss:// as the page's own scheme) and shows each event as it arrives. Not a query, so kept apart
 * from the examples above (which tests run as queries).
 */
export const SUBSCRIPTION_EXAMPLE = `# Live changes: press ▶ and leave this tab open. Each change to a cluster shows here as it commits
# (try updateCluster in another tab, with "Authorization": "Bearer klynge_…" in Headers). ■ stops.
# Pass an event's \`position\` as $after to resume after it: missed events first, then live ones.
subscription LiveChanges($filter: ClusterEventFilter, $after: String) {
  clusterChanged(filter: $filter, after: $after) {
    position
    occurredAt
    kind
    changedFields
    cluster { slug name level status county }
  }
}
`;

/** The editor's web workers, by the label monaco asks for (the graphql file's double dot is the package's own name). */
const WORKERS = { json: 'json.worker.bundle.js', graphql: 'graphql.worker..bundle.js', default: 'editor.worker.bundle.js' };

/** JSON that is safe inside an inline <script> (no `</script>` or `<!--` can end it early). */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

function graphiqlHtml(endpoint: string): string {
  const asset = (file: string) => `${GRAPHIQL_ASSETS_PATH}/${file}?v=${encodeURIComponent(GRAPHIQL_VERSION)}`;
  const workers = Object.fromEntries(Object.entries(WORKERS).map(([label, file]) => [label, asset(`monacoeditorwork/${file}`)]));
  // yoga's GraphiQL always passes an initialQuery (a ?query= from the URL, else `query`, else its own
  // welcome text), so GraphiQL's `defaultQuery` never shows: the example goes in as `query`, with a
  // shared link's ?query= (GraphiQL writes the edited query there) still taking precedence.
  // Subscriptions go over graphql-ws (its client is inside the bundle): yoga's fetcher makes `endpoint`
  // absolute against the page's URL and turns http: into ws: and https: into wss:, so the socket
  // opens at this same /graphql, on whatever host and scheme the page was served from.
  const options = { endpoint, title: 'klynge', subscriptionsProtocol: 'WS' };
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>klynge · GraphiQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <link rel="icon" href="data:," />
  <link rel="stylesheet" href="${asset('graphiql.css')}" />
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql"></div>
  <script>
    // The editor's web workers come from this server too (there is no default: monaco would fail without this).
    const workers = ${scriptJson(workers)};
    self.MonacoEnvironment = { getWorkerUrl: (_moduleId, label) => workers[label] ?? workers.default };
  </script>
  <script src="${asset('yoga-graphiql.umd.js')}"></script>
  <script>
    const options = ${scriptJson(options)};
    const query = new URLSearchParams(location.search).get('query') || ${scriptJson(EXAMPLE_QUERY)};
    const examples = [...${scriptJson(MORE_EXAMPLES)}, ${scriptJson(SUBSCRIPTION_EXAMPLE)}];
    const exampleVariables = ${scriptJson(Object.fromEntries(Object.entries(EXAMPLE_VARIABLES).map(([name, v]) => [name, JSON.stringify(v, null, 2)])))};
    const variablesOf = (example) => exampleVariables[(/^(?:query|subscription) (w+)/m.exec(example) ?? [])[1]];
    const defaultTabs = [{ query }, ...examples.map((example) => ({ query: example, variables: variablesOf(example) }))];
    // GraphiQL sends the Headers pane with HTTP requests only; a token for subscriptions travels in
    // graphql-ws's connection_init. So an "Authorization" there goes into connection_init too, read
    // from where GraphiQL keeps the active tab's headers when a socket opens (it stays open while
    // any subscription runs).
    const connectionParams = () => {
      try {
        const headers = JSON.parse(localStorage.getItem('graphiql:headers') || '{}');
        const found = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization');
        return typeof found?.[1] === 'string' ? { authorization: found[1] } : {};
      } catch {
        return {};
      }
    };
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById('graphiql'), { ...options, query, defaultTabs, connectionParams });
  </script>
</body>
</html>`;
}

/** Serves GraphiQL at GET `endpoint` to browsers (Accept: text/html) and its assets; passes everything else on. */
export function graphiqlRouter(endpoint: string): Router {
  const router = express.Router();
  const html = graphiqlHtml(endpoint);
  router.use(GRAPHIQL_ASSETS_PATH, express.static(GRAPHIQL_DIST, { immutable: true, maxAge: '365d', index: false }));
  router.get(endpoint, (req, res, next) => {
    // Only a client that prefers HTML gets the page; JSON clients (and `Accept: */*`) reach Apollo.
    // A browser opening /graphql?query=... gets GraphiQL with that query: Apollo would refuse the
    // navigation anyway (CSRF prevention), and GraphiQL keeps the edited query in the URL.
    const wantsHtml = req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
    if (!wantsHtml) return next();
    res.type('html').set('cache-control', 'no-cache').send(html);
  });
  return router;
}
