import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DatasetImportError,
  DatasetImportService,
  type ImportOptions,
  type ImportSummary,
} from '../../src/services/import/dataset-import.service.js';
import { formatDatasetIssue } from '../../src/services/import/dataset-validator.js';
import { SEARCH_SOURCES, UPSERTS, recheckNewSql } from '../../src/services/import/import-sql.js';
import { createTestApi } from '../helpers/api.js';
import { TEST_DIALECT, type TestDatabase, createTestDatabase, sql } from '../helpers/database.js';
import { keptCountMismatches } from '../helpers/membership-counts.js';
import { type DatasetFixture, orgNumber, writeDataset } from '../fixtures/dataset.js';

// `npm run import`'s use case on the test database (SQLite, or PostgreSQL with DATABASE_URL):
// counts, idempotency, updates, and bad rows that must leave the database exactly as it was.

const TABLES = [
  'cluster',
  'cluster_sector',
  'cluster_level_period',
  'organization',
  'partner_institution',
  'membership',
  'partnership',
  'announcement',
  'announcement_cluster',
] as const;
type Table = (typeof TABLES)[number];

const EXPECTED_ROWS: Record<Table, number> = {
  cluster: 3,
  cluster_sector: 3,
  cluster_level_period: 3,
  organization: 5,
  partner_institution: 2,
  membership: 8,
  partnership: 4,
  announcement: 3,
  announcement_cluster: 4,
};

async function countRows(db: TestDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) counts[table] = Number((await sql(db, `select count(*) as n from "${table}"`))[0].n);
  return counts;
}

/** Every row of every imported table, the search index and the kept counts, for "nothing changed" comparisons. */
async function snapshot(db: TestDatabase): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of TABLES) result[table] = await sql(db, `select * from "${table}" order by "id"`);
  result.search_document = await sql(
    db,
    db.dialect === 'sqlite'
      ? 'select rowid as doc_id, title, body from search_document order by rowid'
      : 'select doc_id, kind, ref_id, document::text from search_document order by doc_id',
  );
  result.cluster_membership_count = await sql(db, 'select * from cluster_membership_count order by cluster_id');
  result.cluster_group_membership_count = await sql(
    db,
    'select * from cluster_group_membership_count order by level, county, status',
  );
  return result;
}

/**
 * The title a row's search document was made from (kinds: 1 cluster, 2 organization, 3 partner,
 * 4 announcement). PostgreSQL's documents hold only their vector: the row's current title, if the
 * document's vector is exactly the one its source row's title and body give (undefined if stale).
 */
async function searchTitle(db: TestDatabase, kind: number, id: number): Promise<string | undefined> {
  const source = SEARCH_SOURCES.find((s) => s.kind === kind);
  if (!source) throw new Error(`no search source of kind ${kind}`);
  const rows = await sql(
    db,
    db.dialect === 'sqlite'
      ? `select title from search_document where rowid = ${id * 8 + kind}`
      : `select s.title from (${source.select}) as s (id, title, body)
         join search_document d on d.doc_id = s.id::bigint * 8 + ${kind} and d.document = search_document_vector(s.title, s.body)
         where s.id = ${id}`,
  );
  return rows[0]?.title;
}

/**
 * PostgreSQL: the search documents that differ from what their source rows give (missing, extra,
 * or with another vector), as `kind:id`.
 */
async function staleSearchDocuments(db: TestDatabase): Promise<string[]> {
  const expected = SEARCH_SOURCES.map(
    (source) => `select s.id::bigint * 8 + ${source.kind} as doc_id, ${source.kind} as kind, s.id as ref_id,
      search_document_vector(s.title, s.body) as document from (${source.select}) as s (id, title, body)`,
  ).join(' union all ');
  const rows = await sql(
    db,
    `select coalesce(e.kind, d.kind) as kind, coalesce(e.ref_id, d.ref_id) as id
     from (${expected}) e full join search_document d on d.doc_id = e.doc_id
     where e.doc_id is null or d.doc_id is null or d.kind <> e.kind or d.ref_id <> e.ref_id or d.document <> e.document
     order by 1, 2`,
  );
  return rows.map((r) => `${r.kind}:${r.id}`);
}

const tableCounts = (summary: ImportSummary, table: Table) => summary.tables.find((t) => t.table === table)!;

async function importError(promise: Promise<unknown>): Promise<DatasetImportError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetImportError);
  return error as DatasetImportError;
}

describe('dataset import', () => {
  let db: TestDatabase;
  let fixture: DatasetFixture;
  let service: DatasetImportService;
  const run = (options: ImportOptions = {}) => service.run(fixture.dir, options);

  beforeEach(async () => {
    db = await createTestDatabase({ seed: false });
    fixture = await writeDataset();
    service = new DatasetImportService(db.orm, db.database);
  });
  afterEach(async () => {
    await db?.dispose();
    await fixture?.remove();
  });

  it('loads every file into its tables', async () => {
    const events: string[] = [];
    const summary = await run({ onEvent: (e) => events.push(e.type) });

    expect(await countRows(db)).toEqual(EXPECTED_ROWS);
    for (const table of TABLES) {
      expect(tableCounts(summary, table), table).toMatchObject({ inserted: EXPECTED_ROWS[table], updated: 0, unchanged: 0 });
    }
    expect(await keptCountMismatches(db)).toEqual([]);
    expect(summary.files.map((f) => [f.file, f.rows])).toEqual([
      ['clusters.ndjson', 3],
      ['organizations.ndjson', 5],
      ['partners.ndjson', 2],
      ['partnerships.ndjson', 4],
      ['announcements.ndjson', 3],
      ['memberships.ndjson', 8],
    ]);
    expect(events).toContain('file-progress');
    expect(events.filter((e) => e === 'merge-done')).toHaveLength(TABLES.length);

    const [cluster] = await sql(db, `select * from "cluster" where "slug" = 'fjord-subsea'`);
    expect(cluster).toMatchObject({
      name: 'Fjord Subsea',
      level: 'GCE',
      status: 'ACTIVE',
      provenance: 'IMPORT',
      founded_year: 2006,
      org_number: orgNumber(1),
      description: 'Subsea cluster with "quotes", a tab\there and a back\\slash.',
      version: 1,
    });
    const sectors = await sql(db, `select "sector", "position" from "cluster_sector" where "cluster_id" = ${cluster.id}`);
    expect(sectors).toEqual([{ sector: 'Ocean technology', position: 0 }]);
    const [period] = await sql(db, `select "level", "to_date" from "cluster_level_period" where "cluster_id" = ${cluster.id}`);
    expect(period).toEqual({ level: 'GCE', to_date: null });

    const [left] = await sql(
      db,
      `select "role", "left_on" from "membership" where "left_on" is not null order by "joined_on" limit 1`,
    );
    expect(left.role).toBe('MEMBER');

    const mentions = await sql(
      db,
      `select c."slug" from "announcement_cluster" ac join "announcement" a on a."id" = ac."announcement_id"
       join "cluster" c on c."id" = ac."cluster_id" where a."slug" = 'northern-clusters-join-forces' order by ac."position"`,
    );
    expect(mentions.map((m) => m.slug)).toEqual(['tromso-sjomat', 'fjord-subsea', 'innlandet-bygg']);
    const [announcement] = await sql(
      db,
      `select "id", "body", "source_url" from "announcement" where "slug" = 'fjord-subsea-blir-gce'`,
    );
    expect(announcement.body).toBe(fixture.rows['announcements.ndjson'][0].body);

    // Every imported searchable row has its search document.
    expect((await snapshot(db)).search_document).toHaveLength(3 + 5 + 2 + 3);
    expect(await searchTitle(db, 1, cluster.id)).toBe('Fjord Subsea');
    expect(await searchTitle(db, 4, announcement.id)).toBe('Fjord Subsea blir GCE');
  });

  it('changes nothing when the same dataset is imported again', async () => {
    await run();
    const before = await snapshot(db);

    const again = await run({ now: new Date(Date.now() + 60_000) });

    for (const table of TABLES) {
      expect(tableCounts(again, table), table).toMatchObject({
        inserted: 0,
        updated: 0,
        deleted: 0,
        unchanged: EXPECTED_ROWS[table],
      });
    }
    expect(await snapshot(db)).toEqual(before);
  });

  it('updates exactly the rows whose data changed', async () => {
    await run();
    const before = await snapshot(db);
    const orgLine = fixture.lineOf('organizations.ndjson', 'name', 'Havbunn AS');
    await fixture.changeRow('organizations.ndjson', orgLine, (row) => ({ ...row, name: 'Havbunn Teknologi AS', employees: 130 }));
    await fixture.changeRow('memberships.ndjson', 3, (row) => ({ ...row, leftOn: null }));
    await fixture.changeRow('clusters.ndjson', 3, (row) => ({ ...row, level: 'ARENA_PRO', sector: 'Bygg og anlegg' }));
    await fixture.changeRow('announcements.ndjson', 2, (row) => ({ ...row, clusters: ['fjord-subsea', 'tromso-sjomat'] }));
    await fixture.appendRows('partnerships.ndjson', [
      { cluster: 'tromso-sjomat', partner: 'arctic-university', role: 'RESEARCH', since: '2013-04-01' },
    ]);

    const summary = await run({ now: new Date(Date.now() + 60_000) });

    expect(tableCounts(summary, 'organization')).toMatchObject({ inserted: 0, updated: 1, unchanged: 4 });
    expect(tableCounts(summary, 'membership')).toMatchObject({ inserted: 0, updated: 1, unchanged: 7 });
    expect(tableCounts(summary, 'cluster')).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
    expect(tableCounts(summary, 'cluster_sector')).toMatchObject({ inserted: 1, deleted: 1, unchanged: 2 });
    expect(tableCounts(summary, 'cluster_level_period')).toMatchObject({ inserted: 1, deleted: 1, unchanged: 2 });
    expect(tableCounts(summary, 'partnership')).toMatchObject({ inserted: 1, updated: 0, unchanged: 4 });
    expect(tableCounts(summary, 'announcement')).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    // [tromso, fjord, innlandet] -> [fjord, tromso]: two positions change, one mention goes.
    expect(tableCounts(summary, 'announcement_cluster')).toMatchObject({ inserted: 0, updated: 2, deleted: 1, unchanged: 1 });

    const after = await snapshot(db);
    const changedVersions = (table: Table) =>
      (after[table] as { id: number; version: number }[]).filter((row) => row.version !== 1).map((row) => row.id);
    const [havbunn] = await sql(db, `select * from "organization" where "name" = 'Havbunn Teknologi AS'`);
    expect(havbunn).toMatchObject({ employees: 130, version: 2 });
    expect(changedVersions('organization')).toEqual([havbunn.id]);
    expect(changedVersions('membership')).toHaveLength(1);
    expect(changedVersions('cluster')).toHaveLength(1);
    expect(changedVersions('announcement')).toEqual([]);
    // Untouched rows keep their timestamps.
    const untouched = (after.organization as { id: number }[]).filter((row) => row.id !== havbunn.id);
    expect(untouched).toEqual((before.organization as { id: number }[]).filter((row) => row.id !== havbunn.id));

    const [bygg] = await sql(db, `select "id", "level" from "cluster" where "slug" = 'innlandet-bygg'`);
    expect(bygg.level).toBe('ARENA_PRO');
    expect(await sql(db, `select "sector" from "cluster_sector" where "cluster_id" = ${bygg.id}`)).toEqual([
      { sector: 'Bygg og anlegg' },
    ]);
    expect(await sql(db, `select "level" from "cluster_level_period" where "cluster_id" = ${bygg.id}`)).toEqual([
      { level: 'ARENA_PRO' },
    ]);
    expect(await searchTitle(db, 2, havbunn.id)).toBe('Havbunn Teknologi AS');
  });

  const badRows: {
    name: string;
    file: Parameters<DatasetFixture['replaceLine']>[0];
    line: number;
    change: (row: Record<string, unknown>) => Record<string, unknown> | string;
    expected: RegExp;
  }[] = [
    {
      name: 'a bad organisation number',
      file: 'organizations.ndjson',
      line: 2,
      change: (row) => ({ ...row, orgNumber: '123456789' }),
      expected: /^organizations\.ndjson:2: orgNumber: .*check digit.*"123456789"/,
    },
    {
      name: 'an unknown cluster',
      file: 'memberships.ndjson',
      line: 5,
      change: (row) => ({ ...row, cluster: 'no-such-cluster' }),
      expected: /^memberships\.ndjson:5: cluster: unknown cluster slug "no-such-cluster"$/,
    },
    {
      name: 'an unknown partner',
      file: 'partnerships.ndjson',
      line: 2,
      change: (row) => ({ ...row, partner: 'nobody' }),
      expected: /^partnerships\.ndjson:2: partner: unknown partner slug "nobody"$/,
    },
    {
      name: 'an unknown mentioned cluster',
      file: 'announcements.ndjson',
      line: 2,
      change: (row) => ({ ...row, clusters: ['fjord-subsea', 'atlantis'] }),
      expected: /^announcements\.ndjson:2: clusters: unknown cluster slug "atlantis"$/,
    },
    {
      name: 'a bad enum value',
      file: 'partners.ndjson',
      line: 2,
      change: (row) => ({ ...row, kind: 'SCHOOL' }),
      expected: /^partners\.ndjson:2: kind: .*"SCHOOL"/,
    },
    {
      name: 'malformed JSON',
      file: 'announcements.ndjson',
      line: 3,
      change: () => '{"slug": "broken", "title": ',
      expected: /^announcements\.ndjson:3: invalid JSON/,
    },
    {
      name: 'leftOn before joinedOn',
      file: 'memberships.ndjson',
      line: 3,
      change: (row) => ({ ...row, leftOn: '2015-01-01' }),
      expected: /^memberships\.ndjson:3: leftOn: must be after joinedOn \(got "2015-01-01"\)$/,
    },
    {
      name: 'a date that is not in the calendar',
      file: 'clusters.ndjson',
      line: 2,
      change: (row) => ({ ...row, admittedOn: '2013-02-29' }),
      expected: /^clusters\.ndjson:2: admittedOn: must be a calendar date/,
    },
    {
      name: 'a missing field',
      file: 'organizations.ndjson',
      line: 4,
      change: ({ name: _name, ...row }) => row,
      expected: /^organizations\.ndjson:4: name: is required$/,
    },
    {
      name: 'a NUL character',
      file: 'announcements.ndjson',
      line: 1,
      change: (row) => ({ ...row, body: 'before\u0000after' }),
      expected: /^announcements\.ndjson:1: contains a NUL character/,
    },
    {
      name: 'a duplicate key',
      file: 'clusters.ndjson',
      line: 3,
      change: (row) => ({ ...row, slug: 'fjord-subsea' }),
      expected: /^clusters\.ndjson:3: slug: duplicate "fjord-subsea" \(first on line 1\)$/,
    },
  ];

  for (const bad of badRows) {
    it(`rejects ${bad.name} with file:line and writes nothing`, async () => {
      const empty = await snapshot(db);
      const changed = bad.change(structuredClone(fixture.rows[bad.file][bad.line - 1]));
      await fixture.replaceLine(bad.file, bad.line, typeof changed === 'string' ? changed : JSON.stringify(changed));

      const error = await importError(run());

      expect(formatDatasetIssue(error.issues[0])).toMatch(bad.expected);
      expect(error.message).toContain('nothing was written');
      expect(await snapshot(db)).toEqual(empty);
    });
  }

  it('leaves a previously imported database exactly as it was when a later import has a bad row', async () => {
    await run();
    const before = await snapshot(db);
    await fixture.changeRow('organizations.ndjson', 1, (row) => ({ ...row, name: 'Renamed AS' }));
    await fixture.appendRows('memberships.ndjson', [
      { cluster: 'innlandet-bygg', orgNumber: orgNumber(10), role: 'MEMBER', joinedOn: '2021-01-01', leftOn: null },
      { cluster: 'innlandet-bygg', orgNumber: orgNumber(11), role: 'CHAIR', joinedOn: '2021-01-01', leftOn: null },
    ]);

    const error = await importError(run());

    expect(error.issues.map(formatDatasetIssue)).toEqual([expect.stringMatching(/^memberships\.ndjson:10: role: /)]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('reports every bad line (the first 20 in detail) and counts them all', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({
      cluster: 'fjord-subsea',
      orgNumber: orgNumber(12),
      role: 'MEMBER',
      joinedOn: `2001-01-${String(i + 1).padStart(2, '0')}`,
      leftOn: '2000-01-01',
    }));
    await fixture.appendRows('memberships.ndjson', rows);

    const error = await importError(run());

    expect(error.issueCount).toBe(25);
    expect(error.issues).toHaveLength(20);
    expect(error.issues[0]).toEqual({
      file: 'memberships.ndjson',
      line: 9,
      message: 'leftOn: must be after joinedOn (got "2000-01-01")',
    });
    expect(error.message).toContain('... and 5 more');
  });

  it('rolls back everything when the merge fails part-way', async () => {
    const empty = await snapshot(db);
    const failing = run({
      onEvent: (event) => {
        if (event.type === 'merge-done' && event.counts.table === 'membership') throw new Error('disk on fire');
      },
    });
    await expect(failing).rejects.toThrow('disk on fire');
    expect(await snapshot(db)).toEqual(empty);
    // The connection is usable afterwards and a clean import still works.
    await run();
    expect(await countRows(db)).toEqual(EXPECTED_ROWS);
  });

  it('checks the manifest format and row counts, and that every file is there', async () => {
    await fixture.replaceLine('memberships.ndjson', 9, `${JSON.stringify(fixture.rows['memberships.ndjson'][0])}\n`);
    let error = await importError(run());
    expect(error.issues.map(formatDatasetIssue)).toEqual([
      'memberships.ndjson:9: duplicate membership (cluster, orgNumber, joinedOn) of line 1',
      'memberships.ndjson: has 9 rows, manifest.json says 8',
    ]);

    await rm(join(fixture.dir, 'partners.ndjson'));
    error = await importError(run());
    expect(formatDatasetIssue(error.issues[0])).toMatch(/^partners\.ndjson: not found in /);

    await writeFile(join(fixture.dir, 'manifest.json'), JSON.stringify({ format: 'innovation-clusters/2' }));
    error = await importError(run());
    expect(formatDatasetIssue(error.issues[0])).toBe(
      'manifest.json: format is "innovation-clusters/2", this importer reads "innovation-clusters/1"',
    );
    expect(await countRows(db)).toEqual(Object.fromEntries(TABLES.map((t) => [t, 0])));
  });
});

describe('dataset import, seen through the API', () => {
  it('serves imported clusters, members and search results', async () => {
    const api = await createTestApi({ seed: false });
    const fixture = await writeDataset({ manifest: false });
    try {
      await new DatasetImportService(api.orm, api.database).run(fixture.dir);
      const data = await api.data(`{
        cluster(slug: "tromso-sjomat") {
          name level sectors provenance foundedYear admittedOn
          levelHistory { level fromDate toDate }
          members(first: 10) { totalCount }
        }
        search(query: "havbunn") { nodes { __typename ... on Organization { name orgNumber } } }
      }`);
      expect(data.cluster).toEqual({
        name: 'Tromsø Sjømat',
        level: 'NCE',
        sectors: ['Sjømat'],
        provenance: 'IMPORT',
        foundedYear: 2010,
        admittedOn: '2012-02-29',
        levelHistory: [{ level: 'NCE', fromDate: '2012-02-29', toDate: null }],
        members: { totalCount: 3 },
      });
      expect(data.search.nodes).toEqual([{ __typename: 'Organization', name: 'Havbunn AS', orgNumber: orgNumber(10) }]);
    } finally {
      await api.dispose();
      await fixture.remove();
    }
  });
});

describe.runIf(TEST_DIALECT === 'postgresql')('dataset import on PostgreSQL, bulk strategy', () => {
  it('leaves the tables it wrote vacuumed and analyzed (reads of a fresh import need not wait for autovacuum)', async () => {
    const db = await createTestDatabase({ seed: false });
    const fixture = await writeDataset();
    try {
      const phases: string[] = [];
      await new DatasetImportService(db.orm, db.database).run(fixture.dir, {
        onEvent: (e) => {
          if (e.type === 'phase') phases.push(e.name);
        },
      });
      expect(phases.some((p) => p.startsWith('vacuumed and analyzed'))).toBe(true);
      const stats = await sql(
        db,
        `select relname, last_vacuum is not null as vacuumed, last_analyze is not null as analyzed
         from pg_stat_user_tables where schemaname = current_schema() and relname in ('cluster', 'membership', 'search_document_announcement')
         order by relname`,
      );
      expect(stats).toEqual([
        { relname: 'cluster', vacuumed: true, analyzed: true },
        { relname: 'membership', vacuumed: true, analyzed: true },
        // search_document is partitioned by kind: its partitions hold the rows and the statistics.
        { relname: 'search_document_announcement', vacuumed: true, analyzed: true },
      ]);
    } finally {
      await db.dispose();
      await fixture.remove();
    }
  });

  it('leaves a first load vacuumed and analyzed too, search_document partitions included', async () => {
    const db = await createTestDatabase({ seed: false });
    const fixture = await writeDataset();
    try {
      const phases: string[] = [];
      // `bulk`: every table is loaded the first-load way (straight from staging, keys built after).
      await new DatasetImportService(db.orm, db.database).run(fixture.dir, {
        postgres: { strategy: 'bulk' },
        onEvent: (e) => {
          if (e.type === 'phase') phases.push(e.name);
        },
      });
      expect(phases).toContain('first load of membership: 8 rows inserted');
      // search_document may be partitioned: its leaves are what a vacuum marks (a leaf of itself if not).
      const stats = await sql(
        db,
        `select s.relname, last_vacuum is not null as vacuumed, last_analyze is not null as analyzed
         from pg_stat_user_tables s
         where schemaname = current_schema() and (s.relname in (${TABLES.map((t) => `'${t}'`).join(', ')})
           or s.relid in (select relid from pg_partition_tree('search_document') where isleaf))
         order by s.relname`,
      );
      expect(stats.map((r) => r.relname)).toEqual(expect.arrayContaining([...TABLES]));
      expect(stats.length).toBeGreaterThan(TABLES.length);
      // (Whether the vacuum could mark pages all-visible depends on other sessions' open snapshots.)
      expect(stats.filter((r) => !(r.vacuumed && r.analyzed))).toEqual([]);
    } finally {
      await db.dispose();
      await fixture.remove();
    }
  });

  it('analyzes tables with many changes once, before commit, and only vacuums them after', async () => {
    const db = await createTestDatabase({ seed: false });
    const fixture = await writeDataset();
    try {
      const phases: string[] = [];
      // Threshold 0: every changed table counts as one with many changes.
      await new DatasetImportService(db.orm, db.database).run(fixture.dir, {
        postgres: { analyzeThreshold: 0 },
        onEvent: (e) => {
          if (e.type === 'phase') phases.push(e.name);
        },
      });
      expect(phases.some((p) => p.startsWith('analyzed "cluster"'))).toBe(true);
      expect(phases.some((p) => p.includes('vacuumed "cluster"'))).toBe(true);
      const stats = await sql(
        db,
        `select relname, vacuum_count::int as vacuums, analyze_count::int as analyzes
         from pg_stat_user_tables where schemaname = current_schema() and relname in ('cluster', 'membership', 'search_document_announcement')
         order by relname`,
      );
      expect(stats).toEqual([
        { relname: 'cluster', vacuums: 1, analyzes: 1 },
        { relname: 'membership', vacuums: 1, analyzes: 1 },
        { relname: 'search_document_announcement', vacuums: 1, analyzes: 1 },
      ]);
    } finally {
      await db.dispose();
      await fixture.remove();
    }
  });

  it('takes back delta rows marked new that another writer inserted before the table was locked', async () => {
    const db = await createTestDatabase();
    try {
      const organizations = UPSERTS.find((spec) => spec.table === 'organization');
      if (!organizations) throw new Error('no organization upsert');
      const [existing] = await sql(db, 'select "org_number" from "organization" order by "id" limit 1');
      // One transaction, so the temporary delta table stays on one connection.
      const rows = await db.orm.em.fork().transactional(async (em) => {
        const run = (query: string) => em.getConnection().execute(query, [], 'all', em.getTransactionContext());
        await run(`create temp table "delta" on commit drop as
          select '${existing.org_number}'::text as "org_number", true as "is_new"
          union all select '000000000', true`);
        await run(recheckNewSql(organizations, 'delta'));
        return run('select "org_number", "is_new" from "delta" order by "org_number"');
      });
      expect(rows).toEqual([
        { org_number: '000000000', is_new: true },
        { org_number: existing.org_number, is_new: false },
      ]);
    } finally {
      await db.dispose();
    }
  });

  it('writes the same rows and search documents as the incremental strategy and restores every index and key', async () => {
    const incremental = await createTestDatabase({ seed: false });
    const bulk = await createTestDatabase({ seed: false });
    const fixture = await writeDataset();
    const catalog = (db: TestDatabase) =>
      sql(
        db,
        `select c.relname as "table", x.name, x.def from (
           select indrelid as rel, (select relname from pg_class where oid = indexrelid) as name, pg_get_indexdef(indexrelid) as def from pg_index
           union all select conrelid, conname, pg_get_constraintdef(oid) from pg_constraint
           union all select tgrelid, tgname, tgenabled::text from pg_trigger where not tgisinternal
         ) x join pg_class c on c.oid = x.rel join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = current_schema() order by 1, 2, 3`,
      ).then((rows) => rows.map((r) => ({ ...r, def: String(r.def).replace(/ON [a-z0-9_]+\./, 'ON ') })));
    try {
      const now = new Date('2025-01-01T00:00:00Z');
      const catalogBefore = await catalog(bulk);
      const leafOids = async () =>
        (
          await sql(
            bulk,
            `select c.relname as "leaf", c.oid::int as "oid" from pg_inherits i join pg_class c on c.oid = i.inhrelid
           where i.inhparent = 'search_document'::regclass order by 1`,
          )
        ).map((r) => `${r.leaf}:${r.oid}`);
      const leavesBefore = await leafOids();
      const a = await new DatasetImportService(incremental.orm, incremental.database).run(fixture.dir, {
        now,
        postgres: { strategy: 'incremental' },
      });
      // Every kind's vectors computed ahead by the parallel query (a first load)...
      const b = await new DatasetImportService(bulk.orm, bulk.database).run(fixture.dir, {
        now,
        postgres: { strategy: 'bulk', parallelSearchMin: 1 },
      });
      expect([a.strategy, b.strategy]).toEqual(['incremental', 'bulk']);
      expect(b.tables).toEqual(a.tables);
      expect(await snapshot(bulk)).toEqual(await snapshot(incremental));
      expect(await keptCountMismatches(bulk)).toEqual([]);
      expect(await staleSearchDocuments(bulk)).toEqual([]);
      expect(await staleSearchDocuments(incremental)).toEqual([]);
      expect(await catalog(bulk)).toEqual(catalogBefore);
      // Every kind's partition was empty, so each was written anew by CREATE TABLE AS and put in place.
      const leavesAfter = await leafOids();
      expect(leavesAfter).toHaveLength(4);
      for (const leaf of leavesAfter) expect(leavesBefore).not.toContain(leaf);

      // ...and a bulk re-import with one change (too few for the parallel query) keeps its search document right too.
      await fixture.changeRow('announcements.ndjson', 1, (row) => ({ ...row, title: 'Fjord Subsea er GCE' }));
      await new DatasetImportService(bulk.orm, bulk.database).run(fixture.dir, {
        now,
        postgres: { strategy: 'bulk', parallelSearchMin: 1 },
      });
      const [row] = await sql(bulk, `select "id" from "announcement" where "slug" = 'fjord-subsea-blir-gce'`);
      expect(await searchTitle(bulk, 4, row.id)).toBe('Fjord Subsea er GCE');
      expect(await staleSearchDocuments(bulk)).toEqual([]);
      expect(await catalog(bulk)).toEqual(catalogBefore);
      // The partitions had documents: they were filled as usual, not replaced.
      expect(await leafOids()).toEqual(leavesAfter);

      // With no room to hold COPY data while earlier files merge, staging just waits its turn.
      const again = await new DatasetImportService(incremental.orm, incremental.database).run(fixture.dir, {
        now,
        postgres: { maxDeferred: 0 },
      });
      expect(again.tables.find((t) => t.table === 'announcement')).toMatchObject({ updated: 1, unchanged: 2 });
      expect(await snapshot(incremental)).toEqual(await snapshot(bulk));
    } finally {
      await incremental.dispose();
      await bulk.dispose();
      await fixture.remove();
    }
  });
});
