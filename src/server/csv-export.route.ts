// GET /export/<name>.csv: the documented lists and statistics as streaming CSV downloads, with the
// filters, orderings, token and rate limits of the GraphQL API. The services read the rows in
// keyset pages; this module parses the query string, charges the budget and writes the CSV.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MikroORM } from '@mikro-orm/core';
import { stringify } from 'csv-stringify';
import { type ProcessServices, type RequestContext, createRequestContext } from '../context/request-context.js';
import { AnnouncementKind, ClusterLevel, ClusterStatus, Language, MembershipRole } from '../entities/enums.js';
import { rateLimitHeaders, rateLimitKey } from '../graphql/plugins/rate-limit.plugin.js';
import { isIsoDate } from '../lib/dates.js';
import { CodedError, ErrorCode, badInput } from '../lib/errors.js';
import type { SortDirection } from '../lib/pagination.js';
import type { AnnouncementOrderField } from '../repositories/announcement.repository.js';
import type { ClusterOrderField } from '../repositories/cluster.repository.js';
import type { MembershipOrderField } from '../repositories/membership.repository.js';
import type { MembershipGroupField } from '../repositories/stats.repository.js';
import type { ClusterFilterInput } from '../services/cluster.service.js';
import {
  type ExportCell,
  type ExportOptions,
  type ExportTable,
  STATISTICS,
  type StatisticName,
  exportAnnouncements,
  exportClusterMembers,
  exportClusters,
  exportMembershipCounts,
  exportMemberships,
  exportStatistic,
} from '../services/export.service.js';
import { type RateLimiter, retryAfterSeconds } from '../services/rate-limit.service.js';
import { authenticateViewer } from './authorization.js';
import { type TrustProxy, clientAddressOf } from './client-address.js';
import type { Logger } from './logger.js';

export const EXPORT_PATH = '/export';

/** Rows one rate-limit point pays for: what one GraphQL page of 100 costs (see Rate limits in the README). */
export const ROWS_PER_POINT = 100;

export interface CsvExportOptions {
  orm: MikroORM;
  logger: Logger;
  services: ProcessServices;
  rateLimiter?: RateLimiter;
  trustProxy: TrustProxy;
  /** Seconds anonymous downloads may be cached (CACHE_MAX_AGE); 0 sends no-store. */
  cacheMaxAge: number;
  /** Rows per statement (tests use small pages to see many of them). */
  pageSize?: number;
}

/** The query string of an export, read parameter by parameter; anything left unread is refused. */
class Params {
  private readonly read = new Set<string>();

  constructor(private readonly params: URLSearchParams) {
    for (const [name, value] of params) {
      // PostgreSQL can store no NUL character; GraphQL refuses it in any string argument too.
      if (value.includes('\u0000')) throw badInput(`"${name}" holds a NUL character.`, name);
    }
  }

  /** A single value; given more than once, it is refused. */
  string(name: string): string | undefined {
    this.read.add(name);
    const values = this.params.getAll(name);
    if (values.length > 1) throw badInput(`"${name}" is given ${values.length} times; give it once.`, name);
    return values[0];
  }

  /**
   * A list: `a,b,c`, or the parameter repeated (`x=a&x=b`, each value whole, so a value may hold a
   * comma). An empty value is an empty list, which matches nothing, as `[]` does in GraphQL.
   */
  list(name: string): string[] | undefined {
    this.read.add(name);
    const values = this.params.getAll(name);
    if (values.length === 0) return undefined;
    if (values.length > 1) return values;
    return values[0] === '' ? [] : values[0].split(',').map((v) => v.trim());
  }

  enumValue<E extends string>(name: string, values: Record<string, E>, typeName: string): E | undefined {
    const value = this.string(name);
    return value === undefined ? undefined : enumMember(name, value, values, typeName);
  }

  enumList<E extends string>(name: string, values: Record<string, E>, typeName: string): E[] | undefined {
    return this.list(name)?.map((value, index) => enumMember(`${name}[${index}]`, value, values, typeName));
  }

  /** A LocalDate, `YYYY-MM-DD`. */
  date(name: string): string | undefined {
    const value = this.string(name);
    if (value !== undefined && !isIsoDate(value)) {
      throw badInput(`"${name}" must be a date, YYYY-MM-DD (a LocalDate), not "${value}".`, name);
    }
    return value;
  }

  /** A date range from `<name>.from` and `<name>.to`. */
  dateRange(name: string) {
    const from = this.date(`${name}.from`);
    const to = this.date(`${name}.to`);
    return from === undefined && to === undefined ? undefined : { from, to };
  }

  flag(name: string): boolean {
    const value = this.string(name);
    if (value === undefined || value === '0' || value === 'false') return false;
    if (value === '1' || value === 'true') return true;
    throw badInput(`"${name}" must be 1 or 0 (or true or false).`, name);
  }

  /** `orderBy` and `direction`; the direction defaults to ASC, as in GraphQL's order inputs. */
  order<F extends string>(fields: readonly F[], typeName: string): { field: F; direction: SortDirection } | undefined {
    const field = this.enumValue('orderBy', Object.fromEntries(fields.map((f) => [f, f])) as Record<string, F>, typeName);
    const direction = this.enumValue('direction', { ASC: 'ASC', DESC: 'DESC' }, 'OrderDirection');
    if (field === undefined) {
      if (direction !== undefined) throw badInput('"direction" needs "orderBy".', 'direction');
      return undefined;
    }
    return { field, direction: direction ?? 'ASC' };
  }

  /** Refuses parameters this export does not take, as GraphQL refuses unknown arguments. */
  done(): void {
    for (const name of new Set(this.params.keys())) {
      if (!this.read.has(name)) throw badInput(`This export takes no parameter "${name}".`, name);
    }
  }
}

function enumMember<E extends string>(field: string, value: string, values: Record<string, E>, typeName: string): E {
  const member = Object.values(values).find((v) => v === value);
  if (member === undefined) {
    throw badInput(`"${field}" must be a ${typeName}: ${Object.values(values).join(', ')}; not "${value}".`, field);
  }
  return member;
}

/** The ClusterFilter as parameters: `levels`, `counties`, `sectors`, `status`, `admittedOn.from`/`.to`, `text`. */
function clusterFilter(params: Params): ClusterFilterInput | null {
  const filter: ClusterFilterInput = {
    levels: params.enumList('levels', ClusterLevel, 'ClusterLevel'),
    counties: params.list('counties'),
    sectors: params.list('sectors'),
    status: params.enumValue('status', ClusterStatus, 'ClusterStatus'),
    admittedOn: params.dateRange('admittedOn'),
    text: params.string('text'),
  };
  return Object.values(filter).some((v) => v !== undefined) ? filter : null;
}

/** The MembershipFilter as parameters: `roles`, `activeOn`. */
const membershipFilter = (params: Params) => ({
  roles: params.enumList('roles', MembershipRole, 'MembershipRole'),
  activeOn: params.date('activeOn'),
});

const MEMBERSHIP_ORDER: readonly MembershipOrderField[] = ['JOINED_ON', 'LEFT_ON'];
const CLUSTER_ORDER: readonly ClusterOrderField[] = ['NAME', 'ADMITTED_ON', 'LEVEL'];
const ANNOUNCEMENT_ORDER: readonly AnnouncementOrderField[] = ['PUBLISHED_AT', 'TITLE'];
const GROUP_FIELDS: Record<MembershipGroupField, MembershipGroupField> = {
  CLUSTER_LEVEL: 'CLUSTER_LEVEL',
  CLUSTER_COUNTY: 'CLUSTER_COUNTY',
  CLUSTER_STATUS: 'CLUSTER_STATUS',
  ORGANIZATION_COUNTY: 'ORGANIZATION_COUNTY',
  ROLE: 'ROLE',
  JOINED_YEAR: 'JOINED_YEAR',
};

/** Reads an export's parameters (all of them, before anything runs), then makes its table. */
type ExportMaker = (params: Params) => (ctx: RequestContext, options: ExportOptions) => ExportTable | Promise<ExportTable>;

/** Every export by its name (the path between /export/ and .csv). */
export const EXPORTS: Record<string, ExportMaker> = {
  clusters: (params) => {
    const args = { filter: clusterFilter(params), orderBy: params.order(CLUSTER_ORDER, 'ClusterOrderField') };
    return (ctx, options) => exportClusters(ctx, args, options);
  },
  'cluster-members': (params) => {
    const slug = params.string('cluster');
    const args = { filter: membershipFilter(params), orderBy: params.order(MEMBERSHIP_ORDER, 'MembershipOrderField') };
    if (!slug) throw badInput('"cluster" (a cluster slug) is required.', 'cluster');
    return (ctx, options) => exportClusterMembers(ctx, slug, args, options);
  },
  memberships: (params) => {
    const args = {
      clusters: clusterFilter(params),
      filter: membershipFilter(params),
      orderBy: params.order(MEMBERSHIP_ORDER, 'MembershipOrderField'),
    };
    return (ctx, options) => exportMemberships(ctx, args, options);
  },
  announcements: (params) => {
    const args = {
      filter: {
        clusters: params.list('clusters'),
        kinds: params.enumList('kinds', AnnouncementKind, 'AnnouncementKind'),
        language: params.enumValue('language', Language, 'Language'),
        publishedAt: params.dateRange('publishedAt'),
        text: params.string('text'),
      },
      orderBy: params.order(ANNOUNCEMENT_ORDER, 'AnnouncementOrderField'),
    };
    return (ctx, options) => exportAnnouncements(ctx, args, options);
  },
  ...Object.fromEntries(
    Object.keys(STATISTICS).map((name): [string, ExportMaker] => [
      `stats/${name}`,
      (params) => {
        const filter = clusterFilter(params);
        const activeOn = name === 'clusters-by-level' ? params.date('activeOn') : null;
        return (ctx) => exportStatistic(ctx, name as StatisticName, filter, activeOn ?? null);
      },
    ]),
  ),
  'stats/membership-counts': (params) => {
    const filter = clusterFilter(params);
    const groupBy = params.enumList('groupBy', GROUP_FIELDS, 'MembershipGroupField');
    const activeOn = params.date('activeOn');
    if (!groupBy) throw badInput('"groupBy" (one to four MembershipGroupField values) is required.', 'groupBy');
    return (ctx) => exportMembershipCounts(ctx, { filter, groupBy, activeOn });
  },
};

/** HTTP status of a refused export, by error code. */
const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.BAD_CURSOR]: 400,
  [ErrorCode.PAGE_SIZE_EXCEEDED]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.TIMEOUT]: 503,
  [ErrorCode.DATABASE_UNAVAILABLE]: 503,
};

/**
 * Spreadsheets run a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return, which
 * they strip first) as a formula: such a text value gets a leading `'` (OWASP's advice), which
 * spreadsheets show as text and do not display. Numbers are written as they are.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The request handler for GET /export/<name>.csv. */
export function csvExportHandler(options: CsvExportOptions) {
  const { orm, logger } = options;
  return async (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const name = /^\/export\/(.+)\.csv$/.exec(url.pathname)?.[1];
    const maker = name !== undefined && Object.hasOwn(EXPORTS, name) ? EXPORTS[name] : undefined;
    res.setHeader('x-request-id', requestId);
    if (name === undefined || !maker) {
      sendError(res, new CodedError(ErrorCode.NOT_FOUND, `No export at ${url.pathname}; see "CSV exports" in the README.`));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendError(res, new CodedError(ErrorCode.BAD_USER_INPUT, 'Exports are read with GET.'), 405, 'BAD_REQUEST');
      return;
    }
    const ctx = createRequestContext(orm, requestId, null, options.services, clientAddressOf(req, options.trustProxy));
    let rows = 0;
    let outcome = 'ok';
    try {
      const authorization = req.headers.authorization;
      await authenticateViewer(ctx, authorization);
      const params = new Params(url.searchParams);
      const bom = params.flag('bom');
      const make = maker(params);
      params.done();
      // The first point before anything is read (as GraphQL charges an operation once its arguments
      // are parsed, before it resolves): a caller over budget gets a 429, not a partial file.
      const limiter = options.rateLimiter;
      const key = rateLimitKey(ctx);
      if (limiter) {
        const { allowed, state } = await limiter.spend(key, 1);
        for (const [header, value] of rateLimitHeaders(state)) res.setHeader(header, value);
        if (!allowed) {
          res.setHeader('retry-after', String(retryAfterSeconds(state)));
          throw new CodedError(
            ErrorCode.RATE_LIMITED,
            `Rate limit exceeded: ${state.remaining} of your ${state.limit} points per hour remain; the budget is whole again at ${state.resetAt.toISOString()}.`,
          );
        }
      }
      const table = await make(ctx, { pageSize: options.pageSize });
      // The first page is read before the status line, so a refused cursor or a database error is
      // still an HTTP error and not a cut-off file.
      const pages = table.pages[Symbol.asyncIterator]();
      const first = await pages.next();
      res.statusCode = 200;
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${name.replace(/\//g, '-')}.csv"`);
      res.setHeader(
        'cache-control',
        authorization !== undefined || options.cacheMaxAge <= 0 ? 'private, no-store' : `public, max-age=${options.cacheMaxAge}`,
      );
      res.setHeader('x-content-type-options', 'nosniff');
      if (req.method === 'HEAD') {
        await pages.return?.(undefined);
        res.end();
        return;
      }
      const records = async function* (): AsyncGenerator<ExportCell[]> {
        try {
          let result = first;
          while (!result.done) {
            for (const row of result.value) {
              // Every further ROWS_PER_POINT rows cost a point, as the pages of a GraphQL client would.
              if (rows > 0 && rows % ROWS_PER_POINT === 0 && limiter) {
                const { allowed } = await limiter.spend(key, 1);
                if (!allowed) {
                  outcome = ErrorCode.RATE_LIMITED;
                  throw new CodedError(ErrorCode.RATE_LIMITED, 'Rate limit exceeded during an export.');
                }
              }
              rows += 1;
              yield row;
            }
            result = await pages.next();
          }
        } finally {
          // Ended early (the client went away, the budget ran out): read no further page.
          await pages.return?.(undefined);
        }
      };
      const csv = stringify({
        header: true,
        columns: [...table.columns],
        bom,
        cast: { string: neutraliseFormula },
      });
      // pipeline passes backpressure along (a slow client pauses the reads) and, when the client
      // goes away, ends the generators, so no further page is read.
      await pipeline(Readable.from(records()), csv, res);
    } catch (error) {
      const clientGone = res.destroyed || (error as NodeJS.ErrnoException)?.code === 'ERR_STREAM_PREMATURE_CLOSE';
      if (outcome === 'ok') outcome = clientGone ? 'client closed' : error instanceof CodedError ? error.code : 'error';
      if (clientGone) {
        res.destroy();
        return;
      }
      if (res.headersSent) {
        // Cut the connection without the closing chunk: the client sees an incomplete transfer, not a short file.
        if (!(error instanceof CodedError)) logger.error({ err: error, requestId, export: name, rows }, 'export failed');
        res.destroy();
        return;
      }
      if (!(error instanceof CodedError)) logger.error({ err: error, requestId, export: name }, 'export failed');
      sendError(res, error);
    } finally {
      logger.info({ requestId, export: name, rows, outcome, durationMs: Math.round(performance.now() - started) }, 'csv export');
    }
  };
}

/** The services name a filter's fields `filter.<field>`; here they are query parameters, named `<field>`. */
function asParameters(error: CodedError): CodedError {
  const strip = (text: string) => text.replace(/(^|")filter\./g, '$1');
  return new CodedError(
    error.code,
    strip(error.message),
    error.field === undefined ? undefined : strip(error.field),
    error.fields?.map((p) => ({ field: strip(p.field), message: strip(p.message) })),
  );
}

/** A refused export: JSON with GraphQL's error shape and stable code (and the field, for bad input). */
function sendError(res: ServerResponse, error: unknown, status?: number, requestCode?: 'BAD_REQUEST'): void {
  const coded = error instanceof CodedError ? asParameters(error) : undefined;
  const code = requestCode ?? coded?.code ?? ErrorCode.INTERNAL_SERVER_ERROR;
  res.statusCode = status ?? STATUS[code] ?? 500;
  if (code === ErrorCode.UNAUTHENTICATED) res.setHeader('www-authenticate', 'Bearer realm="klynge"');
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'private, no-store');
  res.end(
    JSON.stringify({
      errors: [
        {
          message: coded ? coded.message : 'Internal server error.',
          extensions: {
            code,
            ...(coded?.field ? { field: coded.field } : {}),
            ...(coded?.fields ? { fields: coded.fields } : {}),
          },
        },
      ],
    }),
  );
}
