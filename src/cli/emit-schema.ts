import 'reflect-metadata';
import { SCHEMA_FILE, SUBGRAPH_SCHEMA_FILE, buildKlyngeSchema, emitSchemaFiles } from '../graphql/schema.js';

/** `npm run schema:emit`: writes schema/schema.graphql and schema/subgraph.graphql from the code. */
await emitSchemaFiles(await buildKlyngeSchema());
console.log(`wrote ${SCHEMA_FILE} and ${SUBGRAPH_SCHEMA_FILE}`);
