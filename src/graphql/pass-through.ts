import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isObjectType,
  visit,
} from 'graphql';
import { draftVisibility } from '../auth/permissions.js';
import type { RequestContext } from '../context/request-context.js';
import { fromGlobalIdOf } from '../lib/global-id.js';
import { MAX_PAGE_SIZE } from '../lib/pagination.js';
import {
  type PassThroughJson,
  type PassThroughList,
  type PassThroughMember,
  type PassThroughRecordType,
  passThroughData,
} from '../repositories/pass-through.repository.js';
import { announcementRootList } from '../services/announcement.service.js';
import { clusterRootList } from '../services/cluster.service.js';
import { NESTED_LISTS } from './nested-lists.js';

// The pass-through: a query inside a documented subset of the schema (see the README) is answered
// by one statement (PostgreSQL or SQLite) that writes its whole `data` object as JSON text, generated from the
// operation once per shape. The text is spliced into Apollo's response as it is (see
// splicePassThrough): no driver parsing, no field resolution, no JSON.stringify of the data. All
// of Apollo's pipeline before execution (parsing, validation, depth/cost/rate limits, trusted
// documents) and after it (Cache-Control, metrics, logging) runs as for any request. Anything
// outside the subset, and any request the statement would not answer exactly as the usual path
// does (a reader who may see drafts, a transaction, arguments a resolver would refuse or
// treat specially), takes the usual path.

/** Scalar fields written straight from a column of their record's row (select aliases of the repositories). */
const COLUMNS: Record<string, Record<string, PassThroughJson>> = {
  Cluster: {
    id: { kind: 'globalId', type: 'Cluster' },
    ...values([
      'slug',
      'name',
      'level',
      'status',
      'county',
      'city',
      'description',
      'website',
      'orgNumber',
      'foundedYear',
      'admittedOn',
      'provenance',
      'version',
    ]),
  },
  Organization: {
    id: { kind: 'globalId', type: 'Organization' },
    ...values(['orgNumber', 'name', 'city', 'county', 'naceCode', 'employees', 'website', 'provenance', 'version']),
  },
  PartnerInstitution: {
    id: { kind: 'globalId', type: 'PartnerInstitution' },
    ...values(['slug', 'name', 'kind', 'orgNumber', 'city', 'website', 'provenance', 'version']),
  },
  Announcement: {
    id: { kind: 'globalId', type: 'Announcement' },
    ...values(['slug', 'title', 'body', 'language', 'status', 'kind', 'sourceUrl', 'provenance', 'version']),
    publishedAt: { kind: 'column', column: 'publishedAt', as: 'instant' },
  },
  Membership: {
    id: { kind: 'globalId', type: 'Membership' },
    ...values(['role', 'joinedOn', 'leftOn', 'version']),
  },
  Partnership: {
    id: { kind: 'globalId', type: 'Partnership' },
    ...values(['role', 'since', 'until', 'version']),
  },
};

/** Columns whose value is its JSON (strings, enums stored by name, integers, dates as YYYY-MM-DD). */
function values(columns: readonly string[]): Record<string, PassThroughJson> {
  return Object.fromEntries(columns.map((column) => [column, { kind: 'column', column, as: 'value' }]));
}

/** To-one fields: the record a row points to by a column; a page of the type may carry it (see membershipListQuery). */
const RECORDS: Record<string, Record<string, { type: PassThroughRecordType; key: string }>> = {
  Membership: {
    organization: { type: 'Organization', key: 'organizationId' },
    cluster: { type: 'Cluster', key: 'clusterId' },
  },
  Partnership: {
    partner: { type: 'PartnerInstitution', key: 'partnerId' },
    cluster: { type: 'Cluster', key: 'clusterId' },
  },
};

type Variables = Record<string, unknown>;
type ListOf = (ctx: RequestContext, args: never) => PassThroughList;
const nestedLists: Record<string, Record<string, ListOf> | undefined> = NESTED_LISTS;

/**
 * Raised by the compiler for anything outside the subset: the operation takes the usual path. Most
 * reasons are the document's own, whatever the variables; `byValues` marks those that are not
 * (an argument's value), so another request of the operation may still pass through.
 */
class Unsupported extends Error {
  constructor(
    why: string,
    readonly byValues = false,
  ) {
    super(why);
  }
}
const unsupported = (why: string): never => {
  throw new Unsupported(why);
};
const unsupportedValue = (why: string): never => {
  throw new Unsupported(why, true);
};

/** Where a statement value comes from: a root `cluster` field's slug or id, written in the document or a variable. */
interface KeySource {
  by: 'slug' | 'id';
  literal?: unknown;
  variable?: string;
}

/** An operation shape compiled: what the statement writes, and its values from a request's variables. */
interface CompiledShape {
  data: PassThroughJson;
  keys: KeySource[];
}

/** Compiles one operation under given variable values (those that change the statement's text). */
class ShapeCompiler {
  readonly keys: KeySource[] = [];
  private readonly fragments = new Map<string, SelectionSetNode>();
  private readonly fragmentTypes = new Map<string, string>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly variables: Variables,
    private readonly ctx: RequestContext,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
      if (definition.directives?.length) unsupported('directives');
      this.fragments.set(definition.name.value, definition.selectionSet);
      this.fragmentTypes.set(definition.name.value, definition.typeCondition.name.value);
    }
  }

  operation(operation: OperationDefinitionNode): PassThroughJson {
    const query = this.schema.getQueryType();
    if (operation.operation !== 'query' || !query || operation.directives?.length) return unsupported('not a query');
    for (const definition of operation.variableDefinitions ?? []) {
      if (definition.directives?.length) unsupported('directives');
    }
    const members: PassThroughMember[] = [];
    for (const [key, nodes] of this.merged(query, [operation.selectionSet])) {
      members.push([key, this.rootField(query, nodes)]);
    }
    return { kind: 'object', members };
  }

  /** The fields of selection sets on `type`, by response key, with fragments on exactly that type flattened. */
  private merged(type: GraphQLObjectType, sets: readonly (SelectionSetNode | undefined)[]): Map<string, FieldNode[]> {
    const fields = new Map<string, FieldNode[]>();
    const add = (set: SelectionSetNode | undefined) => {
      for (const selection of set?.selections ?? []) {
        if (selection.directives?.length) unsupported('directives');
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const group = fields.get(key);
          // Validation lets only the same field with the same arguments share a key; checked anyway.
          if (group && group[0].name.value !== selection.name.value) unsupported('one key, two fields');
          if (group) group.push(selection);
          else fields.set(key, [selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (selection.typeCondition && selection.typeCondition.name.value !== type.name) unsupported('type condition');
          add(selection.selectionSet);
        } else {
          const name = selection.name.value;
          if (this.fragmentTypes.get(name) !== type.name) unsupported('type condition');
          add(this.fragments.get(name));
        }
      }
    };
    for (const set of sets) add(set);
    return fields;
  }

  private rootField(query: GraphQLObjectType, nodes: FieldNode[]): PassThroughJson {
    const name = nodes[0].name.value;
    if (name === '__typename') return typename(query.name);
    const field = query.getFields()[name];
    if (!field) return unsupported(name);
    sameArguments(nodes);
    if (name === 'cluster') {
      const given = (nodes[0].arguments ?? []).filter((argument) => argument.value.kind !== Kind.NULL);
      if (given.length !== 1) return unsupported('cluster needs exactly one of slug and id');
      const [argument] = given;
      const by = argument.name.value;
      if (by !== 'slug' && by !== 'id') return unsupported(by);
      const source: KeySource =
        argument.value.kind === Kind.VARIABLE
          ? { by, variable: argument.value.name.value }
          : { by, literal: getArgumentValues(field, nodes[0], this.variables)[by] };
      this.keys.push(source);
      const type = objectType(field);
      return {
        kind: 'record',
        type: 'Cluster',
        by,
        key: { value: this.keys.length - 1 },
        value: this.object(type, nodes),
      };
    }
    const rootLists: Record<string, (args: never) => PassThroughList> = {
      announcements: (args) => announcementRootList(this.ctx, args),
      clusters: (args) => clusterRootList(args),
    };
    const listOf = rootLists[name];
    if (!listOf) return unsupported(name);
    return this.connection(field, nodes, (args) => listOf(args as never), false);
  }

  /**
   * An object of `type` selected by `nodes` (merged), written over its record's row; `carries`
   * names its to-one field whose record the row carries (a page item's, see membershipListQuery).
   */
  private object(type: GraphQLObjectType, nodes: readonly FieldNode[], carries?: string): PassThroughJson {
    const members: PassThroughMember[] = [];
    const columns = COLUMNS[type.name] ?? {};
    for (const [key, fieldNodes] of this.merged(
      type,
      nodes.map((node) => node.selectionSet),
    )) {
      const name = fieldNodes[0].name.value;
      if (name === '__typename') {
        members.push([key, typename(type.name)]);
        continue;
      }
      if (fieldNodes.some((node) => node.arguments?.length) && !nestedLists[type.name]?.[name]) unsupported('arguments');
      const column = columns[name];
      if (column) {
        members.push([key, column]);
        continue;
      }
      const field = type.getFields()[name] ?? unsupported(name);
      const listOf = nestedLists[type.name]?.[name];
      if (listOf) {
        sameArguments(fieldNodes);
        members.push([key, this.connection(field, fieldNodes, (args) => listOf(this.ctx, args as never), true)]);
        continue;
      }
      const record = RECORDS[type.name]?.[name];
      if (record) {
        const value = this.object(objectType(field), fieldNodes);
        members.push([
          key,
          name === carries
            ? { kind: 'carried', value }
            : { kind: 'record', type: record.type, by: 'id', key: { column: record.key }, value },
        ]);
        continue;
      }
      unsupported(`${type.name}.${name}`);
    }
    return { kind: 'object', members };
  }

  /**
   * A connection field: its list under the arguments (only `first` and `orderBy`, as its resolver
   * takes them), with `nodes`, `edges { node }`, `totalCount` (nested lists) and `__typename`.
   */
  private connection(
    field: GraphQLField<unknown, unknown>,
    nodes: readonly FieldNode[],
    listOf: (args: Record<string, unknown>) => PassThroughList,
    nested: boolean,
  ): PassThroughJson {
    const args = getArgumentValues(field, nodes[0], this.variables);
    for (const [name, value] of Object.entries(args)) {
      if (value === null || value === undefined) continue;
      if (name === 'first') {
        if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_PAGE_SIZE) unsupportedValue('first');
      } else if (name !== 'orderBy') unsupportedValue(name);
    }
    // The service works out the ordering and window exactly as for the resolver (defaults included).
    const list = listOf(args);
    if (!list.window.forward || list.window.cursor) unsupportedValue('cursor');
    const connectionType = objectType(field);
    const itemType = objectType(connectionType.getFields().nodes);
    const edgeType = objectType(connectionType.getFields().edges);
    const carries = list.query(this.ctx.db).joinedAs;
    const members: PassThroughMember[] = [];
    for (const [key, fieldNodes] of this.merged(
      connectionType,
      nodes.map((node) => node.selectionSet),
    )) {
      const name = fieldNodes[0].name.value;
      if (name === '__typename') members.push([key, typename(connectionType.name)]);
      else if (name === 'nodes') members.push([key, { kind: 'page', list, item: this.object(itemType, fieldNodes, carries) }]);
      else if (name === 'totalCount' && nested) members.push([key, { kind: 'count', list }]);
      else if (name === 'edges') {
        const edge: PassThroughMember[] = [];
        for (const [edgeKey, edgeNodes] of this.merged(
          edgeType,
          fieldNodes.map((node) => node.selectionSet),
        )) {
          const edgeField = edgeNodes[0].name.value;
          if (edgeField === '__typename') edge.push([edgeKey, typename(edgeType.name)]);
          else if (edgeField === 'node') edge.push([edgeKey, this.object(itemType, edgeNodes, carries)]);
          else unsupported(`edges.${edgeField}`);
        }
        members.push([key, { kind: 'page', list, item: { kind: 'object', members: edge } }]);
      } else unsupported(name);
    }
    return { kind: 'object', members };
  }
}

const typename = (name: string): PassThroughJson => ({ kind: 'constant', json: JSON.stringify(name) });

function objectType(field: GraphQLField<unknown, unknown> | undefined): GraphQLObjectType {
  const type = field && getNamedType(field.type);
  return type && isObjectType(type) ? type : unsupported('not an object type');
}

/** Fields merged under one key must have the same arguments (validation says so; checked, as the executor uses the first). */
function sameArguments(nodes: readonly FieldNode[]): void {
  if (nodes.length < 2) return;
  const text = (node: FieldNode) =>
    JSON.stringify(node.arguments?.map((argument) => [argument.name.value, argument.value]) ?? []);
  const first = text(stripLocations(nodes[0]));
  if (nodes.some((node) => text(stripLocations(node)) !== first)) unsupported('arguments differ');
}

/** A field node without locations, so two writings of the same arguments compare equal. */
const stripLocations = (node: FieldNode): FieldNode =>
  visit(node, {
    enter(n) {
      if ('loc' in n && n.loc) return { ...n, loc: undefined };
      return undefined;
    },
  });

/** The operation of a document by name (or its only one). */
function operationOf(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/**
 * The variables whose values change a statement's text (page sizes, orderings): all but those only
 * used as a root `cluster` field's slug or id, which the statement takes as values.
 */
function textVariables(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const keyUses = new Map<string, number>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value !== 'cluster') continue;
    for (const argument of selection.arguments ?? []) {
      if (argument.value.kind === Kind.VARIABLE && (argument.name.value === 'slug' || argument.name.value === 'id')) {
        keyUses.set(argument.value.name.value, (keyUses.get(argument.value.name.value) ?? 0) + 1);
      }
    }
  }
  const uses = new Map<string, number>();
  visit(document, {
    Variable(variable) {
      uses.set(variable.name.value, (uses.get(variable.name.value) ?? 0) + 1);
    },
  });
  // Each definition names its variable once more.
  const names = (operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value);
  return names.filter((name) => (uses.get(name) ?? 0) - 1 !== (keyUses.get(name) ?? -1)).sort();
}

/** What is kept per operation of a parsed document: its text variables, and its compiled shapes by their values. */
interface OperationShapes {
  operation: OperationDefinitionNode;
  textVariables: string[];
  /** Compiled shapes by the text variables' values; null: the usual path. */
  shapes: Map<string, CompiledShape | null>;
  /** Outside the subset whatever its variables. */
  never?: boolean;
}

/** Shapes kept per operation, for different values of its text variables; a safety net. */
const SHAPES_PER_OPERATION = 64;

/** Where a request's `data` text waits to be written (see splicePassThrough); set on requests that may pass data through. */
export interface PassThroughSlot {
  json?: string;
  /** Set by the one operation that may use the slot (a batch of operations would share it). */
  taken?: boolean;
}

/** What Apollo writes in place of passed-through data: a string no statement's text can equal, as JSON.stringify escapes it. */
const PLACEHOLDER = '\u0000klynge-pass-through';
const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER);
/** Data Apollo carries and serializes as the placeholder. */
const placeholderData = Object.freeze({ toJSON: () => PLACEHOLDER }) as unknown as Record<string, unknown>;

/** Requests answered by the pass-through since the process started (the differential test reads it). */
let passedThrough = 0;
export const passedThroughCount = () => passedThrough;

/**
 * The pass-through for a schema: the operation's result from its one statement, or undefined when
 * the usual path must answer it (synchronously, so that costs nothing). The data is a placeholder;
 * the request's slot holds its text.
 */
export function passThrough(schema: GraphQLSchema) {
  const byDocument = new WeakMap<DocumentNode, Map<string, OperationShapes | null>>();

  const shapesOf = (document: DocumentNode, operationName: string | null | undefined): OperationShapes | null => {
    let operations = byDocument.get(document);
    if (!operations) {
      operations = new Map();
      byDocument.set(document, operations);
    }
    const name = operationName ?? '';
    let shapes = operations.get(name);
    if (shapes === undefined) {
      const operation = operationOf(document, operationName);
      shapes =
        operation?.operation === 'query'
          ? { operation, textVariables: textVariables(document, operation), shapes: new Map() }
          : null;
      if (operations.size >= SHAPES_PER_OPERATION) operations.clear();
      operations.set(name, shapes);
    }
    return shapes;
  };

  return (
    document: DocumentNode,
    operationName: string | null | undefined,
    rawVariables: Variables,
    ctx: RequestContext & { passThrough?: PassThroughSlot },
  ): Promise<ExecutionResult> | undefined => {
    const slot = ctx.passThrough;
    if (!slot || slot.taken || !ctx.db.outsideTransaction || draftVisibility(ctx.viewer).drafts !== 'none') return undefined;
    const operation = shapesOf(document, operationName);
    if (!operation || operation.never) return undefined;
    // Variables as the executor coerces them; values it would refuse take the usual path and its errors.
    let variables: Variables = {};
    if (operation.operation.variableDefinitions?.length) {
      const coerced = getVariableValues(schema, operation.operation.variableDefinitions, rawVariables);
      if (coerced.errors) return undefined;
      variables = coerced.coerced;
    }
    const key =
      operation.textVariables.length === 0
        ? ''
        : JSON.stringify(operation.textVariables.map((name) => (name in variables ? [variables[name]] : [])));
    let shape = operation.shapes.get(key);
    if (shape === undefined) {
      const compiled = compileShape(schema, document, operation.operation, variables, ctx);
      // Outside the subset whatever the variables: later requests skip even their coercion.
      if (compiled.never) operation.never = true;
      shape = compiled.shape;
      if (operation.shapes.size >= SHAPES_PER_OPERATION) operation.shapes.clear();
      operation.shapes.set(key, shape);
    }
    if (!shape) return undefined;
    const values = keyValues(shape.keys, variables);
    if (!values) return undefined;
    passedThrough++;
    slot.taken = true;
    return passThroughData(ctx.db, shape, shape.data, values).then((json) => {
      slot.json = json;
      return { data: placeholderData };
    });
  };
}

/** The operation compiled under these variables; null: the usual path, for these values or (`never`) for any. */
function compileShape(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Variables,
  ctx: RequestContext,
): { shape: CompiledShape | null; never?: boolean } {
  try {
    const compiler = new ShapeCompiler(schema, document, variables, ctx);
    const data = compiler.operation(operation);
    return { shape: { data, keys: compiler.keys } };
  } catch (error) {
    // Outside the subset, or arguments a service refuses (its resolver reports them): the usual path.
    return { shape: null, never: error instanceof Unsupported && !error.byValues };
  }
}

/** The largest id a row has (PostgreSQL's integer): a larger one is no row's (the usual path answers it). */
const MAX_ID = 2_147_483_647;

/** The statement's values (slugs, database ids) for a request, or undefined when the usual path must answer (null, a bad id). */
function keyValues(keys: readonly KeySource[], variables: Variables): unknown[] | undefined {
  const values: unknown[] = [];
  for (const key of keys) {
    const value = key.variable === undefined ? key.literal : variables[key.variable];
    if (typeof value !== 'string') return undefined;
    if (key.by === 'slug') values.push(value);
    else {
      let id: number;
      try {
        id = fromGlobalIdOf('Cluster', value);
      } catch {
        return undefined;
      }
      if (id > MAX_ID) return undefined;
      values.push(id);
    }
  }
  return values;
}

/** A response body with the passed-through data written in place of its placeholder. */
export function splicePassThrough(body: string, slot: PassThroughSlot | undefined): string {
  if (slot?.json === undefined) return body;
  const at = body.indexOf(PLACEHOLDER_JSON);
  if (at < 0) return body;
  return body.slice(0, at) + slot.json + body.slice(at + PLACEHOLDER_JSON.length);
}
