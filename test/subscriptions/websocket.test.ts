import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { TAG_EVENTS, sseClient, startLiveApp, until, type LiveApp, type Result } from './support';

/**
 * `Subscription.tagEvents` over WebSocket (graphql-ws's client on `ws`) against the gateway as
 * the process runs it: the same events as over SSE, one watcher for subscribers of both
 * transports, the token from the connection's payload or the upgrade's headers, and only
 * subscriptions on `/graphql`.
 */

let live: LiveApp;
let wsUrl: string;

beforeAll(async () => {
  live = await startLiveApp();
  wsUrl = live.app.url.replace('http://', 'ws://');
});

afterAll(async () => {
  await live.close();
});

const busybox = { namespace: 'library', repository: 'busybox' };

/** A WebSocket that sends `headers` with its upgrade request. */
function withHeaders(headers: Record<string, string>) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  };
}

function wsClient(
  connectionParams: Record<string, string> = { 'X-Auth-Token': DEMO_TOKEN },
  headers: Record<string, string> = {},
): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: withHeaders(headers),
    connectionParams,
    retryAttempts: 0,
  });
}

function subscribe(
  client: Client,
  query = TAG_EVENTS,
  variables: Record<string, unknown> = busybox,
) {
  const events = client.iterate<NonNullable<Result['data']>>({ query, variables });
  return {
    next: async (): Promise<Result> => {
      const step = await events.next();
      if (step.done === true) throw new Error('the subscription ended');
      return step.value as Result;
    },
    /** The error graphql-ws's client throws when the server refuses the operation. */
    refusal: async (): Promise<unknown> =>
      events.next().then(
        () => null,
        (error: unknown) => error,
      ),
    leave: async () => {
      await events.return?.();
    },
  };
}

test('a push and a deletion reach a WebSocket subscriber at the next poll; an idle poll sends nothing', async () => {
  const client = wsClient();
  const subscriber = subscribe(client);
  await live.ticker.until(1);
  await live.ticker.tick();
  await live.push('busybox', 'ws-1');
  await live.ticker.tick();
  expect((await subscriber.next()).data?.tagEvents).toMatchObject({ kind: 'PUSHED', name: 'ws-1' });
  await live.remove('busybox', 'ws-1');
  await live.ticker.tick();
  expect((await subscriber.next()).data?.tagEvents).toMatchObject({
    kind: 'DELETED',
    name: 'ws-1',
  });
  await subscriber.leave();
  await client.dispose();
  await live.ticker.until(0);
});

test('subscribers over SSE and WebSocket with one token share one watcher: one poll per interval', async () => {
  const client = wsClient({}, { authorization: `Bearer ${DEMO_TOKEN}` });
  const overWs = subscribe(client);
  const sse = sseClient(live.app.url);
  const overSse = sse.iterate<NonNullable<Result['data']>>({
    query: TAG_EVENTS,
    variables: busybox,
  });
  await until(async () => (await live.metric('gateway_tag_event_subscribers')) === 2);
  await live.ticker.until(1);
  const polls = live.polls();
  await live.push('busybox', 'both');
  await live.ticker.tick();
  expect(live.polls() - polls).toBe(1);
  expect((await overWs.next()).data?.tagEvents.name).toBe('both');
  expect(((await overSse.next()).value as Result).data?.tagEvents.name).toBe('both');
  await overWs.leave();
  await overSse.return?.();
  sse.dispose();
  await client.dispose();
  await live.ticker.until(0);
});

test('a client whose socket drops stops the watcher when it was the last', async () => {
  const sockets: WebSocket[] = [];
  const client = createClient({
    url: wsUrl,
    webSocketImpl: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    },
    connectionParams: { 'x-auth-token': DEMO_TOKEN },
    retryAttempts: 0,
  });
  const subscriber = subscribe(client);
  void subscriber.next().catch(() => undefined);
  await live.ticker.until(1);
  for (const socket of sockets) socket.terminate();
  await live.ticker.until(0);
  const polls = live.polls();
  await live.ticker.tick();
  expect(live.polls()).toBe(polls);
  await client.dispose();
});

test('no token is UNAUTHENTICATED; queries, and documents of several operations, are refused unsent', async () => {
  const anonymous = wsClient({});
  const refused = await subscribe(anonymous).next();
  expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  await anonymous.dispose();

  const client = wsClient();
  const before = live.sandbox.requests.length;
  const query = await subscribe(client, '{ namespaces { name } }', {}).refusal();
  expect(JSON.stringify(query)).toContain('BAD_REQUEST');
  const mixed = await subscribe(
    client,
    `${TAG_EVENTS} query Other { namespaces { name } }`,
    busybox,
  ).refusal();
  // Two operations and no name: refused before anything runs.
  expect(JSON.stringify(mixed)).toContain('OPERATION_RESOLUTION_FAILURE');
  expect(live.sandbox.requests.length).toBe(before);
  await client.dispose();
});

test('upgrades are taken on /graphql alone', async () => {
  const base = live.app.url.replace('http://', 'ws://').replace('/graphql', '');
  for (const path of ['/subgraph', '/graphql/', '/metrics', '/GRAPHQL', '/graphq', '/%67raphql']) {
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${base}${path}`, 'graphql-transport-ws');
      socket.on('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
      });
      socket.on('open', () => {
        socket.close();
        resolve(101);
      });
      socket.on('error', () => undefined);
    });
    expect([path, status]).toEqual([path, 404]);
  }
});

test('an upgrade whose target is not a URL path gets 400, and the gateway keeps serving', async () => {
  const { port } = new URL(live.app.url);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        'GET http://a:99999/graphql HTTP/1.1\r\nHost: gateway\r\nUpgrade: websocket\r\n' +
          'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n',
      );
    });
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => {
      resolve(text);
    });
    socket.on('error', reject);
  });
  expect(answer.startsWith('HTTP/1.1 400')).toBe(true);
  const health = await fetch(live.app.url.replace('/graphql', '/health'));
  expect(health.status).toBe(200);
});

test('with trusted documents enforced, WebSocket runs no document text (SSE applies the manifest)', async () => {
  const manifest = join(mkdtempSync(join(tmpdir(), 'tag-events-')), 'documents.json');
  writeFileSync(manifest, JSON.stringify({ tagEvents: TAG_EVENTS }));
  // /subgraph on a port of its own, as trusted documents require: the test reads /graphql.
  const strict = await startLiveApp({ PERSISTED_DOCUMENTS: manifest, SUBGRAPH_PORT: '0' });
  const client = createClient({
    url: strict.app.url.replace('http://', 'ws://'),
    webSocketImpl: WebSocket,
    connectionParams: { 'x-auth-token': DEMO_TOKEN },
    retryAttempts: 0,
  });
  try {
    const refused = await subscribe(client).refusal();
    expect(JSON.stringify(refused)).toContain('PERSISTED_QUERY_ONLY');
    expect(strict.ticker.watching).toBe(0);
  } finally {
    await client.dispose();
    await strict.close();
  }
});
