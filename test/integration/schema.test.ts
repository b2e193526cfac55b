import { readFile } from 'node:fs/promises';
import { type GraphQLNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isUnionType } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  SCHEMA_FILE,
  SUBGRAPH_SCHEMA_FILE,
  buildKlyngeSchema,
  printKlyngeSchema,
  printKlyngeSubgraphSdl,
} from '../../src/graphql/schema.js';

describe('schema', () => {
  it('matches the checked-in schema/schema.graphql (run `npm run schema:emit` after changing it)', async () => {
    const emitted = printKlyngeSchema(await buildKlyngeSchema());
    expect(emitted).toBe(await readFile(SCHEMA_FILE, 'utf8'));
  });

  it('matches the checked-in schema/subgraph.graphql, the SDL for routers (`npm run schema:emit`)', async () => {
    const emitted = printKlyngeSubgraphSdl(await buildKlyngeSchema());
    expect(emitted).toBe(await readFile(SUBGRAPH_SCHEMA_FILE, 'utf8'));
  });

  it('describes every type, field, argument and enum value', async () => {
    const schema = await buildKlyngeSchema();
    const missing: string[] = [];
    const own = (t: GraphQLNamedType) => !t.name.startsWith('__');
    for (const type of Object.values(schema.getTypeMap()).filter(own)) {
      if (['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : [])
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const v of type.getValues()) if (!v.description) missing.push(`${type.name}.${v.name}`);
      if (isUnionType(type) && !type.description) missing.push(type.name);
    }
    expect(missing).toEqual([]);
  });
});
