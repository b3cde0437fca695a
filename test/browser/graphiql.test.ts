/**
 * The newcomer's first minute, in a real browser: the app started as `npm start` starts it on
 * the embedded sandbox, GraphiQL opened with a normal page navigation, the example query run
 * with the run button, then GraphiQL opened again in a second tab. GraphiQL must work offline:
 * every request a page makes goes to the gateway's own host and port (or stays inside the page
 * as a blob: or data: URL). The first load transfers under 3 MB (its files compressed); the
 * second takes every file from the browser's cache and asks the gateway for the small page
 * only. The bytes the gateway sent for each load and its time to a usable editor are printed.
 *
 * Needs Chromium: Debian's /usr/bin/chromium (CI installs it with apt-get), or the path in
 * CHROMIUM_PATH. Without it the test fails and says so; it is never skipped.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { expectedTags } from '../support/sandbox-data';
import { DEMO_TOKEN } from '../../src/sandbox/server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'artifacts');
const SCREENSHOT = join(ARTIFACTS, 'graphiql.png');
const TIMEOUT = 60_000;
/** Each step's own limit, so that a step that hangs fails with its own message. */
const STEP = 20_000;

let app: App | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the GraphiQL browser test needs it. Install Debian's package (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), false);
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await app?.close();
}, TIMEOUT);

interface Seen {
  url: string;
  method: string;
  resourceType: string;
}

/** Whether a URL the page asked for is the gateway's own origin, or stays inside the page. */
function isLocal(url: string, origin: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:') return true;
  // A blob: URL names the origin that created it: `blob:http://localhost:1234/uuid`.
  return parsed.origin === origin;
}

function executedQuery(request: Request): boolean {
  if (request.method() !== 'POST') return false;
  const body = request.postData() ?? '';
  return body.includes('RepositoryTags');
}

/** Waits until the condition holds, for one step at most. */
async function until(page: Page, what: string, condition: () => boolean): Promise<void> {
  const deadline = performance.now() + STEP;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await page.waitForTimeout(50);
  }
}

/** A request as the gateway saw it: on arrival, then its status and the bytes it sent. */
interface Served {
  method: string;
  path: string;
  /** 0 until the answer is sent. */
  status: number;
  /** Headers included. */
  bytes: number;
}

function recordServed(target: App): Served[] {
  const served: Served[] = [];
  target.server.on('request', (request, response) => {
    const before = request.socket.bytesWritten;
    const entry = { method: request.method ?? '', path: request.url ?? '', status: 0, bytes: 0 };
    served.push(entry);
    response.on('finish', () => {
      entry.status = response.statusCode;
      entry.bytes = request.socket.bytesWritten - before;
    });
  });
  return served;
}

/** What a page asked for: the paths of its requests, and of the workers it started. */
interface Asked {
  paths: Set<string>;
  workers: Set<string>;
}

function askedBy(page: Page): Asked {
  const asked: Asked = { paths: new Set(), workers: new Set() };
  page.on('request', (request) => asked.paths.add(new URL(request.url()).pathname));
  page.on('worker', (worker) => asked.workers.add(new URL(worker.url()).pathname));
  return asked;
}

/** GraphiQL's files the page names: its style and script, and the workers Monaco starts. */
function filesNamed(html: string): { scripts: string[]; workers: string[] } {
  const all = [...html.matchAll(/"(\/graphiql\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
  return {
    scripts: all.filter((path) => !path.includes('.worker.')),
    workers: all.filter((path) => path.includes('.worker.')),
  };
}

/**
 * Opens GraphiQL and waits until its query editor is drawn with the example query (on a second
 * visit, GraphiQL restores it as a tab and opens a new empty one): what a newcomer waits for.
 * Then waits until the page has asked for its style and script and started Monaco's three
 * workers, so that the whole load is counted.
 */
async function openGraphiQL(
  page: Page,
  url: string,
  asked: Asked,
): Promise<{ status: number; ms: number; files: string[] }> {
  const started = performance.now();
  // A normal navigation: the browser asks for text/html, and the gateway answers with GraphiQL.
  const response = await page.goto(url, { waitUntil: 'load', timeout: STEP });
  await page.locator('.graphiql-query-editor .view-lines').waitFor({ timeout: STEP });
  await page.getByText('RepositoryTags').first().waitFor({ timeout: STEP });
  const ms = performance.now() - started;
  expect(response?.headers()['content-type']).toMatch(/^text\/html/);
  expect(await response?.request().headerValue('accept')).toMatch(/text\/html/);
  const { scripts, workers } = filesNamed((await response?.text()) ?? '');
  expect(scripts).toHaveLength(2);
  expect(workers).toHaveLength(3);
  await until(page, `${scripts.join(', ')} were asked for`, () =>
    scripts.every((path) => asked.paths.has(path)),
  );
  await until(page, `the workers ${workers.join(', ')} started`, () =>
    workers.every((path) => asked.workers.has(path)),
  );
  return { status: response?.status() ?? 0, ms, files: [...scripts, ...workers] };
}

function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

/** The text an editor shows (Monaco renders spaces as no-break spaces). */
async function editorText(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\u00a0/g, ' ');
}

it(
  'GraphiQL loads offline, runs the example query with the run button and shows library/nginx tags',
  async () => {
    if (!app || !browser) throw new Error('the app or the browser did not start');
    const origin = new URL(app.url).origin;
    // A tall viewport, so that the result editor renders the whole first page of tags. One
    // context, so that its second page shares the first one's cache.
    const context = await browser.newContext({ viewport: { width: 1400, height: 4000 } });
    const seen: Seen[] = [];
    const failed: string[] = [];
    const pageErrors: string[] = [];
    const consoleErrors: string[] = [];
    context.on('request', (request) => {
      seen.push({
        url: request.url(),
        method: request.method(),
        resourceType: request.resourceType(),
      });
    });
    context.on('requestfailed', (request) => {
      failed.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`);
    });
    context.on('weberror', (error) => {
      pageErrors.push(error.error().message);
    });
    context.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    const page = await context.newPage();
    const served = recordServed(app);
    const isAsset = (path: string): boolean => path.startsWith('/graphiql/');

    const first = await openGraphiQL(page, app.url, askedBy(page));
    // What the gateway sent for the first load: the page, its files and the schema.
    await until(
      page,
      'the gateway answered every file',
      () =>
        first.files.every((path) => served.some((s) => s.path === path)) &&
        served.every((s) => s.status !== 0),
    );
    const firstLoad = served.splice(0);
    expect(first.status).toBe(200);
    // Nothing GraphiQL needs comes from anywhere else (a CDN would also fail offline).
    expect(seen.filter((request) => !isLocal(request.url, origin))).toEqual([]);
    // GraphiQL's files, from the gateway, compressed: together far less than their 9 MB.
    const assets = firstLoad.filter((s) => isAsset(s.path));
    expect(assets.filter((s) => s.status !== 200)).toEqual([]);
    const firstBytes = firstLoad.reduce((sum, s) => sum + s.bytes, 0);
    expect(firstBytes).toBeLessThan(3_000_000);

    // The query editor holds the sandbox's example query.
    expect(await editorText(page, '.graphiql-query-editor')).toContain(
      'repositories(first: 5, nameContains: "nginx")',
    );

    const names = expectedTags('library', 'nginx', 'updated_at', 'desc')
      .slice(0, 10)
      .map((tag) => tag.Tag);
    const executed = page.waitForRequest(executedQuery, { timeout: STEP });
    const answered = page.waitForResponse((r) => executedQuery(r.request()), { timeout: STEP });
    await page.locator('button.graphiql-execute-button').click();
    const request = await executed;
    // GraphiQL sends the demo token from its header editor.
    expect(await request.headerValue('x-auth-token')).toBe(DEMO_TOKEN);
    expect((await answered).status()).toBe(200);

    // The result pane shows the first page of library/nginx, in the list's order.
    // Drawn to its end: the last tag of nginx, then the second organization.
    const lastName = names[names.length - 1] ?? '';
    await page.locator('.graphiql-response').getByText(`"${lastName}"`).waitFor({ timeout: STEP });
    await page.locator('.graphiql-response').getByText('"acme"').waitFor({ timeout: STEP });
    const text = await editorText(page, '.graphiql-response');
    const shown = [...text.matchAll(/"name":\s*"([^"]+)"/g)].map((match) => match[1]);
    // The organizations, the one repository matching "nginx", and its first page of tags.
    expect(shown).toEqual(['library', 'nginx', ...names, 'acme']);
    expect(text).toContain('"totalCount": 97');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);

    // GraphiQL again, in a second tab: the page asks for the same files and starts the same
    // workers, and the browser's cache has every one of them; none reaches the gateway.
    const again = await context.newPage();
    const askedAgain = askedBy(again);
    served.splice(0);
    const second = await openGraphiQL(again, app.url, askedAgain);
    expect(second.files).toEqual(first.files);
    await until(again, 'the gateway answered', () => served.every((s) => s.status !== 0));
    const secondLoad = served.splice(0);
    expect(second.status).toBe(200);
    expect(secondLoad.filter((s) => isAsset(s.path))).toEqual([]);
    // The page itself is asked for again (GraphiQL's POSTs to its URL take it out of the
    // cache): the one GET the gateway answers, small; the rest is GraphQL.
    const gets = secondLoad.filter((s) => s.method === 'GET');
    expect(gets.map(({ path }) => path)).toEqual(['/graphql']);
    expect(gets[0]?.bytes).toBeLessThan(10_000);
    const secondBytes = secondLoad.reduce((sum, s) => sum + s.bytes, 0);
    expect(secondBytes).toBeLessThan(firstBytes / 10);

    // Printed for the record: what each load cost.
    const lines = (load: Served[]): string[] =>
      load.map((s) => `  ${s.method} ${s.path} ${s.status} ${kB(s.bytes)}`);
    console.info(
      [
        `GraphiQL first load: ${kB(firstBytes)} sent by the gateway in ${firstLoad.length} answers, editor usable after ${Math.round(first.ms)} ms`,
        ...lines(firstLoad),
        `GraphiQL second load: ${kB(secondBytes)} sent in ${secondLoad.length} answers, ${second.files.length} files from the browser's cache, editor usable after ${Math.round(second.ms)} ms`,
        ...lines(secondLoad),
      ].join('\n'),
    );
    const foreign = seen.filter((request) => !isLocal(request.url, origin));
    // Printed for the record: what the page asked for.
    console.info(
      `GraphiQL at ${app.url} made ${seen.length} requests:\n${seen
        .map((r) => `  ${r.method} ${r.resourceType} ${r.url}`)
        .join('\n')}`,
    );
    expect(foreign).toEqual([]);
    expect(seen.filter((r) => r.url.startsWith(origin))).toContainEqual({
      url: app.url,
      method: 'GET',
      resourceType: 'document',
    });
    expect(failed).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  },
  TIMEOUT,
);
