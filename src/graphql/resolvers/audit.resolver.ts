import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import { listAuditEntries } from '../../services/audit.service.js';
import { AuditEntryConnection, AuditLogArgs } from '../types/audit.type.js';

@Resolver()
export class AuditResolver {
  @Query(() => AuditEntryConnection, {
    description: 'Every write, newest first: who, when, what and the changed fields. ADMIN only.',
  })
  auditLog(@Args(() => AuditLogArgs) args: AuditLogArgs, @Ctx() ctx: RequestContext) {
    return listAuditEntries(ctx, args);
  }
}
