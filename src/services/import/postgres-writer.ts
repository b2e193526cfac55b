import type { EventEmitter } from 'node:events';
import pg from 'pg';
import { type CopyStreamQuery, from as copyFrom } from 'pg-copy-streams';
import type { DatabaseConfig } from '../../config/config.js';
import {
  MEMBERSHIP_FIGURE_TRIGGERS,
  type SqlRunner,
  manyMarked,
  recountAllLocked,
} from '../../repositories/member-figures.repository.js';
import { statsClock } from '../stats.service.js';
import type { DatasetFileKind, DatasetRows } from './dataset-rows.js';
import { type DatasetWriter, type MergeListener, type MergeResult, MergeRunner, emptyStageCounts } from './dataset-writer.js';
import {
  SEARCH_KIND,
  SEARCH_SOURCES,
  STAGE_TABLES,
  type SqlValue,
  type StageKind,
  type SyncStatement,
  type TableCounts,
  type UpsertSpec,
  createStageTableSql,
  deltaTableSql,
  insertAllSql,
  insertAndUpdateFromDeltaSql,
  mentionValues,
  nowLiteral,
  recheckNewSql,
  searchDocumentSql,
  searchLeafReplaceSql,
  stageColumnList,
  stageValues,
  upsertFromDeltaSql,
} from './import-sql.js';

/**
 * How a PostgreSQL import treats triggers and indexes.
 * - `incremental`: no DDL. The search triggers write one search document per row, every index is
 *   maintained row by row; only row locks are taken. For small imports into a live database.
 * - `bulk`: for every table that changes, its `search_document_sync` trigger is switched off for the
 *   transaction and the search documents of its changed rows are written set-based afterwards; its
 *   non-unique indexes and foreign keys are dropped before the insert and recreated (the keys
 *   checked in one pass) after it; so is the search index. All of it is DDL inside the transaction:
 *   a rollback restores everything, but until commit those tables are locked against other writers
 *   (and, where indexes are rebuilt, against readers).
 * - `auto` (default): per table, `bulk`'s trigger switch when more than `bulkThreshold` of its rows
 *   change, and its index rebuild when it gets more than `rebuildThreshold` new rows and at least a
 *   quarter of the rows it already has (a first load, or a big addition); otherwise incremental.
 */
export type ImportStrategy = 'auto' | 'incremental' | 'bulk';

export interface PostgresWriterOptions {
  strategy?: ImportStrategy;
  bulkThreshold?: number;
  rebuildThreshold?: number;
  /** Tables that changed by more than this many rows are analyzed before commit (and all changed ones vacuumed after). */
  analyzeThreshold?: number;
  /** COPY data held in memory while the connection is busy merging earlier files (bytes). */
  maxDeferred?: number;
  /**
   * Search documents of a kind are computed by a parallel query when at least this many, and at
   * least half of the kind's rows, changed (below that, starting workers costs more than it saves).
   */
  parallelSearchMin?: number;
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPE = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyField = (value: SqlValue): string => {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return COPY_SPECIAL.test(value) ? value.replace(COPY_ESCAPE, (ch) => COPY_ESCAPES[ch]) : value;
};
const copyLine = (values: SqlValue[]): string => {
  let line = copyField(values[0]);
  for (let i = 1; i < values.length; i++) line += `\t${copyField(values[i])}`;
  return `${line}\n`;
};

// Any fixed number ('klyn'): only imports wait for each other on it.
const IMPORT_LOCK_KEY = 0x6b6c796e;
const SEARCH_TABLE = 'search_document';
/** The tables whose rows have search documents, and the trigger-carrying tables that go with each. */
const SEARCH_TRIGGERS: Record<string, string[]> = {
  cluster: ['cluster', 'cluster_sector'],
  organization: ['organization'],
  partner_institution: ['partner_institution'],
  announcement: ['announcement'],
};
/** Memory for index builds: a btree build sorts in memory. */
const INDEX_BUILD_MEMORY = '512MB';
/**
 * A GIN build is faster with less: the search index of 410,000 documents builds in 5.6 s with
 * 16–64MB and in 8 s with 128MB to 2GB (PostgreSQL 15, measured), its accumulator staying small.
 */
const GIN_BUILD_MEMORY = '64MB';
/** Planner settings that let a large computation use every parallel worker PostgreSQL allows. */
const PARALLEL_SETTINGS = ['parallel_setup_cost', 'parallel_tuple_cost', 'min_parallel_table_scan_size'];

/** Resolves on `event`, rejects on `error`, and leaves no listener behind either way. */
const settle = (emitter: EventEmitter, event: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const onEvent = () => {
      emitter.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      emitter.off(event, onEvent);
      reject(error);
    };
    emitter.once(event, onEvent);
    emitter.once('error', onError);
  });

/** DDL to drop a table's non-unique indexes and foreign keys, and to recreate them exactly as they were. */
interface Rebuild {
  drop: string[];
  restore: string[];
}

/**
 * PostgreSQL: one transaction on a dedicated connection (same URL and search_path as the ORM, more
 * temp buffers for the staging tables). Each file streams into a temporary staging table with COPY.
 * Merging starts as soon as a table's staging is complete and runs while later files are read (their
 * COPY data waits in memory, up to `maxDeferred`, until the connection is free): each table's delta
 * (new or changed rows) is materialized, upserted set-based, and counted through `returning "version"`.
 */
export class PostgresDatasetWriter implements DatasetWriter {
  readonly dialect = 'postgresql' as const;
  private client: pg.Client | null = null;
  private backendPid = 0;
  private inTransaction = false;
  private readonly options: Required<PostgresWriterOptions>;
  private now = '';
  private listener: MergeListener = {};
  private readonly staged = emptyStageCounts();
  private runner: MergeRunner | null = null;

  // COPY state: the file being staged, its COPY stream once started, and data deferred until then.
  private copy: CopyStreamQuery | null = null;
  private copyError: Error | null = null;
  private deferred: Buffer[] = [];
  private deferredSize = 0;
  private mentions: SqlValue[][] = [];

  // Merge work running on the connection in the background, whether it still runs, its first failure.
  private merging: Promise<void> | null = null;
  private busy = false;
  private mergeError: unknown = null;
  private aborting = false;

  /** Tables whose search trigger is switched off (their changed rows are listed in import_touched). */
  private readonly triggersOff = new Set<string>();
  private searchRebuilt = false;
  /** The membership triggers that keep the statistics are off (a bulk membership merge). */
  private memberTriggersOff = false;
  /** Tables analyzed before commit (quoted names): the vacuum after commit need not analyze them again. */
  private readonly analyzed = new Set<string>();
  private usedBulk = false;

  constructor(
    private readonly database: Extract<DatabaseConfig, { dialect: 'postgresql' }>,
    options: PostgresWriterOptions = {},
  ) {
    this.options = {
      strategy: 'auto',
      bulkThreshold: 5_000,
      rebuildThreshold: 50_000,
      analyzeThreshold: 10_000,
      maxDeferred: 256 * 1024 * 1024,
      parallelSearchMin: 10_000,
      ...options,
    };
  }

  /** The import's connection, for the next statement (none starts once the import is being rolled back). */
  private get db(): pg.Client {
    if (!this.client) throw new Error('the import has no database connection');
    if (this.aborting) throw new Error('import aborted');
    return this.client;
  }

  /** A new connection like the ORM's: the URL's `schema` parameter becomes the search_path (see orm-config.ts). */
  private connect(settings: string[] = []): pg.Client {
    const url = new URL(this.database.url);
    url.searchParams.delete('schema');
    const options = [...settings, ...(this.database.schema ? [`-c search_path=${this.database.schema}`] : [])];
    const client = new pg.Client({
      connectionString: url.toString(),
      options: options.join(' ') || undefined,
      application_name: 'klynge-import',
    });
    // A connection error between queries must not crash the process; the next query reports it.
    client.on('error', () => {});
    return client;
  }

  async begin(now: Date, listener: MergeListener): Promise<void> {
    this.now = nowLiteral(now, 'postgresql');
    this.listener = listener;
    this.runner = new MergeRunner(
      {
        upsert: (spec) => this.upsert(spec),
        run: (statement) => this.runSync(statement),
        sync: (sync, statements) => this.syncWithRebuild(sync.table, this.staged[sync.stage], statements),
      },
      this.staged,
      listener,
    );
    const client = this.connect(['-c temp_buffers=256MB']);
    await client.connect();
    this.client = client;
    this.backendPid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
    await client.query('begin');
    this.inTransaction = true;
    await client.query(`select pg_advisory_xact_lock(${IMPORT_LOCK_KEY})`);
    // Hash joins over millions of staged rows stay in memory; index rebuilds sort in memory.
    await client.query(`set local work_mem = '256MB'`);
    await client.query(`set local maintenance_work_mem = '${INDEX_BUILD_MEMORY}'`);
    for (const table of Object.values(STAGE_TABLES)) await client.query(createStageTableSql(table, 'postgresql'));
    await client.query('create temp table "import_touched" ("kind" smallint not null, "id" integer not null) on commit drop');
  }

  async startFile(kind: DatasetFileKind): Promise<void> {
    if (!this.busy) await this.startDeferredCopy(kind);
  }

  async write<K extends DatasetFileKind>(kind: K, rows: DatasetRows[K][]): Promise<void> {
    let chunk = '';
    let ord = this.staged[kind];
    for (const row of rows) {
      chunk += copyLine([ord++, ...stageValues(kind, row, 'postgresql')]);
      if (kind === 'announcements') {
        for (const mention of mentionValues(row as DatasetRows['announcements']))
          this.mentions.push([this.mentions.length, ...mention]);
      }
    }
    this.staged[kind] = ord;
    if (!this.copy && this.busy && this.deferredSize + chunk.length <= this.options.maxDeferred) {
      // As bytes: a string built by concatenation is a rope that takes many times its length.
      const bytes = Buffer.from(chunk, 'utf8');
      this.deferred.push(bytes);
      this.deferredSize += bytes.length;
      return;
    }
    await this.startDeferredCopy(kind);
    await this.send(chunk);
  }

  async endFile(kind: DatasetFileKind): Promise<void> {
    await this.startDeferredCopy(kind);
    await this.endCopy();
    if (kind === 'announcements') {
      this.startCopy('mentions');
      for (let i = 0; i < this.mentions.length; i += 5000)
        await this.send(
          this.mentions
            .slice(i, i + 5000)
            .map(copyLine)
            .join(''),
        );
      this.staged.mentions = this.mentions.length;
      this.mentions = [];
      await this.endCopy();
      await this.db.query(`analyze "${STAGE_TABLES.mentions.name}"`);
      this.runner?.stageComplete('mentions');
    }
    // Temporary tables are never auto-analyzed; the merge's join plans need their size.
    await this.db.query(`analyze "${STAGE_TABLES[kind].name}"`);
    this.runner?.stageComplete(kind);
  }

  mergeReady(): void {
    this.busy = true;
    const chain: Promise<void> = (this.merging ?? Promise.resolve())
      .then(() => this.mergeWhatIsReady())
      .catch((error: unknown) => {
        this.mergeError ??= error;
      })
      .finally(() => {
        if (this.merging === chain) this.busy = false;
      });
    this.merging = chain;
  }

  async merge(): Promise<MergeResult> {
    await this.idle();
    await this.mergeWhatIsReady();
    if (!this.runner?.finished) throw new Error('the import merged before every file was staged');
    await this.recountMembers();
    await this.analyzeChanged(this.runner.results);
    return { tables: this.runner.results, strategy: this.usedBulk ? 'bulk' : 'incremental' };
  }

  async commit(): Promise<void> {
    await this.db.query('commit');
    this.inTransaction = false;
    await this.vacuumChanged();
  }

  /**
   * Vacuums the tables the import changed (and analyzes those not analyzed before commit), once it has committed: until autovacuum
   * passes, new rows lack their visibility-map bits and hint bits, and reads of a fresh import ran
   * several times slower (VACUUM cannot run inside the import's transaction). The import has
   * committed by then, so a failure here is reported, not fatal.
   */
  private async vacuumChanged(): Promise<void> {
    const changed = (this.runner?.results ?? []).filter((t) => t.inserted + t.updated + t.deleted > 0).map((t) => `"${t.table}"`);
    if (changed.length === 0) return;
    // Search documents follow every searchable table the import wrote.
    changed.push(`"${SEARCH_TABLE}"`);
    const started = performance.now();
    // Tables analyzed inside the transaction have their statistics already: they are only vacuumed.
    const tables = [...new Set(changed)];
    const toAnalyze = tables.filter((t) => !this.analyzed.has(t));
    const toVacuum = tables.filter((t) => this.analyzed.has(t));
    try {
      if (toAnalyze.length > 0) await this.db.query(`vacuum (analyze) ${toAnalyze.join(', ')}`);
      if (toVacuum.length > 0) await this.db.query(`vacuum ${toVacuum.join(', ')}`);
      this.listener.phaseDone?.(
        [
          ...(toAnalyze.length > 0 ? [`vacuumed and analyzed ${toAnalyze.join(', ')}`] : []),
          ...(toVacuum.length > 0 ? [`vacuumed ${toVacuum.join(', ')} (analyzed before commit)`] : []),
        ].join('; '),
        performance.now() - started,
      );
    } catch (error) {
      this.listener.phaseDone?.(`vacuum after the import failed (${(error as Error).message}); autovacuum will do it`, 0);
    }
  }

  async rollback(): Promise<void> {
    if (!this.client || !this.inTransaction) return;
    this.inTransaction = false;
    this.aborting = true;
    if (this.busy) {
      // A merge statement may run for a while yet: cancel it rather than wait for it (no new one starts).
      await this.cancelBackend();
    }
    await this.merging;
    this.merging = null;
    if (this.copy) {
      // A COPY still open: failing it (CopyFail) ends the copy mode; pg queues the rollback behind it.
      this.copy.destroy(new Error('import aborted'));
      this.copy = null;
    }
    await this.client.query('rollback').catch(() => {});
  }

  async release(): Promise<void> {
    await this.rollback();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  /**
   * Member figures (see member-figures.repository): an import that marked many organizations counts
   * them all again in a few set-based statements; a small one leaves them to the next reader.
   */
  private async recountMembers(): Promise<void> {
    const started = performance.now();
    // The repository's statements take `?` parameters (as knex does); pg numbers them.
    const numbered = (sql: string) => {
      let n = 0;
      return sql.replace(/\?/g, () => `$${++n}`);
    };
    const runner: SqlRunner = {
      dialect: 'postgresql',
      all: async <T>(sql: string, params: unknown[] = []) => (await this.db.query(numbered(sql), params)).rows as T[],
      run: async (sql: string, params: unknown[] = []) => {
        await this.db.query(numbered(sql), params);
      },
    };
    const years = this.memberTriggersOff;
    if (years) {
      for (const t of MEMBERSHIP_FIGURE_TRIGGERS) await this.db.query(`alter table "membership" enable trigger ${t}`);
    } else if (!(await manyMarked(runner))) return;
    // With the triggers off during the merge, the yearly counts too, in the same pass over the memberships.
    await recountAllLocked(runner, statsClock.today(), { years });
    this.listener.phaseDone?.('counted member figures again', performance.now() - started);
  }

  /** Waits for background merge work; rethrows its failure. */
  private async idle(): Promise<void> {
    if (this.merging) {
      await this.merging;
      this.merging = null;
    }
    if (this.mergeError) throw this.mergeError;
  }

  private async mergeWhatIsReady(): Promise<void> {
    const runner = this.runner!;
    await runner.runReady();
    const searchMerged = Object.keys(SEARCH_TRIGGERS).every((table) => runner.merged(table)) && runner.merged('cluster_sector');
    if (searchMerged && !this.searchRebuilt) {
      this.searchRebuilt = true;
      await this.rebuildSearchDocuments();
    }
  }

  private async cancelBackend(): Promise<void> {
    const admin = this.connect();
    try {
      await admin.connect();
      await admin.query('select pg_cancel_backend($1)', [this.backendPid]);
    } catch {
      // Best effort: without the cancel, the rollback just waits for the statement to end.
    } finally {
      await admin.end().catch(() => {});
    }
  }

  private startCopy(kind: StageKind): void {
    const table = STAGE_TABLES[kind];
    this.copyError = null;
    const copy = this.db.query(copyFrom(`copy "${table.name}" (${stageColumnList(table)}) from stdin`));
    copy.on('error', (error: Error) => {
      this.copyError ??= error;
    });
    this.copy = copy;
  }

  /** Once the connection is free: starts the file's COPY and sends what was deferred. */
  private async startDeferredCopy(kind: StageKind): Promise<void> {
    if (this.copy) return;
    await this.idle();
    this.startCopy(kind);
    const deferred = this.deferred;
    this.deferred = [];
    this.deferredSize = 0;
    for (const chunk of deferred) await this.send(chunk);
  }

  private async send(chunk: string | Buffer): Promise<void> {
    const copy = this.copy;
    if (!copy) throw new Error('no COPY in progress');
    if (this.copyError) throw this.copyError;
    if (chunk && !copy.write(chunk)) await settle(copy, 'drain');
    if (this.copyError) throw this.copyError;
  }

  private async endCopy(): Promise<void> {
    const copy = this.copy;
    if (!copy) return;
    if (this.copyError) throw this.copyError;
    const finished = settle(copy, 'finish');
    copy.end();
    this.copy = null;
    await finished;
  }

  private async upsert(spec: UpsertSpec): Promise<{ inserted: number; affected: number }> {
    if (await this.isFirstLoad(spec)) return this.firstLoad(spec);
    const delta = `import_delta_${spec.table}`;
    await this.db.query(deltaTableSql(spec, delta));
    const {
      rows: [size],
    } = await this.db.query<{ total: number; new: number }>(
      `select count(*)::int as total, (count(*) filter (where "is_new"))::int as new from "${delta}"`,
    );
    await this.triggersOffForBulk(spec, size.total);
    const rebuild = size.new > 0 && (await this.shouldRebuild(spec.table, size.new)) ? await this.rebuildPlan(spec.table) : null;
    if (rebuild) {
      // Dropping its indexes locks the table against other writers anyway: lock it first, take
      // back what another writer added since the delta was read, and insert the new rows plainly.
      await this.db.query(`lock table "${spec.table}" in exclusive mode`);
      await this.db.query(recheckNewSql(spec, delta));
    }
    for (const sql of rebuild?.drop ?? []) await this.db.query(sql);
    const touch = this.touches(spec);
    const counts = { inserted: 0, affected: 0 };
    if (rebuild && !touch) {
      // Nothing needs the rows' ids: the plain statements' row counts say what changed (returning
      // millions of rows through a CTE costs seconds).
      const [insert, update] = insertAndUpdateFromDeltaSql(spec, delta, this.now);
      counts.inserted = (await this.db.query(insert)).rowCount ?? 0;
      counts.affected = counts.inserted + ((await this.db.query(update)).rowCount ?? 0);
    } else {
      const statements = rebuild
        ? insertAndUpdateFromDeltaSql(spec, delta, this.now)
        : [upsertFromDeltaSql(spec, delta, this.now)];
      for (const statement of statements) {
        const { inserted, affected } = await this.runCounted(spec, statement);
        counts.inserted += inserted;
        counts.affected += affected;
      }
    }
    for (const sql of rebuild?.restore ?? []) await this.db.query(sql);
    await this.db.query(`drop table "${delta}"`);
    return counts;
  }

  /** A bulk change (`changedRows`) of `spec`'s table: its search trigger and, for memberships, the figure triggers go off. */
  private async triggersOffForBulk(spec: UpsertSpec, changedRows: number): Promise<void> {
    if (changedRows === 0 || !this.bulkSearch(changedRows)) return;
    if (spec.searchKind !== undefined) await this.triggerOff(spec.table);
    if (spec.table === 'membership') {
      // Counted again at the end (recountMembers), set-based, rather than per statement.
      for (const t of MEMBERSHIP_FIGURE_TRIGGERS) await this.db.query(`alter table "membership" disable trigger ${t}`);
      this.memberTriggersOff = true;
    }
  }

  /** Whether the rows an upsert writes must be listed in import_touched (their search trigger is off). */
  private touches(spec: UpsertSpec): boolean {
    return this.triggersOff.has(spec.table) && spec.searchKind !== undefined;
  }

  /** Runs an insert or update of `spec`'s table and counts the rows it wrote (listed in import_touched if `touches`). */
  private async runCounted(spec: UpsertSpec, statement: string): Promise<{ inserted: number; affected: number }> {
    const sql = `with changed as (${statement} returning "id", "version")${
      this.touches(spec)
        ? `, touched as (insert into "import_touched" ("kind", "id") select ${spec.searchKind}, "id" from changed)`
        : ''
    } select (count(*) filter (where "version" = 1))::int as inserted, count(*)::int as affected from changed`;
    const { rows } = await this.db.query<{ inserted: number; affected: number }>(sql);
    return rows[0];
  }

  /**
   * A first load: the table is empty and gets enough rows to rebuild its indexes. Once it is locked
   * (and still empty), no delta is needed: every staged row is new.
   */
  private async isFirstLoad(spec: UpsertSpec): Promise<boolean> {
    if (!(await this.shouldRebuild(spec.table, this.staged[spec.stage], 0))) return false;
    const empty = async () => (await this.db.query(`select 1 from "${spec.table}" limit 1`)).rowCount === 0;
    if (!(await empty())) return false;
    await this.db.query(`lock table "${spec.table}" in exclusive mode`);
    return empty();
  }

  /**
   * Inserts every staged row straight from the staging join, with the table's indexes and keys
   * dropped (its primary and unique keys too, where no foreign key needs them) and rebuilt once
   * after: building an index from all its rows costs a fraction of inserting them one by one (the
   * dataset was checked for duplicate keys, and the rebuild checks again).
   */
  private async firstLoad(spec: UpsertSpec): Promise<{ inserted: number; affected: number }> {
    await this.triggersOffForBulk(spec, this.staged[spec.stage]);
    const rebuild = await this.rebuildPlan(spec.table, { foreignKeys: true, uniqueKeys: true });
    for (const sql of rebuild.drop) await this.db.query(sql);
    const started = performance.now();
    const insert = insertAllSql(spec, this.now);
    const inserted = this.touches(spec)
      ? (await this.runCounted(spec, insert)).inserted
      : ((await this.db.query(insert)).rowCount ?? 0);
    const insertedAt = performance.now();
    this.listener.phaseDone?.(`first load of ${spec.table}: ${inserted} rows inserted`, insertedAt - started);
    for (const sql of rebuild.restore) await this.db.query(sql);
    this.listener.phaseDone?.(
      `first load of ${spec.table}: ${rebuild.restore.length} keys and indexes built`,
      performance.now() - insertedAt,
    );
    return { inserted, affected: inserted };
  }

  /**
   * A child table's sync, with its indexes and keys dropped and rebuilt around it when that pays:
   * at least as many rows are new as the dataset has more than the table (a first load, say).
   */
  private async syncWithRebuild(table: string, stagedRows: number, statements: () => Promise<void>): Promise<void> {
    const existingRows = await this.rowCount(table);
    const atLeastNew = stagedRows - existingRows;
    const rebuild =
      atLeastNew > 0 && (await this.shouldRebuild(table, atLeastNew, existingRows)) ? await this.rebuildPlan(table) : null;
    for (const sql of rebuild?.drop ?? []) await this.db.query(sql);
    await statements();
    for (const sql of rebuild?.restore ?? []) await this.db.query(sql);
  }

  private async runSync(statement: SyncStatement): Promise<number> {
    if (!(statement.touchesCluster && this.triggersOff.has('cluster_sector'))) {
      return (await this.db.query(statement.sql)).rowCount ?? 0;
    }
    const sql = `with changed as (${statement.sql} returning ${statement.touchesCluster} as "id"),
      touched as (insert into "import_touched" ("kind", "id") select ${SEARCH_KIND.cluster}, "id" from changed)
      select count(*)::int as n from changed`;
    const { rows } = await this.db.query<{ n: number }>(sql);
    return rows[0].n;
  }

  private bulkSearch(changedRows: number): boolean {
    const { strategy, bulkThreshold } = this.options;
    return strategy === 'bulk' || (strategy === 'auto' && changedRows > bulkThreshold);
  }

  private async triggerOff(table: string): Promise<void> {
    for (const t of SEARCH_TRIGGERS[table]) {
      await this.db.query(`alter table "${t}" disable trigger search_document_sync`);
      this.triggersOff.add(t);
    }
    this.usedBulk = true;
  }

  /** Rebuilding indexes pays off when many rows are added relative to what the table has (`bulk`: any rows). */
  private async shouldRebuild(table: string, newRows: number, existingRows?: number): Promise<boolean> {
    const { strategy, rebuildThreshold } = this.options;
    if (strategy === 'incremental' || newRows === 0) return false;
    if (strategy === 'bulk') return true;
    if (newRows <= rebuildThreshold) return false;
    return newRows * 4 >= (existingRows ?? (await this.rowCount(table)));
  }

  /**
   * The table's non-unique indexes, its foreign keys and (`uniqueKeys`) its primary and unique keys
   * that no foreign key refers to, read from the catalog, to drop now and recreate identically later.
   */
  private async rebuildPlan(table: string, { foreignKeys = true, uniqueKeys = false } = {}): Promise<Rebuild> {
    const { rows: indexes } = await this.db.query<{ name: string; def: string }>(
      `select c.relname as name, pg_get_indexdef(i.indexrelid) as def
       from pg_index i join pg_class c on c.oid = i.indexrelid
       where i.indrelid = $1::regclass and not i.indisunique and not i.indisprimary order by 1`,
      [`"${table}"`],
    );
    const constraints = async (where: string) =>
      (
        await this.db.query<{ name: string; def: string }>(
          `select conname as name, pg_get_constraintdef(oid) as def from pg_constraint c
           where conrelid = $1::regclass and ${where} order by 1`,
          [`"${table}"`],
        )
      ).rows;
    const keys = foreignKeys ? await constraints(`contype = 'f'`) : [];
    const unique = uniqueKeys
      ? await constraints(
          `contype in ('p', 'u') and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = c.conindid)`,
        )
      : [];
    this.usedBulk = true;
    const drop = (c: { name: string }) => `alter table "${table}" drop constraint "${c.name}"`;
    const add = (c: { name: string; def: string }) => `alter table "${table}" add constraint "${c.name}" ${c.def}`;
    return {
      drop: [...keys.map(drop), ...indexes.map((i) => `drop index "${i.name}"`), ...unique.map(drop)],
      // A partitioned table's index is listed `ON ONLY` the parent: recreated on it, it covers every partition again.
      restore: [...unique.map(add), ...indexes.map((i) => i.def.replace(' ON ONLY ', ' ON ')), ...keys.map(add)],
    };
  }

  /**
   * The search documents of the rows changed with their trigger off, per kind; then the triggers
   * back on. Where most of a kind's rows changed (a first load), their vectors are computed by a
   * parallel query first: computing tsvectors is most of the work.
   */
  private async rebuildSearchDocuments(): Promise<void> {
    if (this.triggersOff.size === 0) return;
    const started = performance.now();
    const { rows: touchedKinds } = await this.db.query<{ kind: number; n: number }>(
      'select "kind", count(distinct "id")::int as n from "import_touched" group by "kind"',
    );
    const touched = new Map(touchedKinds.map((k) => [k.kind, k.n]));
    const total = touchedKinds.reduce((sum, k) => sum + k.n, 0);
    const rebuild = (await this.shouldRebuild(SEARCH_TABLE, total))
      ? await this.rebuildPlan(SEARCH_TABLE, { foreignKeys: false })
      : null;
    for (const sql of rebuild?.drop ?? []) await this.db.query(sql);
    await this.db.query('analyze "import_touched"');
    for (const source of SEARCH_SOURCES) {
      const n = touched.get(source.kind) ?? 0;
      if (n === 0) continue;
      const precompute = n >= this.options.parallelSearchMin && n * 2 >= (await this.rowCount(source.table));
      // With the search indexes dropped, an empty partition is written anew rather than filled.
      const leaf = precompute && rebuild ? await this.emptySearchLeaf(source.kind) : null;
      if (precompute) for (const setting of PARALLEL_SETTINGS) await this.db.query(`set local ${setting} = 0`);
      const statements = leaf ? searchLeafReplaceSql(source, leaf) : searchDocumentSql(source, precompute);
      const kindStarted = performance.now();
      for (const sql of statements) await this.db.query(sql);
      if (leaf)
        this.listener.phaseDone?.(`search documents of ${source.table}: ${leaf} written anew`, performance.now() - kindStarted);
      if (precompute) for (const setting of PARALLEL_SETTINGS) await this.db.query(`set local ${setting} to default`);
    }
    if (rebuild) {
      await this.db.query(`set local maintenance_work_mem = '${GIN_BUILD_MEMORY}'`);
      for (const sql of rebuild.restore) await this.db.query(sql);
      await this.db.query(`set local maintenance_work_mem = '${INDEX_BUILD_MEMORY}'`);
    }
    for (const table of this.triggersOff) await this.db.query(`alter table "${table}" enable trigger search_document_sync`);
    this.triggersOff.clear();
    this.listener.phaseDone?.(
      `search documents of ${total} rows written${rebuild ? ', search indexes rebuilt' : ''}`,
      performance.now() - started,
    );
  }

  /** The partition of search_document that holds `kind`'s documents, if it is a plain table and has none. */
  private async emptySearchLeaf(kind: number): Promise<string | null> {
    const { rows } = await this.db.query<{ leaf: string }>(
      `select c.relname as leaf from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = $1::regclass and c.relkind = 'r' and pg_get_expr(c.relpartbound, c.oid) = $2`,
      [`"${SEARCH_TABLE}"`, `FOR VALUES IN ('${kind}')`],
    );
    const leaf = rows[0]?.leaf;
    if (!leaf) return null;
    return (await this.db.query(`select 1 from "${leaf}" limit 1`)).rowCount === 0 ? leaf : null;
  }

  private async rowCount(table: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(`select count(*)::int as n from "${table}"`);
    return rows[0].n;
  }

  private async analyzeChanged(tables: TableCounts[]): Promise<void> {
    const changed = tables
      .filter((t) => t.inserted + t.updated + t.deleted > this.options.analyzeThreshold)
      .map((t) => `"${t.table}"`);
    if (changed.length === 0) return;
    if (this.usedBulk) changed.push(`"${SEARCH_TABLE}"`);
    const started = performance.now();
    await this.db.query(`analyze ${changed.join(', ')}`);
    for (const table of changed) this.analyzed.add(table);
    this.listener.phaseDone?.(`analyzed ${changed.join(', ')}`, performance.now() - started);
  }
}
