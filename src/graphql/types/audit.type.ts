import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ConnectionArgs } from './args.js';
import { ConnectionType } from './connection.js';
import { DateTime, JSONValue } from './scalars.js';

@ObjectType({ simpleResolvers: true, description: 'One field changed by a write.' })
export class AuditChange {
  @Field({ description: 'The field, e.g. `name` or `sectors`.' })
  field!: string;

  @Field(() => JSONValue, { nullable: true, description: 'The value before the write; null when it had none (or was created).' })
  before!: unknown;

  @Field(() => JSONValue, { nullable: true, description: 'The value after the write; null when it has none.' })
  after!: unknown;
}

@ObjectType({ simpleResolvers: true, description: 'One write in the audit trail: who, when, what, and the changes.' })
export class AuditEntry {
  @Field(() => DateTime, { description: 'When the write was made.' })
  at!: Date;

  @Field({ description: "Who made it: the API token's name at the time, or `cli:<user>` for the command line." })
  actorName!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'The id of the API token that made it (as `npm run token -- list` shows); null for the command line.',
  })
  actorTokenId!: number | null;

  @Field({ description: 'What was done, e.g. `cluster.update`, `cluster.changeLevel`, `token.revoke`.' })
  action!: string;

  @Field({ description: 'The kind of object written, e.g. `Cluster` or `ApiToken`.' })
  entityType!: string;

  @Field(() => ID, {
    description: 'The object written: its global id for graph objects (usable with `node`), its number for API tokens.',
  })
  entityId!: string;

  @Field(() => [AuditChange], { description: 'The fields the write changed, by name, with their values before and after.' })
  changes!: AuditChange[];
}

@ObjectType({ simpleResolvers: true, description: 'A page of audit entries, newest first.' })
export class AuditEntryConnection extends ConnectionType(AuditEntry, 'AuditEntry') {}

@InputType({ description: 'Which audit entries to include; fields combine with AND.' })
export class AuditLogFilter {
  @Field(() => String, { nullable: true, description: 'Entries about objects of this kind, e.g. `Cluster`.' })
  entityType?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Entries about this object: a global id, or with `entityType: "ApiToken"` a token number.',
  })
  entityId?: string | null;

  @Field(() => String, { nullable: true, description: 'Entries by this actor (its `actorName`).' })
  actor?: string | null;

  @Field(() => Int, { nullable: true, description: 'Entries made with this API token (its id).' })
  actorTokenId?: number | null;

  @Field(() => DateTime, { nullable: true, description: 'Entries at or after this instant.' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Entries at or before this instant.' })
  to?: Date | null;
}

@ArgsType()
export class AuditLogArgs extends ConnectionArgs {
  @Field(() => AuditLogFilter, { nullable: true, description: 'Which entries to include (all when omitted).' })
  filter?: AuditLogFilter | null;
}
