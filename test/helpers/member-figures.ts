// The member figures the database keeps (see the stats2_kept_figures migration) checked against
// the rows: the API's answers against the scans that count the rows on every request (the oracle),
// and the one-by-one recounts against a recount of everything.
import type { EntityManager } from '@mikro-orm/knex';
import type { ClusterFilterParams } from '../../src/repositories/cluster.repository.js';
import { Db } from '../../src/repositories/db.js';
import { ormRunner, recountAll } from '../../src/repositories/member-figures.repository.js';
import * as stats from '../../src/repositories/stats.repository.js';
import { statsClock } from '../../src/services/stats.service.js';
import type { TestApi } from './api.js';
import type { TestDatabase } from './database.js';
import { sql } from './database.js';

/** Filters the kept figures answer (and one they answer only per level), as GraphQL and as parameters. */
const FILTERS: [string, ClusterFilterParams | undefined][] = [
  ['', undefined],
  ['(filter: { status: ACTIVE })', { status: 'ACTIVE' as never }],
  ['(filter: { status: ENDED })', { status: 'ENDED' as never }],
  ['(filter: { levels: [NCE, GCE] })', { levels: ['NCE', 'GCE'] as never }],
];

/**
 * More filters for membershipsByYear alone: on levels, counties and status (the counts kept per
 * cluster group and year answer them) and one on sectors (summed per cluster and year).
 */
const YEAR_FILTERS: [string, ClusterFilterParams][] = [
  ['(filter: { levels: [ARENA, NCE] })', { levels: ['ARENA', 'NCE'] as never }],
  ['(filter: { counties: ["Vestland", "Oslo", "Finnmark"] })', { counties: ['Vestland', 'Oslo', 'Finnmark'] }],
  [
    '(filter: { status: ACTIVE, levels: [ARENA, GCE], counties: ["Vestland", "Agder", "Trøndelag"] })',
    { status: 'ACTIVE' as never, levels: ['ARENA', 'GCE'] as never, counties: ['Vestland', 'Agder', 'Trøndelag'] },
  ],
  ['(filter: { counties: [] })', { counties: [] }],
  ['(filter: { sectors: ["Havbruk", "Massefag"] })', { sectors: ['Havbruk', 'Massefag'] }],
];

const FIGURES =
  'membersByLevel { key count } membersByCounty { key count } membersBySector { key count } membersByCountyAndLevel { county level count } membershipsByYear { key count }';

/** The figures the API gives that differ from a count of the rows (none when all is well). */
export async function memberFigureMismatches(api: TestApi): Promise<string[]> {
  const mismatches: string[] = [];
  const today = statsClock.today();
  for (const [filter, params] of FILTERS) {
    const answer = await api.data<{ stats: Record<string, unknown> }>(`{ stats${filter} { ${FIGURES} } }`);
    const db = new Db(api.orm.em.fork() as EntityManager);
    const rows: Record<string, unknown> = {
      membersByLevel: await stats.membersByLevel(db, params, today),
      membersByCounty: await stats.membersByCounty(db, params, today),
      membersBySector: await stats.membersBySector(db, params, today),
      membersByCountyAndLevel: await stats.membersByCountyAndLevel(db, params, today),
      membershipsByYear: await stats.membershipsByYear(db, params),
    };
    for (const [figure, expected] of Object.entries(rows)) {
      const actual = answer.stats[figure];
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        mismatches.push(`${figure}${filter} on ${today}: kept ${JSON.stringify(actual)}, rows ${JSON.stringify(expected)}`);
      }
    }
  }
  for (const [filter, params] of YEAR_FILTERS) {
    const answer = await api.data<{ stats: { membershipsByYear: unknown } }>(
      `{ stats${filter} { membershipsByYear { key count } } }`,
    );
    const expected = await stats.membershipsByYear(new Db(api.orm.em.fork() as EntityManager), params);
    if (JSON.stringify(answer.stats.membershipsByYear) !== JSON.stringify(expected)) {
      mismatches.push(
        `membershipsByYear${filter}: kept ${JSON.stringify(answer.stats.membershipsByYear)}, rows ${JSON.stringify(expected)}`,
      );
    }
  }
  return mismatches;
}

/** member_count and each organization's kept tokens, in a comparable order. */
export async function keptMemberTables(db: TestDatabase): Promise<unknown[]> {
  const counts = await sql(
    db,
    'select kind, key, status, county, organizations from member_count order by kind, key, status, county',
  );
  const keys = await sql(
    db,
    'select organization_id, county, keys, next_change from organization_member_keys order by organization_id',
  );
  return [
    counts.map((r) => [r.kind, r.key, r.status, r.county, Number(r.organizations)]),
    keys.map((r) => [
      Number(r.organization_id),
      r.county,
      // Bits as 62-bit words: trailing empty words (written before more sectors were numbered) mean nothing.
      String(r.keys).replace(/(,0)+$/, ''),
      r.next_change === null
        ? null
        : String(r.next_change instanceof Date ? r.next_change.toISOString().slice(0, 10) : r.next_change),
    ]),
  ];
}

/**
 * The kept tables as the one-by-one recounts left them, and as a recount of everything (the
 * import's and seed's path) makes them: they must be equal.
 */
export async function keptTablesBeforeAndAfterRecountAll(db: TestDatabase): Promise<[unknown[], unknown[]]> {
  const before = await keptMemberTables(db);
  await db.orm.em.fork().transactional(async (em) => recountAll(ormRunner(new Db(em as EntityManager)), statsClock.today()));
  return [before, await keptMemberTables(db)];
}
