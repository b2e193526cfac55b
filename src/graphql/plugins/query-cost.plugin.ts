import type { ApolloServerPlugin } from '@apollo/server';
import {
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type SelectionSetNode,
  getNamedType,
  getNullableType,
  isListType,
  visit,
} from 'graphql';
import { type ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import { DEFAULT_MAX_QUERY_COST } from '../../config/defaults.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../lib/pagination.js';
import { fieldsOf, fragmentsOf } from '../selections.js';

/** `extensions.code` of an operation refused for its cost, depth or number of aliases. */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

export { DEFAULT_MAX_QUERY_COST };

export interface QueryCostOptions {
  /** The highest cost an operation may have (default 150,000). */
  maxCost?: number;
}

/** Fields of a connection that hold its page: `nodes { … }` and `edges { node { … } }` cost the same. */
export const isPageField = (parentType: string, field: string) =>
  (parentType.endsWith('Connection') && (field === 'nodes' || field === 'edges')) ||
  (parentType.endsWith('Edge') && field === 'node');

/** A page size as the resolvers will see it: clamped to MAX_PAGE_SIZE, beyond which they refuse with PAGE_SIZE_EXCEEDED. */
export const size = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? Math.min(Math.max(Math.trunc(value), 0), MAX_PAGE_SIZE) : undefined;

type Fragments = ReadonlyMap<string, FragmentDefinitionNode>;

/** Fields under a selection set, each 1 (fragments inlined; @skip/@include ignored, so an upper bound). */
function countFields(set: SelectionSetNode | undefined, fragments: Fragments): number {
  let cost = 0;
  for (const field of fieldsOf(set, (name) => fragments.get(name))) cost += 1 + countFields(field.selectionSet, fragments);
  return cost;
}

/** The part of a connection's selection paid once per connection (totalCount, pageInfo, __typename), not per item. */
function oncePerConnection(set: SelectionSetNode | undefined, fragments: Fragments): number {
  let cost = 0;
  for (const field of fieldsOf(set, (name) => fragments.get(name))) {
    if (field.name.value !== 'nodes' && field.name.value !== 'edges') cost += 1 + countFields(field.selectionSet, fragments);
  }
  return cost;
}

/**
 * klynge's cost model: every field costs 1, and a list multiplies what is selected under it by the
 * number of items it can return: a connection (`search` included) by `first` ?? `last` ?? 20, a
 * list with a `first` argument by `first` ?? 20, a list with `ids` (`nodes`) by their number, and
 * federation's `_entities` by the number of its representations.
 */
export function klyngeCostEstimator(fragments: Fragments = new Map()): ComplexityEstimator {
  return ({ type, field, node, args, childComplexity }) => {
    if (isPageField(type.name, field.name)) return childComplexity;
    if (getNamedType(field.type).name.endsWith('Connection')) {
      const items = size(args.first) ?? size(args.last) ?? DEFAULT_PAGE_SIZE;
      const once = Math.min(oncePerConnection(node.selectionSet, fragments), childComplexity);
      return 1 + once + items * (childComplexity - once);
    }
    if (isListType(getNullableType(field.type))) {
      if (Array.isArray(args.ids)) return 1 + size(args.ids.length)! * childComplexity;
      // Not capped at a page size: a gateway may ask for more entities than a page holds (there is
      // no paging rule to refuse them), so the cost limit is what bounds them.
      if (Array.isArray(args.representations)) return 1 + args.representations.length * childComplexity;
      if (field.args.some((arg) => arg.name === 'first')) return 1 + (size(args.first) ?? DEFAULT_PAGE_SIZE) * childComplexity;
    }
    return 1 + childComplexity;
  };
}

/** Thrown by graphql-query-complexity when a document has more selections than it will walk. */
const TOO_MANY_NODES = /maximum allowed number of nodes/;

/**
 * The cost of one operation of a document under klynge's cost model; undefined when it cannot be
 * computed because the variables are invalid (execution reports that as BAD_USER_INPUT).
 */
export function queryCost(input: OperationInput): number | undefined {
  const fragments = fragmentsOf(input.document);
  try {
    return getComplexity({
      schema: input.schema,
      query: input.document,
      operationName: input.operationName,
      variables: input.variables,
      estimators: [klyngeCostEstimator(fragments)],
    });
  } catch (error) {
    if (error instanceof GraphQLError && TOO_MANY_NODES.test(error.message)) return Number.POSITIVE_INFINITY;
    return undefined;
  }
}

/**
 * Arguments the cost model reads: of page sizes and `if` (@skip/@include) the value, of `ids` and
 * `representations` only the number of items (so a cost is not keyed by every id list sent).
 */
const COST_ARGUMENTS = new Map<string, 'value' | 'length'>([
  ['first', 'value'],
  ['last', 'value'],
  ['if', 'value'],
  ['ids', 'length'],
  ['representations', 'length'],
]);

/** The variables a document passes to cost arguments (only they can change its cost), and what of them counts. */
function costVariables(document: DocumentNode): [name: string, counts: 'value' | 'length'][] {
  const names = new Map<string, 'value' | 'length'>();
  visit(document, {
    Argument(node) {
      const counts = COST_ARGUMENTS.get(node.name.value);
      if (!counts) return;
      visit(node.value, {
        Variable(variable) {
          // A variable passed to a list argument directly is counted by length; one inside a list
          // literal (`ids: [$a, $b]`) or also used elsewhere, by value.
          const byLength = counts === 'length' && node.value.kind === Kind.VARIABLE;
          const name = variable.name.value;
          names.set(name, byLength && names.get(name) !== 'value' ? 'length' : 'value');
        },
      });
    },
  });
  return [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What of a variable's value goes into a cost's cache key. */
const costKeyOf = (value: unknown, counts: 'value' | 'length') =>
  counts === 'length' && Array.isArray(value) ? { length: value.length } : value;

/** Costs per document and per the values of its cost variables, at most this many per document. */
const COSTS_PER_DOCUMENT = 64;

/** What a per-document figure is computed from: one operation of a parsed document, with its variables. */
export interface OperationInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string;
  variables?: Record<string, unknown>;
}

/**
 * Remembers a figure of each operation of a document (its cost, its rate-limit points) for the
 * values of the variables that can change it; Apollo hands the same parsed document to every
 * request with the same text, so a query sent again (with another slug, say) is not walked again.
 */
export function perDocumentCache<T>(compute: (input: OperationInput) => T): (input: OperationInput) => T {
  const byDocument = new WeakMap<DocumentNode, { variables: ReturnType<typeof costVariables>; values: Map<string, T> }>();
  return (input) => {
    let entry = byDocument.get(input.document);
    if (!entry) {
      entry = { variables: costVariables(input.document), values: new Map() };
      byDocument.set(input.document, entry);
    }
    // A variable left out (its default applies) and one sent as null can cost differently.
    const values = entry.variables.map(([name, counts]) =>
      input.variables && name in input.variables ? [costKeyOf(input.variables[name], counts)] : [],
    );
    const key = JSON.stringify([input.operationName ?? null, values]);
    if (entry.values.has(key)) return entry.values.get(key) as T;
    const value = compute(input);
    if (entry.values.size >= COSTS_PER_DOCUMENT) entry.values.clear();
    entry.values.set(key, value);
    return value;
  };
}

/** Every operation's cost, remembered per document (the HTTP plugin and the WebSocket server share it). */
export const cachedQueryCost = perDocumentCache(queryCost);

/** The refusal of an operation costing more than `maxCost` (QUERY_TOO_COMPLEX, HTTP 400). */
export function tooComplex(cost: number, maxCost: number, nodes?: readonly ASTNode[]): GraphQLError {
  const shown = Number.isFinite(cost) ? cost.toLocaleString('en') : 'too high to compute';
  return new GraphQLError(
    `Query cost ${shown} exceeds the limit of ${maxCost.toLocaleString('en')}; ask for smaller pages (first/last) or fewer nested lists.`,
    { nodes, extensions: { code: QUERY_TOO_COMPLEX, cost: Number.isFinite(cost) ? cost : null, maxCost, http: { status: 400 } } },
  );
}

/** Refuses operations whose estimated cost exceeds `maxCost`, before anything is resolved (QUERY_TOO_COMPLEX). */
export function queryCostPlugin(options: QueryCostOptions = {}): ApolloServerPlugin<any> {
  const maxCost = options.maxCost ?? DEFAULT_MAX_QUERY_COST;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return; // no operation to run: execution reports that
          const cost = cachedQueryCost({ schema, document, operationName: operation.name?.value, variables: request.variables });
          // The request log reports it.
          if (contextValue && cost !== undefined && Number.isFinite(cost))
            (contextValue as { queryCost?: number }).queryCost = cost;
          if (cost === undefined || cost <= maxCost) return;
          throw tooComplex(cost, maxCost, [operation]);
        },
      };
    },
  };
}
