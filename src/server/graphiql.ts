import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Router } from 'express';

const require = createRequire(import.meta.url);
/** GraphiQL's prebuilt bundle (React, editor, CSS and workers), served by klynge itself: no CDN. */
const GRAPHIQL_DIST = join(dirname(require.resolve('@graphql-yoga/graphiql/package.json')), 'dist');
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

function graphiqlHtml(endpoint: string): string {
  const options = JSON.stringify({ endpoint, defaultQuery: EXAMPLE_QUERY, title: 'klynge', subscriptionsProtocol: 'WS' });
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>klynge · GraphiQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <link rel="icon" href="data:," />
  <link rel="stylesheet" href="${GRAPHIQL_ASSETS_PATH}/graphiql.css" />
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql"></div>
  <script>
    // The editor's web workers come from this server too.
    self.MonacoEnvironment = {
      getWorkerUrl(_moduleId, label) {
        const file = label === 'json' ? 'json.worker.bundle.js' : label === 'graphql' ? 'graphql.worker..bundle.js' : 'editor.worker.bundle.js';
        return '${GRAPHIQL_ASSETS_PATH}/monacoeditorwork/' + file;
      },
    };
  </script>
  <script src="${GRAPHIQL_ASSETS_PATH}/yoga-graphiql.umd.js"></script>
  <script>
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById('graphiql'), ${options});
  </script>
</body>
</html>`;
}

/** Serves GraphiQL at GET `endpoint` to browsers (Accept: text/html) and its assets; passes everything else on. */
export function graphiqlRouter(endpoint: string): Router {
  const router = express.Router();
  const html = graphiqlHtml(endpoint);
  router.use(GRAPHIQL_ASSETS_PATH, express.static(GRAPHIQL_DIST, { immutable: true, maxAge: '7d', index: false }));
  router.get(endpoint, (req, res, next) => {
    const wantsHtml = req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
    if (!wantsHtml || typeof req.query.query === 'string') return next();
    res.type('html').send(html);
  });
  return router;
}
