import 'reflect-metadata';
import { SCHEMA_FILE, buildKlyngeSchema, emitSchemaFile } from '../graphql/schema.js';

/** `npm run schema:emit`: writes schema/schema.graphql from the code. */
await emitSchemaFile(await buildKlyngeSchema());
console.log(`wrote ${SCHEMA_FILE}`);
