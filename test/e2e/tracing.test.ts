// OpenTelemetry tracing on a started klynge process (`node dist/src/main.js`) with
// OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP receiver the test runs on loopback: the HTTP
// request, the GraphQL operation and (on PostgreSQL) its SQL arrive as spans of one trace.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../helpers/database.js';
import { KLYNGE_MAIN, type KlyngeProcess, startKlyngeProcess } from '../helpers/processes.js';

interface Span {
  name: string;
  traceId: string;
  kind: number;
}

describe.runIf(existsSync(KLYNGE_MAIN))('OpenTelemetry tracing', () => {
  let receiver: Server;
  const spans: Span[] = [];
  let klynge: KlyngeProcess | undefined;
  let url: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const parsed = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] };
          for (const resource of parsed.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
        }
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as { port: number };

    let databaseUrl: string;
    if (TEST_DIALECT === 'postgresql') {
      const schema = `klynge_tracing_${process.pid}_${randomBytes(3).toString('hex')}`;
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      await admin.end();
      const base = new URL(process.env.DATABASE_URL as string);
      base.searchParams.set('schema', schema);
      databaseUrl = base.toString();
      cleanup = async () => {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`drop schema if exists ${schema} cascade`);
        await c.end();
      };
    } else {
      const dir = await mkdtemp(join(tmpdir(), 'klynge-tracing-'));
      databaseUrl = `file:${join(dir, 'klynge.sqlite')}`;
      cleanup = () => rm(dir, { recursive: true, force: true });
    }
    klynge = await startKlyngeProcess('tracing', {
      DATABASE_URL: databaseUrl,
      REGISTRY_ENABLED: 'false',
      REDIS_URL: '',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    url = klynge.url;
  }, 90_000);

  afterAll(async () => {
    await klynge?.stop();
    receiver?.close();
    await cleanup?.();
  });

  it('sends the HTTP request, the GraphQL operation and its SQL as one trace', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query ClusterNames { clusters(first: 2) { nodes { name } } }',
        operationName: 'ClusterNames',
      }),
    });
    expect(response.status).toBe(200);
    let operation: Span | undefined;
    for (let i = 0; i < 100 && !operation; i++) {
      await new Promise((r) => setTimeout(r, 100));
      operation = spans.find((s) => s.name === 'query ClusterNames');
    }
    expect(operation, JSON.stringify(spans.map((s) => s.name))).toBeDefined();
    const trace = spans.filter((s) => s.traceId === operation?.traceId);
    // SERVER kind (2): the incoming HTTP request, from instrumentation-http.
    expect(trace.some((s) => s.kind === 2 && /POST/.test(s.name))).toBe(true);
    if (TEST_DIALECT === 'postgresql') expect(trace.some((s) => /^pg\.query/.test(s.name))).toBe(true);
  });
});
