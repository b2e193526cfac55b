import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { QUERY_TOO_COMPLEX } from './query-cost.plugin.js';

export const DEFAULT_MAX_DEPTH = 12;
export const DEFAULT_MAX_ALIASES = 30;

export interface QueryShapeOptions {
  /** Deepest field nesting an operation may have; fragments add no level, introspection (`__schema`) is exempt (default 12). */
  maxDepth?: number;
  /** Most aliases an operation may use, fragments counted where spread (default 30). */
  maxAliases?: number;
}

/** Reports graphql-armor's rejection as klynge's QUERY_TOO_COMPLEX, without armor's misleading "Syntax Error:" prefix. */
const reject =
  (limit: Record<string, number>) =>
  (context: ValidationContext | null, error: GraphQLError): void => {
    context?.reportError(
      new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: QUERY_TOO_COMPLEX, ...limit } }),
    );
  };

/** Validation rules (graphql-armor) limiting an operation's depth and its number of aliases (QUERY_TOO_COMPLEX). */
export function queryShapeRules(options: QueryShapeOptions = {}): ValidationRule[] {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxAliases = options.maxAliases ?? DEFAULT_MAX_ALIASES;
  return [
    maxDepthRule({
      n: maxDepth,
      ignoreIntrospection: true,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [reject({ maxDepth })],
    }) as ValidationRule,
    maxAliasesRule({ n: maxAliases, propagateOnRejection: false, onReject: [reject({ maxAliases })] }) as ValidationRule,
  ];
}
