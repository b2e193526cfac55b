// Distinct member organizations kept by the database (see the stats2_kept_figures migration):
// member_count holds, per (kind, key, cluster status, organization county), how many
// organizations have a current membership in a cluster of that kind and key (ANY: any cluster;
// LEVEL: a cluster at that level; SECTOR: a cluster in that sector), as of the date in
// member_figures_date. Status 'ALL' counts an organization once over both statuses.
// Writes only mark organizations (member_count_pending, by triggers); a reader first recounts
// the marked ones and the ones whose memberships start or end between the kept date and today,
// one reader at a time, and then reads a few hundred rows.
//
// What an organization counts in is kept as bits (organization_member_keys.keys: 62-bit words,
// comma-separated): a bit per (cluster status, level), then a bit per (sector, status), sectors
// numbered once and for good in member_sector. Bits make counting everything again a matter of
// OR-ing per organization and summing per county.
import { CLUSTER_LEVEL_RANK, ClusterLevel, ClusterStatus } from '../entities/enums.js';
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
const LEVELS = Object.values(ClusterLevel).sort((a, b) => CLUSTER_LEVEL_RANK[a] - CLUSTER_LEVEL_RANK[b]);
const LEVEL_BITS = STATUSES.length * LEVELS.length;
const WORD_BITS = 62;
const levelBit = (status: number, level: number) => status * LEVELS.length + level;
const sectorBit = (sector: number, status: number) => LEVEL_BITS + sector * STATUSES.length + status;
const STATUS_INDEX_SQL = (column: string) => `(case ${column} ${STATUSES.map((s, i) => `when '${s}' then ${i}`).join(' ')} end)`;
const LEVEL_INDEX_SQL = (column: string) => `(case ${column} ${LEVELS.map((l, i) => `when '${l}' then ${i}`).join(' ')} end)`;

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

/** One member_count row (kind, key, status) and the bits of which an organization needs any to count in it. */
interface Figure {
  kind: MemberKind;
  key: string;
  status: string;
  bits: number[];
}

/** Every member_count row there can be, given the numbered sectors. */
function figures(sectors: string[]): Figure[] {
  const list: Figure[] = [];
  const statusSets = [
    ...STATUSES.map((s, i) => ({ status: s as string, indexes: [i] })),
    { status: ALL_STATUSES, indexes: STATUSES.map((_, i) => i) },
  ];
  for (const { status, indexes } of statusSets) {
    list.push({ kind: 'ANY', key: '', status, bits: indexes.flatMap((s) => LEVELS.map((_, l) => levelBit(s, l))) });
    list.push(...LEVELS.map((key, l): Figure => ({ kind: 'LEVEL', key, status, bits: indexes.map((s) => levelBit(s, l)) })));
    list.push(...sectors.map((key, i): Figure => ({ kind: 'SECTOR', key, status, bits: indexes.map((s) => sectorBit(i, s)) })));
  }
  return list;
}

const wordsFor = (sectors: string[]) => Math.ceil(sectorBit(Math.max(sectors.length, 1), 0) / WORD_BITS);

/** Bits as kept: one decimal word per 62 bits, comma-separated. */
function encode(bits: Set<number>, words: number): string {
  const values = Array.from({ length: words }, () => 0n);
  for (const bit of bits) values[Math.floor(bit / WORD_BITS)] |= 1n << BigInt(bit % WORD_BITS);
  return values.join(',');
}
function decode(keys: string): Set<number> {
  const bits = new Set<number>();
  keys.split(',').forEach((word, w) => {
    let value = BigInt(word || '0');
    for (let bit = 0; value > 0n; bit++, value >>= 1n) if (value & 1n) bits.add(w * WORD_BITS + bit);
  });
  return bits;
}

/** Numbers the sectors not numbered yet (after those that are) and returns them all, by number. */
async function numberedSectors(runner: SqlRunner): Promise<string[]> {
  await runner.run(`insert into member_sector (idx, sector)
    select (select coalesce(max(idx), -1) from member_sector) + row_number() over (order by s.sector), s.sector
    from (select distinct sector from cluster_sector where sector not in (select sector from member_sector)) s`);
  const rows = await runner.all<{ sector: string }>('select sector as "sector" from member_sector order by idx');
  return rows.map((r) => r.sector);
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
  if (all.length > 0) {
    const sectors = await numberedSectors(runner);
    for (let i = 0; i < all.length; i += CHUNK) await recountOrganizations(runner, all.slice(i, i + CHUNK), today, sectors);
  }
  await runner.run(`update member_figures_date set as_of = ${dateLiteral(today)}`);
}

interface KeptRow {
  id: number;
  county: string;
  keys: string;
  next: string | null;
}

/** Counts these organizations again as of `today` and moves member_count by the difference. */
async function recountOrganizations(runner: SqlRunner, ids: number[], today: string, sectors: string[]): Promise<void> {
  const list = ids.map(Number).join(', ');
  const sectorIndex = new Map(sectors.map((s, i) => [s, i]));
  const memberships = await runner.all<{
    id: number;
    status: number;
    level: number;
    sector: string | null;
    current: number | string;
    next: string | null;
  }>(
    `select m.organization_id as "id", ${STATUS_INDEX_SQL('c.status')} as "status", ${LEVEL_INDEX_SQL('c.level')} as "level", s.sector as "sector",
            case when ${currentOn(today)} then 1 else 0 end as "current", cast(${nextChangeAfter(today)} as text) as "next"
     from membership m join cluster c on c.id = m.cluster_id left join cluster_sector s on s.cluster_id = c.id
     where m.organization_id in (${list})`,
  );
  const counties = await runner.all<{ id: number; county: string | null }>(
    `select id as "id", county as "county" from organization where id in (${list})`,
  );
  const kept = await runner.all<KeptRow>(
    `select organization_id as "id", county as "county", keys as "keys", cast(next_change as text) as "next"
     from organization_member_keys where organization_id in (${list})`,
  );

  const fresh = new Map<number, { county: string; bits: Set<number>; next: string | null }>();
  for (const o of counties) fresh.set(Number(o.id), { county: o.county ?? '', bits: new Set(), next: null });
  for (const m of memberships) {
    const row = fresh.get(Number(m.id));
    if (!row) continue;
    if (Number(m.current)) {
      row.bits.add(levelBit(Number(m.status), Number(m.level)));
      if (m.sector !== null) row.bits.add(sectorBit(sectorIndex.get(m.sector)!, Number(m.status)));
    }
    if (m.next && (row.next === null || m.next < row.next)) row.next = m.next;
  }

  const all = figures(sectors);
  const deltas = new Map<string, number>();
  const move = (county: string, bits: Set<number>, by: number) => {
    for (const figure of all) {
      if (!figure.bits.some((b) => bits.has(b))) continue;
      const key = `${figure.kind}\n${figure.key}\n${figure.status}\n${county}`;
      deltas.set(key, (deltas.get(key) ?? 0) + by);
    }
  };
  for (const k of kept) move(k.county, decode(k.keys), -1);
  const words = wordsFor(sectors);
  const rows: unknown[][] = [];
  for (const [id, row] of fresh) {
    move(row.county, row.bits, 1);
    if (row.bits.size > 0 || row.next !== null) rows.push([id, row.county, encode(row.bits, words), row.next]);
  }

  await runner.run(`delete from organization_member_keys where organization_id in (${list})`);
  const date = runner.dialect === 'postgresql' ? 'cast(? as date)' : '?';
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await runner.run(
      `insert into organization_member_keys (organization_id, county, keys, next_change) values ${chunk.map(() => `(?, ?, ?, ${date})`).join(', ')}`,
      chunk.flat(),
    );
  }
  const changed = [...deltas].filter(([, by]) => by !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  await addToMemberCount(
    runner,
    changed.map(([key, by]) => [...key.split('\n'), by]),
  );
  if (changed.length > 0) await runner.run('delete from member_count where organizations = 0');
}

/** Adds (kind, key, status, county, by) rows to member_count, in key order. */
async function addToMemberCount(runner: SqlRunner, rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await runner.run(
      `insert into member_count as k (kind, key, status, county, organizations) values ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}
       on conflict (kind, key, status, county) do update set organizations = k.organizations + excluded.organizations`,
      chunk.flat(),
    );
  }
}

/**
 * Counts every organization again as of `today`, set-based (after an import or a seed, or when the
 * figures were never counted): each cluster's bits, OR-ed per organization over its current
 * memberships; then per county, how many organizations have any bit of each figure. With `years`
 * (PostgreSQL, the import's bulk path) the memberships per cluster and year are counted again in
 * the same pass over the memberships.
 */
export async function recountAll(runner: SqlRunner, today: string, { years = false } = {}): Promise<void> {
  const pg = runner.dialect === 'postgresql';
  const sectors = await numberedSectors(runner);
  const words = Array.from({ length: wordsFor(sectors) }, (_, w) => w);
  const bitValue = (bit: string, w: number) =>
    `(case when (${bit}) / ${WORD_BITS} = ${w} then ${pg ? '1::bigint' : '1'} << ((${bit}) % ${WORD_BITS}) else 0 end)`;
  const levelBitSql = `${STATUS_INDEX_SQL('c.status')} * ${LEVELS.length} + ${LEVEL_INDEX_SQL('c.level')}`;
  const sectorBitSql = `${LEVEL_BITS} + d.idx * ${STATUSES.length} + ${STATUS_INDEX_SQL('c.status')}`;
  const temps = ['temp_cluster_bits', 'temp_org_bits', 'temp_member_next', 'temp_member_pass'];
  for (const t of temps) await runner.run(`drop table if exists ${t}`);
  // One row per cluster and bit it sets (its level's, its sectors').
  const clusterBits = `select c.id as cluster_id, ${words.map((w) => `${bitValue(levelBitSql, w)} as w${w}`).join(', ')} from cluster c
    union all
    select c.id, ${words.map((w) => bitValue(sectorBitSql, w)).join(', ')}
    from cluster c join cluster_sector s on s.cluster_id = c.id join member_sector d on d.sector = s.sector`;
  if (pg) {
    // OR-ed per cluster (one row each), so that one pass over the memberships, grouped per
    // organization and per cluster and year at once, gives the bits, the next change days and,
    // with `years`, the yearly counts.
    await runner.run(`create temp table temp_cluster_bits as
      select b.cluster_id, ${words.map((w) => `bit_or(b.w${w}) as w${w}`).join(', ')} from (${clusterBits}) b group by b.cluster_id`);
    const current = currentOn(today);
    const after = dateLiteral(today);
    const clusterYear = years ? ['m.cluster_id', 'extract(year from m.joined_on)::int'] : ['null::int', 'null::int'];
    await runner.run(`create temp table temp_member_pass as
      select m.organization_id as org, ${clusterYear[0]} as cluster_id, ${clusterYear[1]} as y,
        ${words.map((w) => `bit_or(case when ${current} then b.w${w} else 0 end) as w${w}`).join(', ')},
        min(case when m.joined_on > ${after} or m.left_on > ${after} then ${nextChangeAfter(today)} end) as next,
        count(*) as n
      from membership m join temp_cluster_bits b on b.cluster_id = m.cluster_id
      group by grouping sets ((m.organization_id)${years ? `, (${clusterYear.join(', ')})` : ''})`);
    await runner.run(`create temp table temp_org_bits as
      select org, ${words.map((w) => `w${w}`).join(', ')} from temp_member_pass
      where org is not null and (${words.map((w) => `w${w} <> 0`).join(' or ')})`);
    await runner.run(`create temp table temp_member_next as
      select org, next from temp_member_pass where org is not null and next is not null`);
    await runner.run('analyze temp_org_bits');
    if (years)
      await rewriteMembershipYears(runner, `select cluster_id, y::text, n from temp_member_pass where cluster_id is not null`);
  } else {
    await runner.run(`create temp table temp_cluster_bits as ${clusterBits}`);
    // OR per organization: SQLite has no bit_or, but a sum of distinct single bits is their OR.
    await runner.run(`create temp table temp_org_bits as
      select m.organization_id as org, ${words.map((w) => `sum(distinct b.w${w}) as w${w}`).join(', ')}
      from membership m join temp_cluster_bits b on b.cluster_id = m.cluster_id where ${currentOn(today)}
      group by m.organization_id`);
    await runner.run(`create temp table temp_member_next as
      select m.organization_id as org, min(${nextChangeAfter(today)}) as next from membership m
      where m.joined_on > ${dateLiteral(today)} or m.left_on > ${dateLiteral(today)} group by m.organization_id`);
  }

  await runner.run('delete from member_count');
  // Truncated on PostgreSQL: re-inserting every organization over its own deleted rows checked each
  // key against them (5 s instead of 1 at S=100). Only recounts read it, under the recount lock.
  await runner.run(pg ? 'truncate organization_member_keys' : 'delete from organization_member_keys');
  await runner.run('delete from member_count_pending');
  const all = figures(sectors);
  const test = (f: Figure) => {
    const masks = words.map(() => 0n);
    for (const bit of f.bits) masks[Math.floor(bit / WORD_BITS)] |= 1n << BigInt(bit % WORD_BITS);
    return words
      .filter((w) => masks[w] !== 0n)
      .map((w) => `(t.w${w} & ${masks[w]}) <> 0`)
      .join(' or ');
  };
  const perCounty = await runner.all<Record<string, string | number>>(
    `select coalesce(o.county, '') as "county", ${all.map((f, i) => `sum(case when ${test(f)} then 1 else 0 end) as "f${i}"`).join(', ')}
     from temp_org_bits t join organization o on o.id = t.org group by coalesce(o.county, '')`,
  );
  await addToMemberCount(
    runner,
    perCounty.flatMap((row) =>
      all.flatMap((f, i) => (Number(row[`f${i}`]) > 0 ? [[f.kind, f.key, f.status, row.county, Number(row[`f${i}`])]] : [])),
    ),
  );
  const keys = words.map((w) => `cast(t.w${w} as text)`).join(` || ',' || `);
  await runner.run(`insert into organization_member_keys (organization_id, county, keys, next_change)
    select t.org, coalesce(o.county, ''), ${keys}, n.next from temp_org_bits t join organization o on o.id = t.org
    left join temp_member_next n on n.org = t.org
    union all
    select n.org, coalesce(o.county, ''), '${words.map(() => '0').join(',')}', n.next from temp_member_next n join organization o on o.id = n.org
    where not exists (select 1 from temp_org_bits t where t.org = n.org)`);
  for (const t of temps) await runner.run(`drop table if exists ${t}`);
  await runner.run(`update member_figures_date set as_of = ${dateLiteral(today)}`);
}

/**
 * The PostgreSQL triggers on membership that keep the figures: a bulk import switches them off
 * for its membership statements and then counts everything again (recountAllLocked with `years`).
 */
export const MEMBERSHIP_FIGURE_TRIGGERS = ['member_count_mark', 'cluster_year_membership_count'].flatMap((t) =>
  ['insert', 'update', 'delete'].map((op) => `${t}_${op}`),
);

/** The PostgreSQL triggers that derive the per-group yearly counts from the per-cluster ones (off while those are written again). */
const GROUP_YEAR_TRIGGERS = ['insert', 'update', 'delete'].map((op) => `cluster_group_year_membership_count_${op}`);

/**
 * Memberships per cluster and year written again from `perClusterYear` (cluster_id, year, count
 * rows), then per cluster group and year, and per year, summed from them (PostgreSQL, triggers
 * on membership off).
 */
async function rewriteMembershipYears(runner: SqlRunner, perClusterYear: string): Promise<void> {
  for (const t of GROUP_YEAR_TRIGGERS) await runner.run(`alter table cluster_year_membership_count disable trigger ${t}`);
  await runner.run('delete from cluster_year_membership_count');
  await runner.run(`insert into cluster_year_membership_count (cluster_id, year, memberships) ${perClusterYear}`);
  for (const t of GROUP_YEAR_TRIGGERS) await runner.run(`alter table cluster_year_membership_count enable trigger ${t}`);
  await runner.run('delete from cluster_group_year_membership_count');
  await runner.run(`insert into cluster_group_year_membership_count (level, county, status, year, memberships)
    select c.level, c.county, c.status, k.year, sum(k.memberships) from cluster_year_membership_count k join cluster c on c.id = k.cluster_id
    group by c.level, c.county, c.status, k.year`);
  await runner.run('delete from membership_year_count');
  await runner.run(`insert into membership_year_count (year, memberships)
    select year, sum(memberships) from cluster_year_membership_count group by year`);
}

/**
 * Takes the recount lock (PostgreSQL) and counts everything again: an import that marked many
 * organizations; with `years`, one whose membership triggers were off (the yearly counts too).
 */
export async function recountAllLocked(runner: SqlRunner, today: string, options: { years?: boolean } = {}): Promise<void> {
  if (runner.dialect === 'postgresql') await runner.run(`select pg_advisory_xact_lock(${RECOUNT_LOCK_KEY})`);
  await recountAll(runner, today, options);
}

/** Whether more organizations are marked than are worth recounting one by one. */
export async function manyMarked(runner: SqlRunner): Promise<boolean> {
  const [marked] = await runner.all<{ n: number }>(
    `select count(*) as "n" from (select 1 from member_count_pending limit ${memberRecount.allAbove + 1}) p`,
  );
  return Number(marked.n) > memberRecount.allAbove;
}
