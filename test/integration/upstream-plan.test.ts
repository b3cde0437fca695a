/**
 * What the gateway asks of SWR: every request obeys SWR's paging rules, pages cost few requests,
 * and windows of one GraphQL request are merged into the fewest upstream requests.
 *
 * The gateway talks to the sandbox through a small pass-through relay on loopback that records
 * the request headers and how many requests are in flight at once (and can hold each request
 * for a while, so that concurrency becomes observable). The sandbox's own log is the count.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { DEFAULT_LIMITS } from '../../src/graphql/limits';
import { startHarness, type Harness } from '../support/harness';
import type { RecordedRequest } from '../../src/sandbox/server';
import {
  CONNECTION_FIELDS,
  ORDERS,
  allCursors,
  cursorAt,
  expectPageAt,
  expectedNames,
  fetchPage,
  type Connection,
  type ConnectionArgs,
} from './support';
import { listenOnLoopback } from '../support/listen';

interface Relay {
  url: string;
  target: string;
  delayMs: number;
  inFlight: number;
  maxInFlight: number;
  contentTypes: (string | undefined)[];
  close(): Promise<void>;
}

async function startRelay(): Promise<Relay> {
  const relay: Relay = {
    url: '',
    target: '',
    delayMs: 0,
    inFlight: 0,
    maxInFlight: 0,
    contentTypes: [],
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((incoming, outgoing) => {
    relay.inFlight++;
    relay.maxInFlight = Math.max(relay.maxInFlight, relay.inFlight);
    relay.contentTypes.push(incoming.headers['content-type']);
    const forward = (): void => {
      const upstream = httpRequest(
        `${relay.target}${incoming.url ?? '/'}`,
        { method: incoming.method, headers: incoming.headers },
        (answer: IncomingMessage) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
          answer.on('end', () => {
            relay.inFlight--;
          });
        },
      );
      upstream.on('error', () => {
        relay.inFlight--;
        outgoing.destroy();
      });
      incoming.pipe(upstream);
    };
    if (relay.delayMs > 0) setTimeout(forward, relay.delayMs);
    else forward();
  });
  const { url, close } = await listenOnLoopback(server);
  relay.url = url;
  relay.close = close;
  return relay;
}

let relay: Relay;
let h: Harness;

beforeAll(async () => {
  relay = await startRelay();
  // These tests count what SWR is asked, not what a query is priced at: the cost limit prices
  // each cursor at its worst-case re-anchoring (test/adversarial/reanchoring.test.ts), so ten
  // aliases with seven cursors are priced at 104 requests while they cost one.
  h = await startHarness({
    upstream: relay.url,
    limits: { ...DEFAULT_LIMITS, maxUpstreamRequests: 1_000 },
  });
  relay.target = h.sandbox.url;
});

afterAll(async () => {
  await h.close();
  await relay.close();
});

/** Runs `task` and returns the upstream requests it caused. */
async function upstreamOf<T>(
  task: () => Promise<T>,
): Promise<{ result: T; requests: RecordedRequest[] }> {
  const mark = h.sandbox.requests.length;
  const result = await task();
  return { result, requests: h.sandbox.requests.slice(mark) };
}

function limitOf(request: RecordedRequest): number {
  return Number(request.query.limit);
}

function offsetOf(request: RecordedRequest): number {
  return Number(request.query.offset);
}

/** Every request obeys SWR's rules; the sandbox answered all of them with 200. */
function expectWellFormed(requests: readonly RecordedRequest[]): void {
  for (const request of requests) {
    expect(request.method).toBe('GET');
    expect(request.status).toBe(200);
    expect(request.query.offset).toMatch(/^(0|[1-9][0-9]*)$/);
    expect(request.query.limit).toMatch(/^[1-9][0-9]*$/);
    expect(limitOf(request)).toBeLessThanOrEqual(1000);
    expect(offsetOf(request) % limitOf(request)).toBe(0);
    expect(['updated_at', 'tag']).toContain(request.query.order_column);
    expect(['asc', 'desc']).toContain(request.query.order_type);
    expect(request.query.filter).toBeUndefined();
  }
}

describe('every upstream request obeys SWR', () => {
  test('offset, limit, order_column and order_type are always sent, offset is a multiple of limit', async () => {
    const { requests } = await upstreamOf(async () => {
      for (const orderBy of ORDERS) {
        const cursors = await allCursors(h, 'library', 'nginx', { orderBy });
        for (const args of [
          {},
          { first: 13, after: cursorAt(cursors, 16) },
          { last: 9, before: cursorAt(cursors, 50) },
          { last: 11 },
          { first: 1, after: cursorAt(cursors, 95) },
          { first: 30, last: 4, after: cursorAt(cursors, 2) },
        ] satisfies ConnectionArgs[]) {
          await fetchPage(h, 'library', 'nginx', { ...args, orderBy });
        }
      }
    });
    expect(requests.length).toBeGreaterThanOrEqual(28);
    expectWellFormed(requests);
  });

  test('every request carries Content-Type: application/json', async () => {
    const mark = relay.contentTypes.length;
    await fetchPage(h, 'library', 'busybox', { first: 3 });
    const seen = relay.contentTypes.slice(mark);
    expect(seen.length).toBeGreaterThan(0);
    for (const contentType of seen) expect(contentType).toMatch(/^application\/json\b/);
  });

  test('the nameContains filter is sent as the tag parameter', async () => {
    const { requests } = await upstreamOf(() =>
      fetchPage(h, 'library', 'nginx', { first: 5, nameContains: 'alpine' }),
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]?.query.tag).toBe('alpine');
    expectWellFormed(requests);
  });
});

describe('what a page costs', () => {
  test.each([
    { label: 'no arguments', args: {} },
    { label: 'first:1', args: { first: 1 } },
    { label: 'first:10', args: { first: 10 } },
    { label: 'first:100', args: { first: 100 } },
    { label: 'first:0', args: { first: 0 } },
    { label: 'first:7 NAME ASC', args: { first: 7, orderBy: { field: 'NAME', direction: 'ASC' } } },
  ] satisfies { label: string; args: ConnectionArgs }[])(
    'a first page ($label) costs one request',
    async ({ args }) => {
      const { requests } = await upstreamOf(() => fetchPage(h, 'library', 'app', args));
      expect(requests).toHaveLength(1);
      expectWellFormed(requests);
    },
  );

  test('walking nginx with first:10 costs one request per page', async () => {
    // Each forward page's range [after+1, after+11) is known from the cursor alone, before the
    // total is; one aligned page holds it (and, on the last page, the rest of the list), so no
    // page needs a second read: the walk costs exactly one request per page (pages + 0).
    const all = expectedNames('library', 'nginx');
    let after: string | null = null;
    let pages = 0;
    let total = 0;
    for (;;) {
      const { result: page, requests } = await upstreamOf(() =>
        fetchPage(h, 'library', 'nginx', { first: 10, after }),
      );
      expectPageAt(page, all, pages * 10, Math.min(10, all.length - pages * 10));
      expectWellFormed(requests);
      expect(requests.length).toBeGreaterThanOrEqual(1);
      expect(requests.length).toBeLessThanOrEqual(2);
      for (const request of requests) expect(limitOf(request)).toBeLessThanOrEqual(30);
      pages++;
      total += requests.length;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(10);
    expect(total).toBeLessThanOrEqual(pages);
  });

  test.each([
    { repository: 'app', last: 1 },
    { repository: 'app', last: 7 },
    { repository: 'app', last: 20 },
    { repository: 'app', last: 100 },
    { repository: 'nginx', last: 7 },
    { repository: 'nginx', last: 100 },
    { repository: 'busybox', last: 3 },
    { repository: 'empty', last: 5 },
  ])('last:$last without before on library/$repository costs at most two requests', async (c) => {
    const all = expectedNames('library', c.repository);
    const { result: page, requests } = await upstreamOf(() =>
      fetchPage(h, 'library', c.repository, { last: c.last }),
    );
    const start = Math.max(0, all.length - c.last);
    expectPageAt(page, all, start, all.length - start);
    expect(requests.length).toBeGreaterThanOrEqual(1);
    expect(requests.length).toBeLessThanOrEqual(2);
    expectWellFormed(requests);
  });

  // A page after or before a cursor also reads the cursor's own row, to check that its tag has
  // not moved (see pagination/anchor.ts): such a page reads at most 3x (page + 1).
  test('no request reads the whole of library/app, and one-request pages read at most 3x the page', async () => {
    const all = expectedNames('library', 'app');
    const first = await fetchPage(h, 'library', 'app', { first: 100 });
    const cursors = first.edges.map((edge) => edge.cursor);
    let deepCursor: string | null = null;
    let after: string | null = null;
    for (let i = 0; i < 21; i++) {
      const page: Connection = await fetchPage(h, 'library', 'app', { first: 100, after });
      after = page.pageInfo.endCursor;
      deepCursor = page.edges[37]?.cursor ?? null;
    }
    const cases: { args: ConnectionArgs; size: number }[] = [];
    for (const size of [1, 2, 3, 5, 7, 10, 13, 20, 33, 50, 99, 100]) {
      for (const offset of [0, 1, 6, 17, 42, 63, 98]) {
        cases.push({ args: { first: size, after: cursorAt(cursors, offset) }, size });
      }
      cases.push({ args: { first: size, after: deepCursor }, size });
      cases.push({ args: { last: size, before: deepCursor }, size });
      cases.push({ args: { last: size, before: cursorAt(cursors, 99) }, size });
      cases.push({ args: { last: size }, size });
    }
    const violations: { args: ConnectionArgs; limits: number[] }[] = [];
    for (const { args, size } of cases) {
      const { result: page, requests } = await upstreamOf(() =>
        fetchPage(h, 'library', 'app', args),
      );
      expect(page.totalCount).toBe(all.length);
      expectWellFormed(requests);
      const limits = requests.map(limitOf);
      if (
        requests.length === 0 ||
        requests.length > 2 ||
        limits.some((limit) => limit >= all.length) ||
        (requests.length === 1 &&
          limits.some((limit) => limit > 3 * (args.after || args.before ? size + 1 : size)))
      ) {
        violations.push({ args, limits });
      }
    }
    expect(violations).toEqual([]);
  });
});

interface AliasData {
  repository: Record<string, Connection>;
}

describe('one GraphQL request, many windows', () => {
  let cursors: string[];

  beforeAll(async () => {
    cursors = await allCursors(h, 'library', 'nginx');
  });

  test('ten aliases asking overlapping windows of one list cost exactly one request', async () => {
    const all = expectedNames('library', 'nginx');
    const windows: { alias: string; args: string; start: number; end: number }[] = [
      { alias: 'a', args: 'first: 10', start: 0, end: 10 },
      { alias: 'b', args: 'first: 15', start: 0, end: 15 },
      { alias: 'c', args: 'first: 20', start: 0, end: 20 },
      { alias: 'd', args: `first: 10, after: "${cursorAt(cursors, 4)}"`, start: 5, end: 15 },
      { alias: 'e', args: `first: 5, after: "${cursorAt(cursors, 9)}"`, start: 10, end: 15 },
      { alias: 'f', args: `first: 3, after: "${cursorAt(cursors, 2)}"`, start: 3, end: 6 },
      { alias: 'g', args: 'first: 1', start: 0, end: 1 },
      { alias: 'i', args: `first: 19, after: "${cursorAt(cursors, 0)}"`, start: 1, end: 20 },
      { alias: 'j', args: `last: 3, before: "${cursorAt(cursors, 10)}"`, start: 7, end: 10 },
      {
        alias: 'k',
        args: `first: 4, after: "${cursorAt(cursors, 11)}", before: "${cursorAt(cursors, 19)}"`,
        start: 12,
        end: 16,
      },
    ];
    const query = `{ repository(namespace: "library", name: "nginx") {
      ${windows.map((w) => `${w.alias}: tags(${w.args}) { ${CONNECTION_FIELDS} }`).join('\n')}
    } }`;
    const { result, requests } = await upstreamOf(() =>
      h.graphql<{ data?: AliasData; errors?: unknown }>(query),
    );
    expect(result.errors).toBeUndefined();
    for (const w of windows) {
      const page = result.data?.repository[w.alias];
      if (!page) throw new Error(`no alias ${w.alias}`);
      expectPageAt(page, all, w.start, w.end - w.start);
    }
    expect(requests).toHaveLength(1);
    expectWellFormed(requests);
    expect(offsetOf(requests[0] as RecordedRequest)).toBe(0);
    expect(limitOf(requests[0] as RecordedRequest)).toBeGreaterThanOrEqual(20);
    expect(limitOf(requests[0] as RecordedRequest)).toBeLessThanOrEqual(60);
  });

  test('the same window asked twice in one query costs one request', async () => {
    const query = `{
      x: repository(namespace: "library", name: "busybox") { tags(first: 4) { ${CONNECTION_FIELDS} } }
      y: repository(namespace: "library", name: "busybox") { tags(first: 4) { ${CONNECTION_FIELDS} } }
    }`;
    const { result, requests } = await upstreamOf(() =>
      h.graphql<{ data?: Record<string, { tags: Connection }>; errors?: unknown }>(query),
    );
    expect(result.errors).toBeUndefined();
    const all = expectedNames('library', 'busybox');
    for (const alias of ['x', 'y']) {
      const page = result.data?.[alias]?.tags;
      if (!page) throw new Error(`no alias ${alias}`);
      expectPageAt(page, all, 0, 4);
    }
    expect(requests).toHaveLength(1);
  });

  test('aliases on different lists each cost one request and go out concurrently', async () => {
    const lists: { alias: string; repository: string; orderBy: string; nameContains?: string }[] = [
      { alias: 'n1', repository: 'nginx', orderBy: '{ field: UPDATED_AT, direction: DESC }' },
      { alias: 'n2', repository: 'nginx', orderBy: '{ field: NAME, direction: ASC }' },
      { alias: 'b1', repository: 'busybox', orderBy: '{ field: NAME, direction: DESC }' },
      { alias: 't1', repository: 'tied', orderBy: '{ field: UPDATED_AT, direction: ASC }' },
      {
        alias: 'n3',
        repository: 'nginx',
        orderBy: '{ field: NAME, direction: ASC }',
        nameContains: 'alpine',
      },
    ];
    const query = `{ ${lists
      .map(
        (l) =>
          `${l.alias}: repository(namespace: "library", name: "${l.repository}") {
             tags(first: 5, orderBy: ${l.orderBy}${l.nameContains === undefined ? '' : `, nameContains: "${l.nameContains}"`}) { ${CONNECTION_FIELDS} }
           }`,
      )
      .join('\n')} }`;
    relay.delayMs = 300;
    relay.maxInFlight = 0;
    const started = Date.now();
    let outcome: Awaited<
      ReturnType<
        typeof upstreamOf<{ data?: Record<string, { tags: Connection }>; errors?: unknown }>
      >
    >;
    try {
      outcome = await upstreamOf(() =>
        h.graphql<{ data?: Record<string, { tags: Connection }>; errors?: unknown }>(query),
      );
    } finally {
      relay.delayMs = 0;
    }
    const elapsed = Date.now() - started;
    const { result, requests } = outcome;
    expect(result.errors).toBeUndefined();
    expect(requests).toHaveLength(lists.length);
    expectWellFormed(requests);
    const paths = requests.map(
      (r) => `${r.path}|${r.query.order_column}|${r.query.order_type}|${r.query.tag ?? ''}`,
    );
    expect(new Set(paths).size).toBe(lists.length);
    expect(relay.maxInFlight).toBe(lists.length);
    expect(elapsed).toBeLessThan(2 * 300 + 250);
  });

  test('one GraphQL request has at most 8 upstream requests in flight (the harness setting)', async () => {
    const repositories = ['nginx', 'busybox', 'tied', 'multiarch', 'team/app', 'hello'];
    const orders = ['{ field: NAME, direction: ASC }', '{ field: NAME, direction: DESC }'];
    const aliases = repositories.flatMap((repository, i) =>
      orders.map(
        (orderBy, j) =>
          `r${i}o${j}: repository(namespace: "library", name: "${repository}") {
             tags(first: 3, orderBy: ${orderBy}) { totalCount }
           }`,
      ),
    );
    relay.delayMs = 200;
    relay.maxInFlight = 0;
    const started = Date.now();
    let requests: RecordedRequest[];
    let errors: unknown;
    try {
      const outcome = await upstreamOf(() =>
        h.graphql<{ errors?: unknown }>(`{ ${aliases.join('\n')} }`),
      );
      requests = outcome.requests;
      errors = outcome.result.errors;
    } finally {
      relay.delayMs = 0;
    }
    const elapsed = Date.now() - started;
    expect(errors).toBeUndefined();
    expect(requests).toHaveLength(12);
    expect(relay.maxInFlight).toBe(8);
    // 12 requests, 8 at a time, 200 ms each: two rounds.
    expect(elapsed).toBeGreaterThanOrEqual(2 * 200 - 20);
  });

  test('tag(name:) costs one filtered request, alongside a page of the same repository', async () => {
    const query = `{ repository(namespace: "library", name: "busybox") {
      tag(name: "1.36.1") { name }
      tags(first: 2) { totalCount }
    } }`;
    const { result, requests } = await upstreamOf(() =>
      h.graphql<{
        data?: { repository: { tag: { name: string } | null; tags: { totalCount: number } } };
      }>(query),
    );
    expect(result.data?.repository.tag?.name).toBe('1.36.1');
    expect(result.data?.repository.tags.totalCount).toBe(7);
    expect(requests).toHaveLength(2);
    expectWellFormed(requests);
    expect(requests.filter((r) => r.query.tag === '1.36.1')).toHaveLength(1);
  });
});

test('separate GraphQL requests share no cache: asking the same page twice reads it twice', async () => {
  const { requests } = await upstreamOf(async () => {
    await fetchPage(h, 'library', 'hello', { first: 1 });
    await fetchPage(h, 'library', 'hello', { first: 1 });
  });
  expect(requests).toHaveLength(2);
});
