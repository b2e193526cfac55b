import { type DocumentNode, type FieldNode, type FragmentDefinitionNode, Kind, type SelectionSetNode } from 'graphql';

/** Finds a fragment definition by name (in a document's fragments or a resolver info's). */
export type FragmentLookup = (name: string) => FragmentDefinitionNode | undefined;

/** A document's fragment definitions by name. */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/**
 * The fields of a selection set, with its fragments (inline and named) flattened into it;
 * @skip and @include are not evaluated.
 */
export function* fieldsOf(set: SelectionSetNode | undefined, fragment: FragmentLookup): Generator<FieldNode> {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) yield selection;
    else if (selection.kind === Kind.INLINE_FRAGMENT) yield* fieldsOf(selection.selectionSet, fragment);
    else yield* fieldsOf(fragment(selection.name.value)?.selectionSet, fragment);
  }
}
