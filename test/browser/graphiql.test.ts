/**
 * The newcomer's first minute, in a real browser: the app started as `npm start` starts it on
 * the embedded sandbox, GraphiQL opened with a normal page navigation, the example query run
 * with the run button. GraphiQL must work offline: every request the page makes goes to the
 * gateway's own host and port (or stays inside the page as a blob: or data: URL).
 *
 * Needs Chromium: Debian's /usr/bin/chromium (CI installs it with apt-get), or the path in
 * CHROMIUM_PATH. Without it the test fails and says so; it is never skipped.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { startApp, type App } from '../../src/http/app';
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

/** The text an editor shows (Monaco renders spaces as no-break spaces). */
async function editorText(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\u00a0/g, ' ');
}

it(
  'GraphiQL loads offline, runs the example query with the run button and shows library/nginx tags',
  async () => {
    if (!app || !browser) throw new Error('the app or the browser did not start');
    const origin = new URL(app.url).origin;
    // A tall viewport, so that the result editor renders the whole first page of tags.
    const page = await browser.newPage({ viewport: { width: 1400, height: 4000 } });
    const seen: Seen[] = [];
    const failed: string[] = [];
    const pageErrors: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (request) => {
      seen.push({
        url: request.url(),
        method: request.method(),
        resourceType: request.resourceType(),
      });
    });
    page.on('requestfailed', (request) => {
      failed.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`);
    });
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });

    // A normal navigation: the browser asks for text/html, and yoga answers with GraphiQL.
    const response = await page.goto(app.url, { waitUntil: 'load', timeout: STEP });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await response?.request().headerValue('accept')).toMatch(/text\/html/);
    // Nothing GraphiQL needs comes from anywhere else (a CDN would also fail offline).
    expect(seen.filter((request) => !isLocal(request.url, origin))).toEqual([]);

    // The query editor, holding the sandbox's example query.
    const editor = page.locator('.graphiql-query-editor');
    await editor.getByText('query RepositoryTags').first().waitFor({ timeout: STEP });
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
    const lastName = names[names.length - 1] ?? '';
    await page.locator('.graphiql-response').getByText(`"${lastName}"`).waitFor({ timeout: STEP });
    const text = await editorText(page, '.graphiql-response');
    const shown = [...text.matchAll(/"name":\s*"([^"]+)"/g)].map((match) => match[1]);
    // The organizations, the one repository matching "nginx", and its first page of tags.
    expect(shown).toEqual(['library', 'nginx', ...names, 'acme']);
    expect(text).toContain('"totalCount": 97');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);

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
    await page.close();
  },
  TIMEOUT,
);
