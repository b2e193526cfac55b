import { existsSync } from 'node:fs';
import { type Browser, type ConsoleMessage, type Locator, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../helpers/server.js';

/** Debian's chromium (apt-get install chromium); no browser download works on these machines. */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`GraphiQL browser test skipped: ${CHROMIUM} not installed (apt-get install chromium)`);

/** Where the test leaves a screenshot of the rendered page, for a person to look at. */
const SCREENSHOT = '/tmp/graphiql.png';

/** GraphiQL as a person opens it: a real browser, and nothing may come from anywhere but klynge. */
describe.skipIf(!hasChromium)('GraphiQL in a real browser (offline)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Keep Chromium itself quiet on the network, so only the page's own requests happen.
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    // A fresh context: no stored GraphiQL tabs or queries from an earlier run.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // The context sees requests of the page and of its workers (the editor's web workers) alike.
    context.on('request', (request) => {
      requests.push(request.url());
    });
    // Offline for real: anything not for klynge is refused (and still recorded above).
    await context.route(
      (url) => !isLocal(url.href, server.origin),
      (route) => route.abort('internetdisconnected'),
    );
    page = await context.newPage();
    const onConsole = (where: string) => (message: ConsoleMessage) => {
      if (message.type() === 'error') problems.push(`console.error (${where}): ${message.text()}`);
    };
    page.on('console', onConsole('page'));
    // The editor's web workers log on their own channel.
    page.on('worker', (worker) => worker.on('console', onConsole(worker.url())));
    page.on('pageerror', (error) => {
      problems.push(`pageerror: ${error.message}`);
    });
    await page.goto(`${server.origin}/graphql`, { waitUntil: 'load' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('runs the example query against the seeded database', async () => {
    const execute = page.locator('button.graphiql-execute-button');
    await execute.waitFor({ state: 'visible', timeout: 30_000 });
    // The example query is preloaded in the editor (not yoga's welcome text).
    const editor = page.locator('.graphiql-query-editor');
    await expect.poll(() => textOf(editor), { timeout: 15_000 }).toContain('query ClustersByLevel');
    const answer = page.waitForResponse(
      (r) => r.url() === server.url && r.request().method() === 'POST' && /ClustersByLevel/.test(r.request().postData() ?? ''),
    );
    await execute.click();
    const body = (await (await answer).json()) as { data?: { clusters: { nodes: { name: string }[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    const first = body.data?.clusters.nodes[0]?.name;
    expect(first).toBeTruthy();
    // The result pane shows it (monaco renders only the lines in view, so look at the top of the result).
    const result = page.locator('.graphiql-response');
    await expect.poll(() => textOf(result), { timeout: 15_000 }).toContain(first!);
    expect(await textOf(result)).toMatch(/"clusters":\s*\{\s*"totalCount":\s*\d+/);
  }, 90_000);

  it('loads the schema into the documentation explorer (introspection)', async () => {
    await page.locator('button[aria-label="Show Documentation Explorer"]').click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.waitFor({ state: 'visible', timeout: 15_000 });
    // The root types are listed once the introspection result is in.
    await expect.poll(() => textOf(docs), { timeout: 15_000 }).toMatch(/query:\s*Query/);
    await docs.getByText('Query', { exact: true }).first().click();
    await expect.poll(() => textOf(docs), { timeout: 15_000 }).toContain('clusters');
    await page.screenshot({ path: SCREENSHOT });
  }, 60_000);

  it('lists the schema in the query builder (explorer plugin)', async () => {
    await page.locator('button[aria-label="Show GraphiQL Explorer"]').click();
    const explorer = page.locator('.graphiql-plugin');
    await expect.poll(() => textOf(explorer), { timeout: 15_000 }).toMatch(/clusters[\s\S]*organization/);
  }, 60_000);

  it('opens a shared link with its ?query= in the editor', async () => {
    // GraphiQL keeps the edited query in the URL, so a reload or a shared link must land here too.
    await page.goto(`${server.url}?query=${encodeURIComponent('{ cluster(slug: "gce-subsea") { name } }')}`);
    await expect.poll(() => textOf(page.locator('.graphiql-query-editor')), { timeout: 30_000 }).toContain('gce-subsea');
    await page.locator('button.graphiql-execute-button').click();
    await expect.poll(() => textOf(page.locator('.graphiql-response')), { timeout: 15_000 }).toContain('GCE Subsea');
  }, 60_000);

  it('fetched nothing from anywhere but klynge', () => {
    const foreign = requests.filter((url) => !isLocal(url, server.origin));
    expect(foreign).toEqual([]);
    // The editor's web workers (editor, GraphQL language, JSON result) came from klynge too.
    const workers = requests.filter((url) => url.includes('/graphiql/monacoeditorwork/')).map((url) => new URL(url).pathname);
    expect(new Set(workers)).toEqual(
      new Set(
        ['editor.worker.bundle.js', 'graphql.worker..bundle.js', 'json.worker.bundle.js'].map(
          (f) => `/graphiql/monacoeditorwork/${f}`,
        ),
      ),
    );
  });

  it('logged no errors in the browser', () => {
    expect(problems).toEqual([]);
  });
});

/** A pane's text; monaco renders spaces as no-break spaces (and only the lines in view). */
const textOf = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\u00a0/g, ' ');

/** Same origin as the server, or content the page made itself (data:, blob:). */
function isLocal(url: string, origin: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:')) return true;
  return new URL(url).origin === origin;
}
