import type { Dialect } from '../../repositories/db.js';
import type { DatasetFileKind, DatasetRows } from './dataset-rows.js';
import {
  type ChildSync,
  MERGE_ORDER,
  type MergeStep,
  type StageKind,
  type SyncStatement,
  type TableCounts,
  type UpsertSpec,
  stepStage,
  stepTable,
} from './import-sql.js';

/**
 * Writes one dataset import in one transaction: `begin`; then each file's validated rows into
 * staging (`startFile`, `write`..., `endFile`), with `mergeReady` after each file while the dataset
 * is still valid (the writer may merge what is complete while later files are read); then `merge`
 * to finish, and `commit`. `rollback` undoes everything; `release` always runs last.
 */
export interface DatasetWriter {
  readonly dialect: Dialect;
  begin(now: Date, listener: MergeListener): Promise<void>;
  startFile(kind: DatasetFileKind): Promise<void>;
  write<K extends DatasetFileKind>(kind: K, rows: DatasetRows[K][]): Promise<void>;
  endFile(kind: DatasetFileKind): Promise<void>;
  mergeReady(): void;
  merge(): Promise<MergeResult>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  release(): Promise<void>;
}

export interface MergeListener {
  stepStarted?(table: string): void;
  stepDone?(counts: TableCounts, ms: number): void;
  phaseDone?(name: string, ms: number): void;
}

export interface MergeResult {
  /** One entry per table, in merge order. */
  tables: TableCounts[];
  /** `incremental`: row by row, search documents by the triggers; `bulk`: set-based (see ImportStrategy). */
  strategy: 'incremental' | 'bulk';
}

/** The dialect-specific part of a merge: running an upsert and a counted statement. */
export interface MergeExecutor {
  /** Runs the upsert; returns how many rows it inserted and how many it inserted or updated. */
  upsert(spec: UpsertSpec): Promise<{ inserted: number; affected: number }>;
  /** Runs one child-sync statement; returns the rows it affected. */
  run(statement: SyncStatement, sync: ChildSync): Promise<number>;
  /** Runs a child sync's statements (`statements`), with whatever the executor sets up around them. */
  sync?(sync: ChildSync, statements: () => Promise<void>): Promise<void>;
}

/** Runs the merge steps in MERGE_ORDER as their staging tables become complete, counting what each did. */
export class MergeRunner {
  readonly results: TableCounts[] = [];
  private readonly complete = new Set<StageKind>();
  private next = 0;

  constructor(
    private readonly executor: MergeExecutor,
    private readonly staged: Record<StageKind, number>,
    private readonly listener: MergeListener,
  ) {}

  /** Marks a staging table as fully loaded. */
  stageComplete(kind: StageKind): void {
    this.complete.add(kind);
  }

  get finished(): boolean {
    return this.next === MERGE_ORDER.length;
  }

  /** Whether the step for `table` has run. */
  merged(table: string): boolean {
    return MERGE_ORDER.slice(0, this.next).some((step) => stepTable(step) === table);
  }

  /** Runs the steps, in order, up to the first whose staging table is not complete yet. */
  async runReady(): Promise<void> {
    while (this.next < MERGE_ORDER.length && this.complete.has(stepStage(MERGE_ORDER[this.next]))) {
      await this.runStep(MERGE_ORDER[this.next]);
      this.next++;
    }
  }

  private async runStep(step: MergeStep): Promise<void> {
    this.listener.stepStarted?.(stepTable(step));
    const started = performance.now();
    const counts = 'upsert' in step ? await this.upsertStep(step.upsert) : await this.syncStep(step.sync);
    this.results.push(counts);
    this.listener.stepDone?.(counts, performance.now() - started);
  }

  private async upsertStep(spec: UpsertSpec): Promise<TableCounts> {
    const { inserted, affected } = await this.executor.upsert(spec);
    return {
      table: spec.table,
      inserted,
      updated: affected - inserted,
      deleted: 0,
      unchanged: this.staged[spec.stage] - affected,
    };
  }

  private async syncStep(sync: ChildSync): Promise<TableCounts> {
    const counts: TableCounts = { table: sync.table, inserted: 0, updated: 0, deleted: 0, unchanged: 0 };
    const statements = async () => {
      for (const statement of sync.statements) counts[statement.count] += await this.executor.run(statement, sync);
    };
    await (this.executor.sync ? this.executor.sync(sync, statements) : statements());
    counts.unchanged = this.staged[sync.stage] - counts.inserted - counts.updated;
    return counts;
  }
}

/** A fresh count of staged rows per staging table. */
export const emptyStageCounts = (): Record<StageKind, number> => ({
  clusters: 0,
  organizations: 0,
  partners: 0,
  memberships: 0,
  partnerships: 0,
  announcements: 0,
  mentions: 0,
});
