import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { createParameterDecorator } from 'type-graphql';
import { type FragmentLookup, fieldsOf } from './selections.js';

/** Fields resolved from other columns of their record: `registry` looks the org number up. */
const READS: Readonly<Record<string, readonly string[]>> = { registry: ['orgNumber'] };

/**
 * Names (not aliases) of the fields selected in a selection set, and one level down those of the
 * objects they lead to (`organization.name`: what a page carries for its items' relations), with
 * the columns their resolvers read (READS).
 */
function fieldNames(set: SelectionSetNode | undefined, fragment: FragmentLookup, into: Set<string>): void {
  for (const field of fieldsOf(set, fragment)) {
    const name = field.name.value;
    into.add(name);
    for (const read of READS[name] ?? []) into.add(read);
    for (const sub of fieldsOf(field.selectionSet, fragment)) {
      into.add(`${name}.${sub.name.value}`);
      for (const read of READS[sub.name.value] ?? []) into.add(`${name}.${read}`);
    }
  }
}

/** Under a connection's selection: the fields asked of its items, in `nodes { … }` and `edges { node { … } }`. */
function itemFields(set: SelectionSetNode | undefined, fragment: FragmentLookup, into: Set<string>): void {
  for (const field of fieldsOf(set, fragment)) {
    if (field.name.value === 'nodes') fieldNames(field.selectionSet, fragment, into);
    else if (field.name.value === 'edges') {
      for (const edgeField of fieldsOf(field.selectionSet, fragment)) {
        if (edgeField.name.value === 'node') fieldNames(edgeField.selectionSet, fragment, into);
      }
    }
  }
}

/** Per list of field nodes (one per place in a parsed document, shared by every item and request). */
const byFieldNodes = new WeakMap<readonly FieldNode[], ReadonlySet<string>>();

/** The fields asked of the items of a connection selected by `nodes` (one field, merged). */
export function itemFieldsOf(nodes: readonly FieldNode[], fragment: FragmentLookup): ReadonlySet<string> {
  const names = new Set<string>();
  for (const node of nodes) itemFields(node.selectionSet, fragment, names);
  return names;
}

/**
 * The fields a client asks of the items of the connection being resolved (a superset: @skip and
 * @include are not evaluated), so the page statement can leave out the columns nobody reads.
 */
export function pageFields(info: GraphQLResolveInfo): ReadonlySet<string> {
  let fields = byFieldNodes.get(info.fieldNodes);
  if (!fields) {
    fields = itemFieldsOf(info.fieldNodes, (name: string) => info.fragments[name]);
    byFieldNodes.set(info.fieldNodes, fields);
  }
  return fields;
}

/** Resolver parameter: the fields asked of a connection's items (see pageFields). */
export const PageFields = () => createParameterDecorator(({ info }) => pageFields(info));
