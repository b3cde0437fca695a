import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { startApp, type App } from '../../src/app';
import { DEMO_TOKEN, type SandboxHandle } from '../../src/sandbox/server';
import { TAG_EVENTS, sseClient, until, type Result } from './support';

/**
 * The gateway as `main.ts` starts it, its watchers on their own timer at the shortest interval
 * allowed (2 s): a push reaches a subscriber at a later poll, whenever that comes (the time it
 * took is printed, not asserted); an interval below 2 s stops the start; and closing the app
 * ends every subscription over both transports, so that no response holds the shutdown.
 */

let app: App;
let closed = false;

beforeAll(async () => {
  app = await startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      METRICS_PORT: '0',
      LOG_LEVEL: 'silent',
      TAG_EVENTS_INTERVAL_MS: '2000',
    }),
    false,
  );
});

afterAll(async () => {
  if (!closed) await app.close();
});

const variables = { namespace: 'library', repository: 'busybox' };

async function metric(name: string): Promise<number> {
  if (app.metricsUrl === null) throw new Error('the app serves no /metrics');
  const text = await (await fetch(app.metricsUrl)).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  return Number(line?.slice(name.length + 1) ?? 0);
}

test('an interval below 2 s is refused at start', () => {
  expect(() => loadConfig({ TAG_EVENTS_INTERVAL_MS: '1999' })).toThrow(/TAG_EVENTS_INTERVAL_MS/);
  expect(loadConfig({}).tagEvents.intervalMs).toBe(10_000);
});

test('on the timer, a push reaches a subscriber at a later poll', async () => {
  const client = sseClient(app.url);
  const events = client.iterate<NonNullable<Result['data']>>({ query: TAG_EVENTS, variables });
  const first = events.next();
  // The first poll sets what later ones compare with.
  await until(async () => (await metric('gateway_tag_event_watchers')) === 1);
  await until(async () => (await metric('gateway_tag_event_upstream_requests_total')) >= 1);
  const sandbox = app.sandbox as SandboxHandle;
  const pushedAt = performance.now();
  const response = await fetch(
    `${sandbox.url}/sandbox/namespaces/library/repos/busybox/tags/timed`,
    {
      method: 'PUT',
      headers: { 'x-auth-token': DEMO_TOKEN, 'content-type': 'application/json' },
    },
  );
  expect(response.status).toBe(201);
  const event = (await first).value as Result;
  expect(event.data?.tagEvents).toMatchObject({ kind: 'PUSHED', name: 'timed' });
  process.stdout.write(
    `tag event after ${Math.round(performance.now() - pushedAt)} ms (interval 2000 ms)\n`,
  );
  await events.return?.();
  client.dispose();
});

test('closing the app ends the subscriptions over SSE and WebSocket', async () => {
  const sse = sseClient(app.url);
  const overSse = sse.iterate({ query: TAG_EVENTS, variables });
  const ws = createClient({
    url: app.url.replace('http://', 'ws://'),
    webSocketImpl: WebSocket,
    connectionParams: { 'x-auth-token': DEMO_TOKEN },
    retryAttempts: 0,
  });
  const overWs = ws.iterate({ query: TAG_EVENTS, variables });
  const sseEnd = overSse.next();
  const wsEnd = overWs.next().then(
    (step) => step.done,
    () => true,
  );
  await until(async () => (await metric('gateway_tag_event_subscribers')) === 2);
  closed = true;
  await app.close();
  expect((await sseEnd).done).toBe(true);
  expect(await wsEnd).toBe(true);
  sse.dispose();
  await ws.dispose();
});
