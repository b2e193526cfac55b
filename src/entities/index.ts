import { AnnouncementCluster } from './announcement-cluster.entity.js';
import { ApiTokenCluster } from './api-token-cluster.entity.js';
import { ApiToken } from './api-token.entity.js';
import { AuditEntry } from './audit-entry.entity.js';
import { Announcement } from './announcement.entity.js';
import { Feed } from './feed.entity.js';
import { EventLogCluster, EventLogEntry, EventLogState } from './event-log.entity.js';
import { ClusterLevelPeriod } from './cluster-level-period.entity.js';
import { ClusterSector } from './cluster-sector.entity.js';
import { Cluster } from './cluster.entity.js';
import { Membership } from './membership.entity.js';
import { Organization } from './organization.entity.js';
import { PartnerInstitution } from './partner-institution.entity.js';
import { Partnership } from './partnership.entity.js';
import { Webhook, WebhookDelivery } from './webhook.entity.js';

export {
  Announcement,
  AnnouncementCluster,
  ApiToken,
  ApiTokenCluster,
  AuditEntry,
  Cluster,
  ClusterLevelPeriod,
  ClusterSector,
  EventLogCluster,
  EventLogEntry,
  EventLogState,
  Feed,
  Membership,
  Organization,
  PartnerInstitution,
  Partnership,
  Webhook,
  WebhookDelivery,
};

/** Every entity the ORM knows, listed explicitly (no folder scanning at start). */
export const ENTITIES = [
  Cluster,
  ClusterLevelPeriod,
  ClusterSector,
  Organization,
  Membership,
  PartnerInstitution,
  Partnership,
  Announcement,
  AnnouncementCluster,
  ApiToken,
  ApiTokenCluster,
  AuditEntry,
  EventLogEntry,
  EventLogCluster,
  EventLogState,
  Webhook,
  WebhookDelivery,
  Feed,
];
