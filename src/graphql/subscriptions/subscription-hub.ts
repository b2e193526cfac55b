// Live subscriptions, multiplexed: subscribers with the same operation, variables and draft
// visibility form one group, and an event is executed once per group, not once per subscriber
// (Hasura's multiplexed subscriptions are the model). All groups run an event in the same tick
// with one request context per visibility, so their loaders batch: the statements an event costs
// depend on the operations' shapes, not on how many subscribers there are.
import type { MikroORM } from '@mikro-orm/core';
import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  print,
  visit,
} from 'graphql';
import { draftVisibility } from '../../auth/permissions.js';
import type { Viewer } from '../../auth/viewer.js';
import { type ProcessServices, type RequestContext, createRequestContext } from '../../context/request-context.js';
import type { EventType } from '../../entities/event-log.entity.js';
import { decodePosition } from '../../lib/event-position.js';
import { Db } from '../../repositories/db.js';
import type { EventRow } from '../../repositories/event-log.repository.js';
import {
  type EventFilterInput,
  type EventMatcher,
  assertResumable,
  eventMatcher,
  eventsAfter,
  matchesEvent,
} from '../../services/event-log.service.js';
import type { EventStream } from '../../services/event-stream.service.js';
import { compiledExecutor } from '../compiled-execution.js';
import { formatError } from '../plugins/errors.plugin.js';
import { SUBSCRIPTION_FIELDS, toEventObject } from '../resolvers/event.resolver.js';

/** The socket a subscriber listens on: how full its send buffer is, and how to drop it. */
export interface SubscriberConnection {
  bufferedAmount(): number;
  close(code: number, reason: string): void;
}

export interface SubscribeRequest {
  document: DocumentNode;
  operationName?: string | null;
  /** Variable values as the client sent them. */
  variables: Record<string, unknown>;
  viewer: Viewer | null;
  connection: SubscriberConnection;
}

export interface SubscriptionHubOptions {
  /** Results waiting for a subscriber before it counts as too slow (default 500). */
  maxQueuedResults?: number;
  /** Bytes waiting in a subscriber's socket before it counts as too slow (default 8 MiB). */
  maxBufferedBytes?: number;
}

/** Close code for a subscriber that does not read its messages (policy violation). */
export const SLOW_CONSUMER_CLOSE_CODE = 1008;
/** Events read per statement while replaying after a position. */
const REPLAY_BATCH = 200;

/** One execution shared by every member: same document, variables and draft visibility. */
interface Group {
  key: string;
  type: EventType;
  matcher: EventMatcher;
  document: DocumentNode;
  operationName?: string;
  variables: Record<string, unknown>;
  viewer: Viewer | null;
  visibilityKey: string;
  members: Set<Subscriber>;
}

/** Every subscriber sees the results of its group; an event is done for it once `lastSeen` passed it. */
class Subscriber implements AsyncIterableIterator<ExecutionResult> {
  /** Log position up to which this subscriber has been sent (or need not be sent) everything. */
  lastSeen = 0;
  /** Still reading older events from the log (`after`); live results are not for it yet. */
  replaying = false;
  private readonly queue: ExecutionResult[] = [];
  private waiting: ((result: IteratorResult<ExecutionResult>) => void) | null = null;
  private onRoom: (() => void) | null = null;
  private done = false;

  constructor(
    private readonly hub: SubscriptionHub,
    readonly group: Group,
    readonly connection: SubscriberConnection,
    private readonly limits: Required<SubscriptionHubOptions>,
  ) {}

  get closed(): boolean {
    return this.done;
  }

  /**
   * Queues a result; a subscriber that lets live results pile up is disconnected rather than
   * buffered without end. A replay (`paced`) waits for room() instead, so it is not held to that.
   */
  push(result: ExecutionResult, paced = false): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: result, done: false });
      return;
    }
    if (
      !paced &&
      (this.queue.length >= this.limits.maxQueuedResults || this.connection.bufferedAmount() > this.limits.maxBufferedBytes)
    ) {
      this.finish();
      this.connection.close(SLOW_CONSUMER_CLOSE_CODE, 'Slow consumer: messages were not read in time; reconnect with "after".');
      return;
    }
    this.queue.push(result);
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const value = this.queue.shift();
    if (value) {
      if (this.queue.length <= this.limits.maxQueuedResults / 2) this.onRoom?.();
      return Promise.resolve({ value, done: false });
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.finish();
    return Promise.reject(error);
  }

  /**
   * Resolves once the queue is at most half full (or the subscriber is gone): a replay waits for
   * it, so a long backlog goes out at the pace the client reads, not faster than it can.
   */
  room(): Promise<void> {
    if (this.done || this.queue.length <= this.limits.maxQueuedResults / 2) return Promise.resolve();
    return new Promise((resolve) => {
      this.onRoom = () => {
        this.onRoom = null;
        resolve();
      };
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    this.onRoom?.();
    this.queue.length = 0;
    this.hub.leave(this);
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
  }
}

/** The subscription field an operation subscribes to, and its arguments. */
function rootField(operation: OperationDefinitionNode): FieldNode {
  const field = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD);
  if (!field || operation.selectionSet.selections.length !== 1) {
    throw new GraphQLError('A subscription selects exactly one field (inline fragments and spreads aside).');
  }
  return field;
}

/** The document without the root field's `after`: resuming subscribers share live executions. */
function withoutAfter(document: DocumentNode, field: FieldNode): DocumentNode {
  return visit(document, {
    Field(node) {
      if (node !== field) return undefined;
      return { ...node, arguments: node.arguments?.filter((arg) => arg.name.value !== 'after') };
    },
  });
}

/** Variables that only carry `after`, which the shared execution does not need. */
function afterVariable(field: FieldNode): string | undefined {
  const value = field.arguments?.find((arg) => arg.name.value === 'after')?.value;
  return value?.kind === Kind.VARIABLE ? value.name.value : undefined;
}

/** Results in the API's error shape (codes, masked internals). */
export function formatted(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      // Apollo's unwrapping looks past GraphQLErrors with a path only; refusals have none.
      const shaped = formatError(error.toJSON(), error.originalError && !error.path ? error.originalError : error);
      return new GraphQLError(shaped.message, {
        path: shaped.path,
        extensions: shaped.extensions,
      });
    }),
  };
}

export const errorResult = (error: unknown): ExecutionResult => formatted({ errors: [asGraphQLError(error)] });

const asGraphQLError = (error: unknown): GraphQLError =>
  error instanceof GraphQLError
    ? error
    : new GraphQLError((error as Error).message ?? String(error), { originalError: error as Error });

/** Serves subscriptions from the event stream, one execution per group and event. */
export class SubscriptionHub {
  private readonly groups = new Map<string, Group>();
  private readonly limits: Required<SubscriptionHubOptions>;
  private readonly unlisten: () => void;
  /** Executions of the event being dispatched, for tests and benchmarks. */
  executions = 0;
  /** Each group's operation compiled once (graphql-jit), as HTTP requests' are. */
  private readonly run: ReturnType<typeof compiledExecutor>;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly orm: MikroORM,
    private readonly stream: EventStream,
    private readonly services: ProcessServices,
    options: SubscriptionHubOptions = {},
  ) {
    this.limits = {
      maxQueuedResults: options.maxQueuedResults ?? 500,
      maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024,
    };
    this.run = compiledExecutor(schema);
    this.unlisten = stream.listen((event) => this.dispatch(event));
  }

  /** Subscribers now, over all groups. */
  get subscriberCount(): number {
    let count = 0;
    for (const group of this.groups.values()) count += group.members.size;
    return count;
  }

  get groupCount(): number {
    return this.groups.size;
  }

  close(): void {
    this.unlisten();
    for (const group of this.groups.values()) for (const member of group.members) member.finish();
  }

  /**
   * Starts a subscription: checks its filter and `after`, joins (or forms) its group, and replays
   * the log after `after` before it takes live results. Refusals come back as an error result.
   */
  async subscribe(request: SubscribeRequest): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    try {
      const operation = getOperationAST(request.document, request.operationName ?? undefined);
      if (operation?.operation !== 'subscription') throw new GraphQLError('Not a subscription operation.');
      const field = rootField(operation);
      const type = SUBSCRIPTION_FIELDS[field.name.value];
      const fieldDef = this.schema.getSubscriptionType()?.getFields()[field.name.value];
      if (!type || !fieldDef) throw new GraphQLError(`No subscription "${field.name.value}".`);
      const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], request.variables);
      if (coerced.errors) {
        return formatted({
          errors: coerced.errors.map(
            (e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'BAD_USER_INPUT' } }),
          ),
        });
      }
      const args = getArgumentValues(fieldDef, field, coerced.coerced) as {
        filter?: EventFilterInput | null;
        after?: string | null;
      };
      const db = new Db(this.orm.em.fork() as never);
      const after = args.after == null ? null : decodePosition(args.after, 'after');
      // A subscriber joining a group takes its checked filter: 1,000 equal subscribers, one lookup.
      const shape = this.groupShape(request, field);
      const matcher = this.groups.get(shape.key)?.matcher ?? (await eventMatcher(db, type, args.filter));
      if (after !== null) await assertResumable(db, after, 'after');

      const group = this.groupFor(request, shape, type, matcher);
      const member = new Subscriber(this, group, request.connection, this.limits);
      group.members.add(member);
      if (after === null) {
        member.lastSeen = this.stream.lastDispatched;
      } else {
        member.lastSeen = after;
        member.replaying = true;
        void this.replay(member, request.viewer);
      }
      return member;
    } catch (error) {
      return errorResult(error);
    }
  }

  /** Called by a subscriber that ends: a group without members is dropped. */
  leave(member: Subscriber): void {
    const { group } = member;
    group.members.delete(member);
    if (group.members.size === 0 && this.groups.get(group.key) === group) this.groups.delete(group.key);
  }

  /** What makes subscribers equal: the operation without `after`, its variables, and the viewer's draft visibility. */
  private groupShape(request: SubscribeRequest, field: FieldNode) {
    const document = withoutAfter(request.document, field);
    const variables = { ...request.variables };
    const after = afterVariable(field);
    if (after) delete variables[after];
    const visibilityKey = JSON.stringify(draftVisibility(request.viewer));
    const key = JSON.stringify([print(document), request.operationName ?? null, variables, visibilityKey]);
    return { key, document, variables, visibilityKey };
  }

  private groupFor(
    request: SubscribeRequest,
    shape: ReturnType<SubscriptionHub['groupShape']>,
    type: EventType,
    matcher: EventMatcher,
  ): Group {
    let group = this.groups.get(shape.key);
    if (!group) {
      group = {
        ...shape,
        type,
        matcher,
        operationName: request.operationName ?? undefined,
        viewer: request.viewer,
        members: new Set(),
      };
      this.groups.set(shape.key, group);
    }
    return group;
  }

  /**
   * Sends a resuming subscriber every matching event after its position, from the log, then lets
   * it take live results. The switch happens in the same tick as the check that it has read up to
   * what the stream dispatched, so no event falls between the two; results it already had are
   * skipped by position.
   */
  private async replay(member: Subscriber, viewer: Viewer | null): Promise<void> {
    const { group } = member;
    try {
      while (!member.closed) {
        const dispatched = this.stream.lastDispatched;
        const rows = await eventsAfter(new Db(this.orm.em.fork() as never), member.lastSeen, REPLAY_BATCH, {
          types: [group.type],
        });
        for (const row of rows) {
          if (member.closed) return;
          if (matchesEvent(group.matcher, row)) {
            await member.room();
            if (member.closed) return;
            const result = await this.execute(group, row, this.context(viewer, row));
            member.push(result, true);
          }
          member.lastSeen = row.position;
        }
        if (rows.length < REPLAY_BATCH) {
          // Everything of this type up to `dispatched` has been read.
          member.lastSeen = Math.max(member.lastSeen, dispatched);
          if (member.lastSeen >= this.stream.lastDispatched) {
            member.replaying = false;
            return;
          }
        }
      }
    } catch (error) {
      member.push(errorResult(error));
      member.finish();
    }
  }

  /** Runs one event for every group it matches: one execution per group, contexts shared per visibility. */
  private async dispatch(event: EventRow): Promise<void> {
    const contexts = new Map<string, RequestContext>();
    const runs: Promise<void>[] = [];
    for (const group of this.groups.values()) {
      if (group.type !== event.type || !matchesEvent(group.matcher, event)) continue;
      const receivers = [...group.members].filter((m) => !m.replaying && m.lastSeen < event.position);
      if (receivers.length === 0) continue;
      let ctx = contexts.get(group.visibilityKey);
      if (!ctx) {
        ctx = this.context(group.viewer, event);
        contexts.set(group.visibilityKey, ctx);
      }
      runs.push(
        this.execute(group, event, ctx).then((result) => {
          for (const member of receivers) {
            if (member.replaying || member.lastSeen >= event.position) continue;
            member.lastSeen = event.position;
            member.push(result);
          }
        }),
      );
    }
    await Promise.all(runs);
  }

  private context(viewer: Viewer | null, event: EventRow): RequestContext {
    return createRequestContext(this.orm, `event-${event.position}`, viewer, this.services);
  }

  private async execute(group: Group, event: EventRow, ctx: RequestContext): Promise<ExecutionResult> {
    this.executions++;
    try {
      const result = await this.run({
        document: group.document,
        operationName: group.operationName,
        variableValues: group.variables,
        rootValue: toEventObject(event),
        contextValue: ctx,
      });
      return formatted(result);
    } catch (error) {
      return errorResult(error);
    }
  }
}
