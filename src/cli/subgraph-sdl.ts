import 'reflect-metadata';
import { buildKlyngeSchema, printKlyngeSubgraphSdl } from '../graphql/schema.js';

/**
 * `npm run -s subgraph:sdl`: prints klynge's federation subgraph SDL (what `_service { sdl }`
 * answers) for a router's composition, e.g. `npm run -s subgraph:sdl > klynge.graphql`.
 */
process.stdout.write(printKlyngeSubgraphSdl(await buildKlyngeSchema()));
