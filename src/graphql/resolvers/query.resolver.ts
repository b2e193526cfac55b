import { Arg, Args, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import { findAnnouncement, listAnnouncements } from '../../services/announcement.service.js';
import { findCluster, listClusters } from '../../services/cluster.service.js';
import { findNode, findNodes } from '../../services/node.service.js';
import { findOrganization, listOrganizations } from '../../services/organization.service.js';
import { findPartner, listPartners } from '../../services/partner.service.js';
import { search } from '../../services/search.service.js';
import { programmeStats } from '../../services/stats.service.js';
import { Announcement, AnnouncementConnection } from '../types/announcement.type.js';
import { AnnouncementsArgs, ClusterFilter, ClustersArgs, OrganizationsArgs, PartnersArgs } from '../types/args.js';
import { Cluster, ClusterConnection } from '../types/cluster.type.js';
import { Node } from '../types/node.interface.js';
import { Organization, OrganizationConnection } from '../types/organization.type.js';
import { PartnerInstitution, PartnerInstitutionConnection } from '../types/partner.type.js';
import { SearchArgs, SearchConnection } from '../types/search.type.js';
import { ProgrammeStats } from '../types/stats.type.js';
import { NestedLists } from '../nested-lists.js';
import { PageFields } from '../page-fields.js';
import type { PlannedList } from '../../services/connection.js';

// Resolvers stay thin: arguments in, service call, result out. Records returned here are plain
// rows; the object types' field resolvers turn ids into global ids and follow relations.
@Resolver()
export class QueryResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global id; null if it does not exist.' })
  node(@Arg('id', () => ID, { description: 'A global id from any `id` field.' }) id: string, @Ctx() ctx: RequestContext) {
    return findNode(ctx, id);
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: 'Several objects by global id, in the order asked; null where one does not exist.',
  })
  nodes(@Arg('ids', () => [ID], { description: 'Global ids (at most 100).' }) ids: string[], @Ctx() ctx: RequestContext) {
    return findNodes(ctx, ids);
  }

  @Query(() => Cluster, {
    nullable: true,
    description: 'One cluster by slug or by global id (give exactly one); null if unknown.',
  })
  cluster(
    @Arg('slug', () => String, { nullable: true, description: 'The cluster slug, e.g. `gce-subsea`.' }) slug: string | null,
    @Arg('id', () => ID, { nullable: true, description: 'The global id of the cluster.' }) id: string | null,
    @Ctx() ctx: RequestContext,
    @NestedLists() lists: PlannedList[],
  ) {
    return findCluster(ctx, { slug, id }, lists);
  }

  @Query(() => Organization, { nullable: true, description: 'One organization by organisation number; null if unknown.' })
  organization(
    @Arg('orgNumber', { description: 'Nine-digit organisation number.' }) orgNumber: string,
    @Ctx() ctx: RequestContext,
    @NestedLists() lists: PlannedList[],
  ) {
    return findOrganization(ctx, orgNumber, lists);
  }

  @Query(() => PartnerInstitution, { nullable: true, description: 'One partner institution by slug; null if unknown.' })
  partner(
    @Arg('slug', { description: 'The partner slug, e.g. `innovasjon-norge`.' }) slug: string,
    @Ctx() ctx: RequestContext,
    @NestedLists() lists: PlannedList[],
  ) {
    return findPartner(ctx, slug, lists);
  }

  @Query(() => Announcement, { nullable: true, description: 'One announcement by slug; null if unknown.' })
  announcement(@Arg('slug', { description: 'The announcement slug.' }) slug: string, @Ctx() ctx: RequestContext) {
    return findAnnouncement(ctx, slug);
  }

  @Query(() => ClusterConnection, { description: 'Clusters, filtered, ordered and paged.' })
  clusters(
    @Args(() => ClustersArgs) args: ClustersArgs,
    @Ctx() ctx: RequestContext,
    @PageFields() fields: ReadonlySet<string>,
    @NestedLists() lists: PlannedList[],
  ) {
    return listClusters(ctx, args, fields, lists);
  }

  @Query(() => OrganizationConnection, { description: 'Member organizations, filtered, ordered and paged.' })
  organizations(
    @Args(() => OrganizationsArgs) args: OrganizationsArgs,
    @Ctx() ctx: RequestContext,
    @PageFields() fields: ReadonlySet<string>,
    @NestedLists() lists: PlannedList[],
  ) {
    return listOrganizations(ctx, args, fields, lists);
  }

  @Query(() => PartnerInstitutionConnection, { description: 'Partner institutions, filtered, ordered and paged.' })
  partners(
    @Args(() => PartnersArgs) args: PartnersArgs,
    @Ctx() ctx: RequestContext,
    @PageFields() fields: ReadonlySet<string>,
    @NestedLists() lists: PlannedList[],
  ) {
    return listPartners(ctx, args, fields, lists);
  }

  @Query(() => AnnouncementConnection, {
    description: 'Announcements, newest first unless ordered otherwise, filtered and paged.',
  })
  announcements(
    @Args(() => AnnouncementsArgs) args: AnnouncementsArgs,
    @Ctx() ctx: RequestContext,
    @PageFields() fields: ReadonlySet<string>,
    @NestedLists() lists: PlannedList[],
  ) {
    return listAnnouncements(ctx, args, fields, lists);
  }

  @Query(() => SearchConnection, {
    description:
      'Free-text search across clusters, organizations, partners and announcements: a Relay connection, best match first, with highlights and counts per type.',
  })
  search(@Args() args: SearchArgs, @Ctx() ctx: RequestContext) {
    return search(ctx, args);
  }

  @Query(() => ProgrammeStats, {
    description: 'Aggregate statistics for analysts over the clusters the filter selects (all when omitted).',
  })
  stats(
    @Arg('filter', () => ClusterFilter, { nullable: true, description: 'Which clusters to count.' }) filter: ClusterFilter | null,
    @Ctx() ctx: RequestContext,
  ) {
    return programmeStats(ctx, filter);
  }
}
