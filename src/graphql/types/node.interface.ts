import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay's Node: anything with a global id that `node(id:)` can fetch again. */
@InterfaceType('Node', {
  description: 'An object with a global, opaque id that `node(id:)` and `nodes(ids:)` can fetch.',
})
export abstract class Node {
  @Field(() => ID, { description: 'Global, opaque identifier; stable for the life of the object.' })
  id!: string;
}
