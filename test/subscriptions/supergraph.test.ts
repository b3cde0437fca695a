import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { DEPLOYMENTS_SDL, listen, startDeployments } from '../federation/deployments';
import type { Listening } from '../support/listen';
import { TAG_EVENTS, sseClient, startLiveApp, type LiveApp, type Result } from './support';

/**
 * Live tags through a supergraph: Hive Gateway's runtime, over this subgraph and the
 * `deployments` one, serves `Subscription.tagEvents` to a client over SSE, taking it from
 * `/subgraph` over SSE with the caller's token passed on.
 */

let live: LiveApp;
let deployments: Listening;
let router: Listening;
let disposeRouter: () => Promise<void> | void;

beforeAll(async () => {
  live = await startLiveApp();
  deployments = await startDeployments();
  const service = (await (
    await fetch(live.app.subgraphUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    })
  ).json()) as { data: { _service: { sdl: string } } };
  const composed = composeServices([
    { name: 'swr', typeDefs: parse(service.data._service.sdl), url: live.app.subgraphUrl },
    { name: 'deployments', typeDefs: parse(DEPLOYMENTS_SDL), url: deployments.url },
  ]);
  expect(composed.errors).toBeUndefined();
  const runtime = createGatewayRuntime({
    supergraph: composed.supergraphSdl as string,
    logging: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({
        'x-auth-token': request.headers.get('x-auth-token'),
      }),
    },
  });
  disposeRouter = () => runtime.dispose();
  router = await listen((request, response) => void runtime(request, response), '/graphql');
});

afterAll(async () => {
  await router.close();
  await disposeRouter();
  await deployments.close();
  await live.close();
});

test('a client of Hive Gateway receives the events of a push, with its own token', async () => {
  const client = sseClient(`${router.url}/graphql`, DEMO_TOKEN);
  const events = client.iterate<NonNullable<Result['data']>>({
    query: TAG_EVENTS,
    variables: { namespace: 'library', repository: 'busybox' },
  });
  await live.ticker.until(1);
  await live.push('busybox', 'through-the-router');
  await live.ticker.tick();
  const pushed = (await events.next()).value as Result;
  expect(pushed.data?.tagEvents).toMatchObject({ kind: 'PUSHED', name: 'through-the-router' });
  await events.return?.();
  await live.ticker.until(0);
  client.dispose();
});

test('without a token, the subscription through Hive Gateway ends with UNAUTHENTICATED', async () => {
  const client = sseClient(`${router.url}/graphql`, null);
  const events = client.iterate<NonNullable<Result['data']>>({
    query: TAG_EVENTS,
    variables: { namespace: 'library', repository: 'busybox' },
  });
  const refused = (await events.next()).value as Result;
  expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(live.ticker.watching).toBe(0);
  await events.return?.();
  client.dispose();
});
