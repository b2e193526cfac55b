// The migrations of the test dialect against the entities: after all of them the ORM sees nothing to
// change, they can be undone and redone, and the hand-written search triggers keep the search
// index in step with the tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRESQL_MIGRATIONS } from '../../migrations/postgresql/index.js';
import { SQLITE_MIGRATIONS } from '../../migrations/sqlite/index.js';
import { Cluster, ClusterSector } from '../../src/entities/index.js';
import { ClusterLevel, Provenance } from '../../src/entities/enums.js';
import { parseDateTime } from '../../src/repositories/db.js';
import { type TestApi, createTestApi } from '../helpers/api.js';
import { TEST_DIALECT, type TestDatabase, createTestDatabase } from '../helpers/database.js';

const MIGRATIONS = (TEST_DIALECT === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRESQL_MIGRATIONS).map((m) => m.name);

async function sql<T>(db: TestDatabase, query: string): Promise<T[]> {
  return db.orm.em.fork().getConnection().execute<T[]>(query);
}

/** The ORM's pending schema changes: empty when the migrations produce what the entities describe. */
const pendingSchemaChanges = async (db: TestDatabase) =>
  (
    await db.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, schema: (db.database as { schema?: string }).schema })
  ).trim();

/** Every table, index, trigger and function in the test database (or schema), by kind. */
async function databaseObjects(db: TestDatabase): Promise<Record<string, string[]>> {
  const names = (rows: { name: string }[]) => rows.map((r) => r.name).sort();
  if (db.dialect === 'sqlite') {
    const rows = await sql<{ type: string; name: string }>(
      db,
      `select type, name from sqlite_master where name not like 'sqlite_%' order by type, name`,
    );
    const ofType = (type: string) => rows.filter((r) => r.type === type).map((r) => r.name);
    return { tables: ofType('table'), indexes: ofType('index'), triggers: ofType('trigger') };
  }
  return {
    tables: names(
      await sql(db, `select table_name as name from information_schema.tables where table_schema = current_schema()`),
    ),
    indexes: names(await sql(db, `select indexname as name from pg_indexes where schemaname = current_schema()`)),
    triggers: names(
      await sql(
        db,
        `select distinct trigger_name || ' on ' || event_object_table as name from information_schema.triggers
         where trigger_schema = current_schema()`,
      ),
    ),
    functions: names(
      await sql(
        db,
        `select p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = current_schema()`,
      ),
    ),
  };
}

describe(`migrations (${TEST_DIALECT})`, () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ seed: false });
  });
  afterAll(() => db?.dispose());

  it('are all applied, in order', async () => {
    expect((await db.orm.migrator.getExecutedMigrations()).map((m) => m.name)).toEqual(MIGRATIONS);
  });

  it('leave the ORM nothing to change (search tables aside)', async () => {
    expect(await pendingSchemaChanges(db)).toBe('');
  });

  it('build the search index and its triggers', async () => {
    const objects = await databaseObjects(db);
    expect(objects.tables).toContain('search_document');
    expect(objects.triggers.length).toBeGreaterThan(0);
  });

  it('go all the way down and up again', async () => {
    const migrated = await databaseObjects(db);

    const reverted = await db.orm.migrator.down({ to: 0 });
    expect(reverted.map((m) => m.name)).toEqual([...MIGRATIONS].reverse());
    expect(await db.orm.migrator.getExecutedMigrations()).toEqual([]);
    const empty = await databaseObjects(db);
    expect(empty.tables).toEqual(['mikro_orm_migrations']);
    expect(empty.triggers).toEqual([]);
    if (db.dialect === 'postgresql') expect(empty.functions).toEqual([]);

    const reapplied = await db.orm.migrator.up();
    expect(reapplied.map((m) => m.name)).toEqual(MIGRATIONS);
    expect(await databaseObjects(db)).toEqual(migrated);
    expect(await pendingSchemaChanges(db)).toBe('');
  });
});

describe('search triggers', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await createTestApi({ seed: false });
  });
  afterAll(() => api?.dispose());

  /** What `search` answers, as `Type: name`. */
  async function search(query: string): Promise<string[]> {
    const data = await api.data<{ search: { nodes: { __typename: string; name: string }[] } }>(
      'query ($query: String!) { search(query: $query) { nodes { __typename ... on Cluster { name } } } }',
      { query },
    );
    return data.search.nodes.map((hit) => `${hit.__typename}: ${hit.name}`);
  }

  const searchDocuments = async () =>
    Number((await sql<{ n: number | string }>(api, 'select count(*) as n from search_document'))[0].n);

  const SLUG = 'nordlysklyngen';

  it('index a cluster inserted through the ORM', async () => {
    const em = api.orm.em.fork();
    em.create(Cluster, {
      slug: SLUG,
      name: 'Nordlysklyngen',
      level: ClusterLevel.ARENA,
      county: 'Troms',
      city: 'Tromsø',
      description: 'Romvær og nordlysturisme.',
      admittedOn: '2024-06-01',
      provenance: Provenance.MANUAL,
    });
    await em.flush();

    expect(await search('nordlys')).toEqual(['Cluster: Nordlysklyngen']);
    expect(await search('tromsø')).toEqual(['Cluster: Nordlysklyngen']);
    expect(await searchDocuments()).toBe(1);
  });

  it('follow a rename: the old name is no longer found, the new one is', async () => {
    const em = api.orm.em.fork();
    const cluster = await em.findOneOrFail(Cluster, { slug: SLUG });
    cluster.name = 'Polarlysklyngen';
    await em.flush();

    expect(await search('nordlysklyngen')).toEqual([]);
    expect(await search('polarlys')).toEqual(['Cluster: Polarlysklyngen']);
    expect(await searchDocuments()).toBe(1);
  });

  it("follow the cluster's sectors", async () => {
    const em = api.orm.em.fork();
    const cluster = await em.findOneOrFail(Cluster, { slug: SLUG });
    em.create(ClusterSector, { cluster, sector: 'Romfart', position: 0 });
    await em.flush();

    expect(await search('romfart')).toEqual(['Cluster: Polarlysklyngen']);
    expect(await searchDocuments()).toBe(1);
  });

  it('forget a deleted cluster', async () => {
    const em = api.orm.em.fork();
    em.remove(await em.findOneOrFail(Cluster, { slug: SLUG }));
    await em.flush();

    expect(await search('polarlys')).toEqual([]);
    expect(await search('romfart')).toEqual([]);
    expect(await searchDocuments()).toBe(0);
  });
});

describe('the announcement drafts migration, on existing data', () => {
  let db: TestDatabase;
  const DRAFTS_MIGRATION = 'Migration20261123034113_announcement_drafts';
  const BEFORE = MIGRATIONS[MIGRATIONS.indexOf(DRAFTS_MIGRATION) - 1];

  beforeAll(async () => {
    db = await createTestDatabase({ seed: false, migrate: false });
    await db.orm.migrator.up({ to: BEFORE });
  });
  afterAll(() => db?.dispose());

  /** A datetime as the driver stores it (epoch ms on SQLite). */
  const at = (iso: string) => (db.dialect === 'sqlite' ? Date.parse(iso) : iso);
  const exec = (query: string, params: unknown[] = []) => db.orm.em.fork().getConnection().execute(query, params);

  it('keeps every announcement (now PUBLISHED), its mentions, its search entry and the id counter', async () => {
    const now = at('2024-01-01T00:00:00Z');
    await exec(
      `insert into cluster (created_at, updated_at, version, slug, name, level, status, county, city, admitted_on, provenance)
       values (?, ?, 1, 'fjordklyngen', 'Fjordklyngen', 'ARENA', 'ACTIVE', 'Vestland', 'Bergen', '2020-01-01', 'MANUAL')`,
      [now, now],
    );
    for (const [slug, title] of [
      ['fjordklyngen-tatt-opp', 'Fjordklyngen tatt opp'],
      ['slettes', 'Slettes igjen'],
    ]) {
      await exec(
        `insert into announcement (created_at, updated_at, version, slug, title, body, language, published_at, kind, provenance)
         values (?, ?, 1, ?, ?, 'Tekst om fjorder.', 'nb', ?, 'ADMISSION', 'SOURCE')`,
        [now, now, slug, title, at('2020-01-02T10:00:00Z')],
      );
    }
    await exec(
      `insert into announcement_cluster (announcement_id, cluster_id, position)
       select a.id, c.id, 0 from announcement a, cluster c where a.slug = 'fjordklyngen-tatt-opp'`,
    );
    await exec(`delete from announcement where slug = 'slettes'`);

    await db.orm.migrator.up();
    const rows = await exec(
      `select a.id, a.status, a.published_at as "publishedAt", (select count(*) from announcement_cluster ac where ac.announcement_id = a.id) as "mentions"
       from announcement a`,
    );
    expect(
      rows.map((r: Record<string, unknown>) => [
        Number(r.id),
        r.status,
        parseDateTime(r.publishedAt).toISOString(),
        Number(r.mentions),
      ]),
    ).toEqual([[1, 'PUBLISHED', '2020-01-02T10:00:00.000Z', 1]]);
    expect(await pendingSchemaChanges(db)).toBe('');

    // drafts fit now, and ids go on where they were (2 was taken by the deleted row)
    await exec(
      `insert into announcement (created_at, updated_at, version, slug, title, body, language, published_at, kind, provenance, status)
       values (?, ?, 1, 'utkast', 'Et utkast', 'Tekst.', 'nb', null, 'NEWS', 'MANUAL', 'DRAFT')`,
      [now, now],
    );
    expect(await exec(`select id from announcement where slug = 'utkast'`)).toEqual([{ id: 3 }]);

    // the search triggers were made again: the index follows a new title
    await exec(`update announcement set title = 'Fjordklyngen ble tatt opp i programmet' where slug = 'fjordklyngen-tatt-opp'`);
    const hits =
      db.dialect === 'sqlite'
        ? await exec(`select rowid / 8 as id from search_document where search_document match '"programmet"*' and rowid % 8 = 4`)
        : await exec(
            `select ref_id as id from search_document where kind = 4 and document @@ to_tsquery('simple', 'programmet:*')`,
          );
    expect(hits.map((h: { id: number | string }) => Number(h.id))).toEqual([1]);
  });

  it('goes down only when no drafts are left', async () => {
    const executed = async () => (await db.orm.migrator.getExecutedMigrations()).map((m) => m.name);
    const applied = await executed();
    expect(applied).toContain(DRAFTS_MIGRATION);
    // all or nothing: migrations after the drafts one are not left reverted either
    await expect(db.orm.migrator.down({ to: DRAFTS_MIGRATION })).rejects.toThrow();
    expect(await executed()).toEqual(applied);
    await exec(`delete from announcement where status = 'DRAFT'`);
    await db.orm.migrator.down({ to: DRAFTS_MIGRATION });
    expect((await db.orm.migrator.getExecutedMigrations()).map((m) => m.name).at(-1)).toBe(BEFORE);
    expect(Number((await exec('select count(*) as n from announcement_cluster'))[0].n)).toBe(1);
  });
});

describe.runIf(TEST_DIALECT === 'postgresql')('the vector-only search documents migration, on existing data', () => {
  let db: TestDatabase;
  const MIGRATION = 'Migration20261207010000_search_document_vector_only';
  const BEFORE = MIGRATIONS[MIGRATIONS.indexOf(MIGRATION) - 1];

  beforeAll(async () => {
    db = await createTestDatabase({ seed: false, migrate: false });
    await db.orm.migrator.up({ to: BEFORE });
  });
  afterAll(() => db?.dispose());

  const exec = (query: string) => db.orm.em.fork().getConnection().execute(query);
  const columns = async () =>
    (
      await exec(
        `select column_name as name from information_schema.columns
         where table_schema = current_schema() and table_name = 'search_document' order by ordinal_position`,
      )
    ).map((r: { name: string }) => r.name);
  const documents = () => exec('select doc_id, kind, ref_id, document::text from search_document order by doc_id');
  const announcementHits = async (word: string) =>
    (await exec(`select ref_id as id from search_document where kind = 4 and document @@ to_tsquery('simple', '${word}:*')`)).map(
      (h: { id: number | string }) => Number(h.id),
    );

  it('keeps every document and its vector, drops the copied title and body, and the triggers go on', async () => {
    await exec(
      `insert into cluster (created_at, updated_at, version, slug, name, level, status, county, city, description, admitted_on, provenance)
       values (now(), now(), 1, 'fjordklyngen', 'Fjordklyngen', 'ARENA', 'ACTIVE', 'Vestland', 'Bergen', 'Havbruk i fjordene.', '2020-01-01', 'MANUAL')`,
    );
    await exec(`insert into cluster_sector (cluster_id, sector, position) select id, 'Sjømat', 0 from cluster`);
    await exec(
      `insert into organization (created_at, updated_at, version, org_number, name, city, county, provenance)
       values (now(), now(), 1, '912345678', 'Havbunn AS', 'Bergen', 'Vestland', 'MANUAL')`,
    );
    await exec(
      `insert into announcement (created_at, updated_at, version, slug, title, body, language, published_at, kind, provenance, status)
       values (now(), now(), 1, 'fjordklyngen-tatt-opp', 'Fjordklyngen tatt opp', 'Tekst om fjorder og laks.', 'nb', now(), 'ADMISSION', 'SOURCE', 'PUBLISHED')`,
    );
    const before = await documents();
    expect(before).toHaveLength(3);
    expect(await columns()).toEqual(['doc_id', 'kind', 'ref_id', 'title', 'body', 'document']);

    await db.orm.migrator.up();
    expect(await columns()).toEqual(['doc_id', 'kind', 'ref_id', 'document']);
    expect(await documents()).toEqual(before);
    expect(await pendingSchemaChanges(db)).toBe('');

    // The triggers write vectors only: a new title is found, the old one no longer; an update that
    // changes nothing searchable leaves the vector as it was.
    await exec(`update announcement set title = 'Fjordklyngen ble tatt opp i programmet' where slug = 'fjordklyngen-tatt-opp'`);
    expect(await announcementHits('programmet')).toEqual([1]);
    expect(await announcementHits('laks')).toEqual([1]);
    await exec(`update organization set website = 'https://havbunn.no'`);
    const after = await documents();
    expect(after.filter((d: { kind: number }) => d.kind === 2)).toEqual(before.filter((d: { kind: number }) => d.kind === 2));
    const [{ fresh }] = await exec(
      `select bool_and(d.document = search_document_vector(a.title, a.body)) as fresh
       from announcement a join search_document d on d.doc_id = a.id::bigint * 8 + 4`,
    );
    expect(fresh).toBe(true);
  });

  it('goes down again, taking the title and body from the source rows', async () => {
    const vectors = await documents();
    await db.orm.migrator.down({ to: BEFORE });
    expect(await columns()).toEqual(['doc_id', 'kind', 'ref_id', 'document', 'title', 'body']);
    expect(await exec('select kind, title, body from search_document order by doc_id')).toEqual([
      { kind: 1, title: 'Fjordklyngen', body: 'Havbruk i fjordene. Bergen Vestland Sjømat' },
      { kind: 2, title: 'Havbunn AS', body: 'Bergen Vestland 912345678' },
      { kind: 4, title: 'Fjordklyngen ble tatt opp i programmet', body: 'Tekst om fjorder og laks.' },
    ]);
    expect(await documents()).toEqual(vectors);
    await db.orm.migrator.up();
    expect(await documents()).toEqual(vectors);
  });
});

describe.runIf(TEST_DIALECT === 'postgresql')('the search partitions migration, on existing data', () => {
  let db: TestDatabase;
  const MIGRATION = 'Migration20261207120000_search_speed_partitions';
  const BEFORE = MIGRATIONS[MIGRATIONS.indexOf(MIGRATION) - 1];

  beforeAll(async () => {
    db = await createTestDatabase({ seed: false, migrate: false });
    await db.orm.migrator.up({ to: BEFORE });
  });
  afterAll(() => db?.dispose());

  const exec = (query: string) => db.orm.em.fork().getConnection().execute(query);
  const documents = () => exec('select doc_id, kind, ref_id, document::text from search_document order by doc_id');
  const partitions = async () =>
    (
      await exec(
        `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'search_document'::regclass order by 1`,
      )
    ).map((r: { name: string }) => r.name);

  it('moves every document into a partition per kind, and the triggers go on writing them', async () => {
    await exec(
      `insert into organization (created_at, updated_at, version, org_number, name, city, county, provenance)
       values (now(), now(), 1, '912345678', 'Havbunn AS', 'Bergen', 'Vestland', 'MANUAL'),
              (now(), now(), 1, '912345679', 'Fjordlaks AS', 'Bergen', 'Vestland', 'MANUAL')`,
    );
    await exec(
      `insert into announcement (created_at, updated_at, version, slug, title, body, language, published_at, kind, provenance, status)
       values (now(), now(), 1, 'havbunn-tatt-opp', 'Havbunn tatt opp', 'Tekst om fjorder og laks.', 'nb', now(), 'ADMISSION', 'SOURCE', 'PUBLISHED')`,
    );
    const before = await documents();
    expect(before).toHaveLength(3);
    expect(await partitions()).toEqual([]);

    await db.orm.migrator.up();
    expect(await partitions()).toEqual([
      'search_document_announcement',
      'search_document_cluster',
      'search_document_organization',
      'search_document_partner',
    ]);
    expect(await documents()).toEqual(before);
    expect(Number((await exec('select count(*) as n from search_document_organization'))[0].n)).toBe(2);
    expect(await pendingSchemaChanges(db)).toBe('');

    await exec(`update announcement set title = 'Havbunn tatt opp i programmet'`);
    const titled = await exec(
      `select ref_id from search_document where kind = 4 and ts_filter(document, '{a}') @@ to_tsquery('simple', 'programmet')`,
    );
    expect(titled).toHaveLength(1);
    await exec(`delete from organization where org_number = '912345679'`);
    expect((await documents()).filter((d: { kind: number }) => d.kind === 2)).toHaveLength(1);
  });

  it('goes down again to one table with the same documents', async () => {
    const vectors = await documents();
    await db.orm.migrator.down({ to: BEFORE });
    expect(await partitions()).toEqual([]);
    expect(await documents()).toEqual(vectors);
    await db.orm.migrator.up();
    expect(await documents()).toEqual(vectors);
  });
});
