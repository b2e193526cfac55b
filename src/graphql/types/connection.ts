// Object types use simpleResolvers: their plain fields resolve by property access, without
// type-graphql's middleware wrapper (there is no field middleware here; relations have resolvers).
import { type ClassType, Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'Where a page sits in its list (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'Whether there are items after this page (when paging forwards).' })
  hasNextPage!: boolean;

  @Field({ description: 'Whether there are items before this page (when paging backwards, or after a cursor).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item on the page; pass it as `before`.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item on the page; pass it as `after`.' })
  endCursor!: string | null;
}

/**
 * The edge and connection types of a Relay list of `nodeType`. The concrete classes
 * (`XConnection`) extend the returned class so each gets its own name and description.
 */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, typeName: string) {
  @ObjectType(`${typeName}Edge`, { simpleResolvers: true, description: `One ${typeName} in a list, with its cursor.` })
  class Edge {
    @Field({ description: 'Opaque position of this item; pass it as `after` or `before`.' })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${typeName}.` })
    node!: T;
  }

  // Not simpleResolvers: a connection's parts are getters that may return promises (a page is
  // fetched only when asked for), so each field needs a resolver for every executor to await them
  // (graphql-jit reads fields without one synchronously).
  @ObjectType()
  abstract class Connection {
    @Field(() => [Edge], { description: 'The items of this page with their cursors.' })
    edges!: Edge[];

    @Field(() => [nodeType], { description: 'The items of this page (shortcut for `edges { node }`).' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Paging information.' })
    pageInfo!: PageInfo;

    @Field(() => Int, {
      description: 'How many items the whole list holds under the filter (costs a count; ask only when needed).',
    })
    totalCount!: number;
  }
  return Connection;
}
