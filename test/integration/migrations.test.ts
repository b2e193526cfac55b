// The migrations of the test dialect against the entities: after all of them the ORM sees nothing to
// change, they can be undone and redone, and the hand-written search triggers keep the search
// index in step with the tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRESQL_MIGRATIONS } from '../../migrations/postgresql/index.js';
import { SQLITE_MIGRATIONS } from '../../migrations/sqlite/index.js';
import { Cluster, ClusterSector } from '../../src/entities/index.js';
import { ClusterLevel, Provenance } from '../../src/entities/enums.js';
import { type TestApi, createTestApi } from '../helpers/api.js';
import { TEST_DIALECT, type TestDatabase, createTestDatabase } from '../helpers/database.js';

const MIGRATIONS = (TEST_DIALECT === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRESQL_MIGRATIONS).map((m) => m.name);

async function sql<T>(db: TestDatabase, query: string): Promise<T[]> {
  return db.orm.em.fork().getConnection().execute<T[]>(query);
}

/** The ORM's pending schema changes: empty when the migrations produce what the entities describe. */
const pendingSchemaChanges = async (db: TestDatabase) =>
  (await db.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false })).trim();

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
    const data = await api.data<{ search: { __typename: string; name: string }[] }>(
      'query ($query: String!) { search(query: $query) { __typename ... on Cluster { name } } }',
      { query },
    );
    return data.search.map((hit) => `${hit.__typename}: ${hit.name}`);
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
