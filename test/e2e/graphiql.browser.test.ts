import { existsSync } from 'node:fs';
import { type Browser, type ConsoleMessage, type Locator, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { TokenRole, bearer, issueToken } from '../helpers/tokens.js';

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
  const sockets: string[] = [];
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
    page.on('websocket', (socket) => {
      sockets.push(socket.url());
    });
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

  it('runs the "Live changes" subscription over graphql-ws and shows the event a mutation causes', async () => {
    const admin = await issueToken(server, TokenRole.ADMIN);
    await page.locator('.graphiql-tab', { hasText: 'LiveChanges' }).locator('.graphiql-tab-button').click();
    const editor = page.locator('.graphiql-query-editor');
    await expect.poll(() => textOf(editor), { timeout: 15_000 }).toContain('subscription LiveChanges');
    const execute = page.locator('button.graphiql-execute-button');
    // Under load GraphiQL can let a click go by right after a tab switch: click again while the
    // button still offers to execute (not to stop) and no subscription has arrived.
    await expect
      .poll(
        async () => {
          const label = (await execute.getAttribute('aria-label')) ?? '';
          if (server.subscriptions.subscriberCount === 0 && !/^Stop/.test(label)) await execute.click();
          return server.subscriptions.subscriberCount;
        },
        { timeout: 45_000, interval: 3000 },
      )
      .toBe(1);
    // The socket opened at the page's own /graphql, with ws: for http:.
    expect([...new Set(sockets)]).toEqual([server.url.replace(/^http:/, 'ws:')]);

    // A write over HTTP, as another client would make it.
    const read = await post(server, `{ cluster(slug: "nce-eyde") { version } }`);
    const written = await post(
      server,
      `mutation ($v: Int!) { updateCluster(input: { cluster: { slug: "nce-eyde" }, version: $v, name: "NCE Eyde Live" }) { cluster { name } } }`,
      { v: read.data.cluster.version },
      admin,
    );
    expect(written.errors).toBeUndefined();
    const result = page.locator('.graphiql-response');
    await expect.poll(() => textOf(result), { timeout: 15_000 }).toContain('NCE Eyde Live');
    const shown = await textOf(result);
    expect(shown).toMatch(/"kind":\s*"UPDATED"/);
    expect(shown).toMatch(/"changedFields":\s*\[\s*"name"\s*\]/);
    expect(shown).toMatch(/"slug":\s*"nce-eyde"/);

    // ■ stops it: the server lets the subscriber go.
    expect(await execute.getAttribute('aria-label')).toMatch(/^Stop/);
    await execute.click();
    await expect.poll(() => server.subscriptions.subscriberCount, { timeout: 15_000 }).toBe(0);
    // Back to the first tab, where the tests below expect a query. After a subscription GraphiQL 5
    // lets the first click on another tab go by without switching (seen with and without ■), so
    // click until it has switched.
    const first = page.locator('.graphiql-tab', { hasText: 'ClustersByLevel' }).locator('.graphiql-tab-button');
    await expect
      .poll(
        async () => {
          await first.click();
          return textOf(editor);
        },
        { timeout: 15_000, interval: 250 },
      )
      .toContain('query ClustersByLevel');
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
    // The explorer shows the operation of the tab in view: make it the first tab's query, whatever
    // an earlier test left open (GraphiQL may let a click on a tab go by after a subscription).
    const first = page.locator('.graphiql-tab', { hasText: 'ClustersByLevel' }).locator('.graphiql-tab-button');
    await expect
      .poll(
        async () => {
          await first.click();
          return textOf(page.locator('.graphiql-query-editor'));
        },
        { timeout: 15_000, interval: 250 },
      )
      .toContain('query ClustersByLevel');
    await page.locator('button[aria-label="Show GraphiQL Explorer"]').click();
    const explorer = page.locator('.graphiql-plugin');
    await expect.poll(() => textOf(explorer), { timeout: 15_000 }).toMatch(/clusters[\s\S]*organization/);
  }, 60_000);

  it('builds a query by point and click in the explorer, and runs it', async () => {
    // A new tab: an empty editor, so the query is all the explorer's work.
    await page.locator('button[aria-label="New tab"]').click();
    const editor = page.locator('.graphiql-query-editor');
    // The query as the editor shows it, its whitespace collapsed.
    const query = async () => (await linesOf(editor)).replace(/\s+/g, ' ').trim();
    await expect.poll(query, { timeout: 15_000 }).toBe('');
    const show = page.locator('button[aria-label="Show GraphiQL Explorer"]');
    if (await show.isVisible()) await show.click();
    const explorer = page.locator('.graphiql-explorer-root');
    await explorer.waitFor({ state: 'visible', timeout: 15_000 });
    // Each tick is one click (a second one would untick it): wait for the field on screen, click it
    // once, then wait for the editor to show what the explorer wrote.
    const tick = async (field: string, type: string, shows: RegExp) => {
      const checkbox = explorer.locator(`span[data-field-name="${field}"][data-field-type="${type}"]`);
      await checkbox.waitFor({ state: 'visible', timeout: 15_000 });
      await checkbox.click();
      await expect.poll(query, { timeout: 30_000 }).toMatch(shows);
    };
    await tick('clusters', 'ClusterConnection', /query MyQuery \{ clusters \}/);
    await tick('totalCount', 'Int', /clusters \{ totalCount \}/);
    await tick('nodes', 'Cluster', /clusters \{ totalCount nodes \}/);
    await tick('name', 'String', /nodes \{ name \}/);
    expect(await query()).toBe('query MyQuery { clusters { totalCount nodes { name } } }');

    // What the server answers to that query, asked directly; the result pane must show the same.
    const direct = (await (
      await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: await query() }),
      })
    ).json()) as { data?: { clusters: { totalCount: number; nodes: { name: string }[] } }; errors?: unknown };
    expect(direct.errors).toBeUndefined();
    const total = direct.data?.clusters.totalCount ?? 0;
    expect(total).toBeGreaterThan(0);
    const first = direct.data?.clusters.nodes[0]?.name;
    expect(first).toBeTruthy();

    // Run it. On a loaded machine a click can come before GraphiQL is ready for it (seen in CI): the
    // pane is checked every few seconds and the button pressed again while it still shows nothing.
    const run = page.locator('button.graphiql-execute-button');
    const result = page.locator('.graphiql-response');
    await expect
      .poll(
        async () => {
          const text = await textOf(result);
          if (!text.includes('totalCount')) await run.click();
          return text;
        },
        { timeout: 60_000, interval: 5_000 },
      )
      .toMatch(new RegExp(`"totalCount":\\s*${total}\\b`));
    expect(await textOf(result)).toContain(first as string);
  }, 90_000);

  it('opens a shared link with its ?query= in the editor', async () => {
    // GraphiQL keeps the edited query in the URL, so a reload or a shared link must land here too.
    await page.goto(`${server.url}?query=${encodeURIComponent('{ cluster(slug: "gce-subsea") { name } }')}`);
    await expect.poll(() => textOf(page.locator('.graphiql-query-editor')), { timeout: 30_000 }).toContain('gce-subsea');
    await page.locator('button.graphiql-execute-button').click();
    await expect.poll(() => textOf(page.locator('.graphiql-response')), { timeout: 15_000 }).toContain('GCE Subsea');
  }, 60_000);

  it("opens a subscription's socket with the token in the Headers pane (and sees what the token may see)", async () => {
    const admin = await issueToken(server, TokenRole.ADMIN);
    const created = await post(
      server,
      `mutation { createAnnouncement(input: { slug: "graphiql-live", title: "Direkte", body: "Tekst.", language: nb, kind: NEWS, clusters: ["gce-subsea"] }) { announcement { id version } } }`,
      {},
      admin,
    );
    const { id, version } = created.data.createAnnouncement.announcement;
    const published = await post(
      server,
      `mutation ($id: ID!, $v: Int!) { publishAnnouncement(input: { id: $id, version: $v }) { announcement { version } } }`,
      { id, v: version },
      admin,
    );
    expect(published.errors).toBeUndefined();

    const subscription = 'subscription Drafts { announcementChanged { kind announcement { slug status } } }';
    await page.goto(`${server.url}?query=${encodeURIComponent(subscription)}`);
    const editor = page.locator('.graphiql-query-editor');
    await expect.poll(() => textOf(editor), { timeout: 30_000 }).toContain('subscription Drafts');
    await page.locator('button[data-name="headers"]').click();
    await page.locator('section.graphiql-editor-tool .graphiql-editor:not(.hidden)').click();
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${admin}` }));
    // GraphiQL stores the pane's text after half a second; the socket takes the token from there.
    await expect
      .poll(() => page.evaluate<string | null>("localStorage.getItem('graphiql:headers')"), { timeout: 15_000 })
      .toContain(admin);
    const execute = page.locator('button.graphiql-execute-button');
    await execute.click();
    await expect.poll(() => server.subscriptions.subscriberCount, { timeout: 30_000 }).toBe(1);

    // Back to a draft: anonymous subscribers get `announcement: null`, an ADMIN the draft.
    const unpublished = await post(
      server,
      `mutation ($id: ID!, $v: Int!) { unpublishAnnouncement(input: { id: $id, version: $v }) { announcement { version } } }`,
      { id, v: version + 1 },
      admin,
    );
    expect(unpublished.errors).toBeUndefined();
    const result = page.locator('.graphiql-response');
    await expect.poll(() => textOf(result), { timeout: 15_000 }).toContain('UNPUBLISHED');
    expect(await textOf(result)).toMatch(/"announcement":\s*\{\s*"slug":\s*"graphiql-live",\s*"status":\s*"DRAFT"/);
    await execute.click();
    await expect.poll(() => server.subscriptions.subscriberCount, { timeout: 15_000 }).toBe(0);
  }, 90_000);

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

/** Sends one operation over HTTP, as a client other than the browser. */
async function post(server: TestServer, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? bearer(token) : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

/** A pane's text; monaco renders spaces as no-break spaces (and only the lines in view). */
const textOf = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\u00a0/g, ' ');

/** An editor's lines, top to bottom (monaco renders each line as an element placed by its \`top\`). */
const linesOf = (editor: Locator) =>
  // The function runs in the browser; this project's types know no DOM, hence the loose types.
  editor.evaluate((element: any): string =>
    [...element.querySelectorAll('.view-lines .view-line')]
      .sort((a: any, b: any) => Number.parseFloat(a.style.top) - Number.parseFloat(b.style.top))
      .map((line: any) => String(line.textContent ?? '').replace(/\u00a0/g, ' '))
      .join('\n'),
  );

/** Same origin as the server, or content the page made itself (data:, blob:). */
function isLocal(url: string, origin: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:')) return true;
  return new URL(url).origin === origin;
}
