import { BaseSqliteSchemaHelper } from '@mikro-orm/knex';

type EnumDefinitions = Record<string, string[]>;

/**
 * Backport of MikroORM's fix for SQLite enum introspection (mikro-orm/mikro-orm#8139, merged for
 * 6.6.17, not yet released): 6.6.16 reads only the first and last value of a
 * `text check (col in ('A', 'B', 'C'))` constraint, so every schema diff proposes rebuilding each
 * table with an enum of three or more values, and the rebuild would drop our search triggers.
 * Remove this file when upgrading past 6.6.16 (the migrations test shows whether it is needed).
 */
export function fixSqliteEnumIntrospection(): void {
  const proto = BaseSqliteSchemaHelper.prototype as unknown as {
    getEnumDefinitions(
      connection: unknown,
      checks: unknown,
      tableName: string,
      schemaName?: string,
      ctx?: unknown,
    ): Promise<EnumDefinitions>;
    __klyngeEnumFix?: true;
  };
  if (proto.__klyngeEnumFix) return;
  proto.__klyngeEnumFix = true;
  proto.getEnumDefinitions = async function (
    this: unknown,
    connection: unknown,
    _checks: unknown,
    tableName: string,
    _schema?: string,
    ctx?: unknown,
  ) {
    const conn = connection as {
      execute(sql: string, params: unknown[], method: 'get', ctx?: unknown): Promise<{ sql: string }>;
    };
    const table = await conn.execute(
      'select sql from sqlite_master where type = ? and name = ?',
      ['table', tableName],
      'get',
      ctx,
    );
    const definitions: EnumDefinitions = {};
    const checkRe = /[`["']([^`\]"']+)[`\]"'] text check \([`["']?[^`\]"']+[`\]"']? in \(((?:'(?:[^']|'')*'\s*,?\s*)+)\)\)/gi;
    for (const match of table.sql.matchAll(checkRe)) {
      definitions[match[1]] = [...match[2].matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1].replace(/''/g, "'"));
    }
    return definitions;
  };
}
