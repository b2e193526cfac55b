import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { Db } from '../../repositories/db.js';
import { manyMarked, ormRunner, recountAll } from '../../repositories/member-figures.repository.js';
import { statsClock } from '../stats.service.js';
import type { DatasetFileKind, DatasetRows } from './dataset-rows.js';
import { type DatasetWriter, type MergeListener, type MergeResult, MergeRunner, emptyStageCounts } from './dataset-writer.js';
import {
  SQLITE_STAGE_INDEXES,
  STAGE_TABLES,
  type SqlValue,
  type StageKind,
  createStageTableSql,
  mentionValues,
  nowLiteral,
  stageColumnList,
  stageValues,
  upsertSql,
} from './import-sql.js';

/**
 * SQLite: one transaction on the ORM's connection; staging tables filled with multi-row inserts
 * (`batchSize` rows a statement), merged with the shared set-based statements. The search triggers
 * stay on (FTS5 keeps up row by row at the sizes SQLite is used for).
 */
export class SqliteDatasetWriter implements DatasetWriter {
  readonly dialect = 'sqlite' as const;
  private readonly em: EntityManager;
  private readonly staged = emptyStageCounts();
  private readonly pending = new Map<StageKind, SqlValue[][]>();
  private active = false;
  private now = '';
  private listener: MergeListener = {};

  constructor(
    orm: MikroORM,
    private readonly batchSize = 500,
  ) {
    this.em = orm.em.fork() as EntityManager;
  }

  async begin(now: Date, listener: MergeListener): Promise<void> {
    this.now = nowLiteral(now, 'sqlite');
    this.listener = listener;
    await this.em.begin();
    this.active = true;
    for (const table of Object.values(STAGE_TABLES)) {
      await this.exec(`drop table if exists temp."${table.name}"`);
      await this.exec(createStageTableSql(table, 'sqlite'));
    }
    for (const sql of SQLITE_STAGE_INDEXES) await this.exec(sql);
  }

  async startFile(): Promise<void> {}

  async write<K extends DatasetFileKind>(kind: K, rows: DatasetRows[K][]): Promise<void> {
    for (const row of rows) {
      await this.add(kind, stageValues(kind, row, 'sqlite'));
      if (kind === 'announcements') {
        for (const mention of mentionValues(row as DatasetRows['announcements'])) await this.add('mentions', mention);
      }
    }
  }

  async endFile(kind: DatasetFileKind): Promise<void> {
    await this.flush(kind);
    if (kind === 'announcements') await this.flush('mentions');
  }

  /** SQLite merges at the end: a merge cannot overlap reading on its one connection anyway. */
  mergeReady(): void {}

  async merge(): Promise<MergeResult> {
    const runner = new MergeRunner(
      {
        upsert: async (spec) => {
          // Only inserts grow a table (the import never deletes versioned rows); changes() counts both.
          const before = await this.count(spec.table);
          const affected = await this.run(upsertSql(spec, this.now, 'sqlite'));
          return { inserted: (await this.count(spec.table)) - before, affected };
        },
        run: (statement) => this.run(statement.sql),
      },
      this.staged,
      this.listener,
    );
    for (const kind of Object.keys(STAGE_TABLES) as StageKind[]) runner.stageComplete(kind);
    await runner.runReady();
    // Member figures: many marked organizations are counted again at once, a few by the next reader.
    const members = ormRunner(new Db(this.em));
    if (await manyMarked(members)) await recountAll(members, statsClock.today());
    return { tables: runner.results, strategy: 'incremental' };
  }

  async commit(): Promise<void> {
    for (const table of Object.values(STAGE_TABLES)) await this.exec(`drop table temp."${table.name}"`);
    await this.em.commit();
    this.active = false;
  }

  async rollback(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    await this.em.rollback();
  }

  async release(): Promise<void> {
    await this.rollback();
  }

  private async add(kind: StageKind, values: SqlValue[]): Promise<void> {
    let rows = this.pending.get(kind);
    if (!rows) {
      rows = [];
      this.pending.set(kind, rows);
    }
    rows.push([this.staged[kind] + rows.length, ...values]);
    if (rows.length >= this.batchSize) await this.flush(kind);
  }

  private async flush(kind: StageKind): Promise<void> {
    const rows = this.pending.get(kind);
    if (!rows?.length) return;
    this.pending.set(kind, []);
    const table = STAGE_TABLES[kind];
    const tuple = `(${rows[0].map(() => '?').join(', ')})`;
    const sql = `insert into temp."${table.name}" (${stageColumnList(table)}) values ${rows.map(() => tuple).join(', ')}`;
    await this.em.execute(sql, rows.flat(), 'run');
    this.staged[kind] += rows.length;
  }

  private async count(table: string): Promise<number> {
    const [row] = (await this.em.execute(`select count(*) as n from "${table}"`)) as { n: number }[];
    return Number(row.n);
  }

  private async run(sql: string): Promise<number> {
    const result = (await this.em.execute(sql, [], 'run')) as { affectedRows?: number };
    return result.affectedRows ?? 0;
  }

  private async exec(sql: string): Promise<void> {
    await this.em.execute(sql, [], 'run');
  }
}
