import { ApolloClient, InMemoryCache, gql } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { Client as UrqlClient, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { TAG_EVENTS, sseClient, startLiveApp, type LiveApp, type TagEventData } from './support';

/**
 * Live tags as front-end libraries take them: Apollo Client 4 over WebSocket (GraphQLWsLink),
 * its cache gaining the pushed tag as a normalized `Tag`; urql over SSE (subscriptionExchange
 * on graphql-sse).
 */

let live: LiveApp;

beforeAll(async () => {
  live = await startLiveApp();
});

afterAll(async () => {
  await live.close();
});

const variables = { namespace: 'library', repository: 'busybox' };

/** Events as they arrive, taken one at a time. */
function inbox<T>() {
  const received: T[] = [];
  const waiting: (() => void)[] = [];
  return {
    put(value: T) {
      received.push(value);
      waiting.splice(0).forEach((resolve) => {
        resolve();
      });
    },
    async take(): Promise<T> {
      while (received.length === 0) await new Promise<void>((resolve) => waiting.push(resolve));
      return received.shift() as T;
    },
  };
}

test('Apollo Client over WebSocket receives a push, and its cache gains the tag', async () => {
  const ws = createClient({
    url: live.app.url.replace('http://', 'ws://'),
    webSocketImpl: WebSocket,
    connectionParams: { 'x-auth-token': DEMO_TOKEN },
    retryAttempts: 0,
  });
  const apollo = new ApolloClient({ link: new GraphQLWsLink(ws), cache: new InMemoryCache() });
  const events = inbox<TagEventData>();
  const subscription = apollo.subscribe<{ tagEvents: TagEventData }>({
    query: gql(TAG_EVENTS),
    variables,
  });
  const watching = subscription.subscribe({
    next: ({ data }) => {
      if (data) events.put(data.tagEvents);
    },
  });
  await live.ticker.until(1);
  await live.push('busybox', 'apollo-1');
  await live.ticker.tick();
  const pushed = await events.take();
  expect(pushed).toMatchObject({ kind: 'PUSHED', name: 'apollo-1' });
  const cached = apollo.cache.extract() as Record<string, { name?: string } | undefined>;
  expect(cached[`Tag:${pushed.tagId}`]?.name).toBe('apollo-1');

  watching.unsubscribe();
  await live.ticker.until(0);
  await ws.dispose();
  apollo.stop();
});

test('urql over SSE receives a push and a deletion', async () => {
  const sse = sseClient(live.app.url);
  const urql = new UrqlClient({
    url: live.app.url,
    exchanges: [
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: sse.subscribe({ ...request, query: request.query ?? '' }, sink),
          }),
        }),
      }),
      fetchExchange,
    ],
  });
  const events = inbox<TagEventData>();
  const watching = urql
    .subscription<{ tagEvents: TagEventData }>(TAG_EVENTS, variables)
    .subscribe((result) => {
      if (result.data) events.put(result.data.tagEvents);
    });
  await live.ticker.until(1);
  await live.push('busybox', 'urql-1');
  await live.ticker.tick();
  expect(await events.take()).toMatchObject({ kind: 'PUSHED', name: 'urql-1' });
  await live.remove('busybox', 'urql-1');
  await live.ticker.tick();
  expect(await events.take()).toMatchObject({ kind: 'DELETED', name: 'urql-1', tag: null });

  watching.unsubscribe();
  await live.ticker.until(0);
  sse.dispose();
});
