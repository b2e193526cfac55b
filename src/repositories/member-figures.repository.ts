// Distinct member organizations kept by the database (see the stats2_kept_figures migration):
// member_count holds, per (kind, key, cluster status, organization county), how many
// organizations have a current membership in a cluster of that kind and key (ANY: any cluster;
// LEVEL: a cluster at that level; SECTOR: a cluster in that sector), as of the date in
// member_figures_date. Status 'ALL' counts an organization once over both statuses.
// Writes only mark organizations (member_count_pending, by triggers); a reader first recounts
// the marked ones and the ones whose memberships start or end between the kept date and today,
// one reader at a time, and then reads a few hundred rows.
import { ClusterStatus } from '../entities/enums.js';
import { Db, type Dialect } from './db.js';

/** How a set of SQL statements runs: the ORM inside a transaction, or the import's own connection. */
export interface SqlRunner {
  dialect: Dialect;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
}

/** A transaction's runner over the ORM (`?` parameters). */
export function ormRunner(db: Db): SqlRunner {
  return {
    dialect: db.dialect,
    all: async <T>(sql: string, params: unknown[] = []) => (await db.em.execute(sql, params, 'all')) as T[],
    run: async (sql: string, params: unknown[] = []) => {
      await db.em.execute(sql, params, 'run');
    },
  };
}

export type MemberKind = 'ANY' | 'LEVEL' | 'SECTOR';
/** member_count's status for an organization counted once whatever its clusters' statuses. */
export const ALL_STATUSES = 'ALL';

/** Serializes recounts on PostgreSQL (SQLite has one writer anyway). */
const RECOUNT_LOCK_KEY = 741_902_311;
/** More marked rows than `allAbove` are counted again from scratch (an import, a seed) rather than one by one (tests lower it). */
export const memberRecount = { allAbove: 5000 };
const CHUNK = 400;

const STATUSES = Object.values(ClusterStatus);
/** An organization's contribution as tokens: kind letter (L level, S sector), status digit, key. */
const STATUS_DIGIT_SQL = `(case c.status ${STATUSES.map((s, i) => `when '${s}' then '${i}'`).join(' ')} end)`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function dateLiteral(date: string): string {
  if (!DATE.test(date)) throw new Error(`not a date: ${date}`);
  return `'${date}'`;
}
const currentOn = (date: string) =>
  `m.joined_on <= ${dateLiteral(date)} and (m.left_on is null or m.left_on > ${dateLiteral(date)})`;
/** The first day after `date` on which a membership starts or ends, if any. */
const nextChangeAfter = (date: string) =>
  `case when m.joined_on > ${dateLiteral(date)} then m.joined_on when m.left_on > ${dateLiteral(date)} then m.left_on end`;

/** The member_count rows (kind, key, status) an organization with these tokens counts in. */
function figuresOf(tokens: Iterable<string>): Set<string> {
  const figures = new Set<string>();
  for (const token of tokens) {
    const kind: MemberKind = token[0] === 'L' ? 'LEVEL' : 'SECTOR';
    const status = STATUSES[Number(token[1])];
    const key = token.slice(2);
    for (const s of [status, ALL_STATUSES]) {
      figures.add(`${kind}\n${key}\n${s}`);
      figures.add(`ANY\n\n${s}`);
    }
  }
  return figures;
}

interface KeptState {
  asOf: string | null;
  pending: number | string | boolean;
}

const STATE_SQL = `select cast(d.as_of as text) as "asOf", exists (select 1 from member_count_pending) as "pending" from member_figures_date d`;

/**
 * Brings member_count up to `today` (see the file comment): returns at once when nothing is
 * marked and the figures are of today.
 */
export async function settleMemberFigures(db: Db, today: string): Promise<void> {
  const [state] = await db.rows<KeptState>(db.knex.raw(STATE_SQL));
  if (state && state.asOf === today && !Number(state.pending)) return;
  await db.em.transactional(async (em) => {
    const runner = ormRunner(new Db(em as typeof db.em));
    if (runner.dialect === 'postgresql') await runner.run(`select pg_advisory_xact_lock(${RECOUNT_LOCK_KEY})`);
    await recount(runner, today);
  });
}

/** Recounts what changed since the kept date (another reader may have done it meanwhile). */
async function recount(runner: SqlRunner, today: string): Promise<void> {
  const [state] = await runner.all<KeptState>(STATE_SQL);
  const asOf = state?.asOf ?? null;
  if (asOf === null || asOf > today || (await manyMarked(runner))) {
    await recountAll(runner, today);
    return;
  }
  // PostgreSQL: only the marks this statement sees go (a writer's later mark stays for the next
  // reader). SQLite has one writer: nothing is marked between the read and the delete.
  const rows =
    runner.dialect === 'postgresql'
      ? await runner.all<{ id: number }>('delete from member_count_pending returning organization_id as "id"')
      : await runner.all<{ id: number }>('select distinct organization_id as "id" from member_count_pending');
  if (runner.dialect === 'sqlite') await runner.run('delete from member_count_pending');
  const ids = new Set(rows.map((r) => Number(r.id)));
  if (asOf < today) {
    const moving = await runner.all<{ id: number }>(
      `select organization_id as "id" from organization_member_keys where next_change is not null and next_change <= ${dateLiteral(today)}`,
    );
    for (const r of moving) ids.add(Number(r.id));
  }
  const all = [...ids];
  for (let i = 0; i < all.length; i += CHUNK) await recountOrganizations(runner, all.slice(i, i + CHUNK), today);
  await runner.run(`update member_figures_date set as_of = ${dateLiteral(today)}`);
}

interface KeptRow {
  id: number;
  county: string;
  keys: string;
  next: string | null;
}

/** Counts these organizations again as of `today` and moves member_count by the difference. */
async function recountOrganizations(runner: SqlRunner, ids: number[], today: string): Promise<void> {
  const list = ids.map(Number).join(', ');
  const memberships = await runner.all<{ id: number; token: string; next: string | null; current: number | string }>(
    `select m.organization_id as "id", 'L' || ${STATUS_DIGIT_SQL} || c.level as "token", cast(${nextChangeAfter(today)} as text) as "next",
            case when ${currentOn(today)} then 1 else 0 end as "current"
     from membership m join cluster c on c.id = m.cluster_id where m.organization_id in (${list})
     union all
     select m.organization_id, 'S' || ${STATUS_DIGIT_SQL} || s.sector, null, case when ${currentOn(today)} then 1 else 0 end
     from membership m join cluster c on c.id = m.cluster_id join cluster_sector s on s.cluster_id = c.id
     where m.organization_id in (${list})`,
  );
  const counties = await runner.all<{ id: number; county: string | null }>(
    `select id as "id", county as "county" from organization where id in (${list})`,
  );
  const kept = await runner.all<KeptRow>(
    `select organization_id as "id", county as "county", keys as "keys", cast(next_change as text) as "next"
     from organization_member_keys where organization_id in (${list})`,
  );

  const fresh = new Map<number, KeptRow & { tokens: Set<string> }>();
  for (const o of counties)
    fresh.set(Number(o.id), { id: Number(o.id), county: o.county ?? '', keys: '', next: null, tokens: new Set() });
  for (const m of memberships) {
    const row = fresh.get(Number(m.id));
    if (!row) continue;
    if (Number(m.current)) row.tokens.add(m.token);
    if (m.next && (row.next === null || m.next < row.next)) row.next = m.next;
  }

  const deltas = new Map<string, number>();
  const move = (county: string, tokens: Iterable<string>, by: number) => {
    for (const figure of figuresOf(tokens)) {
      const key = `${figure}\n${county}`;
      deltas.set(key, (deltas.get(key) ?? 0) + by);
    }
  };
  for (const k of kept) move(k.county, k.keys ? k.keys.split('\n') : [], -1);
  const rows: unknown[][] = [];
  for (const row of fresh.values()) {
    move(row.county, row.tokens, 1);
    if (row.tokens.size > 0 || row.next !== null) rows.push([row.id, row.county, [...row.tokens].sort().join('\n'), row.next]);
  }

  await runner.run(`delete from organization_member_keys where organization_id in (${list})`);
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await runner.run(
      `insert into organization_member_keys (organization_id, county, keys, next_change) values ${chunk.map(() => `(?, ?, ?, ${runner.dialect === 'postgresql' ? 'cast(? as date)' : '?'})`).join(', ')}`,
      chunk.flat(),
    );
  }
  const changed = [...deltas].filter(([, by]) => by !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 0; i < changed.length; i += CHUNK) {
    const chunk = changed.slice(i, i + CHUNK);
    await runner.run(
      `insert into member_count as k (kind, key, status, county, organizations) values ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}
       on conflict (kind, key, status, county) do update set organizations = k.organizations + excluded.organizations`,
      chunk.flatMap(([key, by]) => [...key.split('\n'), by]),
    );
  }
  if (changed.length > 0) await runner.run('delete from member_count where organizations = 0');
}

/**
 * Counts every organization again as of `today`, set-based (after an import or a seed, or when the
 * figures were never counted): the current memberships' (organization, kind, status, key) facts
 * once, then member_count and each organization's tokens from them.
 */
export async function recountAll(runner: SqlRunner, today: string): Promise<void> {
  const pg = runner.dialect === 'postgresql';
  const joined = pg ? `string_agg(f.token, chr(10))` : `group_concat(f.token, char(10))`;
  await runner.run('drop table if exists temp_member_fact');
  await runner.run('drop table if exists temp_member_next');
  await runner.run(`create temp table temp_member_fact as
    select m.organization_id as org, coalesce(o.county, '') as county, 'LEVEL' as kind, c.level as key, c.status as status,
           'L' || ${STATUS_DIGIT_SQL} || c.level as token
      from membership m join cluster c on c.id = m.cluster_id join organization o on o.id = m.organization_id where ${currentOn(today)}
    union
    select m.organization_id, coalesce(o.county, ''), 'SECTOR', s.sector, c.status, 'S' || ${STATUS_DIGIT_SQL} || s.sector
      from membership m join cluster c on c.id = m.cluster_id join cluster_sector s on s.cluster_id = c.id
      join organization o on o.id = m.organization_id where ${currentOn(today)}`);
  await runner.run(`create temp table temp_member_next as
    select m.organization_id as org, min(${nextChangeAfter(today)}) as next from membership m
    where m.joined_on > ${dateLiteral(today)} or m.left_on > ${dateLiteral(today)} group by m.organization_id`);
  await runner.run('delete from member_count');
  await runner.run('delete from organization_member_keys');
  await runner.run('delete from member_count_pending');
  await runner.run(`insert into member_count (kind, key, status, county, organizations)
    select f.kind, f.key, f.status, f.county, count(*) from temp_member_fact f group by f.kind, f.key, f.status, f.county
    union all
    select f.kind, f.key, '${ALL_STATUSES}', f.county, count(distinct f.org) from temp_member_fact f group by f.kind, f.key, f.county
    union all
    select 'ANY', '', f.status, f.county, count(distinct f.org) from temp_member_fact f where f.kind = 'LEVEL' group by f.status, f.county
    union all
    select 'ANY', '', '${ALL_STATUSES}', f.county, count(distinct f.org) from temp_member_fact f where f.kind = 'LEVEL' group by f.county`);
  await runner.run(`insert into organization_member_keys (organization_id, county, keys, next_change)
    select g.org, g.county, g.keys, n.next from (select f.org, f.county, ${joined} as keys from temp_member_fact f group by f.org, f.county) g
    left join temp_member_next n on n.org = g.org
    union all
    select n.org, coalesce(o.county, ''), '', n.next from temp_member_next n join organization o on o.id = n.org
    where not exists (select 1 from temp_member_fact f where f.org = n.org)`);
  await runner.run('drop table temp_member_fact');
  await runner.run('drop table temp_member_next');
  await runner.run(`update member_figures_date set as_of = ${dateLiteral(today)}`);
}

/** Takes the recount lock (PostgreSQL) and counts everything again: an import that marked many organizations. */
export async function recountAllLocked(runner: SqlRunner, today: string): Promise<void> {
  if (runner.dialect === 'postgresql') await runner.run(`select pg_advisory_xact_lock(${RECOUNT_LOCK_KEY})`);
  await recountAll(runner, today);
}

/** Whether more organizations are marked than are worth recounting one by one. */
export async function manyMarked(runner: SqlRunner): Promise<boolean> {
  const [marked] = await runner.all<{ n: number }>(
    `select count(*) as "n" from (select 1 from member_count_pending limit ${memberRecount.allAbove + 1}) p`,
  );
  return Number(marked.n) > memberRecount.allAbove;
}
