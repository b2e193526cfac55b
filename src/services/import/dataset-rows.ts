import { z } from 'zod';
import { AnnouncementKind, ClusterLevel, Language, MembershipRole, PartnerKind, PartnershipRole } from '../../entities/enums.js';
import { isValidOrgNumber } from '../../lib/org-number.js';

// The rows of the `innovation-clusters/1` dataset format, one zod schema per file. The schemas check
// what one line can show on its own (fields, types, enum values, calendar dates, organisation
// numbers, lengths the columns allow); references and duplicate keys need the other rows and are
// checked by the DatasetValidator.

export const DATASET_FORMAT = 'innovation-clusters/1';

const DATETIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isCalendarDay = (year: number, month: number, day: number): boolean =>
  year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1]);

/** Days since 1970-01-01 of a proleptic Gregorian date (integer arithmetic: no Date, no allocation). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` calendar date, or null when it is not a real date. */
export function dateToDays(value: string): number | null {
  if (value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return null;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 7);
  const day = digits(value, 8, 10);
  if (year < 0 || month < 0 || day < 0 || !isCalendarDay(year, month, day)) return null;
  return daysFromCivil(year, month, day);
}

/** The number the decimal digits value[from, to) spell, or -1 if any is not a digit. */
function digits(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Epoch milliseconds of an ISO-8601 datetime with `Z` or an offset, or null when it is not a real instant. */
export function dateTimeToEpochMs(value: string): number | null {
  const m = DATETIME_PATTERN.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (!isCalendarDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const optionalText = (max: number) => z.string().max(max, `must be at most ${max} characters`).nullable();
const date = z.string().refine((v) => dateToDays(v) !== null, 'must be a calendar date YYYY-MM-DD');
const dateTime = z
  .string()
  .refine((v) => dateTimeToEpochMs(v) !== null, 'must be a datetime YYYY-MM-DDTHH:MM:SSZ (or with an offset)');
const orgNumber = z.string().refine(isValidOrgNumber, 'must be a 9-digit organisation number with a valid check digit');
const int32 = z.int().max(2_147_483_647);

export const clusterRow = z
  .object({
    slug: text(100),
    name: text(200),
    level: z.enum(ClusterLevel),
    county: text(100),
    city: text(100),
    sector: text(100),
    founded: z.int().min(1800).max(2100).nullable(),
    admittedOn: date,
    website: optionalText(500),
    description: z.string().nullable(),
    orgNumber: orgNumber.nullable(),
  })
  .refine((c) => c.founded === null || Number(c.admittedOn.slice(0, 4)) >= c.founded, {
    message: 'must not be before the year the cluster was founded',
    path: ['admittedOn'],
  });

export const organizationRow = z.object({
  orgNumber,
  name: text(200),
  city: optionalText(100),
  county: optionalText(100),
  naceCode: z
    .string()
    .regex(/^\d{2}\.\d{1,3}$/, 'must be a NACE code NN.NNN')
    .nullable(),
  employees: int32.min(0).nullable(),
  website: optionalText(500),
});

export const partnerRow = z.object({
  slug: text(100),
  name: text(200),
  kind: z.enum(PartnerKind),
  orgNumber: orgNumber.nullable(),
  city: optionalText(100),
  website: optionalText(500),
});

export const membershipRow = z
  .object({
    cluster: text(100),
    orgNumber,
    role: z.enum(MembershipRole),
    joinedOn: date,
    leftOn: date.nullable(),
  })
  .refine((m) => m.leftOn === null || m.leftOn > m.joinedOn, {
    message: 'must be after joinedOn',
    path: ['leftOn'],
  });

export const partnershipRow = z.object({
  cluster: text(100),
  partner: text(100),
  role: z.enum(PartnershipRole),
  since: date,
});

export const announcementRow = z.object({
  slug: text(150),
  title: text(300),
  body: z.string(),
  language: z.enum(Language),
  publishedAt: dateTime,
  kind: z.enum(AnnouncementKind),
  sourceUrl: optionalText(500),
  clusters: z
    .array(text(100))
    .max(100, 'must name at most 100 clusters')
    .refine((slugs) => new Set(slugs).size === slugs.length, 'must not name a cluster twice'),
});

const MEMBERSHIP_ROLES: ReadonlySet<unknown> = new Set(Object.values(MembershipRole));
const isDate = (value: unknown): value is string => typeof value === 'string' && dateToDays(value) !== null;

/**
 * The membership schema's fast path, for the file with millions of rows: the row as `membershipRow`
 * returns it (known fields only) when the schema would accept it, or null to let the schema decide
 * and explain. It accepts nothing the schema rejects (test/unit/dataset-rows.test.ts compares them).
 */
export function acceptMembership(raw: Record<string, unknown>): MembershipRow | null {
  const { cluster, orgNumber, role, joinedOn, leftOn } = raw;
  if (typeof cluster !== 'string' || cluster.length === 0 || cluster.length > 100) return null;
  if (typeof orgNumber !== 'string' || !isValidOrgNumber(orgNumber)) return null;
  if (!MEMBERSHIP_ROLES.has(role) || !isDate(joinedOn)) return null;
  if (leftOn !== null && !(isDate(leftOn) && leftOn > joinedOn)) return null;
  return { cluster, orgNumber, role: role as MembershipRole, joinedOn, leftOn };
}

export type ClusterRow = z.infer<typeof clusterRow>;
export type OrganizationRow = z.infer<typeof organizationRow>;
export type PartnerRow = z.infer<typeof partnerRow>;
export type MembershipRow = z.infer<typeof membershipRow>;
export type PartnershipRow = z.infer<typeof partnershipRow>;
export type AnnouncementRow = z.infer<typeof announcementRow>;

/** The rows of each dataset file, by file kind. */
export interface DatasetRows {
  clusters: ClusterRow;
  organizations: OrganizationRow;
  partners: PartnerRow;
  memberships: MembershipRow;
  partnerships: PartnershipRow;
  announcements: AnnouncementRow;
}
export type DatasetFileKind = keyof DatasetRows;

export interface DatasetFile<K extends DatasetFileKind = DatasetFileKind> {
  kind: K;
  name: string;
  schema: z.ZodType<DatasetRows[K]>;
  /** A fast path that returns the row the schema would, or null to leave it to the schema. */
  accept?: (raw: Record<string, unknown>) => DatasetRows[K] | null;
}

/**
 * The files of a dataset in dependency order: a file only refers to files before it. Memberships
 * (by far the largest) come last so the database can merge everything else while they are read.
 */
export const DATASET_FILES: readonly DatasetFile[] = [
  { kind: 'clusters', name: 'clusters.ndjson', schema: clusterRow },
  { kind: 'organizations', name: 'organizations.ndjson', schema: organizationRow },
  { kind: 'partners', name: 'partners.ndjson', schema: partnerRow },
  { kind: 'partnerships', name: 'partnerships.ndjson', schema: partnershipRow },
  { kind: 'announcements', name: 'announcements.ndjson', schema: announcementRow },
  { kind: 'memberships', name: 'memberships.ndjson', schema: membershipRow, accept: acceptMembership },
];

export const manifestSchema = z.object({
  format: z.string(),
  files: z.record(z.string(), z.object({ rows: z.int().min(0) }).partial()).optional(),
});

/** `path: message (got value)` for one zod issue, the value taken from the parsed line. */
export function formatIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String).join('.');
  let value: unknown = input;
  for (const key of issue.path) value = value == null ? undefined : (value as Record<PropertyKey, unknown>)[key];
  const shown = value === undefined || issue.code === 'invalid_type' ? '' : ` (got ${preview(value)})`;
  const message = issue.code === 'invalid_type' && value === undefined ? 'is required' : issue.message;
  return `${path ? `${path}: ` : ''}${message}${shown}`;
}

function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
