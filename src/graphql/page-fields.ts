import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import { createParameterDecorator } from 'type-graphql';

type Fragments = GraphQLResolveInfo['fragments'];

/** Names (not aliases) of the fields selected in a selection set, through fragments. */
function fieldNames(set: SelectionSetNode | undefined, fragments: Fragments, into: Set<string>): void {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) into.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fieldNames(selection.selectionSet, fragments, into);
    else fieldNames(fragments[selection.name.value]?.selectionSet, fragments, into);
  }
}

/** Under an edge's selection: the fields asked of its `node`. */
function edgeNodeFields(set: SelectionSetNode | undefined, fragments: Fragments, into: Set<string>): void {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === 'node') fieldNames(selection.selectionSet, fragments, into);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) edgeNodeFields(selection.selectionSet, fragments, into);
    else edgeNodeFields(fragments[selection.name.value]?.selectionSet, fragments, into);
  }
}

/** Under a connection's selection: the fields asked of its items, in `nodes { … }` and `edges { node { … } }`. */
function itemFields(set: SelectionSetNode | undefined, fragments: Fragments, into: Set<string>): void {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === 'nodes') fieldNames(selection.selectionSet, fragments, into);
      else if (selection.name.value === 'edges') edgeNodeFields(selection.selectionSet, fragments, into);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) itemFields(selection.selectionSet, fragments, into);
    else itemFields(fragments[selection.name.value]?.selectionSet, fragments, into);
  }
}

/** Per list of field nodes (one per place in a parsed document, shared by every item and request). */
const byFieldNodes = new WeakMap<readonly FieldNode[], ReadonlySet<string>>();

/**
 * The fields a client asks of the items of the connection being resolved (a superset: @skip and
 * @include are not evaluated), so the page statement can leave out the columns nobody reads.
 */
export function pageFields(info: GraphQLResolveInfo): ReadonlySet<string> {
  let fields = byFieldNodes.get(info.fieldNodes);
  if (!fields) {
    const names = new Set<string>();
    for (const node of info.fieldNodes) itemFields(node.selectionSet, info.fragments, names);
    fields = names;
    byFieldNodes.set(info.fieldNodes, fields);
  }
  return fields;
}

/** Resolver parameter: the fields asked of a connection's items (see pageFields). */
export const PageFields = () => createParameterDecorator(({ info }) => pageFields(info));
