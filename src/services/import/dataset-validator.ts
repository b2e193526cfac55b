import {
  type AnnouncementRow,
  type ClusterRow,
  type DatasetFile,
  type DatasetFileKind,
  type DatasetRows,
  type MembershipRow,
  type OrganizationRow,
  type PartnerRow,
  type PartnershipRow,
  dateToDays,
  formatIssue,
} from './dataset-rows.js';

/** One problem with a dataset: a file, the 1-based line (absent for whole-file problems) and what is wrong. */
export interface DatasetIssue {
  file: string;
  line?: number;
  message: string;
}

export const formatDatasetIssue = (issue: DatasetIssue): string =>
  `${issue.file}${issue.line === undefined ? '' : `:${issue.line}`}: ${issue.message}`;

type RowCheck<K extends DatasetFileKind> = (row: DatasetRows[K], line: number) => string | null;

/**
 * Validates dataset rows line by line, file by file in dependency order: the row schema first, then
 * the checks that need earlier rows (duplicate keys within a file, references to earlier files).
 * Keeps the first `maxIssues` issues and counts all of them.
 *
 * Keys are remembered by the line that introduced them, so membership keys are small integers
 * (cluster line → organization line → membership line, joinedOn in a typed array by line) rather
 * than strings: two million memberships take a few dozen MB.
 */
export class DatasetValidator {
  readonly issues: DatasetIssue[] = [];
  issueCount = 0;

  private readonly clusters = new Map<string, number>();
  private readonly organizations = new Map<string, number>();
  private readonly partners = new Map<string, number>();
  private readonly announcements = new Map<string, number>();
  /** cluster line → organization line → the line(s) of the pair's memberships. */
  private readonly memberships = new Map<number, Map<number, number | number[]>>();
  /** joinedOn (days since 1970) of each membership line. */
  private joinedOn = new Int32Array(1024);
  private readonly partnerships = new Map<string, number>();

  constructor(private readonly maxIssues = 20) {}

  get ok(): boolean {
    return this.issueCount === 0;
  }

  report(file: string, line: number | undefined, message: string): void {
    this.issueCount++;
    if (this.issues.length < this.maxIssues) this.issues.push(line === undefined ? { file, message } : { file, line, message });
  }

  /** Parses and checks one line; returns the row, or null (blank line or an issue reported). */
  validate<K extends DatasetFileKind>(file: DatasetFile<K>, lineNo: number, text: string): DatasetRows[K] | null {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      if (text.trim() === '') return null;
      this.report(file.name, lineNo, `invalid JSON: ${(error as Error).message}`);
      return null;
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      this.report(file.name, lineNo, 'expected a JSON object');
      return null;
    }
    // PostgreSQL text cannot hold NUL; the cheap test on the line text almost never hits.
    if (text.includes('\\u0000') && hasNul(raw)) {
      this.report(file.name, lineNo, 'contains a NUL character (\\u0000), which the database cannot store');
      return null;
    }
    let row = file.accept?.(raw as Record<string, unknown>) ?? null;
    if (row === null) {
      const parsed = file.schema.safeParse(raw);
      if (!parsed.success) {
        const messages = parsed.error.issues.slice(0, 3).map((issue) => formatIssue(issue, raw));
        this.report(file.name, lineNo, messages.join('; '));
        this.rememberKeyOfInvalidRow(file.kind, raw as Record<string, unknown>, lineNo);
        return null;
      }
      row = parsed.data;
    }
    const problem = (this.checks[file.kind] as RowCheck<K>)(row, lineNo);
    if (problem !== null) {
      this.report(file.name, lineNo, problem);
      return null;
    }
    return row;
  }

  private readonly checks: { [K in DatasetFileKind]: RowCheck<K> } = {
    clusters: (row: ClusterRow, line) => this.unique(this.clusters, row.slug, line, 'slug'),
    organizations: (row: OrganizationRow, line) => this.unique(this.organizations, row.orgNumber, line, 'orgNumber'),
    partners: (row: PartnerRow, line) => this.unique(this.partners, row.slug, line, 'slug'),
    memberships: (row: MembershipRow, line) => {
      const cluster = this.clusters.get(row.cluster);
      const organization = this.organizations.get(row.orgNumber);
      if (cluster === undefined) return `cluster: unknown cluster slug ${JSON.stringify(row.cluster)}`;
      if (organization === undefined) return `orgNumber: unknown organization ${row.orgNumber}`;
      if (line >= this.joinedOn.length) {
        const grown = new Int32Array(Math.max(line + 1, this.joinedOn.length * 2));
        grown.set(this.joinedOn);
        this.joinedOn = grown;
      }
      const days = dateToDays(row.joinedOn)!;
      this.joinedOn[line] = days;
      let ofCluster = this.memberships.get(cluster);
      if (!ofCluster) {
        ofCluster = new Map();
        this.memberships.set(cluster, ofCluster);
      }
      const seen = ofCluster.get(organization);
      if (seen === undefined) {
        ofCluster.set(organization, line);
        return null;
      }
      const lines = Array.isArray(seen) ? seen : [seen];
      const earlier = lines.find((l) => this.joinedOn[l] === days);
      if (earlier !== undefined) return `duplicate membership (cluster, orgNumber, joinedOn) of line ${earlier}`;
      ofCluster.set(organization, [...lines, line]);
      return null;
    },
    partnerships: (row: PartnershipRow, line) => {
      const cluster = this.clusters.get(row.cluster);
      const partner = this.partners.get(row.partner);
      if (cluster === undefined) return `cluster: unknown cluster slug ${JSON.stringify(row.cluster)}`;
      if (partner === undefined) return `partner: unknown partner slug ${JSON.stringify(row.partner)}`;
      const key = `${cluster}:${partner}:${row.since}`;
      const earlier = this.partnerships.get(key);
      if (earlier !== undefined) return `duplicate partnership (cluster, partner, since) of line ${earlier}`;
      this.partnerships.set(key, line);
      return null;
    },
    announcements: (row: AnnouncementRow, line) => {
      const unknown = row.clusters.find((slug) => !this.clusters.has(slug));
      if (unknown !== undefined) return `clusters: unknown cluster slug ${JSON.stringify(unknown)}`;
      return this.unique(this.announcements, row.slug, line, 'slug');
    },
  };

  private unique(keys: Map<string, number>, key: string, line: number, field: string): string | null {
    const earlier = keys.get(key);
    if (earlier !== undefined) return `${field}: duplicate ${JSON.stringify(key)} (first on line ${earlier})`;
    keys.set(key, line);
    return null;
  }

  /** A row that failed its schema still claims its key, so rows referring to it are not reported too. */
  private rememberKeyOfInvalidRow(kind: DatasetFileKind, raw: Record<string, unknown>, line: number): void {
    const remember = (keys: Map<string, number>, key: unknown) => {
      if (typeof key === 'string' && !keys.has(key)) keys.set(key, line);
    };
    if (kind === 'clusters') remember(this.clusters, raw.slug);
    else if (kind === 'organizations') remember(this.organizations, raw.orgNumber);
    else if (kind === 'partners') remember(this.partners, raw.slug);
    else if (kind === 'announcements') remember(this.announcements, raw.slug);
  }
}

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasNul);
  return false;
}
