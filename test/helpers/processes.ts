// Real processes for the tests that need more than one klynge: the compiled server
// (`node dist/src/main.js`, as `npm start` runs it) and a private redis-server.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
/** The compiled server `npm test` builds before it runs the suites. */
export const KLYNGE_MAIN = join(ROOT, 'dist/src/main.js');

export interface StartedProcess {
  readonly pid: number;
  /** What it printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM (or `signal`), then SIGKILL if it has not exited after 10 s; resolves to its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface KlyngeProcess extends StartedProcess {
  /** http://127.0.0.1:PORT/graphql */
  url: string;
  name: string;
}

function track(child: ChildProcess): { output: () => string; exited: Promise<number | null> } {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { output: () => output, exited };
}

function stopper(child: ChildProcess, exited: Promise<number | null>) {
  return async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
}

/** Waits for `pattern` in the child's stdout; fails if it exits first or after `timeoutMs`. */
function waitForLine(child: ChildProcess, tracked: ReturnType<typeof track>, pattern: RegExp, what: string, timeoutMs: number) {
  return new Promise<RegExpExecArray>((done, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`${what} did not start in ${timeoutMs} ms:\n${tracked.output()}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        done(match);
      }
    });
    void tracked.exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`${what} exited (${code}) before it was ready:\n${tracked.output()}`));
    });
  });
}

/**
 * Starts `node dist/src/main.js` with `env` on top of this process's environment and waits for
 * the line it prints once it serves (PORT=0 picks a free port, read back from that line).
 */
export async function startKlyngeProcess(name: string, env: Record<string, string>, timeoutMs = 60_000): Promise<KlyngeProcess> {
  if (!existsSync(KLYNGE_MAIN)) throw new Error(`${KLYNGE_MAIN} is missing: run \`npm run build\` first (npm test does).`);
  const child = spawn(process.execPath, [KLYNGE_MAIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tracked = track(child);
  const stop = stopper(child, tracked.exited);
  try {
    const match = await waitForLine(child, tracked, /GraphQL API and GraphiQL at (http:\/\/\S+)/, `klynge ${name}`, timeoutMs);
    // main prints "localhost"; the process listens on 127.0.0.1 only.
    const url = match[1].replace('//localhost:', '//127.0.0.1:');
    return { name, url, pid: child.pid as number, output: tracked.output, stop };
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
}

/** The redis-server binary, or null when the machine has none. */
export function redisServerBinary(): string | null {
  try {
    return execFileSync('which', ['redis-server'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** A free TCP port on 127.0.0.1 (free when asked; taken by whoever binds it next). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** A throwaway redis-server on 127.0.0.1:`port`, without persistence. */
export async function startRedisServer(port: number, timeoutMs = 10_000): Promise<StartedProcess> {
  const binary = redisServerBinary();
  if (!binary) throw new Error('redis-server is not installed');
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tracked = track(child);
  const stop = stopper(child, tracked.exited);
  try {
    await waitForLine(child, tracked, /Ready to accept connections/, `redis-server on port ${port}`, timeoutMs);
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return { pid: child.pid as number, output: tracked.output, stop };
}
