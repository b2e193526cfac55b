import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isInterfaceType,
  isObjectType,
  visit,
} from 'graphql';
import { type FieldProblem, invalidInput } from '../../lib/errors.js';
import { fragmentsOf } from '../selections.js';

/**
 * Why a string cannot be stored as text, if it cannot: PostgreSQL refuses NUL (U+0000) in text and
 * unpaired surrogates in JSON (the audit log), and no slug, name or filter value needs either.
 */
function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  // With the u flag a surrogate pair is one code point; only an unpaired half is in category Cs.
  if (/\p{Cs}/u.test(value)) return 'must be well-formed Unicode (it has an unpaired surrogate)';
  return undefined;
}

/** Adds a problem for every string in `value` that cannot be stored, named by its path, e.g. `filter.counties[0]`. */
function collectProblems(value: unknown, path: string, out: FieldProblem[]): void {
  if (typeof value === 'string') {
    const message = textProblem(value);
    if (message) out.push({ field: path, message });
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) collectProblems(item, `${path}[${i}]`, out);
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    // Input objects as graphql-js coerces them; custom scalars' values (dates) hold no text.
    for (const [key, item] of Object.entries(value)) collectProblems(item, path ? `${path}.${key}` : key, out);
  }
}

/** Whether a request's variables hold a string that cannot be stored (the common answer, no, is quick). */
function holdsBadText(value: unknown): boolean {
  if (typeof value === 'string') return textProblem(value) !== undefined;
  if (Array.isArray(value)) return value.some(holdsBadText);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsBadText);
  return false;
}

/** Whether a document writes such a string as a literal (`"\u0000"`), remembered per parsed document. */
const badLiterals = new WeakMap<DocumentNode, boolean>();
function documentHoldsBadText(document: DocumentNode): boolean {
  let found = badLiterals.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      StringValue(node) {
        if (textProblem(node.value)) found = true;
      },
    });
    badLiterals.set(document, found);
  }
  return found;
}

/**
 * The strings in an operation's arguments, variables applied, that cannot be stored: one problem
 * per string, named by its path within the argument (`slug`, `input.name`, `filter.counties[0]`).
 */
export function badTextArguments(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): FieldProblem[] {
  // The common answer, none, without coercing variables or walking the operation.
  if (!documentHoldsBadText(document) && !holdsBadText(variables)) return [];
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) return []; // execution reports invalid variables as they are
  const fragments = fragmentsOf(document);
  const problems: FieldProblem[] = [];
  const visited = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined | null): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        if (!field) continue; // __typename and introspection: nothing reaches the database
        if (selection.arguments?.length) {
          collectProblems(getArgumentValues(field, selection, coerced.coerced), '', problems);
        }
        walk(selection.selectionSet, getNamedType(field.type));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent);
      } else if (!visited.has(selection.name.value)) {
        // A fragment's arguments are the same wherever it is spread: look at it once.
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
      }
    }
  };
  walk(operation.selectionSet, schema.getRootType(operation.operation));
  return problems;
}

/**
 * Refuses an operation with a NUL character or an unpaired surrogate in any argument (literal or
 * variable, at any depth of an input) with one BAD_USER_INPUT naming each such field, before
 * anything is resolved: the same answer on both databases, for queries and mutations alike.
 */
export function textInputPlugin(): ApolloServerPlugin<any> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const problems = badTextArguments(schema, document, operation, request.variables);
          if (problems.length === 0) return;
          const error = invalidInput(problems);
          throw new GraphQLError(error.message, {
            nodes: [operation],
            extensions: { code: error.code, field: error.field, fields: error.fields, http: { status: 400 } },
          });
        },
      };
    },
  };
}
