import { registerEnumType } from 'type-graphql';
import {
  AnnouncementKind,
  AnnouncementStatus,
  ClusterLevel,
  ClusterStatus,
  Language,
  MembershipRole,
  MentionMatch,
  PartnerKind,
  PartnershipRole,
  Provenance,
  TokenRole,
} from '../../entities/enums.js';

// Every enum and every value carries a description: GraphiQL's docs are the analysts' manual.

registerEnumType(ClusterLevel, {
  name: 'ClusterLevel',
  description: 'A level of the Norwegian Innovation Clusters programme, lowest first.',
  valuesConfig: {
    ARENA: { description: 'Arena: young or regional cluster initiatives in an early phase (3 years, extendable to 5).' },
    ARENA_PRO: { description: 'Arena Pro: regional or national clusters that outgrew Arena (5 years; since 2019).' },
    NCE: { description: 'Norwegian Centre of Expertise: mature clusters with a national position.' },
    GCE: { description: 'Global Centre of Expertise: mature clusters in global value chains (up to 10 years).' },
  },
});

registerEnumType(ClusterStatus, {
  name: 'ClusterStatus',
  description: 'Whether a cluster still takes part in the programme.',
  valuesConfig: {
    ACTIVE: { description: 'Takes part in the programme.' },
    ENDED: { description: 'Has left the programme; its history is kept.' },
  },
});

registerEnumType(MembershipRole, {
  name: 'MembershipRole',
  description: "An organization's role in a cluster.",
  valuesConfig: {
    MEMBER: { description: 'An ordinary member.' },
    CORE: { description: 'A core member that drives the cluster.' },
    HOST: { description: 'The host organization that runs the cluster (one per cluster).' },
  },
});

registerEnumType(PartnerKind, {
  name: 'PartnerKind',
  description: 'What kind of institution a partner is.',
  valuesConfig: {
    UNIVERSITY: { description: 'A university or university college.' },
    RESEARCH_INSTITUTE: { description: 'A research institute.' },
    FUNDING_AGENCY: { description: 'A body that funds clusters (e.g. Innovasjon Norge, Forskningsrådet).' },
    PUBLIC_AGENCY: { description: 'Another public agency (e.g. SIVA).' },
    INCUBATOR: { description: 'An incubator or science park.' },
  },
});

registerEnumType(PartnershipRole, {
  name: 'PartnershipRole',
  description: "A partner institution's role in a cluster.",
  valuesConfig: {
    RESEARCH: { description: 'Research and education partner.' },
    FUNDING: { description: 'Funds the cluster or its projects.' },
    PROGRAMME_OWNER: { description: 'Owns and runs the cluster programme (Innovasjon Norge, Forskningsrådet, SIVA).' },
    OTHER: { description: 'Any other partnership.' },
  },
});

registerEnumType(AnnouncementKind, {
  name: 'AnnouncementKind',
  description: 'What an announcement is about.',
  valuesConfig: {
    ADMISSION: { description: 'Clusters admitted to the programme.' },
    LEVEL_CHANGE: { description: 'A cluster moved to another level.' },
    NEWS: { description: 'News from or about clusters.' },
    POLICY: { description: 'Policy for the programme as a whole.' },
  },
});

registerEnumType(AnnouncementStatus, {
  name: 'AnnouncementStatus',
  description: 'Whether an announcement is out.',
  valuesConfig: {
    DRAFT: {
      description:
        'Not published: seen only by ADMIN tokens, EDITOR tokens that may edit it (it mentions only their clusters) and READER tokens of a cluster it mentions.',
    },
    PUBLISHED: { description: 'Published: seen by everyone.' },
  },
});

registerEnumType(Language, {
  name: 'Language',
  description: 'The language a text is written in (ISO 639-1).',
  valuesConfig: {
    nb: { description: 'Norwegian Bokmål.' },
    nn: { description: 'Norwegian Nynorsk.' },
    en: { description: 'English.' },
  },
});

registerEnumType(Provenance, {
  name: 'Provenance',
  description: 'Where a record came from.',
  valuesConfig: {
    SOURCE: { description: 'Taken from a published source (e.g. a government announcement).' },
    DEMO: { description: 'Synthetic demo data, loaded so the graph has something to explore. Not real.' },
    IMPORT: { description: 'Loaded by a bulk import.' },
    MANUAL: { description: 'Entered through the API.' },
    FEED: { description: 'Ingested from a news feed (RSS or Atom); `Announcement.source` says which.' },
  },
});

registerEnumType(MentionMatch, {
  name: 'MentionMatch',
  description: 'How an announcement came to mention a cluster.',
  valuesConfig: {
    MANUAL: { description: 'Linked by hand: by a mutation, the seed data or an import.' },
    NAME: { description: "Found in a feed item's title or text by the cluster's name." },
    SLUG: { description: "Found in a feed item's title or text by the cluster's slug (e.g. gce-subsea)." },
    FORMER_NAME: {
      description: "Found by a former name from the cluster's level history (e.g. NCE Subsea for GCE Subsea).",
    },
    SHORT_NAME: { description: 'Found by the name without its level prefix (e.g. Innovasjon Torskefisk).' },
  },
});

registerEnumType(TokenRole, {
  name: 'Role',
  description: 'What an API token may do.',
  valuesConfig: {
    ADMIN: { description: 'Everything: all clusters, cluster creation, partner institutions, every draft, the audit log.' },
    EDITOR: {
      description:
        'Edit its own clusters: their data, level and end, their memberships and partnerships, and announcements that mention only them (drafts included); register and correct organizations.',
    },
    READER: { description: 'Read, plus the drafts of announcements that mention any of its clusters.' },
  },
});

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, {
  name: 'OrderDirection',
  description: 'Sort direction.',
  valuesConfig: {
    ASC: { description: 'Ascending: A to Z, oldest first, lowest first.' },
    DESC: { description: 'Descending: Z to A, newest first, highest first.' },
  },
});

export enum ClusterOrderField {
  NAME = 'NAME',
  ADMITTED_ON = 'ADMITTED_ON',
  LEVEL = 'LEVEL',
}
registerEnumType(ClusterOrderField, {
  name: 'ClusterOrderField',
  description: 'Fields clusters can be ordered by (ties are broken by id, so pages are stable).',
  valuesConfig: {
    NAME: { description: 'By name.' },
    ADMITTED_ON: { description: 'By the date the cluster was admitted to the programme.' },
    LEVEL: { description: 'By level in programme order (Arena, Arena Pro, NCE, GCE), not alphabetically.' },
  },
});

export enum OrganizationOrderField {
  NAME = 'NAME',
  ORG_NUMBER = 'ORG_NUMBER',
  EMPLOYEES = 'EMPLOYEES',
}
registerEnumType(OrganizationOrderField, {
  name: 'OrganizationOrderField',
  description: 'Fields organizations can be ordered by (ties are broken by id).',
  valuesConfig: {
    NAME: { description: 'By name.' },
    ORG_NUMBER: { description: 'By organisation number.' },
    EMPLOYEES: { description: 'By number of employees (unknown counts as 0).' },
  },
});

export enum MembershipOrderField {
  JOINED_ON = 'JOINED_ON',
  LEFT_ON = 'LEFT_ON',
}
registerEnumType(MembershipOrderField, {
  name: 'MembershipOrderField',
  description: 'Fields memberships can be ordered by (ties are broken by id).',
  valuesConfig: {
    JOINED_ON: { description: 'By the date the organization joined.' },
    LEFT_ON: { description: 'By the date the organization left; current memberships count as never ending.' },
  },
});

export enum PartnerOrderField {
  NAME = 'NAME',
}
registerEnumType(PartnerOrderField, {
  name: 'PartnerOrderField',
  description: 'Fields partner institutions can be ordered by (ties are broken by id).',
  valuesConfig: { NAME: { description: 'By name.' } },
});

export enum PartnershipOrderField {
  SINCE = 'SINCE',
}
registerEnumType(PartnershipOrderField, {
  name: 'PartnershipOrderField',
  description: 'Fields partnerships can be ordered by (ties are broken by id).',
  valuesConfig: { SINCE: { description: 'By the date the partnership began.' } },
});

export enum AnnouncementOrderField {
  PUBLISHED_AT = 'PUBLISHED_AT',
  TITLE = 'TITLE',
}
registerEnumType(AnnouncementOrderField, {
  name: 'AnnouncementOrderField',
  description: 'Fields announcements can be ordered by (ties are broken by id).',
  valuesConfig: {
    PUBLISHED_AT: {
      description: 'By publication time; drafts (not yet published) count as the latest, so they come first newest-first.',
    },
    TITLE: { description: 'By title.' },
  },
});

export enum MembershipGroupField {
  CLUSTER_LEVEL = 'CLUSTER_LEVEL',
  CLUSTER_COUNTY = 'CLUSTER_COUNTY',
  CLUSTER_STATUS = 'CLUSTER_STATUS',
  ORGANIZATION_COUNTY = 'ORGANIZATION_COUNTY',
  ROLE = 'ROLE',
  JOINED_YEAR = 'JOINED_YEAR',
}
registerEnumType(MembershipGroupField, {
  name: 'MembershipGroupField',
  description: 'What membership counts can be grouped by.',
  valuesConfig: {
    CLUSTER_LEVEL: { description: "The cluster's current level (in programme order)." },
    CLUSTER_COUNTY: { description: "The cluster's county." },
    CLUSTER_STATUS: { description: "The cluster's status." },
    ORGANIZATION_COUNTY: { description: "The member organization's own county." },
    ROLE: { description: 'The role in the cluster.' },
    JOINED_YEAR: { description: 'The year the membership began.' },
  },
});

export {
  AnnouncementKind,
  AnnouncementStatus,
  ClusterLevel,
  ClusterStatus,
  Language,
  MembershipRole,
  MentionMatch,
  PartnerKind,
  PartnershipRole,
  Provenance,
  TokenRole,
};
