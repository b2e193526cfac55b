import { type NodeType, toGlobalId } from '../../lib/global-id.js';

/** The global id of a record read from the database (records carry their type name). */
export const globalIdOf = (record: { __typename: NodeType; id: number }) => toGlobalId(record.__typename, record.id);
