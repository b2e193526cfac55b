// Preloaded into a benchmarked klynge process (`node --import …/count-statements.js dist/src/main.js`):
// counts every statement the process sends to PostgreSQL, at the driver, whoever sends it (the ORM,
// the query builder, raw reads). The parent asks over the IPC channel: "statements" → { statements }.
import pg from 'pg';

let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  statements++;
  return Reflect.apply(query, this, args);
} as typeof query;

process.on('message', (message) => {
  if (message === 'statements') process.send?.({ statements });
});
// The channel must not keep a stopped server alive.
process.channel?.unref();
